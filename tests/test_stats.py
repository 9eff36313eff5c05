"""Statistics: what counts, and how the top-N cut treats ties."""

from __future__ import annotations

import dataclasses
import datetime

from gitdigest.model import Count, Message, Person, Revision, Subject, replies_by_parent
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


def _message(msgid: str, sender: Person, *, reply_to: str | None = None, patch: bool = False) -> Message:
    when = datetime.datetime(2025, 3, 3, tzinfo=datetime.timezone.utc)
    subject = Subject(full=("Re: " if reply_to else "") + "[PATCH] a: b", title="a: b", is_reply=reply_to is not None, is_patch=patch)
    return Message(msgid=msgid, date=when, sender=sender, author=sender, subject=subject, in_reply_to=reply_to, has_diff=patch)


def _revision(patch: Message) -> Revision:
    return Revision(key=patch.msgid, version=1, subject="a: b", author=patch.author, date=patch.date, cover=None,
                    patches=(patch,), total=1)


def test_unanswered_counts_a_persons_reply_and_neither_a_bots_nor_a_later_patch() -> None:
    """Four revisions, built so: one a person answered, one only the kernel test robot
    answered, one a later revision's patch names (a patch email is no reply), one nothing
    answers. The three unanswered are the bot's, the later patch's and the silent one's, in
    the revisions' order; given the replies by parent that the reviews read, the answer is
    the same."""
    ann, rev, robot = Person("Ann", "ann@dev.org"), Person("Rev", "rev@corp.com"), Person("kernel test robot", "lkp@intel.com")
    patches = [_message(f"p{n}@x", ann, patch=True) for n in range(4)]
    later = dataclasses.replace(_message("v2@x", ann, patch=True), references=("p2@x",))
    replies = [_message("r0@x", rev, reply_to="p0@x"), _message("r1@x", robot, reply_to="p1@x")]
    revisions = [_revision(p) for p in patches]
    messages = [*patches, later, *replies]
    assert stats.unanswered(revisions, messages) == ("p1@x", "p2@x", "p3@x")
    assert stats.unanswered_among(revisions, replies_by_parent(messages)) == ("p1@x", "p2@x", "p3@x")
