"""Statistics: what counts, and how the top-N cut treats ties."""

from __future__ import annotations

from gitdigest.model import Count, Person
from gitdigest.people import stats


def rows(*counts: int) -> list[Count]:
    return [Count(key=f"p{i}@x", count=c, person=Person(f"P{i:02d}", f"p{i}@x")) for i, c in enumerate(counts)]


def test_top_keeps_a_few_ties_at_the_cut_off() -> None:
    # As in the sample: the 15th place is a tie of three, and all three are listed.
    table = stats.top(rows(5, 4, 3, 2, 2, 1, 1, 1), 6)
    assert [r.count for r in table.rows] == [5, 4, 3, 2, 2, 1, 1, 1]
    assert table.hidden == 0


def test_top_names_a_long_tail_of_ties_instead_of_dropping_it_silently() -> None:
    table = stats.top(rows(5, 4, *([1] * 20)), 4)
    assert [r.count for r in table.rows] == [5, 4]
    assert (table.hidden, table.hidden_at) == (20, 1)


def test_top_without_cut() -> None:
    assert stats.top(rows(2, 1), 15).rows == tuple(rows(2, 1))
