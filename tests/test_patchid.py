"""Patch-ids must equal `git patch-id --stable`: every test here asks real git per body."""

from __future__ import annotations

import email.parser
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import git
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitdigest.errors import GitDigestError
from gitdigest.mail import plaindiff
from gitdigest.mail.patchid import email_patch_ids, tree_patch_ids

SHA = "0123456789abcdef0123456789abcdef01234567"
HEADER = "diff --git a/fs/io_uring.c b/fs/io_uring.c\n--- a/fs/io_uring.c\n+++ b/fs/io_uring.c\n"
HUNK = "@@ -10,3 +10,3 @@ static int f(void)\n \tint a;\n-\tint b;\n+\tlong b;\n \treturn 0;\n"
DIFF = HEADER + HUNK
OTHER = (
    "diff --git a/io_uring/rw.c b/io_uring/rw.c\n--- a/io_uring/rw.c\n+++ b/io_uring/rw.c\n"
    "@@ -1,2 +1,2 @@\n-x\n+y\n z\n"
)


def git_alone(body: str, errors: str = "strict") -> str | None:
    """What b4 does: the first id `git patch-id --stable` prints for this body alone."""
    out = subprocess.run(
        ["git", "patch-id", "--stable"],
        input=body.encode("utf-8", errors),
        capture_output=True,
        check=True,
    ).stdout.split()
    return out[0].decode() if out else None


CASES = {
    "fixes-wrapped-sha": (
        "io_uring: fix the thing\n\nFixes:\n" + SHA + " (\"io_uring: add the thing\")\n"
        "Signed-off-by: A <a@example.org>\n---\n" + DIFF
    ),
    "sha-inside-hunk": HEADER + "@@ -10,4 +10,4 @@\n \tint a;\n" + SHA + "\n-\tb;\n+\tc;\n",
    "from-sha-after-diff": DIFF + "\nFrom " + SHA + " Mon Sep 17 00:00:00 2001\n" + OTHER,
    "commit-sha-upper-case": "text\ncommit " + SHA.upper() + "\n" + DIFF,
    "two-diff-blocks": "first:\n" + DIFF + "\nand then this one:\n\n" + OTHER,
    "damaged-empty-context": HEADER + "@@ -1,4 +1,4 @@\n a\n\n-b\n+c\n d\n-- \n2.43.0\n",
    "signature-after-diff": DIFF + "-- \n2.43.0\n\n",
    "no-diff": "Thanks, applied.\n\n" + SHA + "\n",
    "empty": "",
    "crlf": DIFF.replace("\n", "\r\n") + "-- \r\n2.43.0\r\n",
    "replaced-chars": "Signed-off-by: J\ufffdrg \ufffd <j@example.org>\n---\n"
    + DIFF.replace("long b;", "long b; /* \ufffd\ufffd */"),
    "no-final-newline": DIFF.rstrip("\n"),
    "marker-12-bytes-at-end": DIFF + "\\ No newlin",
    "marker-at-end": DIFF + "\\ No newline at end of file",
    "only-a-sha": SHA,
    "sha-before-second-diff": DIFF + SHA + "\n" + OTHER,
    "binary": "diff --git a/x.bin b/x.bin\nindex 1234567..89abcde 100644\nGIT binary patch\n"
    "literal 3\nKcmZ?wj0gY%00000\n\n" + OTHER,
    "line-separators": "a\u2028b\x0bc\x1c\n" + DIFF + "+\u2028x\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_git_alone(name: str) -> None:
    assert email_patch_ids([CASES[name]]) == [git_alone(CASES[name])]


def test_one_batch_matches_git_per_body() -> None:
    bodies = list(CASES.values())
    expected = [git_alone(body) for body in bodies]
    assert email_patch_ids(bodies) == expected
    assert email_patch_ids(bodies[::-1]) == expected[::-1]


def test_the_traps_are_real() -> None:
    """Without the framing these bodies would get another id, or none."""
    assert git_alone(CASES["fixes-wrapped-sha"]) == git_alone(DIFF)
    assert git_alone(CASES["two-diff-blocks"]) == git_alone(DIFF) != git_alone(DIFF + OTHER)
    assert git_alone(CASES["no-diff"]) is None


def test_huge_bodies_do_not_block() -> None:
    """Megabytes in and out go through the pipes without a deadlock."""
    hunk = "".join(f"+line {i}\n" for i in range(200_000))
    huge = HEADER + f"@@ -0,0 +1,{200_000} @@\n" + hunk
    bodies = [huge, DIFF] * 3 + [CASES["no-diff"]] * 20_000
    got = email_patch_ids(bodies)
    assert got[:2] == [git_alone(huge), git_alone(DIFF)]
    assert got[2:6] == got[:2] * 2 and set(got[6:]) == {None}


def test_surrogates_are_encoded_as_their_bytes() -> None:
    """A body decoded with surrogateescape gets the id of its original bytes."""
    body = "From: J\udcf6rg\n---\n" + DIFF.replace("long b;", "long b; /* \udce9 */")
    assert email_patch_ids([body]) == [git_alone(body, "surrogateescape")]


def test_binary_diff_without_index_line() -> None:
    """Git reads uninitialised blob ids here; a batch gives what a clean stack gives."""
    body = "diff --git a/x b/x\nGIT binary patch\n"
    # stable id: sha1("diff--gita/xb/x" + "" + "") flushed, then an empty hunk at the end
    clean = "80b5c3707d250a74ae78cba95a7152474c3de3a3"
    with_index = DIFF.replace("--- a/", "index 1111111..2222222 100644\n--- a/")
    assert email_patch_ids([body]) == [clean]
    assert email_patch_ids([with_index, body]) == [git_alone(with_index), clean]


def test_empty_input_runs_no_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert email_patch_ids([]) == []
    assert tree_patch_ids(str(tmp_path), []) == {}
    with pytest.raises(GitDigestError, match="cannot run git"):
        email_patch_ids([DIFF])


LINES = st.sampled_from(
    [
        "diff --git a/x b/x", "--- a/x", "+++ b/x", "index 1234567..89abcde 100644",
        "@@ -1,2 +1,2 @@", "@@ -1 +1 @@", " ctx", "-old", "+new", "", " ", "-- ", "text",
        SHA, "From " + SHA + " Mon Sep 17 00:00:00 2001", "commit " + SHA, "diff-tree " + SHA,
        "\\ No newline at end of file", "\\ No newlin",
        # Alone, git hashes stack garbage for a binary diff without an `index ` line
        # (see test_binary_diff_without_index_line), so binary lines follow one here.
        "index 1234567..89abcde\nGIT binary patch", "index 1234567..89abcde\nBinary files differ",
    ]
)
BODIES = st.lists(LINES, max_size=14).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(BODIES, min_size=1, max_size=5))
def test_any_batch_matches_git_per_body(bodies: list[str]) -> None:
    """A batch gives what git gives each body alone, once a diff without `diff --git` headers
    is put in git's form (plaindiff.git_form; tests/test_plaindiff.py proves that form's id)."""
    assert email_patch_ids(bodies) == [git_alone(plaindiff.git_form(body)) for body in bodies]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small repository: plain, edited, renamed, empty, merge and hex-message commits."""
    repo = tmp_path / "tree"
    git("init", "-q", str(repo))
    source = "".join(f"line {i}\n" for i in range(40))
    (repo / "a.c").write_text(source)
    git("add", "a.c", cwd=repo)
    git("commit", "-q", "-m", "add a.c", cwd=repo)
    (repo / "a.c").write_text(source.replace("line 5\n", "line five\n").replace("line 30", "x"))
    git("commit", "-q", "-am", f"edit a.c\n\nFixes:\n{SHA} (\"add a.c\")", cwd=repo)
    git("checkout", "-q", "-b", "side", cwd=repo)
    git("mv", "a.c", "b.c", cwd=repo)
    git("commit", "-q", "-m", "rename", cwd=repo)
    git("checkout", "-q", "master", cwd=repo)
    (repo / "c.c").write_text("new\n")
    git("add", "c.c", cwd=repo)
    git("commit", "-q", "-m", "add c.c", cwd=repo)
    git("commit", "-q", "--allow-empty", "-m", "empty", cwd=repo)
    git("merge", "-q", "--no-edit", "side", cwd=repo)
    return repo


def shown_patch_id(repo: Path, commit: str, *args: str) -> str | None:
    """`git show <commit> | git patch-id --stable`, the oracle for tree commits."""
    shown = subprocess.run(
        ["git", "show", *args, commit], cwd=repo, capture_output=True, check=True
    ).stdout
    out = subprocess.run(
        ["git", "patch-id", "--stable"], input=shown, capture_output=True, check=True
    ).stdout.split()
    return out[0].decode() if out else None


def all_commits(repo: Path) -> list[str]:
    """Every commit of the repository, newest first."""
    return git("rev-list", "--all", cwd=repo).split()


@pytest.mark.parametrize("context", [3, 1, 10])
def test_tree_patch_ids_match_git_show(tree: Path, context: int) -> None:
    commits = all_commits(tree)
    got = tree_patch_ids(str(tree), commits, context=context)
    expected = {c: shown_patch_id(tree, c, f"-U{context}") for c in commits}
    merges = set(git("rev-list", "--merges", "--all", cwd=tree).split())
    assert got == {c: p for c, p in expected.items() if p and c not in merges}
    assert len(got) == 4  # not the merge, not the empty commit


def test_tree_patch_ids_take_long_lists(tree: Path) -> None:
    """Commits go to git on stdin, so repeating them many times is no problem."""
    commits = all_commits(tree) * 20_000
    assert tree_patch_ids(str(tree), commits) == tree_patch_ids(str(tree), commits[:6])


def test_tree_patch_ids_report_bad_commits(tree: Path) -> None:
    with pytest.raises(GitDigestError, match="git log failed: .*bad"):
        tree_patch_ids(str(tree), ["f" * 40])


def iouring_messages(top: Path) -> Iterator[bytes]:
    """Every message blob of the archive's epoch 0."""
    import pygit2

    repo = pygit2.Repository(str(top / "git" / "0.git"))
    for commit in repo.walk(repo.head.target):
        if "m" in commit.tree:
            yield repo[commit.tree["m"].id].data


@pytest.mark.slow
def test_iouring_batch_equals_b4(iouring: Path) -> None:
    """The proof: one batched git equals b4's own git run per message, on a whole list."""
    import b4

    b4.can_network = False
    parser = email.parser.BytesParser(policy=b4.emlpolicy)  # what b4 and liblore parse with
    patches = []
    for data in iouring_messages(iouring):
        try:
            lmsg = b4.LoreMessage(parser.parsebytes(data))
        except ValueError:  # four messages without a valid Message-ID
            continue
        if lmsg.has_diff:
            patches.append(lmsg)
    print(f"{len(patches)} io-uring messages with a diff")
    assert len(patches) == 12_382
    ours = email_patch_ids([m.body for m in patches])
    # A diff made without git (`diff -u`, `Index:`) has no id for b4; here it has the id of the
    # same change in git's form (mail/plaindiff.py, tests/test_plaindiff.py), which git gives it alone.
    plain = [i for i, m in enumerate(patches) if plaindiff.needs_rewrite(m.body)]
    print(f"{len(plain)} plain diffs")
    assert [ours[i] for i in plain] == [git_alone(plaindiff.git_form(patches[i].body)) for i in plain]
    rest = [i for i in range(len(patches)) if i not in set(plain)]
    assert [ours[i] for i in rest] == [patches[i].git_patch_id for i in rest]
