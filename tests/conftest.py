"""Shared fixtures: a sealed environment, the io-uring clone and the sample-period archive."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).parent))

from archives import build_v2, read_mbox

if TYPE_CHECKING:
    from gitdigest.model import Message

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SHARED = ROOT.parent / "shared" / "data"
IOURING_BUNDLE = SHARED / "io-uring-0.bundle"
KVM_SAMPLE_MBOX = DATA / "kvm-sample" / "kvm-sample.mbox"


FULL_TIER = {
    "slow": "the whole io-uring archive (../shared/data/io-uring-0.bundle)",
    "online": "Debian's public-inbox (a local lore on 127.0.0.1)",
    "browser": "Chromium",
    "man": "man-db and a `pip install .` (not editable) that installs the man page",
}
"""The marks of the full tier, and what each needs that a fresh clone in a venv lacks."""
TIER_FIXTURES = {"iouring": "slow", "lore_server": "online"}
"""A test that uses one of these fixtures belongs to that mark's tier, marked or not."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files from the current output instead of comparing",
    )
    parser.addoption(
        "--full",
        action="store_true",
        help="also run the full tier: " + "; ".join(f"{mark}: {what}" for mark, what in FULL_TIER.items()),
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tier's tests; without --full (or a -m of one's own), leave them out, with a note."""
    for item in items:
        for fixture, mark in TIER_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(mark)
    if config.getoption("--full") or config.getoption("markexpr"):
        return
    tier = [item for item in items if any(item.get_closest_marker(mark) for mark in FULL_TIER)]
    if tier:
        config.hook.pytest_deselected(items=tier)
        left_out = set(tier)
        items[:] = [item for item in items if item not in left_out]
        config.stash[_LEFT_OUT] = len(tier)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    left = config.stash.get(_LEFT_OUT, 0)
    if left:
        terminalreporter.write_line(
            f"note: {left} tests of the full tier were left out; `python -m pytest --full` runs them"
            f" (they need {', '.join(FULL_TIER.values())})"
        )


_LEFT_OUT = pytest.StashKey[int]()


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def sealed_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hermetic HOME, git config and cache, so that test repositories are deterministic."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.org")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2025-03-01T12:00:00Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-03-01T12:00:00Z")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "PAGER", "GIT_PAGER"):
        monkeypatch.delenv(var, raising=False)
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = master\n")
    return home


def git(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None) -> str:
    """Run git and return its stdout (for test set-up only); `env` adds variables to the
    sealed environment."""
    extra = {} if env is None else {"env": {**os.environ, **env}}
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, **extra
    ).stdout


@pytest.fixture(scope="session")
def iouring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The io-uring archive, cloned once per session; returns the top dir holding git/0.git."""
    if not IOURING_BUNDLE.exists():
        pytest.fail(f"{IOURING_BUNDLE} is missing: the shared data must sit beside the repository")
    top = tmp_path_factory.mktemp("io-uring")
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(IOURING_BUNDLE), str(top / "git" / "0.git")],
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    return top


@pytest.fixture(scope="session")
def kvm_messages() -> list[bytes]:
    """The sample period's messages, in arrival order."""
    return read_mbox(KVM_SAMPLE_MBOX)


@pytest.fixture
def kvm_archive(tmp_path: Path, kvm_messages: list[bytes]) -> Path:
    """A v2 archive that reproduces the sample report's period."""
    return build_v2(tmp_path / "kvm", kvm_messages)


def hyperv_v3(messages: list[bytes]) -> list[bytes]:
    """The hyperv v3 patch mails, 1/7 to 7/7."""
    parser = BytesHeaderParser()
    found = {}
    for data in messages:
        subject = " ".join(str(parser.parsebytes(data)["Subject"]).split())
        if subject.startswith("[PATCH v3 ") and "/7]" in subject and not subject.startswith("[PATCH v3 0/"):
            found[int(subject.split()[2].split("/")[0])] = data
    return [found[n] for n in sorted(found)]


@pytest.fixture
def queue(tmp_path: Path, kvm_messages: list[bytes], kvm_archive: Path) -> Path:
    """A maintainer's tree: base on the remote, then a branch with hyperv v3 and one local commit."""
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    env = {**os.environ, "GIT_COMMITTER_DATE": "2025-03-10T12:00:00Z"}

    def git(*args: str, cwd: Path | None = None) -> None:
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)

    git("init", "-q", "--bare", str(remote))
    shutil.copytree(DATA / "kvm-sample" / "base", work)
    git("init", "-q", str(work))
    git("add", ".", cwd=work)
    git("commit", "-qm", "base", cwd=work)
    git("remote", "add", "origin", str(remote), cwd=work)
    git("push", "-q", "origin", "master", cwd=work)
    git("checkout", "-qb", "hyperv", cwd=work)
    for n, data in enumerate(hyperv_v3(kvm_messages), 1):
        mail = tmp_path / f"v3-{n}.eml"
        mail.write_bytes(data)
        git("am", "-q", str(mail), cwd=work)
    (work / "hw" / "NOTES").write_text("a local note\n")
    git("add", ".", cwd=work)
    git("commit", "-qm", "hw: keep a local note", "--author=Maint Ainer <maint@example.org>", cwd=work)
    git("config", "digest.archive", str(kvm_archive), cwd=work)
    return work


@pytest.fixture(scope="session")
def iouring_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index file for the io-uring archive, shared by the session's io-uring digests.

    Each test has its own cache (see sealed_env), so without this every io-uring digest
    would build the index from cold; building it once keeps the suite's time in bounds.
    """
    return tmp_path_factory.mktemp("iouring-index") / "io-uring.sqlite3"


@pytest.fixture(scope="session")
def iouring_history(iouring: Path):
    """Every message of the io-uring archive, parsed once per session (about 25 s)."""
    from gitdigest import pipeline
    from gitdigest.mail import archive

    arch = archive.open_archive(iouring)
    selection = archive.select_range(arch, "HEAD")
    return pipeline.load(archive.read(selection), total=selection.count)


@pytest.fixture(scope="session")
def lore_server(tmp_path_factory: pytest.TempPathFactory):
    """A local lore: public-inbox-httpd on 127.0.0.1 serving tests/local_lore.py's inbox,
    indexed with Xapian for search; stopped at the end of the session."""
    from local_lore import serve

    with serve(tmp_path_factory.mktemp("lore")) as server:
        yield server


# -- helpers for tests that run gitdigest as processes or read its index -----------


def digest_process(*args: str, **popen: object) -> subprocess.Popen[str]:
    """`git digest ARGS` as a process of its own, in the sealed environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "gitdigest.cli", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(), **popen,
    )


def finished(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Wait for a process from digest_process: its exit code, stdout and stderr."""
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def loaded(top: Path, spec: str = "HEAD") -> tuple[Message, ...]:
    """The messages of `spec` in the archive, parsed the index-free way: the reference."""
    from gitdigest import pipeline
    from gitdigest.mail import archive

    arch = archive.open_archive(top)
    return pipeline.load(archive.read(archive.select_range(arch, spec))).messages


def stored(path: Path) -> tuple[Message, ...]:
    """What the index at `path` holds, in archive order."""
    from gitdigest import index

    with index.Index(path, sqlite3.connect(path, isolation_level=None)) as idx:
        return tuple(idx.everything().values())


def checksums(top: Path) -> dict[str, str]:
    """The sha256 of every file under `top`, by relative path."""
    return {str(p.relative_to(top)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(top.rglob("*")) if p.is_file()}


def git_patch_id(data: bytes) -> str:
    """The oracle: `git patch-id --stable` of the bytes alone."""
    out = subprocess.run(["git", "patch-id", "--stable"], input=data, capture_output=True, check=True).stdout
    return out.split()[0].decode()


# -- helpers for tests that run the command line in-process ------------------------


def invoke(*args: str | Path) -> Result:
    """`git digest ARGS` in-process, through click's CliRunner."""
    from gitdigest import cli

    return CliRunner().invoke(cli.report, [str(a) for a in args])


def digest_json(*args: str | Path) -> tuple[dict, str]:
    """The JSON report and stderr of a run that must succeed."""
    result = invoke("--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr
