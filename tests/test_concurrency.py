"""Concurrent use and crashes, with real processes sharing one index file.

Several digests, an index update and the pre-push hook run at once while the list grows,
round after round; and index updates (by `git digest index` and by a report) are killed
with SIGKILL at random points. Whatever the timing, every run answers as a run on an
index nobody else touched would, and the index holds each archive message exactly once.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

from archives import EpochWriter, build_v2, mails
from click.testing import CliRunner
from conftest import digest_process, finished, git, loaded, stored

from gitdigest import cli

ROUNDS = 20
"""Rounds of the concurrency test, and kills of the crash test."""
BUSY_NOTE = "git-digest: note: another process is updating the list's index"


def report(top: Path, path: Path, *args: str) -> str:
    """A report run in-process, alone, through the index at `path`."""
    result = CliRunner().invoke(cli.report, ["--archive", str(top), "--index", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def rows_in(path: Path) -> tuple[int, int, int]:
    """The index's message rows, rows whose commit is there twice, and duplicated answer rows."""
    with sqlite3.connect(path) as db:
        count = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        twice = db.execute("SELECT count(*) FROM (SELECT 1 FROM messages GROUP BY commit_id HAVING count(*) > 1)").fetchone()[0]
        answers = db.execute("SELECT count(*) FROM (SELECT 1 FROM answers GROUP BY target, seq HAVING count(*) > 1)").fetchone()[0]
    return count, twice, answers


def test_digests_an_update_and_the_hook_at_once(queue: Path, kvm_archive: Path, tmp_path: Path) -> None:
    shared, alone = tmp_path / "shared.sqlite3", tmp_path / "alone.sqlite3"
    git("config", "digest.index", str(shared), cwd=queue)
    git("digest", "hook", "install", cwd=queue)
    # Correctness under contention, not speed: on a loaded machine the hook may take over 5 s.
    git("config", "digest.hook.timeout", "600", cwd=queue)
    writer = EpochWriter(kvm_archive / "git" / "0.git")
    commits = int(git("rev-list", "--count", "HEAD", cwd=kvm_archive / "git" / "0.git"))
    runs = {
        "whole": ("--format", "json", "HEAD"),
        "week": ("--format", "json", "--since", "2025-03-03", "--until", "2025-03-10"),
        "text": ("--format", "text", "--no-color", "HEAD"),
    }
    summary, busy = None, 0
    for round_ in range(ROUNDS):
        for data in mails(10 * round_, 10, prefix=f"r{round_}-"):  # the list grows: each round has work to index
            writer.add(data)
        commits += 10
        top = ["--archive", str(kvm_archive), "--index", str(shared)]
        procs = {name: digest_process(*top, *args) for name, args in runs.items()}
        procs["index"] = digest_process("index", *top)
        procs["hook"] = subprocess.Popen(["git", "push", "origin", "hyperv"], cwd=queue, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        done = {name: finished(proc) for name, proc in procs.items()}

        for name in (*runs, "index"):
            code, out, err = done[name]
            assert (code, err) == (0, ""), f"round {round_}, {name}: {err}"
        for name, args in runs.items():
            assert done[name][1] == report(kvm_archive, alone, *args), f"round {round_}, {name}"
        assert json.loads(done["whole"][1])["messages"] == len({m.msgid for m in loaded(kvm_archive)})
        assert rows_in(shared) == (commits, 0, 0)
        assert stored(shared) == stored(alone)

        code, _out, err = done["hook"]
        assert code == 0, err
        lines = [line for line in err.splitlines() if not line.startswith("git-digest: note:")]
        if round_ == 0 and "being built by another process" in err:
            pass  # the first round races to build the index: the hook does not wait for that
        else:
            assert "[v3] hw/hyperv: remove duplication compilation units" in err
            assert "warning" not in err and "error" not in err
            summary = summary or lines
            assert lines == summary, f"round {round_}"
        busy += BUSY_NOTE in err
        git("push", "-q", "--no-verify", "origin", "--delete", "hyperv", cwd=queue)
    assert stored(shared) == loaded(kvm_archive)
    print(f"{ROUNDS} rounds; the hook read the index while another process updated it in {busy}")


def indexed(path: Path) -> int | None:
    """The message rows in the index now, read-only; None when there is no readable index."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM messages").fetchone()[0]
    except sqlite3.DatabaseError:  # not there yet, no table yet, or unreadable
        return None


def state(path: Path, total: int) -> str:
    """What a killed update left: no index, an empty or partial one, or a whole one."""
    count = indexed(path)
    return "none" if count is None else "empty" if count == 0 else "partial" if count < total else "whole"


def kill_point(proc: subprocess.Popen[str], path: Path, rows: int | None, seconds: float) -> None:
    """Wait until the index holds `rows` rows (when given), or for `seconds`, or for the end."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None:
        if rows is None and time.monotonic() >= deadline:
            return
        if rows is not None and (indexed(path) or 0) >= rows:
            return
        time.sleep(0.002)


def test_index_updates_killed_at_random_points(tmp_path: Path) -> None:
    # Enough messages that a cold update parses them in chunks on worker processes.
    top = build_v2(tmp_path / "list", mails(0, 2000))
    writer, total = EpochWriter(top / "git" / "0.git"), 2000
    killed, alone = tmp_path / "killed.sqlite3", tmp_path / "alone.sqlite3"
    start = time.monotonic()
    assert finished(digest_process("index", "--archive", str(top), "--index", str(alone)))[0] == 0
    full = time.monotonic() - start
    rng = random.Random(20261126)
    outcomes: Counter[str] = Counter()
    answers: dict[int, str] = {}  # the uninterrupted run's report, by the archive's size
    for round_ in range(ROUNDS):
        if round_ % 2 == 0:  # from cold
            for suffix in ("", "-wal", "-shm"):
                Path(f"{killed}{suffix}").unlink(missing_ok=True)
        else:  # an incremental update
            for data in mails(total, 100, prefix=f"k{round_}-"):
                writer.add(data)
            total += 100
        which = ("index",) if round_ % 3 != 2 else ("--format", "json", "HEAD")  # a report updates too
        proc = digest_process(*which, "--archive", str(top), "--index", str(killed), start_new_session=True)
        # A cold round in four is killed once the index holds a random number of rows, so that
        # some kills surely land between two chunks; the others at a random time.
        rows = rng.randrange(1, total) if round_ % 4 == 0 else None
        kill_point(proc, killed, rows, rng.uniform(0, full))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the process and its parsing workers
            outcomes[state(killed, total)] += 1
        else:
            outcomes["finished"] += 1
        proc.communicate()

        # The next run uses what is there or rebuilds it, and answers as a run alone does.
        if total not in answers:
            answers[total] = report(top, alone, "--format", "json", "HEAD")
        assert report(top, killed, "--format", "json", "HEAD") == answers[total], f"round {round_}"
        assert rows_in(killed) == (total, 0, 0)
        assert stored(killed) == stored(alone)
    assert stored(alone) == loaded(top)
    print(f"{ROUNDS} kills: {dict(outcomes)}")
    assert outcomes["partial"] >= 3, outcomes  # kills landed between chunks of an update
