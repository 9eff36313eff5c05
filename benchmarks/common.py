"""What every benchmark shares: the io-uring clone, the raw-read floor, medians."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT.parent / "shared" / "data" / "io-uring-0.bundle"


def arguments(doc: str | None, runs: int = 3) -> argparse.ArgumentParser:
    """The options every benchmark takes: --archive (default: a fresh io-uring clone) and --runs."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, help="a public-inbox archive (default: clone the io-uring bundle)")
    parser.add_argument("--runs", type=int, default=runs, help="timed runs; the median is reported")
    return parser


def clone_iouring(bundle: Path = BUNDLE) -> Path:
    """A fresh bare clone of the io-uring bundle; returns the top dir holding git/0.git."""
    top = Path(tempfile.mkdtemp(prefix="gitdigest-bench-"))
    subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(top / "git" / "0.git")], check=True)
    return top


def median_time(func: Callable[[], object], runs: int = 3) -> float:
    """The median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def epoch_paths(top: Path) -> list[Path]:
    """The epoch repositories of the archive at `top`: a v2 archive's, in epoch order, or a
    v1 archive (one bare repository, as `git clone --bare` of a bundle makes) itself; none
    when it is neither."""
    epochs = sorted((top / "git").glob("*.git"), key=lambda p: int(p.stem))
    if not epochs and (top / "objects").is_dir() and (top / "HEAD").is_file():
        return [top]
    return epochs


def raw_read_floor(top: Path) -> Callable[[], object]:
    """`git cat-file --batch-all-objects --batch` over every epoch: reading all bytes once."""
    epochs = epoch_paths(top)

    def read() -> None:
        for epoch in epochs:
            subprocess.run(
                ["git", "cat-file", "--batch-all-objects", "--batch"],
                cwd=epoch, stdout=subprocess.DEVNULL, check=True,
            )
    return read
