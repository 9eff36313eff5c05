"""Plain diffs (`diff -u`, CVS `Index:`, bare `---`/`+++`) get the patch-id of the committed change.

Each case is a change to a few files of a real repository: new files, deleted files and
edits, committed with git. The mailed body is that change as a diff made without git,
in one of three shapes; its patch-id (mail/patchid.py, through plaindiff.git_form) must
equal `git patch-id --stable` of the commit as `git show` prints it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import git
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitdigest.mail import plaindiff
from gitdigest.mail.patchid import email_patch_ids

WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "x = 1;", "return 0;", "}", "{", "", "-- note", "++i;"])
CONTENT = st.lists(WORDS, min_size=1, max_size=12)
NAMES = st.sampled_from(["foo.c", "lib/bar.c", "drivers/net/baz.h", "README", "io_uring/rw.c"])
STYLES = ("diff-u", "index", "bare")


@st.composite
def changes(draw: st.DrawFn) -> tuple[dict[str, list[str]], dict[str, list[str] | None]]:
    """Files before, and what becomes of each file touched (None: deleted)."""
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    before: dict[str, list[str]] = {}
    after: dict[str, list[str] | None] = {}
    for name in names:
        kind = draw(st.sampled_from(["edit", "edit", "new", "delete"]))
        old = draw(CONTENT)
        if kind != "new":
            before[name] = old
        if kind == "delete":
            after[name] = None
        elif kind == "new":
            after[name] = draw(CONTENT)
        else:
            new = draw(CONTENT)
            after[name] = new if new != old else [*old, "changed"]
    return before, after


def write(top: Path, files: dict[str, list[str]]) -> None:
    for name, lines in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("".join(line + "\n" for line in lines))


def plain(git_diff: str, style: str) -> str:
    """git's diff of a commit made over again as a tool without git would make it."""
    out: list[str] = []
    path = ""
    in_header = False
    for line in git_diff.splitlines():
        if line.startswith("diff --git "):
            path, in_header = line.split(" b/", 1)[1], True
            if style == "index":
                out += [f"Index: {path}", "=" * 67]
            elif style == "diff-u":
                out.append(f"diff -uNr a/{path} b/{path}")
        elif line.startswith(("index ", "new file mode", "deleted file mode")):
            continue
        elif in_header and line.startswith(("--- ", "+++ ")):
            sign, name = line[:3], line[4:]
            gone = name == "/dev/null"
            if style == "index":
                out.append(f"{sign} {path}\t" + ("(nonexistent)" if gone else "(revision 41)"))
            elif style == "diff-u":
                side = "a" if sign == "---" else "b"
                date = "1970-01-01 00:00:00.000000000 +0000" if gone else "2025-03-01 12:00:00.000000000 +0000"
                out.append(f"{sign} {side}/{path}\t{date}")
            else:
                out.append(line)
        else:
            in_header = in_header and not line.startswith("@@ ")
            out.append(line)
    return "\n".join(out) + "\n"


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(change=changes(), style=st.sampled_from(STYLES))
def test_plain_diff_patch_id_is_the_commits(tmp_path_factory, change, style) -> None:
    before, after = change
    top = tmp_path_factory.mktemp("tree")
    git("init", "-q", cwd=top)
    write(top, {"keep.txt": ["kept"], **before})
    git("add", "-A", cwd=top)
    git("commit", "-q", "-m", "base", cwd=top)
    for name, lines in after.items():
        if lines is None:
            (top / name).unlink()
    write(top, {n: lines for n, lines in after.items() if lines is not None})
    git("add", "-A", cwd=top)
    git("commit", "-q", "-m", "change", cwd=top)
    # Without rename detection: a plain diff shows a rename as a deletion and a new file.
    shown = git("show", "--no-renames", "--format=", "--no-color", "HEAD", cwd=top)
    expected = subprocess.run(
        ["git", "patch-id", "--stable"], input=git("show", "--no-renames", "HEAD", cwd=top).encode(),
        capture_output=True, check=True,
    ).stdout.split()[0].decode()
    body = "Change some files.\n\nSigned-off-by: Test Author <author@example.org>\n---\n" + plain(shown, style)
    if style != "bare":
        assert "diff --git" not in body
    assert email_patch_ids([body]) == [expected]


def test_cvs_index_preamble_is_dropped() -> None:
    body = (
        "Index: src/foo.c\n" + "=" * 67 + "\nRCS file: /cvs/src/foo.c,v\nretrieving revision 1.2\n"
        "diff -u -r1.2 foo.c\n--- src/foo.c\t1 Jan 2020 00:00:00 -0000\t1.2\n+++ src/foo.c\t2 Jan 2020\n"
        "@@ -1,3 +1,3 @@\n a\n--- b\n+++ c\n d\n"
    )
    assert plaindiff.git_form(body) == (
        "diff --git a/src/foo.c b/src/foo.c\n--- a/src/foo.c\n+++ b/src/foo.c\n"
        "@@ -1,3 +1,3 @@\n a\n--- b\n+++ c\n d\n"
    )


def test_git_diffs_are_left_alone() -> None:
    body = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    assert plaindiff.git_form(body) is body
