"""Pathspecs as `git log -- PATH...` reads them: pure matching of paths, no repository.

git's rules (Documentation/glossary-content.txt, "pathspec"; dir.c, tree-walk.c):
- a pathspec without wildcards matches the path itself and everything below it;
- one with wildcards (`*`, `?`, `[...]`) is an fnmatch pattern that must match the
  whole path, in which `*` also matches `/` (`Doc*` selects Documentation/io.rst, but
  `fs/io_urin?` selects no file below fs/io_uring/);
- magic: `:(exclude)` (short `:!` or `:^`), `:(glob)` (`*` stops at `/`, `**` crosses
  it), `:(icase)`, `:(literal)` and `:(top)` (short `:/`, the default here: a digest
  has no current directory inside the tree, every pathspec is from the top).
A path is kept when some positive pathspec matches it (or there are only exclusions)
and no exclusion does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from gitdigest.errors import GitDigestError

_WILD = re.compile(r"[*?\[\\]")
_MAGIC_WORDS = frozenset({"exclude", "glob", "icase", "literal", "top"})
_SHORT_MAGIC = {"!": "exclude", "^": "exclude", "/": "top"}


class PathspecError(GitDigestError):
    """A pathspec git would refuse (unknown magic, glob and literal together)."""


@dataclass(frozen=True)
class Pathspec:
    """One parsed pathspec."""

    text: str
    """As given."""
    pattern: str
    """The pattern without its magic, without a leading `./` or `/`."""
    exclude: bool = False
    glob: bool = False
    icase: bool = False
    literal: bool = False

    @property
    def wild(self) -> bool:
        """The pattern has wildcards that count (not under `:(literal)`)."""
        return not self.literal and bool(_WILD.search(self.pattern))


def parse(text: str) -> Pathspec:
    """One pathspec, its magic read as git reads it."""
    magic: set[str] = set()
    rest = text
    if rest.startswith(":("):
        close = rest.find(")")
        if close < 0:
            raise PathspecError(f"{text}: missing ')' at the end of pathspec magic")
        for word in filter(None, (w.strip() for w in rest[2:close].split(","))):
            if word not in _MAGIC_WORDS:
                raise PathspecError(f"{text}: pathspec magic '{word}' is not supported")
            magic.add(word)
        rest = rest[close + 1 :]
    elif rest.startswith(":"):
        rest = rest[1:]
        while rest and rest[0] in _SHORT_MAGIC:
            magic.add(_SHORT_MAGIC[rest[0]])
            rest = rest[1:]
        rest = rest.removeprefix(":")
    if {"glob", "literal"} <= magic:
        raise PathspecError(f"{text}: 'literal' and 'glob' magic are incompatible")
    while rest.startswith("./"):
        rest = rest[2:]
    rest = rest.lstrip("/")
    return Pathspec(text, rest, "exclude" in magic, "glob" in magic, "icase" in magic, "literal" in magic)


def matches(spec: Pathspec, path: str) -> bool:
    """The pathspec selects this path (its own sense: an exclusion "matches" what it excludes)."""
    pattern, name = (spec.pattern.lower(), path.lower()) if spec.icase else (spec.pattern, path)
    if not pattern or pattern == ".":
        return True
    if _under(pattern, name):
        return True
    if not spec.wild:
        return False
    return _compile(spec).fullmatch(path) is not None


def selects(specs: Sequence[Pathspec], paths: Iterable[str]) -> bool:
    """Some path is selected: matched by a positive pathspec (or any, with only
    exclusions) and by no exclusion."""
    positive = [s for s in specs if not s.exclude]
    negative = [s for s in specs if s.exclude]
    return any(
        (not positive or any(matches(s, path) for s in positive)) and not any(matches(s, path) for s in negative)
        for path in paths
    )


def _under(pattern: str, name: str) -> bool:
    """`name` is the pattern itself or lies below it (the pattern taken literally)."""
    if name == pattern.rstrip("/") or (pattern.endswith("/") and name.startswith(pattern)):
        return True
    return name.startswith(pattern) and name[len(pattern) : len(pattern) + 1] == "/"


@lru_cache(maxsize=256)
def _compile(spec: Pathspec) -> re.Pattern[str]:
    """The pattern as a regular expression, as git's wildmatch reads it (WM_PATHNAME under `:(glob)`)."""
    out: list[str] = []
    pattern, i = spec.pattern, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            stars = len(pattern[i:]) - len(pattern[i:].lstrip("*"))
            at_start = i == 0 or pattern[i - 1] == "/"
            if spec.glob and stars >= 2 and at_start and pattern[i + stars : i + stars + 1] == "/":
                out.append("(?:.*/)?")
                stars += 1
            elif spec.glob and stars >= 2 and at_start and i + stars == len(pattern):
                out.append(".*")
            else:
                out.append("[^/]*" if spec.glob else ".*")
            i += stars
            continue
        if char == "?":
            out.append("[^/]" if spec.glob else ".")
        elif char == "[" and (end := _bracket_end(pattern, i)) > 0:
            out.append(_bracket(pattern[i + 1 : end], spec.glob))
            i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL if spec.icase else re.DOTALL)


def _bracket_end(pattern: str, start: int) -> int:
    """Where the bracket expression opened at `start` closes, or -1 (then `[` is literal)."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    end = pattern.find("]", i)
    return end


def _bracket(inside: str, glob: bool) -> str:
    """A wildmatch bracket expression as a regex class (`[!a-z]` is `[^a-z]`)."""
    negate = inside[:1] in ("!", "^")
    body = inside[1:] if negate else inside
    escaped = "".join("\\" + c if c in "\\]^[" else c for c in body)
    if negate:
        return f"[^{escaped}/]" if glob else f"[^{escaped}]"
    return f"[{escaped}]"
