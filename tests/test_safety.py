"""Nothing written where it must not be, nothing executed that the input names.

The archive and the code tree are checksummed (content, mode, size, mtime of every file
and directory) before full runs in every mode and after; they are digested again with
all write permission removed; a path that looks like an option is only a path; the git
config of an untrusted archive cannot make git run a program; and no module runs a shell.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from archives import DIFF, build_v2, make_mail
from click.testing import CliRunner
from conftest import git

from gitdigest import cli

SRC = Path(__file__).resolve().parent.parent / "src" / "gitdigest"
# Capabilities that let root ignore file permissions; without them root obeys the mode bits.
ROOT_OVERRIDES = "-dac_override,-dac_read_search,-fowner,-linux_immutable"


def mails() -> list[bytes]:
    """A cover letter and two patches by Ann, and a review by Rev."""
    ann = "Ann Dev <ann@dev.org>"
    out = [make_mail("c@x", "[PATCH 0/2] a: add things", ann, "Mon, 03 Mar 2025 10:00:00 +0000", "Two.\n")]
    for n in (1, 2):
        body = f"Thing {n}.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=n)
        out.append(make_mail(f"p{n}@x", f"[PATCH {n}/2] a: add thing {n}", ann, f"Mon, 03 Mar 2025 10:0{n}:00 +0000", body, in_reply_to="c@x"))
    out.append(make_mail("r@x", "Re: [PATCH 1/2] a: add thing 1", "Rev Iewer <rev@corp.com>", "Tue, 04 Mar 2025 10:00:00 +0000",
                         "Reviewed-by: Rev Iewer <rev@corp.com>\n", in_reply_to="p1@x", references=["c@x", "p1@x"]))
    return out


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A v2 archive of two epochs."""
    return build_v2(tmp_path / "list", mails(), per_epoch=2)


@pytest.fixture
def tree(tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A code tree that merged patch 1 on 5 March, with digest.archive set; returns it and its range."""
    path = tmp_path / "tree"
    git("init", "-q", str(path))
    git("config", "digest.archive", str(archive), cwd=path)
    for text, when, message in (("a\n", "2025-03-01T00:00:00Z", "base"), ("a\n1\n", "2025-03-05T00:00:00Z", "a: add thing 1")):
        (path / "a.c").write_text(text)
        monkeypatch.setenv("GIT_COMMITTER_DATE", when)
        git("add", "a.c", cwd=path)
        git("commit", "-q", "-m", message, cwd=path)
    return path, "HEAD~1..HEAD"


def snapshot(*tops: Path) -> dict[str, tuple[int, int, int, int, str]]:
    """Every file and directory under `tops`: kind, mode, size, mtime and content hash."""
    found = {}
    for top in tops:
        for path in [top, *sorted(top.rglob("*"))]:
            info = path.lstat()
            is_file = stat.S_ISREG(info.st_mode)
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if is_file else ""
            found[str(path)] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), info.st_size, info.st_mtime_ns, digest)
    return found


def invoke(*args: str | Path):
    result = CliRunner().invoke(cli.report, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_full_runs_in_every_mode_write_nothing_to_archive_or_tree(
    archive: Path, tree: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, span = tree
    before = snapshot(archive, code)
    monkeypatch.chdir(code)
    assert "partially-merged 1/2" in invoke(span).stdout
    invoke("--format", "json", "-o", tmp_path / "out.json", span)
    statuses = [s["status"] for s in json.loads((tmp_path / "out.json").read_text())["series"]]
    assert statuses == ["partially-merged"]  # the tree was really read
    monkeypatch.chdir(tmp_path)
    invoke("--archive", archive, "-v", "HEAD")
    invoke("--archive", archive, "--tree", code, "--format", "markdown", "HEAD")
    invoke("--archive", archive, "--since", "2025-03-01", "--until", "2025-03-10")
    monkeypatch.chdir(archive)
    invoke("HEAD")
    assert snapshot(archive, code) == before


def can_drop_root_overrides() -> bool:
    return os.geteuid() != 0 or shutil.which("setpriv") is not None


def unprivileged(*command: str) -> list[str]:
    """`command`, run so that file permissions bind it: as root, without the capabilities above."""
    if os.geteuid() != 0:
        return list(command)
    return ["setpriv", f"--bounding-set={ROOT_OVERRIDES}", "--inh-caps=-all", *command]


def read_only(*tops: Path) -> None:
    for top in tops:
        for path in [top, *top.rglob("*")]:
            path.chmod(stat.S_IMODE(path.lstat().st_mode) & ~0o222)


def writable(*tops: Path) -> None:
    for top in tops:
        for path in [top, *top.rglob("*")]:
            path.chmod(stat.S_IMODE(path.lstat().st_mode) | 0o200)


@pytest.mark.skipif(not can_drop_root_overrides(), reason="running as root without setpriv: permissions cannot bind")
def test_read_only_archive_tree_and_bundle_still_work(archive: Path, tree: tuple[Path, str], tmp_path: Path) -> None:
    """The archive, the tree and a bundle, with every write bit removed (chmod -R a-w).

    Tests usually run as root, and root ignores permissions: a plain chmod would show
    nothing. So as root the digest runs under setpriv with CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH and CAP_FOWNER dropped from its bounding set, and the first
    assertion checks that the drop works (`touch` is refused). What remains unproven
    here: root still owns the files and could chmod them back; the checksum test above
    shows gitdigest does not.
    """
    code, span = tree
    bundle = tmp_path / "list.bundle"
    git("bundle", "create", "-q", str(bundle), "--all", cwd=archive / "git" / "1.git")
    read_only(archive, code, bundle)
    before = snapshot(archive, code, bundle)
    try:
        probe = subprocess.run(unprivileged("touch", str(archive / "probe")), capture_output=True)
        assert probe.returncode != 0, "write permission still holds: the test would prove nothing"
        digest = [sys.executable, "-m", "gitdigest.cli"]
        runs = [
            (unprivileged(*digest, "--archive", str(archive), "-v", "HEAD"), tmp_path),
            (unprivileged(*digest, span), code),
            (unprivileged(*digest, "--archive", str(bundle), "HEAD"), tmp_path),
        ]
        for command, cwd in runs:
            result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
            assert "Ann Dev <ann@dev.org>" in result.stdout
        assert snapshot(archive, code, bundle) == before
    finally:
        writable(archive, code, bundle)


@pytest.mark.parametrize("kind", ["archive", "bundle"])
def test_a_path_that_looks_like_an_option_is_only_a_path(kind: str, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "--upload-pack=touch pwned" + (".bundle" if kind == "bundle" else "")
    work = tmp_path / "work"
    work.mkdir()
    if kind == "bundle":
        git("bundle", "create", "-q", str(work / name), "--all", cwd=archive / "git" / "1.git")
    else:
        shutil.copytree(archive, work / name)
    monkeypatch.chdir(work)
    result = invoke(f"--archive={name}", "HEAD")
    assert "Ann Dev <ann@dev.org>" in result.stdout
    assert sorted(p.name for p in work.iterdir()) == [name]


def test_option_in_date_text_reaches_git_as_one_argument(archive: Path, tmp_path: Path) -> None:
    result = invoke("--archive", archive, "--since", f"2025-03-01 --upload-pack=touch {tmp_path}/pwned")
    assert "Ann Dev <ann@dev.org>" in result.stdout  # git read the date and ignored the rest
    assert not (tmp_path / "pwned").exists()


# git config that makes some git command run a program; an archive is untrusted content.
HOSTILE_CONFIG = [
    "core.fsmonitor", "core.pager", "core.sshCommand", "core.askPass", "core.editor", "core.hooksPath",
    "diff.external", "gpg.program", "credential.helper", "sequence.editor", "uploadpack.packObjectsHook",
]


def test_archive_git_config_cannot_make_git_run_a_program(archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "hostile"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\n")
    script.chmod(0o755)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "pre-auto-gc", "reference-transaction", "post-index-change"):
        shutil.copy(script, hooks / hook)
    for epoch in sorted((archive / "git").iterdir()):
        for key in HOSTILE_CONFIG:
            git("config", key, str(hooks if key == "core.hooksPath" else script), cwd=epoch)
        git("config", "log.showSignature", "true", cwd=epoch)
    monkeypatch.chdir(tmp_path)
    invoke("--archive", archive, "-v", "HEAD")
    invoke("--archive", archive, "--since", "2025-03-01")
    assert not marker.exists(), marker.read_text()
    # The trap is armed: a git command that honours diff.external does run the program.
    git("diff", "--ext-diff", "HEAD~1", "HEAD", cwd=archive / "git" / "0.git")
    assert marker.exists()


def shell_uses(path: Path) -> list[str]:
    """Calls in a module that would run a command through a shell."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if name in {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"}:
            found.append(f"{path.name}:{node.lineno}: {name}")
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                found.append(f"{path.name}:{node.lineno}: {name}(shell=...)")
    return found


def test_no_module_runs_a_shell() -> None:
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 10
    assert [use for module in modules for use in shell_uses(module)] == []
