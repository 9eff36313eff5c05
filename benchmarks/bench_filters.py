"""Time a one-week digest with and without a maintainer's filters, against the raw-read floor.

    python benchmarks/bench_filters.py [--archive DIR] [--runs 5]

A filter must not make a digest slower: the paths each patch touches are stored in
the index when it is built, so a pathspec or MAINTAINERS filter is one indexed query
over the period's patches, and the tables are counted over fewer series. The first
run builds the index; the medians are warm figures. Prints each variant's median, its
ratio to the unfiltered digest and to the floor measured in the same run.
"""

from __future__ import annotations

import datetime
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import arguments, clone_iouring, median_time, raw_read_floor

from gitdigest import pipeline, render
from gitdigest.series import select
from gitdigest.tree import maintainers

UTC = datetime.timezone.utc
# The kernel's IO_URING entry, as MAINTAINERS writes it (F:, and an X:/N: to exercise both).
SECTION = """\
IO_URING
M:\tJens Axboe <axboe@kernel.dk>
L:\tio-uring@vger.kernel.org
S:\tMaintained
F:\tio_uring/
F:\tinclude/linux/io_uring*
F:\tinclude/uapi/linux/io_uring.h
X:\tio_uring/net.c
N:\turing
"""


def main() -> None:
    """Measure and print the table."""
    parser = arguments(__doc__, runs=5)
    args = parser.parse_args()
    top = args.archive or clone_iouring()
    week = {"archive": top, "since": datetime.datetime(2025, 6, 2, tzinfo=UTC), "until": datetime.datetime(2025, 6, 9, tzinfo=UTC)}
    variants = {
        "one-week digest, unfiltered": select.EVERYTHING,
        "  -- io_uring/ ':!io_uring/net.c'": select.make(["io_uring/", ":!io_uring/net.c"]),
        "  -- '*.h' (a glob)": select.make(["*.h"]),
        "  --maintainer IO_URING (F:, X:, N:)": select.make(sections=maintainers.parse(SECTION)),
        "  --author axboe": select.make(authors=["axboe"]),
        "  --status new,revised": select.make(statuses=["new,revised"]),
    }
    pipeline.run(pipeline.Request(**week))  # builds the index: the figures below are warm
    floor = median_time(raw_read_floor(top), args.runs)
    print(f"archive: {top}   runs: {args.runs} (medians)")
    print(f"{'raw-read floor (git cat-file --batch-all-objects --batch)':<52} {floor:8.3f} s")
    requests = {name: pipeline.Request(**week, filter=chosen) for name, chosen in variants.items()}
    series = {name: len(pipeline.run(request).series) for name, request in requests.items()}
    # Round-robin, one run of each variant a round: drift on a shared machine hits them all alike.
    times: dict[str, list[float]] = {name: [] for name in requests}
    for _round in range(args.runs):
        for name, request in requests.items():
            times[name].append(median_time(lambda r=request: render.render(pipeline.run(r), "text"), 1))
    base = statistics.median(times["one-week digest, unfiltered"])
    for name, seconds in ((n, statistics.median(t)) for n, t in times.items()):
        print(f"{name:<52} {seconds:8.3f} s   {seconds / base:5.2f}x unfiltered   {seconds / floor:5.2f}x floor   {series[name]:3d} series")


if __name__ == "__main__":
    main()
