"""The short text report, and the lore link and Message-ID the full text report gives each series.

The archive is test_filters.py's: five series whose authors, dates, sizes and ids are known.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from archives import build_v2
from conftest import invoke
from test_filters import PERIOD, mails


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    return build_v2(tmp_path / "list", mails())


def run(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_short_gives_one_line_a_series_with_link_and_b4_am(lists: Path) -> None:
    out = run("--archive", str(lists), *PERIOD, "--list-name", "io-uring", "--format", "short").splitlines()
    # Newest first, as the patch list orders them; each row: status, date, version, k/N, author: title.
    first = out.index(next(line for line in out if line.startswith("revised")))
    assert out[first].split() == ["revised", "2025-03-07", "v2", "1/1", "Eve", "E:", "docs:", "explain", "io"]
    assert out[first + 1] == "    https://lore.kernel.org/io-uring/eve-2@x/"
    assert out[first + 2] == "    b4 am eve-2@x"
    alice = out.index(next(line for line in out if "io_uring: faster rw" in line))
    assert out[alice].split()[:4] == ["new", "2025-03-03", "v1", "2/2"]
    assert out[alice + 1:alice + 3] == ["    https://lore.kernel.org/io-uring/alice-0@x/", "    b4 am alice-0@x"]
    rows = [line for line in out if line.startswith(("new ", "revised "))]
    assert len(rows) == 5
    text = "\n".join(out)
    assert "Change [PATCH" not in text and "Signed-off-by" not in text  # no commit messages
    assert "Top 15 contributors (by patch author)" in text and "Top 15 reviewers" in text
    assert "      1  Rev R <rev@r.example>" in text


def test_short_with_a_filter_keeps_its_tables_to_the_kept_series(lists: Path) -> None:
    out = run("--archive", str(lists), *PERIOD, "--format", "short", "--author", "bob")
    assert [line.split()[0] for line in out.splitlines() if line.startswith(("new", "revised"))] == ["new"]
    assert "Filter: --author bob (the tables count only these series)" in out.splitlines()[:4]
    assert "Ack K <ack@k.example>" in out and "Rev R" not in out and "Alice" not in out


def test_full_text_names_each_series_link_and_message_id(lists: Path) -> None:
    out = run("--archive", str(lists), *PERIOD, "--list-name", "io-uring").splitlines()
    at = out.index("New:  io_uring: faster rw  v1")
    assert out[at + 1:at + 3] == ["Link: https://lore.kernel.org/io-uring/alice-0@x/", "Message-ID: <alice-0@x>"]
    at = out.index("Revised:  docs: explain io  v2 (v1 2025-02-01)")
    assert out[at + 1:at + 3] == ["Link: https://lore.kernel.org/io-uring/eve-2@x/", "Message-ID: <eve-2@x>"]
