"""Colour for the text report on a terminal, in git's palette: bold headings, green for new.

Applied after rendering, to the lines the text report itself writes (headings, the patch
list's status column, series headers), never inside mail text: the text renderer has
already stripped every control sequence from the mail, so the only escapes in the output
are the ones added here.
"""

from __future__ import annotations

import re

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
    out = []
    section = "header"
    for number, line in enumerate(text.split("\n")):
        # Inside the commit messages, mail text may look like a heading: only ours end them.
        if _HEADING.match(line) and (section != "messages" or _AFTER.match(line)):
            section = "patches" if line.startswith("===== Patch list") else "messages" if line.startswith("===== Patch Commit") else "tables"
            out.append(_wrap(BOLD, line))
        elif number < 2 and line:
            out.append(_wrap(BOLD, line))
        elif section == "patches":
            out.append(_status(line))
        elif section == "messages":
            out.append(_series(line))
        else:
            out.append(line)
    return "\n".join(out)


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
