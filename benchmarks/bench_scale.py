"""Time gitdigest on a synthetic large archive: N copies of io-uring that never link.

    python benchmarks/bench_scale.py [--copies 1 5 15] [--runs 3] [--last N] [--keep DIR [--reuse]]

For each number of copies it builds the archive (see scale_archive.py: 4 epochs, copy 0's
last 100 messages held back), and prints one row of the table, every figure the median
of --runs with its ratio to the raw-read floor (`git cat-file --batch-all-objects --batch`
over every epoch) measured in the same run, and peak memory:

- cold index: `git digest index` into a fresh file; peak RSS of the main process plus
  its largest worker;
- then, on an index warmed as a user's is (one week digest and one pre-push run before the
  archive moves), the archive moves on by +100 messages and, from a copy of that warm
  index each time: the first one-week JSON digest (the newest week), the same warm, the
  pre-push hook of a 20-commit push of copy 0's `[PATCH liburing]` posts (what the push
  waits for: the update it starts in the background is waited for after it, untimed), and a warm
  whole-archive JSON digest. Each is a process of its own; its peak RSS is the largest
  of it and its children (RUSAGE_CHILDREN of a small launcher).

`--last N` takes only io-uring's last N messages (the CI test uses it). `--keep DIR --reuse`
measures the archives an earlier `--keep DIR` run built (building 15 copies takes minutes),
for example after a change to the code.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import scale_archive
from common import BUNDLE, arguments, median_time, raw_read_floor

HELD = 100
PUSH = 20
_COLD = """
import json, resource, sys
from gitdigest import cli
code = cli.main(["index", "--archive", sys.argv[1], "--index", sys.argv[2]])
peak = {w: resource.getrusage(getattr(resource, w)).ru_maxrss for w in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
with open(sys.argv[3], "w") as out:
    json.dump({"code": code, **peak}, out)
"""


# Each measured command runs under this small launcher: a process forked from this large one
# inherits its peak RSS (Linux keeps it across exec), so the launcher starts small and reports
# the time and the peak of the command's process tree (RUSAGE_CHILDREN: the largest of them).
_LAUNCH = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "seconds": seconds, "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, out)
"""


def timed(command: Sequence[str], cwd: Path | None = None, data: str | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in KiB (the process or its largest child) and stdout of one run."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        done = subprocess.run([sys.executable, "-c", _LAUNCH, str(report), *command], check=False, cwd=cwd,
                              input=(data or "").encode(), capture_output=True)
        result = json.loads(report.read_text())
    if result["code"]:
        raise SystemExit(f"{command[:3]} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return result["seconds"], result["peak"], done.stdout.decode(errors="replace")


def cold_index(top: Path, path: Path) -> tuple[float, int, int]:
    """Seconds, and the peak RSS (KiB) of the main process and of its largest worker."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    seconds, _peak, _out = timed([sys.executable, "-c", _COLD, str(top), str(path), str(path) + ".peak"])
    peak = json.loads(Path(str(path) + ".peak").read_text())
    if peak.pop("code"):
        raise SystemExit("git digest index failed")
    return seconds, peak["RUSAGE_SELF"], peak["RUSAGE_CHILDREN"]


def newest_week(built: scale_archive.Built) -> tuple[str, str]:
    """--since and --until of the week up to the newest message (with the held ones)."""
    last = int(subprocess.run(["git", "log", "-1", "--format=%at", built.after], cwd=built.last_epoch,
                              check=True, capture_output=True, text=True).stdout)
    iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return iso(last - 7 * 86400), iso(last + 1)


def digest_command(top: Path, index: Path, *period: str) -> list[str]:
    """A JSON digest of the period, as a user runs it."""
    return ["git-digest", "--archive", str(top), "--index", str(index), "--list-name", "io-uring",
            "--format", "json", "--no-pager", *period]


def restore(snapshot: Path, index: Path) -> None:
    """The warm index as it was before the archive moved."""
    for suffix in ("-wal", "-shm"):
        Path(str(index) + suffix).unlink(missing_ok=True)
    shutil.copyfile(snapshot, index)


def checkpoint(index: Path) -> None:
    """Fold the WAL into the file so that copying the file copies the index."""
    import sqlite3

    with sqlite3.connect(index) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def push_tree(built: scale_archive.Built, index: Path, root: Path) -> tuple[Path, str]:
    """A tree whose `queue` branch applies PUSH of copy 0's `[PATCH liburing]` posts; git's stdin line."""
    import bench_hook

    from gitdigest import index as gindex
    from gitdigest.mail import archive, messages

    arch = archive.open_archive(built.top)
    with gindex.open_index(index, arch, messages.MAX_MESSAGE_SIZE) as idx:
        rows = idx.rows_between(None, None).rows
        found = idx.by_rows(rows[-20000:]).values()
    candidates = [m for m in found if m.is_patch and m.patch_id and "@c" not in m.sender.email
                  and any(p.lower() == "liburing" for p in m.subject.prefixes)]
    shutil.rmtree(root, ignore_errors=True)  # an earlier run's tree (--reuse)
    root.mkdir(parents=True)
    work = bench_hook.build(root, bench_hook.choose(arch, candidates, PUSH, 6))
    bench_hook.git("config", "digest.archive", str(built.top), cwd=work)
    bench_hook.git("config", "digest.index", str(index), cwd=work)
    tip = bench_hook.git("rev-parse", "queue", cwd=work).strip()
    return work, f"refs/heads/queue {tip} refs/heads/queue {'0' * 40}\n"


def background_ended(index: Path) -> None:
    """Wait for an update the hook started in the background to end, so that the index file
    can be restored (the hook's Popen returns once that process runs, so it is seen here)."""
    deadline = time.monotonic() + 600
    while _running("gitdigest.cli", "index", str(index)):
        if time.monotonic() > deadline:
            raise SystemExit(f"the hook's background update of {index} did not end")
        time.sleep(0.1)


def _running(*words: str) -> bool:
    """Whether a process whose command line holds all of `words` is running."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if all(w.encode() in args for w in words):
            return True
    return False


def median_of(runs: int, once: Callable[[], tuple[float, int, str]]) -> tuple[float, int]:
    """Median seconds and the largest peak RSS (KiB) of `runs` runs."""
    results = [once() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def measure(copies: int, messages: Sequence[scale_archive.Source], runs: int, work: Path, reuse: bool = False) -> dict[str, object]:
    """Build the archive of `copies` copies (or, with `reuse`, take the one --keep holds) and
    measure one row of the table."""
    top = work / f"copies-{copies}"
    start = time.perf_counter()
    total = copies * len(messages)
    built = (reuse and scale_archive.existing(top, total, HELD)) or scale_archive.build(top, messages, copies, epochs=4, held=HELD)
    built_in = time.perf_counter() - start
    floor = median_time(raw_read_floor(top), runs)
    index, snapshot = work / f"index-{copies}.sqlite3", work / f"warm-{copies}.sqlite3"
    colds = [cold_index(top, index) for _ in range(runs)]
    since, until = newest_week(built)
    week = digest_command(top, index, "--since", since, "--until", until)
    whole = digest_command(top, index, "--since", "1970-01-02")
    tree, line = push_tree(built, index, work / f"tree-{copies}")
    hook = ["git-digest", "hook", "pre-push", "origin", str(tree.parent / "remote.git")]
    timed(week)  # warm, as a user's index is before the archive moves
    timed(hook, cwd=tree, data=line)
    checkpoint(index)
    shutil.copyfile(index, snapshot)

    def after_fetch(command: list[str], cwd: Path | None = None, data: str | None = None) -> tuple[float, int, str]:
        restore(snapshot, index)
        built.apply(True)
        try:
            return timed(command, cwd, data)
        finally:
            background_ended(index)
            built.apply(False)

    first = median_of(runs, lambda: after_fetch(week))
    hook_first = median_of(runs, lambda: after_fetch(hook, tree, line))
    built.apply(True)
    restore(snapshot, index)
    timed(week)
    warm = median_of(runs, lambda: timed(week))
    timed(whole)
    whole_run = median_of(runs, lambda: timed(whole))
    out = timed(week)[2]
    return {
        "copies": copies, "messages": built.messages, "built": built_in, "floor": floor,
        "cold": statistics.median(c[0] for c in colds), "cold_main": max(c[1] for c in colds),
        "cold_child": max(c[2] for c in colds), "first": first, "warm": warm, "hook": hook_first,
        "whole": whole_run, "week_json": out, "index_bytes": index.stat().st_size,
    }


def table(rows: Sequence[dict[str, object]]) -> str:
    """The issue's table."""
    mib = lambda kib: f"{kib / 1024:.0f} MiB" if kib < 1024 * 1024 else f"{kib / 1024 / 1024:.2f} GiB"
    lines = [
        ("| copies | messages | floor | cold index | first week digest after +100 messages | same, warm"
         " | pre-push after +100 messages | whole-archive digest | index size |"),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f = r["floor"]
        cell = lambda pair, f=f: f"{pair[0]:.2f} s ({pair[0] / f:.2f}×), {mib(pair[1])}"
        lines.append(
            f"| {r['copies']} | {r['messages']:,} | {f:.2f} s | {r['cold']:.1f} s ({r['cold'] / f:.1f}×),"
            f" main {mib(r['cold_main'])} + worker {mib(r['cold_child'])} | {cell(r['first'])}"
            f" | {r['warm'][0]:.2f} s | {cell(r['hook'])} | {cell(r['whole'])}"
            f" | {r['index_bytes'] / 2**20:.0f} MiB ({r['index_bytes'] / r['messages']:.0f} B/message) |"
        )
    return "\n".join(lines)


def main() -> None:
    """Build, measure and print one row per number of copies."""
    parser = arguments(__doc__)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 5, 15])
    parser.add_argument("--last", type=int, default=0, help="only the source archive's last N messages")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary dir, removed)")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure the archives built there before")
    args = parser.parse_args()
    if shutil.which("git-digest") is None:  # the digests and the hook run it as a user does
        raise SystemExit("bench_scale: git-digest is not on PATH: install gitdigest (pip install .) in the environment that runs this")
    work = args.keep or Path(tempfile.mkdtemp(prefix="gitdigest-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    src = args.archive
    if src is None:
        src = work / "source"
        if not src.exists():
            subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(src / "git" / "0.git")], check=True)
    messages = scale_archive.source(src, args.last)
    rows = []
    for copies in args.copies:
        load = os.getloadavg()
        rows.append(measure(copies, messages, args.runs, work, reuse=args.reuse and args.keep is not None))
        print(f"{copies} copies: built in {rows[-1]['built']:.0f} s; load average before {load[0]:.2f},"
              f" after {os.getloadavg()[0]:.2f}", flush=True)
    print(table(rows))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
