"""A code tree's MAINTAINERS file, read as scripts/get_maintainer.pl reads it.

A section is a name line followed by `X: value` lines (the kernel's and QEMU's
format alike; QEMU's group headings and their `----` underlines are not sections).
For a file, a section applies when none of its `X:` patterns matches and one of its
`F:` patterns or `N:` regexes does. `F:`/`X:` patterns are get_maintainer.pl's:
`*` is `.*` (it crosses `/`), `?` is one character, a pattern naming a directory of
the tree (or ending in `/`) takes everything below it, and any other pattern matches
only at its own depth (`drivers/net/*` is not `drivers/net/wireless/x.c`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pygit2

from gitdigest.errors import GitDigestError

_FIELD = re.compile(r"^([A-Z]):\s*(.*?)\s*$")
_UNDERLINE = re.compile(r"^[-=\s]*$")


class MaintainersError(GitDigestError):
    """No MAINTAINERS file, or no section by the name asked for."""


@dataclass(frozen=True)
class Section:
    """One MAINTAINERS entry: its name and the fields that route files to it."""

    name: str
    files: tuple[str, ...] = ()
    """`F:` patterns, as get_maintainer.pl turns them into regexes."""
    excludes: tuple[str, ...] = ()
    """`X:` patterns, the same way."""
    regexes: tuple[str, ...] = ()
    """`N:` regexes, matched anywhere in a path (Perl's /x: blanks in them do not count)."""
    given_files: tuple[str, ...] = ()
    """The `F:` values as the file writes them."""
    given_excludes: tuple[str, ...] = ()
    """The `X:` values as the file writes them."""

    def covers(self, path: str) -> bool:
        """get_maintainer.pl would route a change of `path` to this section."""
        if any(_file_match(path, x) for x in self.excludes):
            return False
        if any(_file_match(path, f) for f in self.files):
            return True
        return any(_search(n, path) for n in self.regexes)


def parse(text: str, is_dir: Callable[[str], bool] = lambda _path: False) -> tuple[Section, ...]:
    """The sections of a MAINTAINERS text; `is_dir` says which patterns name a tree directory."""
    sections: list[Section] = []
    name = ""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        found = _FIELD.match(line)
        if found:
            if name:
                fields.setdefault(found.group(1), []).append(found.group(2))
            continue
        if fields and name:
            sections.append(_section(name, fields, is_dir))
        fields = {}
        if line.strip() and not _UNDERLINE.match(line):
            name = line.strip()
        elif not line.strip():
            name = ""
    if fields and name:
        sections.append(_section(name, fields, is_dir))
    return tuple(sections)


def find(sections: Sequence[Section], word: str) -> tuple[Section, ...]:
    """The sections whose name holds `word`, in any case."""
    lowered = word.lower()
    return tuple(s for s in sections if lowered in s.name.lower())


def named(sections: Sequence[Section], names: Iterable[str]) -> tuple[Section, ...]:
    """The sections by their exact names (case aside); an error names one that is not there."""
    by_name = {s.name.lower(): s for s in sections}
    chosen = []
    for wanted in names:
        section = by_name.get(wanted.strip().lower())
        if section is None:
            near = find(sections, wanted.strip())
            hint = f"; did you mean: {', '.join(repr(s.name) for s in near[:3])}" if near else "; see `git digest maintainers WORD`"
            raise MaintainersError(f"no MAINTAINERS section named {wanted!r}{hint}")
        chosen.append(section)
    return tuple(chosen)


def read(tree: Path) -> tuple[Section, ...]:
    """The sections of the tree's MAINTAINERS: its work tree's file, else the one at HEAD."""
    path = tree / "MAINTAINERS"
    if path.is_file():
        return parse(path.read_text(encoding="utf-8", errors="replace"), lambda p: (tree / p).is_dir())
    try:
        repo = pygit2.Repository(str(tree))
        head = repo.revparse_single("HEAD").peel(pygit2.Tree)
        blob = head["MAINTAINERS"]
    except (pygit2.GitError, KeyError, ValueError) as err:
        raise MaintainersError(f"{tree}: no MAINTAINERS file") from err
    if not isinstance(blob, pygit2.Blob):
        raise MaintainersError(f"{tree}: MAINTAINERS is not a file")
    text = blob.data.decode("utf-8", errors="replace")
    return parse(text, lambda p: _tree_dir(head, p))


def _tree_dir(head: pygit2.Tree, path: str) -> bool:
    try:
        return head[path.rstrip("/")].type == pygit2.GIT_OBJECT_TREE
    except KeyError:
        return False


def _section(name: str, fields: dict[str, list[str]], is_dir: Callable[[str], bool]) -> Section:
    convert = lambda values: tuple(_pattern(v, is_dir) for v in values if v)
    regexes = tuple(n for n in fields.get("N", ()) if _valid(n))
    files, excludes = fields.get("F", []), fields.get("X", [])
    return Section(name, convert(files), convert(excludes), regexes, tuple(files), tuple(excludes))


def _pattern(value: str, is_dir: Callable[[str], bool]) -> str:
    """An `F:`/`X:` value as get_maintainer.pl rewrites it: `.` literal, `*` is `.*`, `?` is `.`,
    a trailing `/` added when it names a directory of the tree."""
    regex = re.escape(value).replace(r"\*", ".*").replace(r"\?", ".").replace(r"\/", "/")
    if not value.endswith("/") and is_dir(value):
        regex += "/"
    return regex


def _file_match(path: str, pattern: str) -> bool:
    """get_maintainer.pl's file_match_pattern: under a directory pattern, or at the pattern's own depth."""
    if re.match(pattern, path) is None:
        return False
    return pattern.endswith("/") or path.count("/") == pattern.count("/")


def _valid(regex: str) -> bool:
    try:
        re.compile(regex, re.VERBOSE)
    except re.error:
        return False
    return True


def _search(regex: str, path: str) -> bool:
    return re.search(regex, path, re.VERBOSE) is not None
