"""Patterns anchored at line starts, found without trying every position of a body.

`re.compile("^..." , re.M).search` tries the pattern at every character of the text:
about 50 µs for a 4 KB patch, whatever the pattern. A pattern that starts with a newline
is searched for that newline first (sre scans for a literal prefix, and `\\n` has no case,
so re.I keeps the scan), ten times as fast. `LineStart` does that and gives the matches
`^` would give; tests/test_parsing.py holds the two equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


class LineStart:
    """`re.compile("^(?:pattern)", re.M | flags)`, searched newline by newline."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.here = re.compile(f"(?:{pattern})", re.M | flags)
        self._next = re.compile(f"\\n(?=(?:{pattern}))", re.M | flags)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The first match at a line start at or after `pos`, as `^` finds it (a line starts at 0 and
        after each newline; at `pos` only when a newline is just before it)."""
        if pos == 0 or (0 < pos <= len(text) and text[pos - 1] == "\n"):
            found = self.here.match(text, pos)
            if found:
                return found
        after = self._next.search(text, pos)
        return self.here.match(text, after.end()) if after else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Every match, as `finditer` gives them: each search starts where the last match ended."""
        pos = 0
        while (found := self.search(text, pos)) is not None:
            yield found
            pos = found.end() if found.end() > found.start() else found.end() + 1
            if pos > len(text):
                return


def without_quoted(text: str) -> str:
    """`re.sub(r"^[ \\t]*>.*\\n?", "", text, flags=re.M)`: the text without its quoted lines
    (each with its newline), a line at a time."""
    lines = text.split("\n")
    kept = [line + "\n" for line in lines[:-1] if not line.lstrip(" \t").startswith(">")]
    last = lines[-1]
    return "".join(kept) + ("" if last.lstrip(" \t").startswith(">") else last)
