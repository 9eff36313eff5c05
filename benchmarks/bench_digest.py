"""Time the whole-archive and one-week digests against the raw-read floor, in one run.

    python benchmarks/bench_digest.py [--archive DIR] [--runs 3]

Without --archive it clones ../shared/data/io-uring-0.bundle into a temporary dir.
Prints medians and each digest's ratio to the floor measured in the same run.
The first whole-archive run builds the index (in $XDG_CACHE_HOME/gitdigest), so with
three runs the medians are warm figures; benchmarks/bench_index.py times the cold
index on its own, against public-inbox-index.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import arguments, clone_iouring, median_time, raw_read_floor

from gitdigest import pipeline, render

UTC = datetime.timezone.utc


def streamed(request: pipeline.Request, fmt: str) -> str:
    """The report as `git digest --format FMT` makes it (JSON, text): a whole archive streamed."""
    parts = render.spooler(fmt)
    assert parts is not None
    digest, spooled = pipeline.stream(request, parts)
    assert spooled is not None, "a whole archive streams"
    return "".join(render.pieces(digest, fmt, spooled))


def main() -> None:
    """Measure and print the table."""
    parser = arguments(__doc__)
    args = parser.parse_args()
    top = args.archive or clone_iouring()
    whole = pipeline.Request(archive=top, range="HEAD")
    week = pipeline.Request(
        archive=top,
        since=datetime.datetime(2025, 6, 2, tzinfo=UTC),
        until=datetime.datetime(2025, 6, 9, tzinfo=UTC),
    )
    floor = median_time(raw_read_floor(top), args.runs)
    rows = [("raw-read floor (git cat-file --batch-all-objects --batch)", floor)]
    # Text and JSON as `git digest` makes them: a whole archive streamed, and held whole.
    rows.append(("whole-archive digest (text, streamed)", median_time(lambda: streamed(whole, "text"), args.runs)))
    for name, request in (("whole-archive digest (text, every message held)", whole), ("one-week digest (text)", week)):
        rows.append((name, median_time(lambda r=request: render.render(pipeline.run(r), "text"), args.runs)))
    bare = dataclasses.replace(whole, texts=False)
    rows.append(("whole-archive digest (JSON, streamed)", median_time(lambda: streamed(bare, "json"), args.runs)))
    rows.append(("whole-archive digest (JSON, every message held)", median_time(lambda: render.render(pipeline.run(bare), "json"), args.runs)))
    print(f"archive: {top}   runs: {args.runs} (medians)")
    for name, seconds in rows:
        print(f"{name:<60} {seconds:8.2f} s   {seconds / floor:6.2f}x floor")


if __name__ == "__main__":
    main()
