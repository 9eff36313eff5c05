"""The pre-push hook fails open: each way it can break, through a real `git push`.

Only exit status 3 (a finding that digest.hook.block refuses) stops a push. A missing
program, an interpreter that moved, a crash at import, a signal, a closed or full
stderr and a time-out each let the push through, with one warning line where stderr
can still be written.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gitdigest.hook import prepush

BIN = Path(sys.executable).parent


def git(*args: str, cwd: Path, env: dict[str, str] | None = None, **run: object) -> subprocess.CompletedProcess[str]:
    """git in the sealed environment plus `env`; the finished process (never checked)."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "GIT_COMMITTER_DATE": "2025-03-10T12:00:00Z", **(env or {})}, **run)


def installed(queue: Path) -> Path:
    """The hook installed in `queue` by `git digest hook install`."""
    done = git("digest", "hook", "install", cwd=queue)
    assert done.returncode == 0, done.stderr
    return queue / ".git" / "hooks" / "pre-push"


def remote_has(work: Path, branch: str) -> bool:
    return bool(git("ls-remote", "origin", f"refs/heads/{branch}", cwd=work).stdout.strip())


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("git-digest: warning:")]


def shadow(tmp_path: Path, source: str) -> dict[str, str]:
    """An environment whose `import click` runs `source` first: the real program, broken at start-up."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "click.py").write_text(source)
    return {"PYTHONPATH": str(shim)}


def test_program_not_on_path(queue: Path, tmp_path: Path) -> None:
    installed(queue)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git", "sleep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    done = git("push", "origin", "hyperv", cwd=queue, env={"PATH": str(bin_dir)})
    assert done.returncode == 0, done.stderr
    assert warnings(done.stderr) == ["git-digest: warning: git-digest is not on PATH, no pre-push summary; the push goes on"]
    assert remote_has(queue, "hyperv")


def test_interpreter_moved(queue: Path, tmp_path: Path) -> None:
    installed(queue)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = (BIN / "git-digest").read_text().split("\n", 1)[1]
    moved = bin_dir / "git-digest"
    moved.write_text(f"#!{tmp_path}/gone/python3\n{script}")
    moved.chmod(0o755)
    # Only this copy on PATH: sh would go on to the next git-digest on PATH if there were one.
    system = ":".join(str(Path(shutil.which(tool)).parent) for tool in ("git", "sleep"))
    done = git("push", "origin", "hyperv", cwd=queue, env={"PATH": f"{bin_dir}:{system}"})
    assert done.returncode == 0, done.stderr
    assert len(warnings(done.stderr)) == 1 and "cannot start (exit 12" in warnings(done.stderr)[0]
    assert remote_has(queue, "hyperv")


def test_crash_at_import(queue: Path, tmp_path: Path) -> None:
    installed(queue)
    done = git("push", "origin", "hyperv", cwd=queue, env=shadow(tmp_path, "raise ImportError('broken install')\n"))
    assert done.returncode == 0, done.stderr
    assert "ImportError: broken install" in done.stderr  # Python's own traceback
    assert warnings(done.stderr) == ["git-digest: warning: git-digest failed (exit 1), no pre-push summary; the push goes on"]
    assert remote_has(queue, "hyperv")


def test_killed_by_a_signal(queue: Path, tmp_path: Path) -> None:
    installed(queue)
    env = shadow(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    done = git("push", "origin", "hyperv", cwd=queue, env=env)
    assert done.returncode == 0, done.stderr
    assert len(warnings(done.stderr)) == 1 and "stopped by signal 9" in done.stderr
    assert remote_has(queue, "hyperv")


def test_time_out_stops_a_stuck_program(queue: Path, tmp_path: Path) -> None:
    """Stuck where Python cannot interrupt it (here before it reads its settings): the stub's
    watchdog stops it at digest.hook.timeout plus 2 s."""
    installed(queue)
    git("config", "digest.hook.timeout", "1", cwd=queue)
    env = shadow(tmp_path, "import time\ntime.sleep(120)\n")
    start = time.monotonic()
    done = git("push", "origin", "hyperv", cwd=queue, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert warnings(done.stderr) == [
        "git-digest: warning: git-digest stopped by signal 15 (digest.hook.timeout is 1 s), no pre-push summary; the push goes on"
    ]
    assert remote_has(queue, "hyperv")
    assert time.monotonic() - start < 60  # stopped, not waited out


def test_budget_raises_in_the_main_thread() -> None:
    with pytest.raises(prepush.OverBudget, match=r"over digest.hook.timeout \(0.2 s\)"), prepush._budget(0.2):
        time.sleep(5)
    with prepush._budget(0.2):
        pass
    time.sleep(0.3)  # the timer is off once the block ends


def test_closed_stderr(queue: Path) -> None:
    installed(queue)
    git("config", "digest.hook.block", "false", cwd=queue)
    done = subprocess.run(["sh", "-c", "git push origin hyperv 2>&-"], cwd=queue, capture_output=True, text=True, check=False,
                          env={**os.environ, "GIT_COMMITTER_DATE": "2025-03-10T12:00:00Z"})
    assert done.returncode == 0
    assert remote_has(queue, "hyperv")


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a /dev/full copy under tmp needs root")
def test_stderr_on_a_full_device(queue: Path, tmp_path: Path) -> None:
    installed(queue)
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with full.open("w") as err:
        done = subprocess.run(["git", "push", "origin", "hyperv"], cwd=queue, stdout=subprocess.PIPE, stderr=err, check=False,
                              env={**os.environ, "GIT_COMMITTER_DATE": "2025-03-10T12:00:00Z"})
    assert done.returncode == 0
    assert remote_has(queue, "hyperv")


def test_only_the_block_status_refuses(queue: Path) -> None:
    installed(queue)
    git("config", "digest.hook.block", "true", cwd=queue)
    done = git("push", "origin", "hyperv", cwd=queue)
    assert done.returncode != 0 and "push refused" in done.stderr and not warnings(done.stderr)
    assert not remote_has(queue, "hyperv")
    hook = subprocess.run(["git-digest", "hook", "pre-push", "origin", "x"], cwd=queue, capture_output=True, text=True, check=False,
                          input=f"refs/heads/hyperv {git('rev-parse', 'hyperv', cwd=queue).stdout.strip()} refs/heads/hyperv {'0' * 40}\n")
    assert hook.returncode == prepush.Verdict.BLOCK == 3


def test_a_bad_timeout_setting_still_pushes(queue: Path) -> None:
    installed(queue)
    git("config", "digest.hook.timeout", "soon", cwd=queue)
    done = git("push", "origin", "hyperv", cwd=queue)
    assert done.returncode == 0, done.stderr
    assert warnings(done.stderr) == [
        "git-digest: warning: no pre-push summary: digest.hook.timeout: 'soon' is not a number of seconds (write it as 5); the push goes on"
    ]
    assert remote_has(queue, "hyperv")


@pytest.mark.parametrize("how", ["--git-dir", "GIT_DIR"])
def test_a_push_with_git_dir_from_elsewhere_gets_its_summary(queue: Path, tmp_path: Path, how: str) -> None:
    installed(queue)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if how == "--git-dir":
        done = git(f"--git-dir={queue / '.git'}", "push", "origin", "hyperv", cwd=elsewhere)
    else:
        done = git("push", "origin", "hyperv", cwd=elsewhere, env={"GIT_DIR": str(queue / ".git")})
    assert done.returncode == 0, done.stderr
    assert "git-digest: pushing 8 commits to origin: hyperv (new branch)" in done.stderr
    assert not warnings(done.stderr)


PRE_COMMIT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: git-digest
        name: git digest
        entry: {entry}
        language: system
        stages: [pre-push]
        pass_filenames: false
        always_run: true
        require_serial: true
        verbose: true
"""


def framework(queue: Path, tmp_path: Path) -> dict[str, str]:
    """The pre-commit framework's pre-push hook in `queue`, running the entry our
    .pre-commit-hooks.yaml names (as `language: system`: nothing is fetched)."""
    shipped = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    entry = next(line.split(":", 1)[1].strip() for line in shipped.splitlines() if line.strip().startswith("entry:"))
    (queue / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG.format(entry=entry))
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"], cwd=queue,
                          capture_output=True, text=True, env={**os.environ, **env}, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def test_pre_commit_framework_route_gives_the_summary(queue: Path, tmp_path: Path) -> None:
    env = framework(queue, tmp_path)
    done = git("push", "origin", "hyperv", cwd=queue, env=env)
    assert done.returncode == 0, done.stderr
    assert "git-digest: pushing 8 commits to origin: hyperv" in done.stdout + done.stderr
    assert remote_has(queue, "hyperv")


@pytest.mark.parametrize("broken", ["crash", "signal", "stuck"])
def test_pre_commit_framework_route_fails_open(queue: Path, tmp_path: Path, broken: str) -> None:
    """Through pre-commit, the same watchdog runs: a crash at import, a SIGKILL, or a program stuck
    past digest.hook.timeout lets the push go, with the one warning line."""
    env = framework(queue, tmp_path)
    source = {
        "crash": "raise ImportError('broken install')\n",
        "signal": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
        "stuck": "import time\ntime.sleep(60)\n",
    }[broken]
    git("config", "digest.hook.timeout", "1", cwd=queue)
    start = time.monotonic()
    done = git("push", "origin", "hyperv", cwd=queue, env={**env, **shadow(tmp_path, source)})
    assert done.returncode == 0, done.stdout + done.stderr
    said = warnings(done.stdout + "\n" + done.stderr)
    assert len(said) == 1 and said[0].endswith("no pre-push summary; the push goes on"), said
    assert {"crash": "failed (exit 1)", "signal": "stopped by signal 9", "stuck": "stopped by signal 15"}[broken] in said[0]
    assert time.monotonic() - start < 30
    assert remote_has(queue, "hyperv")
