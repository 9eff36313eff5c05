"""Time patch-ids of every email diff of an archive: batched git, git per message, pygit2.

    python benchmarks/bench_patchid.py [--archive DIR]

DIR is a public-inbox v2 archive (holding git/0.git ...) or one epoch repository.
Without it, ../shared/data/io-uring-0.bundle is cloned into a temporary directory.
Each timing is the median of 3 runs; the per-message git run covers the first 500
bodies and is extrapolated to all of them.
"""

from __future__ import annotations

import argparse
import email.parser
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import b4
import pygit2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from common import BUNDLE, epoch_paths  # noqa: E402 - the benchmarks' dir is on the path as the script's

from gitdigest.mail.patchid import email_patch_ids  # noqa: E402

PER_MESSAGE_SAMPLE = 500
RUNS = 3


def messages(top: Path) -> Iterator[bytes]:
    """Every message blob `m` of every epoch."""
    for path in epoch_paths(top):
        repo = pygit2.Repository(str(path))
        for commit in repo.walk(repo.head.target):
            if "m" in commit.tree:
                yield repo[commit.tree["m"].id].data


def diff_bodies(top: Path) -> list[str]:
    """The decoded bodies in which b4 finds a diff, as `LoreMessage` decides it."""
    parser = email.parser.BytesParser(policy=b4.emlpolicy)
    bodies = []
    for data in messages(top):
        body, _charset = b4.LoreMessage.get_payload(parser.parsebytes(data))
        if b4.DIFF_RE.search(body):
            bodies.append(body)
    return bodies


def median_time(func: Callable[[], object]) -> tuple[float, object]:
    """The median wall time of RUNS calls, and the last result."""
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pygit2_ids(bodies: list[str]) -> list[str | None]:
    """libgit2's patch-id of each body, None where libgit2 cannot parse it."""
    ids: list[str | None] = []
    for body in bodies:
        try:
            ids.append(str(pygit2.Diff.parse_diff(body).patchid))
        except (pygit2.GitError, ValueError):
            ids.append(None)
    return ids


def report(bodies: list[str]) -> None:
    """Run the three methods and print their table."""
    count = len(bodies)
    batched_s, batched = median_time(lambda: email_patch_ids(bodies))
    sample = bodies[:PER_MESSAGE_SAMPLE]
    single_s, single = median_time(lambda: [b4.LoreMessage.get_patch_id(b) for b in sample])
    single_s *= count / len(sample)
    lib_s, lib = median_time(lambda: pygit2_ids(bodies))
    assert isinstance(batched, list) and isinstance(single, list) and isinstance(lib, list)
    print(f"{count} bodies with a diff, {sum(map(len, bodies)) / 1e6:.0f} MB\n")
    print(f"{'method':44} {'median s':>9} {'bodies/s':>9} {'vs batch':>9}")
    for name, secs in [
        ("gitdigest email_patch_ids (one git)", batched_s),
        (f"git per message (first {len(sample)}, extrapolated)", single_s),
        ("pygit2 Diff.parse_diff().patchid", lib_s),
    ]:
        print(f"{name:44} {secs:9.2f} {count / secs:9.0f} {secs / batched_s:8.2f}x")
    agree_single = sum(a == b for a, b in zip(batched, single))
    parsed = [(a, b) for a, b in zip(batched, lib) if b is not None]
    agree_lib = sum(a == b for a, b in parsed)
    print(f"\nper-message git agrees with the batch on {agree_single}/{len(sample)}")
    print(
        f"pygit2 parses {len(parsed)}/{count} and agrees with git on {agree_lib}"
        f" ({100 * agree_lib / max(len(parsed), 1):.1f}% of those parsed,"
        f" {100 * agree_lib / count:.1f}% of all); fails on {count - len(parsed)}"
    )


def main() -> None:
    """Parse arguments, find or make the archive, and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, help="public-inbox archive or epoch")
    args = parser.parse_args()
    b4.can_network = False
    with tempfile.TemporaryDirectory() as tmp:
        top = args.archive
        if top is None:
            top = Path(tmp)
            subprocess.run(
                ["git", "clone", "-q", "--bare", str(BUNDLE), str(top / "git" / "0.git")],
                check=True,
            )
        start = time.perf_counter()
        bodies = diff_bodies(top)
        print(f"read and decoded in {time.perf_counter() - start:.1f} s")
        report(bodies)


if __name__ == "__main__":
    main()
