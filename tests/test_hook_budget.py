"""The pre-push hook never waits on the archive. It reads the index as it stands and leaves
new mail to a `git digest index` it starts in the background, except where the push must
see that mail and there is little of it: a verdict that can refuse the push, or a small
archive's first index."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
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


def _background_done(log: Path, added: int | None = None) -> None:
    """Wait for the background update to end (its output's last line is written as it ends)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        if _ended(text.encode()):
            assert added is None or f": {added:,} messages added," in text, text
            return
        time.sleep(0.1)
    raise AssertionError(f"the background update did not end: {log.read_text() if log.exists() else 'no log'}")


def _ended(text: bytes) -> int:
    """How many runs in the log have ended (`git digest index` ends with `...; N indexed`)."""
    return sum(line.endswith(b" indexed") for line in text.splitlines())


def _setup(queue: Path, tmp_path: Path) -> tuple[Path, Path]:
    subprocess.run(["git", "digest", "hook", "install"], cwd=queue, check=True, capture_output=True)
    index = tmp_path / "index.sqlite3"
    subprocess.run(["git", "config", "digest.index", str(index)], cwd=queue, check=True)
    log = Path(os.environ["XDG_CACHE_HOME"]) / "gitdigest" / pipeline.HOOK_LOG
    return index, log


def test_new_mail_is_indexed_in_the_background_and_the_push_reads_the_index_as_it_stands(
    queue: Path, kvm_archive: Path, tmp_path: Path
) -> None:
    index, log = _setup(queue, tmp_path)
    first = _push(queue, "hyperv").stderr
    assert SERIES in first and "background" not in first  # a small archive's first index: in the push
    assert not log.exists()
    before = _indexed(index)
    writer = EpochWriter(kvm_archive / "git" / "0.git")
    for start, count in ((0, 3), (3, pipeline.HOOK_BUDGET + 1)):
        _noise(writer, start, count)
        done = _push(queue, "hyperv")
        assert (f"note: {count:,} new messages in the archive are being indexed in the background;"
                " this summary is as of the last update") in done.stderr
        assert SERIES in done.stderr and "warning" not in done.stderr
        _background_done(log, count)
        assert _indexed(index) == before + start + count
        log.unlink()
    again = _push(queue, "hyperv").stderr
    assert "git-digest: note" not in again and SERIES in again
    assert not log.exists()  # nothing waited: nothing was started


def test_a_push_that_can_be_refused_indexes_a_little_new_mail_itself(queue: Path, kvm_archive: Path, tmp_path: Path) -> None:
    index, log = _setup(queue, tmp_path)
    assert SERIES in _push(queue, "hyperv").stderr  # builds the index
    subprocess.run(["git", "config", "digest.hook.block", "true"], cwd=queue, check=True)
    before = _indexed(index)
    writer = EpochWriter(kvm_archive / "git" / "0.git")
    _noise(writer, 0, 3)
    done = subprocess.run(["git", "push", "origin", "hyperv"], cwd=queue, capture_output=True, text=True, check=False)
    assert done.returncode != 0  # v3 was superseded by v4: digest.hook.block refuses it
    assert "background" not in done.stderr and SERIES in done.stderr
    assert _indexed(index) == before + 3  # at once: the push indexed them itself
    assert not log.exists()
    _noise(writer, 3, pipeline.HOOK_BUDGET + 1)  # too much even for a verdict: the background
    done = subprocess.run(["git", "push", "origin", "hyperv"], cwd=queue, capture_output=True, text=True, check=False)
    assert f"note: {pipeline.HOOK_BUDGET + 1:,} new messages in the archive are being indexed in the background" in done.stderr
    _background_done(log, pipeline.HOOK_BUDGET + 1)
    assert _indexed(index) == before + 3 + pipeline.HOOK_BUDGET + 1


def test_a_large_archive_is_first_indexed_in_the_background(queue: Path, kvm_archive: Path, tmp_path: Path) -> None:
    index, log = _setup(queue, tmp_path)
    epoch = kvm_archive / "git" / "0.git"
    noise = max(0, pipeline.HOOK_BUDGET + 2 - _commits(epoch))
    _noise(EpochWriter(epoch), 0, noise)
    total = _commits(epoch)
    assert total > pipeline.HOOK_BUDGET
    done = _push(queue, "hyperv")
    assert (f"note: no pre-push summary: indexing {kvm_archive} for the first time, in the background"
            f" ({total:,} messages; its output goes to {log}); later pushes are quick") in done.stderr
    assert SERIES not in done.stderr and "warning" not in done.stderr
    _background_done(log)
    assert _indexed(index) == total  # a row for every commit
    later = _push(queue, "hyperv").stderr
    assert SERIES in later and "git-digest: note" not in later


def _commits(epoch: Path) -> int:
    return int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=epoch, capture_output=True, text=True,
                              check=True).stdout)


def test_a_background_update_that_cannot_start_costs_a_warning_not_the_summary(
    queue: Path, kvm_archive: Path, tmp_path: Path
) -> None:
    index, _log = _setup(queue, tmp_path)
    assert SERIES in _push(queue, "hyperv").stderr  # builds the index
    before = _indexed(index)
    _noise(EpochWriter(kvm_archive / "git" / "0.git"), 0, 3)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")  # the cache directory's place holds a file: the log cannot be opened
    env = {**os.environ, "XDG_CACHE_HOME": str(blocked)}
    done = subprocess.run(["git", "push", "origin", "hyperv"], cwd=queue, capture_output=True, text=True, check=False,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert "warning: the background update of the list's index did not start:" in done.stderr
    assert SERIES in done.stderr  # the summary is still there
    assert _indexed(index) == before


def test_background_updates_append_to_their_log(kvm_archive: Path, tmp_path: Path) -> None:
    """Two pushes may each start an update: the second must not cut the first's output (or an
    earlier run's); each run's output follows a line with its command. Past the limit the log
    starts anew."""
    from gitdigest.index import ingest

    log, index = tmp_path / "cache" / "hook-index.log", tmp_path / "index.sqlite3"
    log.parent.mkdir()
    log.write_bytes(b"an earlier run's output\n")
    ingest.in_background(kvm_archive, index, log)
    ingest.in_background(kvm_archive, index, log)
    deadline = time.monotonic() + 120
    while _ended(log.read_bytes()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_bytes()
    assert text.startswith(b"an earlier run's output\n") and b"\0" not in text, text
    assert text.count(b" -m gitdigest.cli index --archive ") == 2 and _ended(text) == 2, text
    log.write_bytes(b"x" * (ingest.LOG_LIMIT + 1))
    ingest.in_background(kvm_archive, index, log)
    while not _ended(log.read_bytes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert log.read_bytes().startswith(b"20") and b"xx" not in log.read_bytes()
