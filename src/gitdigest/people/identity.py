"""Who a person is: the tree's `.mailmap`, a gitdm employer map, bots and relays.

The employer map is the format of LWN's git data miner (gitdm, `ConfigFile.py` and
`database.py`), as QEMU ships it under `contrib/gitdm/`:

- `aliases`: `variant canonical`, one per line; a quoted variant with no `@` is a display
  name (`"Ed Swierk via Qemu-devel" eswierk@...`: lists that rewrite From: for DMARC).
- `domain-map`: `address-or-domain  Employer Name  [< yyyy-mm-dd]`; the mapping holds
  for mail dated before the end date, so a person who changed employer has two lines.
- `group-map-NAME`: one address per line, all for the employer that `gitdm.config`'s
  `GroupMap FILE Employer` line names.

`#` starts a comment anywhere on a line. Lookups follow gitdm: aliases first, then the
exact address, then the domain's suffixes from the shortest (`intel.com` before
`linux.intel.com`), and the first mapping whose end date is after the message's date.
Reading the files is the loaders' I/O; every lookup is a pure function.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pygit2

from gitdigest.errors import ConfigError
from gitdigest.model import Person

UNKNOWN = "(Unknown)"
"""The employer of an address no map names, as gitdm calls it."""

_EMPLOYER_LINE = re.compile(r"^(\S+)\s+([^<]+?)\s*(?:<\s*(\d+-\d+-\d+)\s*)?$")  # gitdm's EMMpat
_ALIAS_LINE = re.compile(r'^("[^"]+"|\S+)\s+(.+)$')

# Senders that are programs, not people: kept out of contributors and reviewers.
_BOT_ADDRESSES = (
    (re.compile(r"^lkp@intel\.com$"), "kernel test robot"),
    (re.compile(r"^syzbot(\+[^@]*)?@syzkaller\.appspotmail\.com$"), "syzbot"),
    (re.compile(r"^patchwork-bot(\+[^@]*)?@kernel\.org$"), "patchwork-bot"),
    (re.compile(r"^pr-tracker-bot@kernel\.org$"), "pr-tracker-bot"),
)
_BOT_NAMES = {"kernel test robot": "kernel test robot", "syzbot": "syzbot"}
# B4 Relay sends for people without a working SMTP setup: From: `Name via B4 Relay
# <devnull+user.domain@kernel.org>`, the real author in X-Original-From.
_RELAY_ADDRESS = re.compile(r"^devnull\+[^@]*@kernel\.org$")
RELAY = "B4 Relay"


@dataclass(frozen=True)
class Affiliation:
    """One line of an employer map: an employer, until an end date (exclusive) or for good."""

    employer: str
    until: datetime.date | None = None


@dataclass(frozen=True)
class OrgMap:
    """A gitdm employer map, parsed."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    """Secondary address (or display name) -> canonical address, all in lower case."""
    employers: Mapping[str, tuple[Affiliation, ...]] = field(default_factory=dict)
    """Address or domain -> its affiliations, earliest end date first, open-ended last."""


@dataclass(frozen=True)
class Identity:
    """How people are named and placed: a mailmap, maybe an employer map."""

    mailmap: Callable[[Person], Person] | None = None
    orgmap: OrgMap | None = None

    def person(self, person: Person) -> Person:
        """The canonical person: the mailmap's name and address, then gitdm's address alias."""
        if self.mailmap is not None:
            person = self.mailmap(person)
        if self.orgmap is not None:
            alias = self.orgmap.aliases.get(person.email) or self.orgmap.aliases.get(person.name.lower())
            if alias:
                person = Person(person.name, alias)
        return person

    def address_alias(self) -> Callable[[Person], str] | None:
        """The address a person counts as when revisions are compared for the same author
        (series/topics.py): the mailmap's, then gitdm's alias of that address, never of a
        name (a display name proves nothing). None when neither maps addresses."""
        if self.mailmap is None and not (self.orgmap and self.orgmap.aliases):
            return None
        mailmap, aliases = self.mailmap, self.orgmap.aliases if self.orgmap else {}

        def alias(person: Person) -> str:
            email = mailmap(person).email if mailmap is not None else person.email
            # gitdm's aliases also key on names; only an address is looked up here.
            return (aliases.get(email) or email) if "@" in email else email

        return alias

    def employer(self, person: Person, when: datetime.datetime | datetime.date) -> str:
        """The employer of a canonical person on a date, or UNKNOWN."""
        return employer_of(self.orgmap, person.email, when) if self.orgmap else UNKNOWN


NO_IDENTITY = Identity()


def employer_of(orgmap: OrgMap, address: str, when: datetime.datetime | datetime.date) -> str:
    """gitdm's MapToEmployer: the exact address, then the domain's suffixes, shortest first.

    An address whose every mapping has ended falls back to its domain's (gitdm has no
    answer there), and then to UNKNOWN.
    """
    day = when.date() if isinstance(when, datetime.datetime) else when
    address = address.lower()
    labels = address.rpartition("@")[2].split(".") if "@" in address else []
    keys = [address] + [".".join(labels[i:]) for i in range(len(labels) - 2, -1, -1)]
    for key in keys:
        for aff in orgmap.employers.get(key, ()):
            if aff.until is None or aff.until > day:
                return aff.employer
    return UNKNOWN


@functools.lru_cache(maxsize=1 << 16)
def bot_name(person: Person) -> str | None:
    """The bot's name when a program sent the message (kernel test robot, syzbot ...), else None.

    Remembered per person: every table asks it of every message, and a list has few senders.
    """
    for pattern, name in _BOT_ADDRESSES:
        if pattern.match(person.email):
            return name
    return _BOT_NAMES.get(person.name.strip().lower())


def is_relay(person: Person) -> bool:
    """The B4 Relay's own address: the message's author is not known from it."""
    return bool(_RELAY_ADDRESS.match(person.email)) or person.name.endswith(" via B4 Relay")


# Parsing: text -> records (pure), then the loaders that read the files.


def config_lines(text: str) -> Iterable[tuple[int, str]]:
    """gitdm's ReadConfigLine: (line number, line) without comments and blank lines."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            yield number, line


def parse_aliases(text: str, source: str = "aliases") -> dict[str, str]:
    """An EmailAliases file: variant -> canonical address, in lower case."""
    out: dict[str, str] = {}
    for number, line in config_lines(text):
        match = _ALIAS_LINE.match(line)
        if not match or match.group(2).find("@") <= 0:
            raise ConfigError(f"{source}:{number}: not an alias line (variant canonical@address): {line!r}")
        out[match.group(1).replace('"', "").lower()] = match.group(2).strip().lower()
    return out


def parse_employers(text: str, source: str = "domain-map") -> list[tuple[str, Affiliation]]:
    """An EmailMap file: (address or domain, affiliation) in file order."""
    out = []
    for number, line in config_lines(text):
        match = _EMPLOYER_LINE.match(line)
        if not match:
            raise ConfigError(f"{source}:{number}: not an employer line (domain Employer [< yyyy-mm-dd]): {line!r}")
        out.append((match.group(1).lower(), Affiliation(match.group(2).strip(), _date(match.group(3), source, number))))
    return out


def parse_group(text: str, employer: str) -> list[tuple[str, Affiliation]]:
    """A GroupMap file: every line is an address (or domain) of `employer`, with no end date."""
    return [(line.lower(), Affiliation(employer)) for _number, line in config_lines(text)]


def _date(text: str | None, source: str, number: int) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date(*(int(part) for part in text.split("-")))
    except ValueError as err:
        raise ConfigError(f"{source}:{number}: {text!r} is not a date (yyyy-mm-dd)") from err


def build(aliases: Mapping[str, str], entries: Iterable[tuple[str, Affiliation]]) -> OrgMap:
    """An OrgMap from aliases and affiliations: per key by end date, the first of equals kept first."""
    employers: dict[str, list[Affiliation]] = {}
    for key, aff in entries:
        employers.setdefault(key, []).append(aff)
    # A stable sort keeps gitdm's rule: of two lines with the same end, the one read first wins.
    ordered = {k: tuple(sorted(v, key=lambda a: (a.until is None, a.until or datetime.date.min))) for k, v in employers.items()}
    return OrgMap(aliases=dict(aliases), employers=ordered)


@dataclass(frozen=True)
class MapFile:
    """One map file a gitdm configuration names: its directive, path and argument."""

    directive: str
    """`EmailAliases`, `EmailMap`, `GroupMap` (others are read past)."""
    path: str
    argument: str = ""
    """A `GroupMap`'s employer name."""


def parse_config(text: str, source: str = "gitdm.config") -> list[MapFile]:
    """A gitdm.config: the directives that name map files, with their paths and arguments.

    The loader passes over `VirtualEmployer` blocks (one person's work split across
    employers), `RXEmailAliases` (regular expressions) and `FileTypeMap` (file kinds).
    """
    out = []
    in_virtual = False
    for number, line in config_lines(text):
        words = line.split(None, 2)
        if in_virtual:
            in_virtual = words[0] != "end"
        elif words[0] == "VirtualEmployer":
            in_virtual = True
        elif words[0] in ("EmailAliases", "EmailMap", "RXEmailAliases", "FileTypeMap") and len(words) >= 2:
            out.append(MapFile(words[0], words[1]))
        elif words[0] == "GroupMap" and len(words) == 3:
            out.append(MapFile(words[0], words[1], words[2]))
        else:
            raise ConfigError(f"{source}:{number}: not a gitdm configuration line: {line!r}")
    return out


# Loaders: the only I/O of identity, at the edge.


def load(tree: Path | None = None, mailmap: Path | None = None, orgmap: Path | None = None) -> Identity:
    """The identity a run uses: the tree's `.mailmap`, then `digest.mailmap`'s file, and `digest.orgmap`."""
    texts = ([tree_mailmap(tree)] if tree is not None else []) + ([_read(mailmap, "digest.mailmap")] if mailmap else [])
    texts = [t for t in texts if t.strip()]
    return Identity(mailmap=mailmap_resolver("\n".join(texts)) if texts else None, orgmap=load_orgmap(orgmap) if orgmap else None)


def mailmap_resolver(text: str) -> Callable[[Person], Person]:
    """A person as a mailmap's text names them; addresses compared in lower case, as git does."""
    # libgit2 compares addresses case-sensitively and git does not: fold both sides.
    folded = re.sub(r"<([^<>]*)>", lambda m: "<" + m.group(1).lower() + ">", text)
    mailmap = pygit2.Mailmap.from_buffer(folded)

    def resolve(person: Person) -> Person:
        name, email = mailmap.resolve(person.name, person.email.lower())
        return Person(name, email.lower())

    return resolve


def tree_mailmap(path: Path) -> str:
    """The mailmap text git uses in a repository: `.mailmap` (HEAD's, when bare), `mailmap.blob`, `mailmap.file`."""
    found = pygit2.discover_repository(str(path))
    if not found:
        raise ConfigError(f"{path}: not a git repository (the code tree)")
    repo = pygit2.Repository(found)
    parts = []
    if not repo.is_bare and Path(repo.workdir, ".mailmap").is_file():
        parts.append(_read(Path(repo.workdir, ".mailmap"), ".mailmap"))
    blob = _config(repo, "mailmap.blob") or ("HEAD:.mailmap" if repo.is_bare else None)
    if blob:
        try:
            parts.append(repo.revparse_single(blob).peel(pygit2.Blob).data.decode("utf-8", "replace"))
        except (KeyError, ValueError, pygit2.GitError):
            pass  # git, too, reads no mailmap from a blob that is not there
    extra = _config(repo, "mailmap.file")
    if extra:
        parts.append(_read(Path(extra).expanduser(), "mailmap.file"))
    return "\n".join(parts)


def _config(repo: pygit2.Repository, key: str) -> str | None:
    try:
        return repo.config[key]
    except KeyError:
        return None


def load_orgmap(path: Path) -> OrgMap:
    """A gitdm employer map: a directory like QEMU's `contrib/gitdm/`, or a `gitdm.config` file."""
    path = path.expanduser()
    if path.is_dir():
        files = _directory_files(path)
    elif path.is_file():
        files = [dataclasses.replace(f, path=str(path.parent / f.path)) for f in parse_config(_read(path, "digest.orgmap"), str(path))]
    else:
        raise ConfigError(f"digest.orgmap: {path}: no such file or directory")
    aliases: dict[str, str] = {}
    entries: list[tuple[str, Affiliation]] = []
    for one in files:
        file = Path(one.path)
        if one.directive == "EmailAliases":
            aliases.update(parse_aliases(_read(file, "digest.orgmap"), str(file)))
        elif one.directive == "EmailMap":
            entries += parse_employers(_read(file, "digest.orgmap"), str(file))
        elif one.directive == "GroupMap":
            entries += parse_group(_read(file, "digest.orgmap"), one.argument)
    return build(aliases, entries)


def _directory_files(top: Path) -> list[MapFile]:
    """The map files of a gitdm directory, in the order QEMU's gitdm.config reads them."""
    groups = sorted(top.glob("group-map-*"))
    out = [MapFile(kind, str(top / name)) for kind, name in (("EmailAliases", "aliases"), ("EmailMap", "domain-map")) if (top / name).is_file()]
    if not out and not groups:
        raise ConfigError(f"digest.orgmap: {top}: no gitdm map files (aliases, domain-map, group-map-*)")
    named = _group_names(top)
    known = {e.employer for _k, e in parse_employers(_read(top / "domain-map", "digest.orgmap"))} if (top / "domain-map").is_file() else set()
    return out + [MapFile("GroupMap", str(g), named.get(g.resolve()) or _group_name(g.name, known)) for g in groups]


def _group_names(top: Path) -> dict[Path, str]:
    """Employer names from the `GroupMap` lines of a gitdm.config beside or above the directory."""
    for where in (top, top.parent, top.parent.parent):
        config = where / "gitdm.config"
        if config.is_file():
            lines = parse_config(_read(config, "digest.orgmap"), str(config))
            return {(where / f.path).resolve(): f.argument for f in lines if f.directive == "GroupMap"}
    return {}


def _group_name(filename: str, known: Iterable[str]) -> str:
    """`group-map-redhat` -> `Red Hat` when the domain map knows the employer, else `Redhat`."""
    suffix = filename.removeprefix("group-map-")
    squash = lambda text: re.sub(r"[^0-9a-z]", "", text.casefold())
    return next((e for e in sorted(known) if squash(e) == squash(suffix)), suffix.replace("-", " ").title())


_MAX_MAP = 64 << 20
"""A mailmap or gitdm file larger than this is not one (the kernel's .mailmap is 100 KB)."""


def _read(path: Path, setting: str) -> str:
    """A map file's text: a regular file under _MAX_MAP bytes (never /dev/zero or a FIFO)."""
    try:
        # O_NONBLOCK: a FIFO must not block the open.
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NONBLOCK)) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ConfigError(f"{setting}: {path}: not a regular file")
            if info.st_size > _MAX_MAP:
                raise ConfigError(f"{setting}: {path}: over {_MAX_MAP:,} bytes; not a map file")
            return handle.read(_MAX_MAP + 1).decode("utf-8", errors="replace")
    except OSError as err:
        raise ConfigError(f"{setting}: {path}: {err.strerror or err}") from err
