"""Time the index against the raw-read floor and public-inbox's own indexer, in one run.

    python benchmarks/bench_index.py [--archive DIR] [--runs 3] [--anchor-runs 3] [--no-anchor]

Without --archive it clones ../shared/data/io-uring-0.bundle into a temporary dir.
Every step is the median of --runs runs, printed with its ratio to the raw-read floor
(`git cat-file --batch-all-objects --batch`) measured in the same run:

- cold index: `git digest index` into a fresh index file, a process of its own, so
  that its peak memory (ru_maxrss of itself and of its largest child) is its own;
- warm whole-archive and one-week digests (2025-06-02..2025-06-09), text, in-process,
  after one untimed digest that fills the index's topic cache;
- the anchor: `public-inbox-init -V2` and `public-inbox-index` over a copy of the
  archive, at its default level (full, with Xapian) and at `-L basic`; only the
  indexing is timed. Our cold index is printed as a ratio to each.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import ROOT, arguments, clone_iouring, median_time, raw_read_floor

from gitdigest import pipeline, render

UTC = datetime.timezone.utc
WEEK = (datetime.datetime(2025, 6, 2, tzinfo=UTC), datetime.datetime(2025, 6, 9, tzinfo=UTC))
TARGETS = {"cold": 8.0, "whole": 2.0, "week": 0.5}
# Run in a process of its own: the CLI as a user runs it, and its memory alone.
_COLD = """
import json, resource, sys
from gitdigest import cli
code = cli.main(["index", "--archive", sys.argv[1], "--index", sys.argv[2]])
peak = {w: resource.getrusage(getattr(resource, w)).ru_maxrss for w in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
print(json.dumps({"code": code, **peak}), file=sys.stderr)
"""


def cold_index(top: Path, path: Path) -> tuple[float, dict[str, int]]:
    """One cold `git digest index` into a fresh file: seconds, and peak RSS in KiB."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _COLD, str(top), str(path)], env=env, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    seconds = time.perf_counter() - start
    peak = json.loads(done.stderr.strip().splitlines()[-1])
    if peak.pop("code"):
        raise SystemExit(f"git digest index failed: {done.stderr}")
    return seconds, peak


def anchor(top: Path, work: Path, level: str | None) -> float:
    """Seconds `public-inbox-index` takes over a fresh copy of the archive."""
    inbox = work / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.copytree(top / "git", inbox / "git", symlinks=True)
    env = {**os.environ, "PI_CONFIG": str(work / "pi-config")}
    Path(env["PI_CONFIG"]).unlink(missing_ok=True)
    levels = ["-L", level] if level else []
    subprocess.run(
        ["public-inbox-init", "-V2", *levels, "bench", str(inbox), "http://127.0.0.1/bench", "bench@example.org"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )
    start = time.perf_counter()
    # It names every duplicate Message-ID on stderr; shown only if it fails.
    done = subprocess.run(["public-inbox-index", *levels, str(inbox)], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"public-inbox-index failed: {done.stderr[-2000:]}")
    shutil.rmtree(inbox, ignore_errors=True)
    return seconds


def digest_time(request: pipeline.Request, runs: int) -> float:
    """The median time of a text digest, after one untimed run."""
    work = lambda: render.render(pipeline.run(request), "text")
    work()
    return median_time(work, runs)


def main() -> None:
    """Measure and print the table."""
    parser = arguments(__doc__)
    parser.add_argument("--anchor-runs", type=int, default=3, help="runs of public-inbox-index per level")
    parser.add_argument("--no-anchor", action="store_true", help="skip public-inbox-index")
    args = parser.parse_args()
    top = args.archive or clone_iouring()
    work = Path(tempfile.mkdtemp(prefix="gitdigest-bench-index-"))
    floor = median_time(raw_read_floor(top), args.runs)
    colds = [cold_index(top, work / "index.sqlite3") for _ in range(args.runs)]
    cold = statistics.median(seconds for seconds, _ in colds)
    index = work / "index.sqlite3"
    whole = pipeline.Request(archive=top, range="HEAD", index=index)
    week = pipeline.Request(archive=top, since=WEEK[0], until=WEEK[1], index=index)
    rows = [
        ("raw-read floor (git cat-file --batch-all-objects --batch)", floor, None),
        ("cold index of the whole archive (git digest index)", cold, "cold"),
        ("warm whole-archive digest (text)", digest_time(whole, args.runs), "whole"),
        ("warm one-week digest, 2025-06-02..2025-06-09 (text)", digest_time(week, args.runs), "week"),
    ]
    anchors = {}
    if not args.no_anchor:
        for level, name in ((None, "public-inbox-index, default level (full)"), ("basic", "public-inbox-index -L basic")):
            anchors[name] = statistics.median(anchor(top, work, level) for _ in range(args.anchor_runs))
    print(f"archive: {top}   runs: {args.runs} (medians)   index: {index}")
    for name, seconds, target in rows:
        goal = f"   target <= {TARGETS[target]}x" if target else ""
        print(f"{name:<62} {seconds:8.2f} s {seconds / floor:7.2f}x floor{goal}")
    for name, seconds in anchors.items():
        print(f"{name:<62} {seconds:8.2f} s {seconds / floor:7.2f}x floor   ours: {cold / seconds:.2f}x its time")
    mib = lambda kib: kib / 1024
    for seconds, peak in colds:
        self_kb, kids_kb = peak["RUSAGE_SELF"], peak["RUSAGE_CHILDREN"]
        print(
            f"cold index {seconds:6.2f} s: peak RSS {mib(self_kb):.0f} MiB (main) + {mib(kids_kb):.0f} MiB"
            f" (largest child) = {mib(self_kb + kids_kb):.0f} MiB   target < 1024 MiB"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
