"""The pre-push hook never waits on the archive: it indexes a few new messages, and with
more than its budget it reads the index as it stands and says so."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from archives import EpochWriter, make_mail

from gitdigest import pipeline

SERIES = "[v3] hw/hyperv: remove duplication compilation units"


def _push(work: Path, branch: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", "push", "origin", branch], cwd=work, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    subprocess.run(["git", "push", "-q", "--no-verify", "origin", "--delete", branch], cwd=work, check=True)
    return done


def _indexed(index: Path) -> int:
    with sqlite3.connect(index) as db:
        return db.execute("SELECT count(*) FROM messages").fetchone()[0]


def _noise(writer: EpochWriter, start: int, count: int) -> None:
    for n in range(start, start + count):
        writer.add(make_mail(f"noise{n}@example.org", f"Re: question {n}", date="Tue, 11 Mar 2025 10:00:00 +0000"))


def test_a_few_new_messages_are_indexed_more_are_left_for_later(queue: Path, kvm_archive: Path, tmp_path: Path) -> None:
    subprocess.run(["git", "digest", "hook", "install"], cwd=queue, check=True, capture_output=True)
    index = tmp_path / "index.sqlite3"
    subprocess.run(["git", "config", "digest.index", str(index)], cwd=queue, check=True)
    assert SERIES in _push(queue, "hyperv").stderr  # builds the index
    before = _indexed(index)
    writer = EpochWriter(kvm_archive / "git" / "0.git")
    _noise(writer, 0, 3)
    done = _push(queue, "hyperv")
    assert SERIES in done.stderr and "not indexed yet" not in done.stderr
    assert _indexed(index) == before + 3
    _noise(writer, 3, pipeline.HOOK_BUDGET + 1)
    done = _push(queue, "hyperv")
    assert f"note: {pipeline.HOOK_BUDGET + 1} new messages in the archive are not indexed yet" in done.stderr
    assert SERIES in done.stderr and "warning" not in done.stderr
    assert _indexed(index) == before + 3
    subprocess.run(["git", "digest", "index", "--archive", str(kvm_archive), "--index", str(index)], check=True,
                   capture_output=True)
    assert _indexed(index) == before + 3 + pipeline.HOOK_BUDGET + 1
    assert "not indexed yet" not in _push(queue, "hyperv").stderr
