"""The command line, in-process (CliRunner) and end to end through `git digest` on PATH."""

from __future__ import annotations

import importlib.metadata
import json
import mailbox
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from archives import DIFF, build_v2, make_mail
from conftest import checksums, git, invoke

from gitdigest import cli


def series_mails() -> list[bytes]:
    """A cover letter, two patches and a review reply; then a message with no Message-ID."""
    out = [make_mail("c@x", "[PATCH 0/2] a: add things", "Ann Dev <ann@dev.org>", "Mon, 03 Mar 2025 10:00:00 +0000", "Two things.\n")]
    for n in (1, 2):
        out.append(make_mail(f"p{n}@x", f"[PATCH {n}/2] a: add thing {n}", "Ann Dev <ann@dev.org>",
                             f"Mon, 03 Mar 2025 10:0{n}:00 +0000", f"Thing {n}.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=n), in_reply_to="c@x"))
    out.append(make_mail("r@x", "Re: [PATCH 1/2] a: add thing 1", "Rev Iewer <rev@corp.com>", "Tue, 04 Mar 2025 10:00:00 +0000",
                         "> +1\n\nReviewed-by: Rev Iewer <rev@corp.com>\n", in_reply_to="p1@x", references=["c@x", "p1@x"]))
    out.append(make_mail("gone@x", "[PATCH] broken", date="Tue, 04 Mar 2025 11:00:00 +0000").replace(b"Message-ID: <gone@x>\n", b""))
    return out


@pytest.fixture
def small_archive(tmp_path: Path) -> Path:
    return build_v2(tmp_path / "list", series_mails())


def test_text_report_in_process(small_archive: Path) -> None:
    before = checksums(small_archive)
    result = invoke("--archive", str(small_archive), "HEAD")
    assert result.exit_code == 0, result.output
    assert "     3  Ann Dev <ann@dev.org>" in result.stdout
    assert "     1  Rev Iewer <rev@corp.com>" in result.stdout
    assert "new" in result.stdout and "a: add things" in result.stdout
    assert "1 messages skipped" in result.stdout
    assert checksums(small_archive) == before


def test_json_and_output_file(small_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke("--archive", str(small_archive), "--format", "json", "-o", str(out), "HEAD")
    assert result.exit_code == 0 and result.stdout == ""
    data = json.loads(out.read_text())
    assert data["schema"] == 1
    assert [s["status"] for s in data["series"]] == ["new"]
    assert [p["counter"] for p in data["series"][0]["patches"]] == [1, 2]
    assert data["contributors"] == [{"name": "Ann Dev", "email": "ann@dev.org", "count": 3}]


def test_verbose_names_skipped_messages(small_archive: Path) -> None:
    result = invoke("--archive", str(small_archive), "-v", "HEAD")
    assert "no valid Message-ID" in result.stderr


def test_mbox_needs_no_range(tmp_path: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "t.mbox"))
    for data in series_mails():
        box.add(data)
    box.close()
    result = invoke("--mbox", str(tmp_path / "t.mbox"), "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "| 3 | Ann Dev \\<ann@dev.org\\> |" in result.stdout


def test_config_names_the_archive(small_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git("config", "--global", "digest.archive", str(small_archive))
    monkeypatch.chdir(tmp_path)
    assert invoke("HEAD").exit_code == 0


def test_config_as_git_reads_it(tmp_path: Path) -> None:
    """The last value of a key wins; digest.treeRefs adds up; a key with no value is true."""
    from gitdigest import settings

    git("init", "-q", str(tmp_path / "repo"))
    git("config", "--global", "digest.listName", "global")
    git("config", "--global", "digest.treeRefs", "stable-6.1 stable-6.6")
    for ref in ("linux-6.12.y", "linux-6.18.y"):
        git("config", "--add", "digest.treeRefs", ref, cwd=tmp_path / "repo")
    git("config", "digest.listName", "local", cwd=tmp_path / "repo")
    with (tmp_path / "repo" / ".git" / "config").open("a") as config:
        config.write('[digest "hook"]\n\tblock\n')
    got = settings.load(tmp_path / "repo")
    assert got.list_name == "local"
    assert got.tree_refs == ("stable-6.1", "stable-6.6", "linux-6.12.y", "linux-6.18.y")
    assert got.hook_block is True and got.hook_block_unposted is False


BAD_INPUTS = {
    "not-an-archive": (["--archive", "{empty}", "HEAD~1..HEAD"], "not a public-inbox archive"),
    "missing-archive": (["--archive", "{tmp}/nowhere", "HEAD"], "no such directory"),
    "range-does-not-resolve": (["--archive", "{arch}", "nosuch..HEAD"], "unknown revision"),
    "empty-range": (["--archive", "{arch}", "HEAD..HEAD"], "no messages"),
    "option-as-range": (["--archive", "{arch}", "--", "--upload-pack=touch {tmp}/pwned"], "not a revision"),
    "missing-mbox": (["--mbox", "{tmp}/none.mbox"], "no such mbox"),
    "bad-date": (["--archive", "{arch}", "--since", "-x"], "not a date"),
    # Option-like values in every place a value reaches git or the file system: each is
    # taken as the range, path or date it claims to be, refused, and never executed.
    "option-as-archive": (["--archive=--upload-pack=touch {tmp}/pwned", "HEAD"], "no such directory"),
    "option-after-a-revision": (["--archive", "{arch}", "HEAD --upload-pack=touch {tmp}/pwned"], "not a revision"),
    "option-as-range-end": (["--archive", "{arch}", "HEAD..--upload-pack=touch {tmp}/pwned"], "not a revision"),
    "option-as-range-start": (["--archive", "{arch}", "--", "--upload-pack=touch {tmp}/pwned..HEAD"], "not a revision"),
    "option-as-mbox": (["--mbox=--upload-pack=touch {tmp}/pwned"], "no such mbox"),
    "option-as-until": (["--archive", "{arch}", "--until=--upload-pack=touch {tmp}/pwned"], "not a date"),
    "option-as-tree-range": (
        ["--archive", "{arch}", "--tree", "{arch}/git/0.git", "--tree-range=--upload-pack=touch {tmp}/pwned", "HEAD"],
        "not a revision",
    ),
}


def fill(args: list[str], tmp_path: Path, arch: Path) -> list[str]:
    (tmp_path / "empty").mkdir(exist_ok=True)
    return [a.format(empty=tmp_path / "empty", tmp=tmp_path, arch=arch) for a in args]


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_in_process(case: str, small_archive: Path, tmp_path: Path) -> None:
    args, words = BAD_INPUTS[case]
    before = checksums(small_archive)
    result = invoke(*fill(args, tmp_path, small_archive))
    assert result.exit_code == 1
    assert words in result.stderr and result.stderr.startswith("git-digest: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert checksums(small_archive) == before
    assert not (tmp_path / "pwned").exists()


def test_no_range_is_a_usage_error() -> None:
    assert invoke().exit_code == 2


@pytest.fixture(scope="module")
def on_path() -> str:
    exe = shutil.which("git-digest")
    if exe is None:
        pytest.fail("git-digest is not on PATH: install the package first (pip install .)")
    return exe


def run_git_digest(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "digest", *args], cwd=cwd, capture_output=True, text=True, env=os.environ.copy())


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_through_git_digest_on_path(case: str, on_path: str, small_archive: Path, tmp_path: Path) -> None:
    args, words = BAD_INPUTS[case]
    result = run_git_digest(*fill(args, tmp_path, small_archive))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_usage_error_through_git_digest_is_one_line(on_path: str, tmp_path: Path) -> None:
    result = run_git_digest(cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_git_digest_on_path_version_help_and_report(on_path: str, small_archive: Path) -> None:
    assert run_git_digest("--version").stdout.startswith("git-digest, version ")
    assert "--since" in run_git_digest("-h").stdout
    result = run_git_digest("HEAD", cwd=small_archive)
    assert result.returncode == 0 and "Ann Dev <ann@dev.org>" in result.stdout


def test_man_page_agrees_with_help() -> None:
    page = (Path(__file__).parent.parent / "man" / "git-digest.1").read_text()
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for param in cli.report.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt.replace("-", "\\-") in page, f"{opt} missing from the man page"
                assert f"`{opt}" in readme, f"{opt} missing from the README"


@pytest.mark.man
def test_git_digest_help_opens_the_installed_man_page(on_path: str) -> None:
    files = [str(f) for f in importlib.metadata.distribution("gitdigest").files or []]
    if any("__editable__" in f for f in files):
        pytest.skip("editable install: only `pip install .` (as in CI) installs the man page")
    page = Path(sys.prefix) / "share" / "man" / "man1" / "git-digest.1"
    assert page.is_file()
    if shutil.which("man") is None:
        pytest.fail("man is not installed: .ci/run installs man-db")
    # pyenv's shims hide sys.prefix/bin from man's PATH-derived search, so name the prefix.
    env = {**os.environ, "MANPATH": f"{sys.prefix}/share/man:", "MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"}
    result = subprocess.run(["git", "digest", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "git-digest - digest the patch series" in result.stdout


def test_the_current_archive_wins_over_digest_archive(small_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The archive is --archive, else the current directory when it is one, else digest.archive."""
    other = build_v2(tmp_path / "other", [make_mail("o@x", "[PATCH] other: thing", "Oth Er <oth@er.org>", body="x\n" + DIFF.format(n=9))])
    git("config", "--global", "digest.archive", str(other))
    monkeypatch.chdir(small_archive)
    assert "Ann Dev <ann@dev.org>" in invoke("HEAD").stdout
    monkeypatch.chdir(tmp_path)
    assert "Oth Er <oth@er.org>" in invoke("HEAD").stdout
    assert "Ann Dev" in invoke("--archive", str(small_archive), "HEAD").stdout


@pytest.mark.parametrize("value", ["pdf", "xml"])
def test_a_bad_digest_format_is_one_line_and_exit_1(value: str, small_archive: Path) -> None:
    """`git -c digest.format=pdf digest`: the setting is checked when it is read, before usage."""
    for args in ((), ("--archive", str(small_archive), "HEAD")):
        result = subprocess.run(["git", "-c", f"digest.format={value}", "digest", *args],
                                capture_output=True, text=True, env=os.environ.copy())
        assert result.returncode == 1, result.stderr
        assert result.stderr == (f"git-digest: error: digest.format: {value!r} is not a format gitdigest writes"
                                 " (text, short, markdown, html, json)\n")
        assert result.stdout == ""
