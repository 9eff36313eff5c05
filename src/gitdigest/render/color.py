"""Colour for the text report on a terminal, in git's palette: bold headings, green for new.

Applied after rendering, to the lines the text report itself writes (headings, the patch
list's status column, series headers), never inside mail text: the text renderer has
already stripped every control sequence from the mail, so the only escapes in the output
are the ones added here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

RESET = "\x1b[m"
BOLD = "\x1b[1m"
GREEN = "\x1b[32m"  # as git's new lines
YELLOW = "\x1b[33m"  # as git's commit lines
RED = "\x1b[31m"
CYAN = "\x1b[36m"
STATUS = {
    "new": GREEN,
    "revised": YELLOW,
    "superseded": RED,  # there is a newer revision
    "merged": CYAN,
    "partially-merged": CYAN,
}
_HEADING = re.compile(r"^(Top \d+ .+|=====.*=====?|Series with no reply yet)$")
_STATUS = re.compile(r"^(" + "|".join(sorted(STATUS, key=len, reverse=True)) + r")\b")
_SERIES = {"New:": STATUS["new"], "Revised:": STATUS["revised"], "Exist:": STATUS["new"], " Skip:": STATUS["superseded"]}
_AFTER = re.compile(r"^(Top \d+ reviewers \(|Series with no reply yet$)")
_TAG = re.compile(r"^\[[^\]\n]*PATCH[^\]\n]*\] ")


def paint(text: str) -> str:
    """The text report with ANSI colours on its own lines."""
    return "".join(painting((text,)))


def painting(pieces: Iterable[str]) -> Iterator[str]:
    """`paint` of a report given in pieces (render.pieces), each piece's whole lines as it comes."""
    painter = _Painter()
    rest = ""
    for piece in pieces:
        *lines, rest = (rest + piece).split("\n")
        if lines:
            yield "".join(f"{painter.line(line)}\n" for line in lines)
    yield painter.line(rest)


class _Painter:
    """Which part of the report the lines are in, line after line."""

    def __init__(self) -> None:
        self.section = "header"
        self.number = 0

    def line(self, line: str) -> str:
        """One line, painted as its place in the report says."""
        number, self.number = self.number, self.number + 1
        # Inside the commit messages, mail text may look like a heading: only ours end them.
        if _HEADING.match(line) and (self.section != "messages" or _AFTER.match(line)):
            self.section = "patches" if line.startswith("===== Patch list") else "messages" if line.startswith("===== Patch Commit") else "tables"
            return _wrap(BOLD, line)
        if number < 2 and line:
            return _wrap(BOLD, line)
        if self.section == "patches":
            return _status(line)
        if self.section == "messages":
            return _series(line)
        return line


def _wrap(color: str, text: str) -> str:
    return f"{color}{text}{RESET}"


def _status(line: str) -> str:
    match = _STATUS.match(line)
    return _wrap(STATUS[match.group(1)], match.group(1)) + line[match.end():] if match else line


def _series(line: str) -> str:
    for word, color in _SERIES.items():
        if line.startswith(word):
            return _wrap(BOLD + color, word) + line[len(word):]
    match = _TAG.match(line)
    return _wrap(STATUS["revised"], match.group(0).rstrip()) + " " + line[match.end():] if match else line
