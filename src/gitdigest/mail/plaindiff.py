"""Plain unified diffs (`diff -u`, CVS/Subversion `Index:`) rewritten into git's form.

`git patch-id` starts a patch only at a `diff ` line and hashes the `---`/`+++` lines
as they stand, so a diff made without git gets no id, or an id no commit has. A
commit of the same change shows as `diff --git a/P b/P`, `--- a/P`, `+++ b/P` (with
`new file mode 100644` and `/dev/null` for a new file, `deleted file mode 100644` for
a removed one); rewriting each file's header into that form gives the patch-id of the
committed change (tests/test_plaindiff.py holds it equal to `git patch-id --stable`).

Which path the change has in the tree is read as `git am` and `patch` read it: the
`Index:` line's path (CVS and Subversion diff from the top, `-p0`); else, when the old
and new names differ in their first directory (`a/` and `b/`, `linux.orig/` and
`linux/`), the rest (`-p1`); else the name as it stands. One pass over the lines.
"""

from __future__ import annotations

_NULL = "/dev/null"
_GONE = ("1970-01-01", "Thu Jan  1 00:00:00 1970", "Thu Jan 01 00:00:00 1970", "(nonexistent)")
"""`diff -N` dates a missing file at the epoch, Subversion calls it `(nonexistent)`: new or deleted."""
_PREAMBLE = ("Index: ", "=====", "RCS file: ", "retrieving revision ", "diff ")


def needs_rewrite(body: str) -> bool:
    """A body with a unified diff but no `diff --git` header."""
    return "\n+++ " in body and "\n@@ -" in body and "diff --git " not in body


def git_form(body: str) -> str:
    """The body with every plain diff's file header rewritten as git writes it; else unchanged."""
    if not needs_rewrite(body):
        return body
    lines = body.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _file_header(lines, i):
            index_path = _drop_preamble(out)
            out.extend(_git_header(lines[i][4:], lines[i + 1][4:], index_path))
            i = _after_hunks(lines, i + 2, out)
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _drop_preamble(out: list[str]) -> str | None:
    """Drop the lines before a file's `---` that git would hash or stop at (`Index:`, `====`,
    `RCS file:`, `retrieving revision`, a `diff -u ...` command); the `Index:` path, if any."""
    index_path = None
    while out and out[-1].startswith(_PREAMBLE):
        line = out.pop()
        if line.startswith("Index: "):
            index_path = line[7:].strip()
    return index_path


def _file_header(lines: list[str], i: int) -> bool:
    """`--- old`, `+++ new`, then a hunk: one file's header."""
    return (
        i + 2 < len(lines)
        and lines[i].startswith("--- ")
        and lines[i + 1].startswith("+++ ")
        and lines[i + 2].startswith("@@ -")
    )


def _after_hunks(lines: list[str], i: int, out: list[str]) -> int:
    """Copy the hunks that start at `i` into `out`, counting their lines (a removed line that
    reads `--- x` is no header); the index of the first line after them."""
    while i < len(lines) and lines[i].startswith("@@ -"):
        old, new = _hunk_sizes(lines[i])
        out.append(lines[i])
        i += 1
        while i < len(lines) and (old > 0 or new > 0):
            kind = lines[i][:1]
            if kind in (" ", ""):
                old, new = old - 1, new - 1
            elif kind == "-":
                old -= 1
            elif kind == "+":
                new -= 1
            elif kind != "\\":
                break
            out.append(lines[i])
            i += 1
        while i < len(lines) and lines[i].startswith("\\"):
            out.append(lines[i])
            i += 1
    return i


def _hunk_sizes(line: str) -> tuple[int, int]:
    """The old and new line counts of `@@ -a[,b] +c[,d] @@` (1 when left out, 0 when unreadable)."""
    parts = line.split(" ", 3)
    if len(parts) < 3:
        return 0, 0
    return _count(parts[1]), _count(parts[2])


def _count(spec: str) -> int:
    _start, comma, size = spec[1:].partition(",")
    text = size if comma else "1"
    return int(text) if text.isdigit() else 0


def _git_header(old_spec: str, new_spec: str, index_path: str | None) -> list[str]:
    """git's header lines for one file of a plain diff."""
    old, old_gone = _name(old_spec)
    new, new_gone = _name(new_spec)
    path = index_path or _path(None if old == _NULL else old, None if new == _NULL else new)
    if old_gone and not new_gone:
        return [f"diff --git a/{path} b/{path}", "new file mode 100644", f"--- {_NULL}", f"+++ b/{path}"]
    if new_gone and not old_gone:
        return [f"diff --git a/{path} b/{path}", "deleted file mode 100644", f"--- a/{path}", f"+++ {_NULL}"]
    return [f"diff --git a/{path} b/{path}", f"--- a/{path}", f"+++ b/{path}"]


def _name(spec: str) -> tuple[str, bool]:
    """A file name without its date or revision, and whether it names no file (new or deleted)."""
    name, _tab, rest = spec.partition("\t")
    name = name.strip()
    if not rest:
        # Dates after spaces when a mailer ate the tab: `a/x 2024-01-02 10:00:00.000 +0100`.
        words = name.split(" ")
        if len(words) >= 3 and _is_date(words[1]):
            name, rest = words[0], " ".join(words[1:])
    if name.endswith(")") and " (" in name:  # `x (revision 12)`, `x (working copy)`
        name, rest = name[: name.rfind(" (")].strip(), name[name.rfind(" (") :]
    gone = name == _NULL or rest.strip().startswith(_GONE)
    return name, gone


def _is_date(word: str) -> bool:
    return len(word) == 10 and word[4] == "-" and word[7] == "-" and word.replace("-", "").isdigit()


def _path(old: str | None, new: str | None) -> str:
    """The tree path both names stand for: `-p1` when their first directories differ, else `-p0`."""
    if old is None or new is None:
        name = old or new or ""
        head, slash, rest = name.partition("/")
        return rest if slash and head in ("a", "b") else name
    if old == new:
        return new
    old_head, old_slash, _old_rest = old.partition("/")
    new_head, new_slash, new_rest = new.partition("/")
    if old_slash and new_slash and old_head != new_head:
        return new_rest
    return new
