"""The paths a posted diff touches, read from its headers as `git apply` reads them.

One pass over the lines: a `--- X` line directly followed by `+++ Y` names both sides
(either may be /dev/null); `rename from/to` and `copy from/to` name the two sides of a
change with no hunk; a `diff --git a/P b/P` with no such lines (a mode change, a binary
file) names P. The first path component (git's `a/` and `b/`, or any -p1 prefix) is dropped.
"""

from __future__ import annotations

MAX_PATHS = 10_000
"""A diff naming more paths than this is read no further (no real patch comes near)."""
_NULL = "/dev/null"
_SIDES = ("rename from ", "rename to ", "copy from ", "copy to ")


def touched(body: str) -> tuple[str, ...]:
    """The paths the diffs in `body` touch, old and new names, each once, in order of appearance."""
    found: dict[str, None] = {}
    previous = ""
    for line in body.splitlines():
        if len(found) >= MAX_PATHS:
            break
        if line.startswith("+++ ") and previous.startswith("--- "):
            for side in (previous, line):
                _add(found, _strip(_unquote(side[4:].split("\t", 1)[0].rstrip())))
        elif line.startswith(_SIDES):
            _add(found, _unquote(line.split(" ", 2)[2]))
        elif line.startswith("diff --git "):
            _add(found, _git_header_path(line[len("diff --git "):]))
        previous = line
    return tuple(found)


def _add(found: dict[str, None], path: str) -> None:
    if path and path != _NULL:
        found.setdefault(path, None)


def _strip(path: str) -> str:
    """A side of a `---`/`+++` pair without its first component: `a/fs/x.c` is `fs/x.c`."""
    if path == _NULL:
        return path
    return path.partition("/")[2]


def _git_header_path(rest: str) -> str:
    """P from `a/P b/P` (the two halves equal, as git writes them when nothing is renamed), else ''."""
    rest = rest.rstrip()
    if len(rest) % 2 == 0:
        return ""
    half = len(rest) // 2
    old, new = rest[:half], rest[half + 1 :]
    old_path, new_path = old.partition("/")[2], new.partition("/")[2]
    return old_path if old_path and old_path == new_path and rest[half] == " " else ""


def _unquote(path: str) -> str:
    """A path as git quotes it when it holds unusual bytes (`"a/tab\\there"`), unquoted;
    octal escapes are kept as written."""
    if len(path) >= 2 and path[0] == path[-1] == '"':
        inner = path[1:-1]
        for escaped, plain in (("\\t", "\t"), ("\\n", "\n"), ('\\"', '"'), ("\\\\", "\\")):
            inner = inner.replace(escaped, plain)
        return inner
    return path
