"""The synthetic large archive of benchmarks/bench_scale.py, at a small setting.

Copies never link to each other and the newest week is copy 0's, so the newest week's
JSON digest is the same bytes at 1 and at 2 copies: what the benchmark's figures at 15
copies rely on, and a check that a larger archive changes nothing in a week's report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import scale_archive
from bench_scale import newest_week
from conftest import invoke

from gitdigest.index import ingest, open_index
from gitdigest.mail import archive, messages
from gitdigest.series import grouping

LAST = 1500
"""io-uring's last messages the copies are made of: enough for several weeks of series."""


@pytest.fixture(scope="module")
def source(iouring: Path) -> list[scale_archive.Source]:
    return scale_archive.source(iouring, LAST)


def _built(tmp_path: Path, source: list[scale_archive.Source], copies: int) -> scale_archive.Built:
    built = scale_archive.build(tmp_path / f"copies-{copies}", source, copies, epochs=2, held=100)
    built.apply(True)
    return built


def _week(built: scale_archive.Built, index: Path) -> bytes:
    since, until = newest_week(built)
    result = invoke(
        "--archive", built.top, "--index", index, "--list-name", "io-uring", "--format", "json",
        "--since", since, "--until", until,
    )
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_newest_week_is_the_same_at_one_and_two_copies(tmp_path: Path, source: list[scale_archive.Source]) -> None:
    one, two = _built(tmp_path, source, 1), _built(tmp_path, source, 2)
    assert (one.messages, two.messages) == (LAST, 2 * LAST)
    assert len(list((two.top / "git").glob("*.git"))) == 2
    week = _week(one, tmp_path / "one.sqlite3")
    assert b'"series"' in week and b"io_uring" in week
    assert _week(two, tmp_path / "two.sqlite3") == week


def test_copies_never_link(tmp_path: Path, source: list[scale_archive.Source]) -> None:
    """Two copies hold twice the topics of one, each of one copy only."""
    counts = []
    for copies in (1, 2):
        built = _built(tmp_path, source, copies)
        arch = archive.open_archive(built.top)
        with open_index(tmp_path / f"{copies}.sqlite3", arch, messages.MAX_MESSAGE_SIZE) as idx:
            ingest.update(idx, arch)
            history = list(idx.everything().values())
        topics = grouping.topics(grouping.postings(history))
        for topic in topics:
            copies_in = {"@c1." in m.msgid for rev in topic.revisions for m in rev.messages}
            assert len(copies_in) == 1, topic.key
        counts.append(len(topics))
    assert counts[1] == 2 * counts[0] > 0
