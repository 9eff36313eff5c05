"""Integration over the real io-uring archive: a week and the whole of it."""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import git

from gitdigest import cli

pytestmark = pytest.mark.slow

WEEK = ("2025-05-05", "2025-05-12")  # a busy week: about 60 patch emails
SUBJECT_TAG = re.compile(r"^\s*\[([^\]]*)\]")
DIFF = re.compile(r"^(?:diff --git a/\S+ b/\S+|---.*\n\+\+\+)", re.M)
REPLY = re.compile(r"^\s*(?:re|aw|fwd?)\s*:", re.I)


def week_range(top: Path) -> str:
    """`A..B`: the archive commits whose message date falls in WEEK."""
    epoch = top / "git" / "0.git"
    inside = git("log", "--reverse", "--format=%H %at", cwd=epoch).split("\n")
    import datetime as dt

    low, high = (dt.datetime.fromisoformat(d).replace(tzinfo=dt.timezone.utc).timestamp() for d in WEEK)
    picked = [line.split()[0] for line in inside if line and low <= int(line.split()[1]) < high]
    first = git("rev-parse", f"{picked[0]}~1", cwd=epoch).strip()
    return f"{first}..{picked[-1]}"


def independent_count(top: Path, spec: str) -> Counter[str]:
    """Patch emails by author address, counted without gitdigest or b4."""
    epoch = top / "git" / "0.git"
    counts: Counter[str] = Counter()
    for commit in git("rev-list", spec, cwd=epoch).split():
        blob = subprocess.run(["git", "show", f"{commit}:m"], cwd=epoch, capture_output=True).stdout
        msg = email.message_from_bytes(blob, policy=email.policy.default)
        subject = " ".join(str(msg["Subject"] or "").split())
        tag = SUBJECT_TAG.match(subject)
        if REPLY.match(subject) or (tag and "GIT PULL" in tag.group(1).upper()):
            continue
        part = msg.get_body(preferencelist=("plain",))
        body = part.get_content() if part else ""
        cover = bool(tag and re.search(r"\b0+/\d+\b", tag.group(1)))
        if not (cover or DIFF.search(body)):
            continue
        first = re.match(r"\A\s*From:\s*(.+)$", body, re.M)
        counts[email.utils.parseaddr(first.group(1) if first else str(msg["From"]))[1].lower()] += 1
    return counts


def digest_json(index: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli.report, ["--format", "json", "--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_one_week_matches_an_independent_count(iouring: Path, iouring_index: Path) -> None:
    spec = week_range(iouring)
    data = digest_json(iouring_index, "--archive", str(iouring), spec)
    ours = {c["email"]: c["count"] for c in data["contributors"]}
    theirs = independent_count(iouring, spec)
    assert sum(theirs.values()) > 50
    assert ours == dict(theirs)
    assert data["series"], "a week of io-uring has series"


def test_one_week_by_dates_equals_the_range(iouring: Path, iouring_index: Path) -> None:
    by_range = digest_json(iouring_index, "--archive", str(iouring), week_range(iouring))
    by_dates = digest_json(iouring_index, "--archive", str(iouring), "--since", WEEK[0], "--until", WEEK[1])
    assert by_dates["contributors"] == by_range["contributors"]
    assert [s["cover_msgid"] for s in by_dates["series"]] == [s["cover_msgid"] for s in by_range["series"]]


def test_whole_archive_completes_with_few_skips(iouring: Path, iouring_history, iouring_index: Path) -> None:
    total = len(iouring_history.messages) + len(iouring_history.skipped)
    assert total == 33495
    assert len(iouring_history.skipped) / total < 0.001
    data = digest_json(iouring_index, "--archive", str(iouring), "HEAD")
    # A Message-ID delivered twice counts once: 55 ids came 118 times (test_broken_archives).
    assert data["messages"] == len({m.msgid for m in iouring_history.messages}) == 33_491 - 63
    assert len(data["series"]) > 1000
    assert sum(c["count"] for c in data["contributors"]) == sum(d["count"] for d in data["domains"])


GIB = 1 << 30


def tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and its descendants now (shared pages counted in each)."""
    total, todo = 0, [pid]
    while todo:
        here = todo.pop()
        try:
            status = Path(f"/proc/{here}/status").read_text()
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{here}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue  # gone meanwhile, or a zombie
    return total


def measured(*args: str, out: Path) -> tuple[int, int, int]:
    """Run `git digest ARGS` with stdout to `out`: exit code, the peak of the process tree's
    resident memory (sampled every 20 ms) and the largest single process's (ru_maxrss)."""
    with out.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "gitdigest.cli", *args], stdout=sink, stderr=subprocess.DEVNULL)
    peak = 0
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.02)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, peak, usage.ru_maxrss * 1024


def test_whole_archive_stays_under_a_gibibyte(iouring: Path, tmp_path: Path) -> None:
    """The whole archive from a cold index (parsing on every core), then warm."""
    figures = {}
    for run in ("cold", "warm"):
        code, tree, largest = measured("--archive", str(iouring), "--index", str(tmp_path / "i.sqlite3"), "--format", "json", "HEAD", out=tmp_path / f"{run}.json")
        assert code == 0
        assert json.loads((tmp_path / f"{run}.json").read_text())["messages"] == 33_491 - 63
        assert tree < GIB and largest < GIB, (run, tree, largest)
        figures[run] = f"{run}: tree {tree / 2**20:.0f} MiB, largest process {largest / 2**20:.0f} MiB"
    print("; ".join(figures.values()))
