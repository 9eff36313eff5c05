"""The pre-push hook: installing it, reading git's stdin lines, and real pushes.

The push tests use conftest's `queue`: a tree built from the sample period's `base/`, apply the hyperv v3
patches from the archive's own mails with `git am` (v4 is on the list too), add one
commit that was never posted, and push to a bare remote with the hook installed, the
way a maintainer pushes a queue.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from archives import build_v2
from click.testing import CliRunner

from gitdigest import cli
from gitdigest.hook import prepush, push
from gitdigest.model import Person, ReviewKind, Revision, Span, TreeCommit
from gitdigest.render import summary
from gitdigest.tree.provenance import Provenance, PushedSeries, Review, reviews_in

ROOT = Path(__file__).resolve().parent.parent
ZERO = "0" * 40
ZERO256 = "0" * 64
A = "a" * 40
B = "b" * 40
TREE_DATE = "2025-03-10T12:00:00Z"


def git(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in the sealed environment (plus `env`); the finished process."""
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True,
                          env={**os.environ, "GIT_COMMITTER_DATE": TREE_DATE, **(env or {})})


def out(*args: str, cwd: Path) -> str:
    return git(*args, cwd=cwd).stdout.strip()


# -- reading git's lines ------------------------------------------------------------


def test_new_branch_has_zero_remote_oid() -> None:
    update = push.parse_line(f"refs/heads/topic {A} refs/heads/topic {ZERO}\n")
    assert update is not None and update.creates and not update.deletes
    assert update.kind is push.Kind.BRANCH and update.name == "topic"
    assert push.span(update, "origin", {"origin"}, known=False) == Span(A, (), "origin")


def test_deletion_has_zero_local_oid() -> None:
    update = push.parse_line(f"(delete) {ZERO} refs/heads/gone {B}")
    assert update is not None and update.deletes and not update.creates
    assert update.local_ref == "(delete)" and update.name == "gone"


def test_tag() -> None:
    update = push.parse_line(f"refs/tags/v1.0 {A} refs/tags/v1.0 {ZERO}")
    assert update is not None and update.kind is push.Kind.TAG and update.name == "v1.0" and update.creates


def test_update_and_force_push_hide_what_the_remote_holds() -> None:
    update = push.parse_line(f"refs/heads/master {A} refs/heads/master {B}")
    assert update is not None and not update.creates
    # A force push looks the same on stdin: the remote's old commit, when this
    # repository has it, and the remote-tracking refs are what the remote holds.
    assert push.span(update, "origin", {"origin"}, known=True) == Span(A, (B,), "origin")
    # Someone else pushed and we have not fetched: their commit is unknown here.
    assert push.span(update, "origin", {"origin"}, known=False) == Span(A, (), "origin")


def test_a_remote_given_as_url_excludes_every_remote() -> None:
    update = push.parse_line(f"refs/heads/x {A} refs/heads/x {ZERO}")
    assert update is not None
    assert push.span(update, "https://example.org/r.git", {"origin"}, known=False).remotes is None


def test_several_refs_in_one_push() -> None:
    text = (
        f"refs/heads/a {A} refs/heads/a {ZERO}\n"
        f"(delete) {ZERO} refs/heads/old {B}\n"
        f"refs/tags/v2 {B} refs/tags/v2 {ZERO}\n"
        "\n"
        f"refs/heads/main {B} refs/for/main {A}\n"
    )
    parsed = push.parse(text)
    assert [u.remote_ref for u in parsed.updates] == ["refs/heads/a", "refs/heads/old", "refs/tags/v2", "refs/for/main"]
    assert [u.kind for u in parsed.updates] == [push.Kind.BRANCH, push.Kind.BRANCH, push.Kind.TAG, push.Kind.OTHER]
    assert parsed.unreadable == ()


def test_ref_names_with_spaces_are_read_from_the_right() -> None:
    update = push.parse_line(f"refs/heads/my topic {A} refs/heads/their topic {B}")
    assert update == push.RefUpdate("refs/heads/my topic", A, "refs/heads/their topic", B)


def test_sha256_zero_oid() -> None:
    local = "c" * 64
    new = push.parse_line(f"refs/heads/x {local} refs/heads/x {ZERO256}")
    gone = push.parse_line(f"(delete) {ZERO256} refs/heads/y {local}")
    assert new is not None and new.creates and new.local_oid == local
    assert gone is not None and gone.deletes
    assert push.is_zero(ZERO256) and push.is_zero(ZERO) and not push.is_zero("0" * 39) and not push.is_zero(local)


def test_lines_not_in_git_format_are_kept_apart() -> None:
    parsed = push.parse(f"refs/heads/x {A} refs/heads/x\nrefs/heads/y {A} refs/heads/y {ZERO256}\r\n")
    assert parsed.updates == ()
    assert len(parsed.unreadable) == 2


def test_crlf_and_upper_case_oids() -> None:
    update = push.parse_line(f"refs/heads/x {A.upper()} refs/heads/x {ZERO}\r\n")
    assert update is not None and update.local_oid == A


def test_pre_commit_environment() -> None:
    env = {
        "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_FROM_REF": B, "PRE_COMMIT_TO_REF": A,
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/x", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/y",
    }
    given = push.from_pre_commit(env)
    assert given is not None and given.updates == (push.RefUpdate("refs/heads/x", A, "refs/heads/y", B),)
    assert push.from_pre_commit({"PATH": "/bin"}) is None


def test_review_trailers_of_a_commit() -> None:
    text = "x: fix\n\nBody.\n\nReviewed-by: Rev One <Rev@x.org>\nacked-by: Ack <ack@x.org>\nSigned-off-by: A <a@x.org>\n"
    assert reviews_in(text) == {Review(ReviewKind.REVIEWED, Person("Rev One", "rev@x.org")), Review(ReviewKind.ACKED, Person("Ack", "ack@x.org"))}


def test_summary_fits_the_terminal_and_colours_only_when_asked() -> None:
    import datetime

    when = datetime.datetime(2025, 3, 7, tzinfo=datetime.timezone.utc)
    commit = TreeCommit("f" * 40, "a rather long subject " * 8, Person("A", "a@x.org"), when)
    found = Provenance((), (commit,))
    target = summary.Target("origin", ("topic (new branch)",), 1)
    plain = summary.render(target, found, width=60)
    assert all(len(line) <= 60 for line in plain.splitlines())
    assert "never posted to the list: 1 commit" in plain and "\x1b" not in plain
    coloured = summary.render(target, found, width=60, color=True)
    assert "\x1b[33m" in coloured


# -- installing -----------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "repo"
    git("init", "-q", str(path))
    (path / "f").write_text("x\n")
    git("add", "f", cwd=path)
    git("commit", "-qm", "first", cwd=path)
    monkeypatch.chdir(path)
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli.digest_command, list(args), prog_name="git digest")


def test_shipped_stub_is_the_one_installed() -> None:
    assert (ROOT / "hooks" / "pre-push").read_text() == prepush.STUB
    assert os.access(ROOT / "hooks" / "pre-push", os.X_OK)
    assert "stages: [pre-push]" in (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "entry: git-digest-pre-push" in (ROOT / ".pre-commit-hooks.yaml").read_text()


def test_install_and_uninstall(repo: Path) -> None:
    result = invoke("hook", "install")
    assert result.exit_code == 0, result.output
    installed = repo / ".git" / "hooks" / "pre-push"
    assert installed.read_text() == prepush.STUB and os.access(installed, os.X_OK)
    assert invoke("hook", "install").exit_code == 0  # ours: replaced quietly
    result = invoke("hook", "uninstall")
    assert result.exit_code == 0 and not installed.exists()
    assert "no pre-push hook" in invoke("hook", "uninstall").output


def test_install_refuses_a_foreign_hook_and_says_how_to_chain(repo: Path) -> None:
    foreign = repo / ".git" / "hooks" / "pre-push"
    foreign.parent.mkdir(exist_ok=True)
    foreign.write_text("#!/bin/sh\nexec run-my-tests\n")
    result = invoke("hook", "install")
    assert result.exit_code == 1
    assert "--force" in result.output and "git-digest hook pre-push" in result.output
    assert foreign.read_text() == "#!/bin/sh\nexec run-my-tests\n"
    assert invoke("hook", "uninstall").exit_code == 1
    assert foreign.exists()
    assert invoke("hook", "install", "--force").exit_code == 0
    assert foreign.read_text() == prepush.STUB


def test_install_follows_core_hooks_path(repo: Path) -> None:
    git("config", "core.hooksPath", "githooks", cwd=repo)
    (repo / "sub").mkdir()
    os.chdir(repo / "sub")
    assert invoke("hook", "install").exit_code == 0
    assert (repo / "githooks" / "pre-push").read_text() == prepush.STUB
    assert not (repo / ".git" / "hooks" / "pre-push").exists()


def test_install_from_a_worktree_writes_the_shared_hooks(repo: Path, tmp_path: Path) -> None:
    git("worktree", "add", "-q", str(tmp_path / "wt"), cwd=repo)
    os.chdir(tmp_path / "wt")
    assert invoke("hook", "install").exit_code == 0
    assert (repo / ".git" / "hooks" / "pre-push").read_text() == prepush.STUB
    assert prepush.hooks_dir(tmp_path / "wt") == prepush.hooks_dir(repo)


def test_install_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("hook", "install")
    assert result.exit_code == 1 and "not in a git repository" in result.output


# -- real pushes ------------------------------------------------------------------


def install(work: Path) -> None:
    """Install the hook end to end, through `git digest` on PATH."""
    done = git("digest", "hook", "install", cwd=work)
    assert "installed" in done.stdout


def remote_has(work: Path, branch: str) -> bool:
    return bool(out("ls-remote", "origin", f"refs/heads/{branch}", cwd=work))


def test_push_names_the_series_the_revision_the_newer_one_and_the_unposted_commit(queue: Path) -> None:
    install(queue)
    done = git("push", "origin", "hyperv", cwd=queue, check=False)
    assert done.returncode == 0, done.stderr
    err = done.stderr
    assert "git-digest: pushing 8 commits to origin: hyperv (new branch)" in err
    assert "[v3] hw/hyperv: remove duplication compilation units" in err
    assert "7 of 7 patches" in err
    assert "superseded by v4, posted 2025-03-07 21:56 UTC: 20250307215623.524987-1-pierrick.bouvier@linaro.org" in err
    assert "never posted to the list: 1 commit" in err and "hw: keep a local note" in err
    assert "hw/hyperv/syndbg: common compilation unit" in err
    assert "warning" not in err
    assert remote_has(queue, "hyperv")


def test_trailers_on_the_list_against_the_commits(queue: Path) -> None:
    install(queue)
    err = git("push", "origin", "hyperv", cwd=queue).stderr
    # v3's mails carry the Reviewed-by of Richard Henderson (given to v2) and of Philippe
    # Mathieu-Daudé, and `git am` kept both in the commits.
    assert "trailers: on the list 2 Reviewed-by; in the commits 2 Reviewed-by" in err
    assert "not in the commits" not in err


def test_trailers_missing_from_the_commits() -> None:
    import datetime

    when = datetime.datetime(2025, 3, 7, tzinfo=datetime.timezone.utc)
    rev = Revision("c@x", 2, "x: a series", Person("A", "a@x.org"), when, None, (), 2)
    richard, lei = Person("Richard Henderson", "rth@x.org"), Person("Lei Yang", "ly@x.org")
    series = PushedSeries(
        "c@x", rev, (), None,
        on_list=frozenset({Review(ReviewKind.REVIEWED, richard), Review(ReviewKind.TESTED, lei)}),
        carried=frozenset({Review(ReviewKind.REVIEWED, Person("R. Henderson", "rth@x.org"))}),
    )
    assert series.missing == (Review(ReviewKind.TESTED, lei),)
    text = summary.render(summary.Target("origin", ("x",), 0), Provenance((series,), ()))
    assert "trailers: on the list 1 Reviewed-by, 1 Tested-by; in the commits 1 Reviewed-by" in text
    assert "not in the commits: Tested-by: Lei Yang" in text


def test_block_refuses_a_superseded_revision(queue: Path) -> None:
    install(queue)
    git("config", "digest.hook.block", "true", cwd=queue)
    done = git("push", "origin", "hyperv", cwd=queue, check=False)
    assert done.returncode != 0
    assert "push refused: 7 commits come from a superseded revision (digest.hook.block)" in done.stderr
    assert "[v3] hw/hyperv" in done.stderr
    assert not remote_has(queue, "hyperv")
    # --no-verify skips the hook entirely: no summary, and the push goes.
    done = git("push", "--no-verify", "origin", "hyperv", cwd=queue, check=False)
    assert done.returncode == 0 and "git-digest" not in done.stderr
    assert remote_has(queue, "hyperv")


def test_block_unposted(queue: Path) -> None:
    install(queue)
    git("config", "digest.hook.blockUnposted", "true", cwd=queue)
    done = git("push", "origin", "hyperv", cwd=queue, check=False)
    assert done.returncode != 0 and "1 commit never posted to the list" in done.stderr
    assert not remote_has(queue, "hyperv")


def test_missing_archive_warns_and_pushes(queue: Path, tmp_path: Path) -> None:
    install(queue)
    git("config", "digest.archive", str(tmp_path / "no-such-archive"), cwd=queue)
    git("config", "digest.hook.block", "true", cwd=queue)
    done = git("push", "origin", "hyperv", cwd=queue, check=False)
    assert done.returncode == 0
    warnings = [line for line in done.stderr.splitlines() if line.startswith("git-digest:")]
    assert len(warnings) == 1 and "warning: no pre-push summary" in warnings[0] and "no-such-archive" in warnings[0]
    assert remote_has(queue, "hyperv")


def test_broken_index_warns_and_pushes(queue: Path, tmp_path: Path) -> None:
    install(queue)
    index = tmp_path / "index.sqlite3"
    index.mkdir()  # a directory where the index file should be: SQLite cannot open it
    git("config", "digest.index", str(index), cwd=queue)
    git("config", "digest.hook.block", "true", cwd=queue)
    done = git("push", "origin", "hyperv", cwd=queue, check=False)
    assert done.returncode == 0, done.stderr
    assert "warning: no pre-push summary" in done.stderr
    assert remote_has(queue, "hyperv")


def test_only_what_the_remote_lacks_is_reported(queue: Path) -> None:
    install(queue)
    git("push", "-q", "origin", "hyperv", cwd=queue)
    # Nothing new: the hook says nothing.
    (queue / "hw" / "NOTES").write_text("a second note\n")
    git("commit", "-qam", "hw: another local note", cwd=queue)
    err = git("push", "origin", "hyperv", cwd=queue).stderr
    assert "pushing 1 commit to origin: hyperv\n" in err
    assert "[v3]" not in err and "hw: another local note" in err
    # Deleting a branch gets no report; a forced update is named so.
    git("push", "-q", "origin", "hyperv:doomed", cwd=queue)
    assert "git-digest" not in git("push", "origin", ":doomed", cwd=queue).stderr
    git("commit", "-q", "--amend", "-m", "hw: the note, reworded", cwd=queue)
    err = git("push", "-f", "origin", "hyperv", cwd=queue).stderr
    assert "hyperv (forced)" in err and "hw: the note, reworded" in err


def test_a_tag_and_a_branch_in_one_push(queue: Path) -> None:
    install(queue)
    git("tag", "-a", "-m", "queue", "queue-1", cwd=queue)
    err = git("push", "origin", "hyperv", "queue-1", cwd=queue).stderr
    assert "hyperv (new branch), queue-1 (new tag)" in err
    assert "pushing 8 commits" in err  # the tag's commits are the branch's, counted once


def test_hook_read_stdin_leaves_dev_null_behind(tmp_path: Path) -> None:
    """The hook reads git's lines once; a child process then finds stdin empty."""
    script = (
        "import subprocess, sys\n"
        "from gitdigest.hook import prepush\n"
        "text = prepush.read_stdin()\n"
        "child = subprocess.run(['cat'], capture_output=True, text=True).stdout\n"
        "print(repr(text), repr(child))\n"
    )
    done = subprocess.run(["python", "-c", script], input="a line\nmore\n", capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "'a line\\nmore\\n' ''"


def test_push_to_a_url_excludes_every_remote_tracking_ref(queue: Path, tmp_path: Path) -> None:
    install(queue)
    err = git("push", str(tmp_path / "remote.git"), "hyperv", cwd=queue).stderr
    assert "pushing 8 commits to " in err and "[v3] hw/hyperv" in err


def test_under_the_pre_commit_framework(queue: Path) -> None:
    """pre-commit reads git's lines itself and passes one update in PRE_COMMIT_* variables."""
    base = out("rev-parse", "master", cwd=queue)
    env = {"PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_URL": "x", "PRE_COMMIT_FROM_REF": base,
           "PRE_COMMIT_TO_REF": out("rev-parse", "hyperv", cwd=queue), "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/hyperv",
           "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/hyperv"}
    done = subprocess.run(["git-digest", "hook", "pre-push"], cwd=queue, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env={**os.environ, **env})
    assert done.returncode == 0
    assert "pushing 8 commits to origin: hyperv" in done.stderr and "[v3] hw/hyperv" in done.stderr


def test_sha256_repository_pushes(tmp_path: Path) -> None:
    """A SHA-256 repository: a summary if pygit2 can open it, else one warning; the push goes."""
    work, remote = tmp_path / "w", tmp_path / "r.git"
    git("init", "-q", "--object-format=sha256", str(work))
    git("init", "-q", "--bare", "--object-format=sha256", str(remote))
    (work / "f").write_text("x\n")
    git("add", "f", cwd=work)
    git("commit", "-qm", "one", cwd=work)
    git("remote", "add", "origin", str(remote), cwd=work)
    git("config", "digest.archive", str(build_v2(tmp_path / "list", [])), cwd=work)
    install(work)
    done = git("push", "origin", "master", cwd=work, check=False)
    assert done.returncode == 0, done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("git-digest: warning")]) <= 1
    assert remote_has(work, "master")


def test_busy_index_is_read_as_it_last_was(queue: Path, tmp_path: Path) -> None:
    """Another process holds the index's writer lock: the hook does not wait for it. It reads
    the index as the last update left it, or, while the index is first built, says so and pushes;
    a file that is no index is named and left alone."""
    import fcntl
    import sqlite3

    install(queue)
    index = tmp_path / "index.sqlite3"
    git("config", "digest.index", str(index), cwd=queue)
    git("push", "-q", "origin", "hyperv:warm", cwd=queue)  # builds the index
    assert index.exists()
    git("push", "-q", "--no-verify", "origin", "--delete", "warm", cwd=queue)
    with (tmp_path / "index.sqlite3.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = git("push", "origin", "hyperv", cwd=queue, check=False)
        assert "note: another process is updating the list's index; this summary is from its last update" in done.stderr
        assert "[v3] hw/hyperv: remove duplication compilation units" in done.stderr
        assert "warning" not in done.stderr
        git("push", "-q", "--no-verify", "origin", "--delete", "hyperv", cwd=queue)
        with sqlite3.connect(index) as db:  # as a first build that has not finished
            db.execute("DELETE FROM meta WHERE key = 'updated'")
        git("config", "digest.hook.block", "true", cwd=queue)  # no summary blocks nothing
        done = git("push", "origin", "hyperv", cwd=queue, check=False)
        assert done.returncode == 0, done.stderr
        assert "warning: no pre-push summary: the list's index is being built by another process" in done.stderr
        assert remote_has(queue, "hyperv")
        # An index to rebuild needs the lock: the hook does not wait for it either.
        git("push", "-q", "--no-verify", "origin", "--delete", "hyperv", cwd=queue)
        index.write_bytes(b"not an index")
        done = git("push", "origin", "hyperv", cwd=queue, check=False)
        assert done.returncode == 0, done.stderr
        # Not an index (a user's file, as far as anyone can tell): named, left as it is, never rebuilt.
        assert f"warning: no pre-push summary: {index}: not a gitdigest index" in done.stderr
        assert index.read_bytes() == b"not an index" and remote_has(queue, "hyperv")


def test_colour_follows_git_config(queue: Path) -> None:
    install(queue)
    git("config", "color.digest", "always", cwd=queue)
    err = git("push", "origin", "hyperv", cwd=queue).stderr
    assert "\x1b[31msuperseded by v4\x1b[m" in err and "\x1b[1m[v3] hw/hyperv" in err


def test_summary_strips_escape_sequences_from_mail_text() -> None:
    import datetime
    import re

    when = datetime.datetime(2025, 3, 7, tzinfo=datetime.timezone.utc)
    hostile = "x: fix\x1b]0;owned\x07 it\x9b31m now\x1b[2J\nsecond\tline"
    rev = Revision("c@x", 2, hostile, Person("Eve\x1b[31m \x9b1;2H", "eve@x.org"), when, None, (), 2)
    series = PushedSeries("c@x", rev, (), None, on_list=frozenset({Review(ReviewKind.REVIEWED, Person("R\x9b0m", "r@x.org"))}),
                          carried=frozenset())
    commit = TreeCommit("f" * 40, "never\x1bc posted\x9b5n", Person("A", "a@x.org"), when)
    found = Provenance((series,), (commit,))
    target = summary.Target("origin", ("x",), 2)
    plain = summary.render(target, found)
    assert "\x1b" not in plain and "\x9b" not in plain
    assert "x: fix it now second line" in plain and "never posted" in plain
    coloured = summary.render(target, found, color=True)
    assert "\x9b" not in coloured
    assert "\x1b" not in re.sub(r"\x1b\[(?:1|3[123])?m", "", coloured)
