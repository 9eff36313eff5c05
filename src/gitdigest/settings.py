"""`digest.*` settings from git config, read once into a frozen record."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import git

from gitdigest.errors import ConfigError, RangeError
from gitdigest.model import DEFAULT_LORE_URL, MAX_MESSAGE_SIZE, Format, LoreConfig

HOOK_TIMEOUT = 5.0
"""The pre-push hook's default time budget, in seconds (the installed stub's too)."""


@dataclass(frozen=True)
class Settings:
    """What git config says, with git's own include and scope rules."""

    archive: Path | None = None
    """`digest.archive`: where the list archive is when not given on the command line."""
    list_name: str = ""
    """`digest.listName`: the list's name for titles and lore links."""
    format: Format = Format.TEXT
    """`digest.format`: the default output format."""
    tree: Path | None = None
    """`digest.tree`: the code tree merged-detection looks at, when not the current directory."""
    tree_refs: tuple[str, ...] = ()
    """`digest.treeRefs`: refs besides HEAD whose commits count as merged (space-separated,
    and the key may be given more than once)."""
    max_message_size: int = MAX_MESSAGE_SIZE
    """`digest.maxMessageSize`: larger messages are skipped, and the skip reported (`10m`, `512k`)."""
    index: Path | None = None
    """`digest.index`: the index file, when not the default one under the XDG cache."""
    mailmap: Path | None = None
    """`digest.mailmap`: a mailmap file, for when no code tree (and its `.mailmap`) is known."""
    orgmap: Path | None = None
    """`digest.orgmap`: a gitdm employer map, a directory like QEMU's `contrib/gitdm/` or a gitdm.config."""
    tree_web: str = ""
    """`digest.treeWeb`: a commit's web page, `%s` for its id (cgit `.../commit/?id=%s`, GitHub `.../commit/%s`)."""
    online: bool = False
    """`digest.online`: fetch from lore what the local archive lacks, as `--online` does."""
    lore: LoreConfig = LoreConfig()
    """Where online mode asks: `digest.onlineUrl`, else b4's `b4.midmask`, else lore.kernel.org;
    `digest.onlineTimeout`, else liblore's own timeout; and `digest.onlineLimit` requests a run."""
    hook_block: bool = False
    """`digest.hook.block`: the pre-push hook refuses a push that carries a superseded revision."""
    hook_block_unposted: bool = False
    """`digest.hook.blockUnposted`: the pre-push hook also refuses commits never posted to the list."""
    maintainers: tuple[str, ...] = ()
    """`digest.maintainer` (may be given more than once): the MAINTAINERS sections a digest keeps."""
    archives: tuple[Path, ...] = ()
    """Every `digest.archive` value, for a digest over several lists (`archive` is the last)."""
    hook_timeout: float = HOOK_TIMEOUT
    """`digest.hook.timeout`: seconds after which the pre-push hook lets the push go without a summary."""


def load(cwd: Path) -> Settings:
    """Read `digest.*` as git would in `cwd` (repository, global and system config)."""
    every = _config(cwd)
    values = {key: found[-1] for key, found in every.items()}  # as git: the last one wins
    archive = values.get("digest.archive")
    return Settings(
        archive=Path(archive).expanduser() if archive else None,
        list_name=values.get("digest.listname", ""),
        format=_format(values.get("digest.format")),
        tree=Path(values["digest.tree"]).expanduser() if values.get("digest.tree") else None,
        tree_refs=tuple(ref for value in every.get("digest.treerefs", []) for ref in value.split()),
        max_message_size=_size("digest.maxMessageSize", values.get("digest.maxmessagesize")),
        index=Path(values["digest.index"]).expanduser() if values.get("digest.index") else None,
        mailmap=Path(values["digest.mailmap"]).expanduser() if values.get("digest.mailmap") else None,
        orgmap=Path(values["digest.orgmap"]).expanduser() if values.get("digest.orgmap") else None,
        tree_web=_web(values.get("digest.treeweb", "")),
        online=_bool("digest.online", values.get("digest.online")),
        lore=LoreConfig(
            base_url(values.get("digest.onlineurl", ""), values.get("b4.midmask", ""), values.get("b4.searchmask", "")),
            timeout(values.get("digest.onlinetimeout")),
            limit(values.get("digest.onlinelimit")),
        ),
        hook_block=_bool("digest.hook.block", values.get("digest.hook.block")),
        hook_block_unposted=_bool("digest.hook.blockUnposted", values.get("digest.hook.blockunposted")),
        maintainers=tuple(v for v in every.get("digest.maintainer", []) if v.strip()),
        archives=tuple(Path(v).expanduser() for v in every.get("digest.archive", []) if v),
        hook_timeout=_seconds("digest.hook.timeout", values.get("digest.hook.timeout")),
    )


def _format(text: str | None) -> Format:
    """`digest.format`: one of the output formats, checked when it is read."""
    if text is None or not text.strip():
        return Format.TEXT
    try:
        return Format(text.strip().lower())
    except ValueError:
        names = ", ".join(f.value for f in Format)
        raise ConfigError(f"digest.format: {text!r} is not a format gitdigest writes ({names})") from None


def _web(text: str) -> str:
    """`digest.treeWeb`: an http or https URL template, or ''."""
    if text and not re.match(r"https?://[^\s\x00-\x1f]+$", text.strip(), re.IGNORECASE):
        raise ConfigError(f"digest.treeWeb: {text[:80]!r} is not an http(s) URL (https://host/commit/%s)")
    return text.strip()


def _seconds(key: str, text: str | None) -> float:
    """A positive whole number of seconds (the hook's sh stub reads the same value)."""
    if text is None:
        return HOOK_TIMEOUT
    if not text.strip().isdigit() or int(text) == 0:
        raise ConfigError(f"{key}: {text!r} is not a number of seconds (write it as 5)")
    return float(int(text))


def _bool(key: str, text: str | None) -> bool:
    """A boolean as git writes one (`true`/`yes`/`on`/`1`, `false`/`no`/`off`/`0`/empty)."""
    if text is None:
        return False
    value = text.strip().lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0", ""):
        return False
    raise ConfigError(f"{key}: {text!r} is not a boolean (true or false)")


# git's own suffixes for sizes in config (`git config --type=int`).
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(key: str, text: str | None) -> int:
    """A byte count written as git writes one (`10485760`, `512k`, `10m`, `1g`)."""
    if text is None:
        return MAX_MESSAGE_SIZE
    match = re.fullmatch(r"\s*(\d+)\s*([kmg]?)\s*", text, re.IGNORECASE)
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"{key}: {text!r} is not a size (write it as 10485760, 512k or 10m)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _config(cwd: Path) -> dict[str, list[str]]:
    """Every value of each `digest.*` key (and b4's masks), in git's order, keys in lower case."""
    try:
        # b4's masks too: online mode asks where b4 would (b4.midmask, b4.searchmask).
        out = git.Git(str(cwd)).config("--null", "--get-regexp", r"^digest\.|^b4\.(midmask|searchmask)$")
    except git.GitCommandError:
        # Exit status 1 means no such keys; anything else is a broken config git reports itself.
        return {}
    values: dict[str, list[str]] = {}
    for item in out.split("\0"):
        key, newline, value = item.partition("\n")
        if key:
            # A key with no `=` at all is git's "true" (`[digest] online`).
            values.setdefault(key.lower(), []).append(value if newline else "true")
    return values


# A date written the ISO way, whole: `2025-13-01`, `2025-02-30 10:00`, `2025-03-01T10:00:00+01:00`.
_ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[T ][\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?")


def parse_date(text: str) -> datetime.datetime:
    """An ISO date, or anything git's approxidate takes (`2 weeks ago`), as an aware datetime.

    A date written the ISO way that is no real day (2025-13-01) is an error: approxidate
    would read it as some other day."""
    try:
        when = datetime.datetime.fromisoformat(text)
        return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    except ValueError as err:
        if _ISO_DATE.fullmatch(text.strip()):
            raise RangeError(f"{text!r}: not a date ({err})") from err
    if text.startswith("-") or not text.strip():
        raise RangeError(f"{text!r}: not a date")
    return _approxidate(text)


def _approxidate(text: str) -> datetime.datetime:
    """git's approxidate, run where it works wherever the command runs: in an empty
    repository of its own, with no config read but git's defaults."""
    with tempfile.TemporaryDirectory(prefix="gitdigest-date-") as scratch:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_DIR": scratch}
        for var in ("GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE"):
            env.pop(var, None)
        try:
            subprocess.run(["git", "init", "-q", "--bare", scratch], env=env, check=True, capture_output=True)
            out = subprocess.run(["git", "rev-parse", f"--since={text}"], env=env, check=True,
                                 capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as err:
            raise RangeError(f"{text!r}: not a date (git: {err})") from err
    match = re.fullmatch(r"--max-age=(\d+)", out.strip())
    try:
        return datetime.datetime.fromtimestamp(int(match.group(1)), tz=datetime.timezone.utc)  # type: ignore[union-attr]
    except (AttributeError, OverflowError, OSError, ValueError) as err:
        raise RangeError(f"{text!r}: not a date") from err


def cache_dir() -> Path:
    """gitdigest's own cache: `$XDG_CACHE_HOME/gitdigest`, else `~/.cache/gitdigest`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gitdigest"


def base_url(explicit: str = "", midmask: str = "", searchmask: str = "") -> str:
    """The inbox URL: `digest.onlineUrl`, else `b4.midmask` or `b4.searchmask` without their
    `%s` part, as `b4.get_lore_node()` derives it, else lore.kernel.org's `/all`."""
    if explicit:
        url = explicit
    elif "%s" in midmask:
        url = midmask.replace("/%s", "").replace("%s", "")
    elif "%s" in searchmask:
        url = searchmask.partition("?")[0]
    else:
        url = DEFAULT_LORE_URL
    url = url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{url!r}: not an http(s) URL for online mode (digest.onlineUrl, b4.midmask)")
    # As b4 does: a bare origin means the whole of lore, `/all`.
    return url if parts.path not in ("", "/") else url + "/all"


def limit(text: str | None) -> int:
    """`digest.onlineLimit`: how many requests one run may make (a positive whole number)."""
    if text is None or not text.strip():
        return LoreConfig.limit
    if not text.strip().isdigit() or int(text) <= 0:
        raise ConfigError(f"digest.onlineLimit: {text!r} is not a positive number of requests")
    return int(text)


def timeout(text: str | None) -> float | None:
    """`digest.onlineTimeout` in seconds (a positive number), or None when it is not set."""
    if text is None or not text.strip():
        return None
    if not re.fullmatch(r"\s*\d+(?:\.\d*)?\s*", text) or float(text) <= 0:
        raise ConfigError(f"digest.onlineTimeout: {text!r} is not a number of seconds")
    return float(text)
