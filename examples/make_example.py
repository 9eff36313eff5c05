"""Rebuild examples/io-uring-2026-01.bundle from the shared io-uring archive.

The example is a real slice of the io-uring list: every message the archive
added from 2026-01-03 on, re-committed in the same order into a fresh v2 epoch
(one commit per message, blob `m`, the original author and committer). Run:

    python examples/make_example.py ../shared/data/io-uring-0.bundle
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pygit2
from pygit2.enums import FileMode, SortMode

SINCE = datetime(2026, 1, 3, tzinfo=timezone.utc).timestamp()
OUT = Path(__file__).parent / "io-uring-2026-01.bundle"


def main(source: str) -> None:
    """Clone the source bundle, copy the slice into a new epoch, bundle it."""
    with tempfile.TemporaryDirectory() as tmp:
        src_dir, dst_dir = Path(tmp, "src.git"), Path(tmp, "io-uring", "git", "0.git")
        subprocess.run(["git", "clone", "-q", "--bare", source, str(src_dir)], check=True)
        src = pygit2.Repository(str(src_dir))
        dst = pygit2.init_repository(str(dst_dir), bare=True)
        head = None
        for commit in src.walk(src.head.target, SortMode.TOPOLOGICAL | SortMode.REVERSE):
            if commit.author.time < SINCE:
                continue
            builder = dst.TreeBuilder()
            for entry in commit.tree:
                builder.insert(entry.name, dst.create_blob(src[entry.id].data), FileMode.BLOB)
            head = dst.create_commit(
                "refs/heads/master", commit.author, commit.committer, commit.message,
                builder.write(), [head] if head else [],
            )
        dst.config["remote.origin.url"] = "https://lore.kernel.org/io-uring/0"
        subprocess.run(["git", "-C", str(dst_dir), "bundle", "create", str(OUT.resolve()), "master"], check=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parents[2] / "shared/data/io-uring-0.bundle"))
