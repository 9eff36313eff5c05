"""Rebuild the files a posted patch applies to, from the patch alone.

A unified diff shows, for each file, its hunks' old lines at their line numbers. The
preimage here puts those lines where the hunks say and a unique filler line everywhere
else, ending the file right after the last hunk when that hunk's trailing context is
shorter than the diff's context size (git stops there only at the end of a file). Git
then diffs preimage and postimage into the same hunks the mail shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_UNSUPPORTED = ("rename from", "copy from", "GIT binary patch", "Binary files", "old mode", "new mode",
                "similarity index", "dissimilarity index")


@dataclass
class Hunk:
    """One hunk: where it starts on the old side, and its lines with their prefixes."""

    old_start: int
    old_count: int
    lines: list[str] = field(default_factory=list)
    old_ends_without_newline: bool = False


@dataclass
class FileDiff:
    """One file of a diff: its old path (None when created), its new path (None when deleted)."""

    old: str | None
    new: str | None
    hunks: list[Hunk] = field(default_factory=list)


def diff_text(body: str) -> str | None:
    """The diff part of a mail body: from the first `diff --git` to the signature."""
    start = body.find("\ndiff --git ")
    if start < 0:
        return None
    end = body.find("\n-- \n", start)
    return body[start + 1 : end + 1 if end >= 0 else len(body)]


def parse(diff: str) -> list[FileDiff] | None:
    """The files and hunks of a git diff, or None for what is not rebuilt (binary, renames, modes)."""
    files: list[FileDiff] = []
    lines = diff.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(_UNSUPPORTED):
            return None
        if line.startswith("diff --git "):
            files.append(FileDiff(None, None))
        elif line.startswith("--- ") and files and not files[-1].hunks:
            files[-1].old = None if line[4:] == "/dev/null" else line[4:].removeprefix("a/")
        elif line.startswith("+++ ") and files and not files[-1].hunks:
            files[-1].new = None if line[4:] == "/dev/null" else line[4:].removeprefix("b/")
        elif (match := _HUNK.match(line)) and files:
            hunk = Hunk(int(match.group(1)), int(match.group(2) or 1))
            i = _read_hunk(lines, i + 1, hunk, int(match.group(4) or 1))
            files[-1].hunks.append(hunk)
            continue
        i += 1
    paths = [f.old or f.new for f in files]
    ok = files and all(f.hunks and (f.old is None or f.new is None or f.old == f.new) for f in files)
    return files if ok and len(set(paths)) == len(paths) else None


def _read_hunk(lines: list[str], i: int, hunk: Hunk, new: int) -> int:
    old = hunk.old_count
    while i < len(lines) and (old > 0 or new > 0):
        line = lines[i] or " "  # a context line whose space the mailer ate
        kind = line[0]
        if kind not in " +-":
            break
        hunk.lines.append(line)
        old -= kind != "+"
        new -= kind != "-"
        i += 1
    if i < len(lines) and lines[i].startswith("\\ ") and hunk.lines and hunk.lines[-1][0] != "+":
        hunk.old_ends_without_newline = True
        i += 1
    while i < len(lines) and lines[i].startswith("\\ "):
        i += 1
    return i


def preimage(diff: FileDiff, context: int, tag: str) -> str | None:
    """The old file rebuilt from the hunks, fillers between them; None when they do not fit."""
    out: list[str] = []
    cursor = 1
    for hunk in diff.hunks:
        start = hunk.old_start if hunk.old_count else hunk.old_start + 1
        if start < cursor:
            return None
        out += [f"/* {tag} filler {n} */" for n in range(cursor, start)]
        out += [line[1:] for line in hunk.lines if line[0] != "+"]
        cursor = start + hunk.old_count
    last = diff.hunks[-1]
    trailing = len(last.lines) - len(_rstrip_context(last.lines))
    if last.old_ends_without_newline:
        return "\n".join(out)
    if trailing >= context or not last.old_count:
        out += [f"/* {tag} filler {cursor + n} */" for n in range(context + 1)]
    return "".join(line + "\n" for line in out)


def leading_context(diff: FileDiff) -> int:
    """Context lines before the first change of the first hunk."""
    lines = diff.hunks[0].lines
    return next((n for n, line in enumerate(lines) if line[0] != " "), len(lines))


def _rstrip_context(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and lines[end - 1][0] == " ":
        end -= 1
    return lines[:end]
