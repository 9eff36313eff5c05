"""The period's messages counted one at a time: what a digest counts of them without holding them.

A whole-archive digest streams its messages through a `Tally` in whatever order its topics
bring them (pipeline.stream), and a short one feeds it the messages it holds: both count
the same, because each message comes with its place in the period (its row), and what
depends on order is decided by rows. For the same reason tallies of one period, each fed
some of its rows (in two processes), `merge` into the tally of all of them, a row fed to
two of them counted once.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping
from typing import TypeVar

from gitdigest.model import Message
from gitdigest.people.reviews import Authored, bot_of, is_counted

_T = TypeVar("_T")
Place = tuple[int, int]
"""A row's place in archive order: its epoch and its row."""


class Tally:
    """The period's messages, each row fed once, in any order (copies of a message-id too):
    the figures a digest counts of them. A row is fed with its place, (epoch, row): archive
    order. `firsts` gives the row of each message-id's first copy in the period, which alone
    is counted, `copied` the message-ids with more than one, `placed` those the series hold."""

    def __init__(self, firsts: Mapping[str, int], copied: Container[str], placed: Container[str]) -> None:
        self.firsts, self.copied, self.placed = firsts, copied, placed
        self.first: datetime.datetime | None = None
        self.last: datetime.datetime | None = None
        self._robots: list[tuple[Place, str]] = []
        self._patches: list[tuple[Place, Authored]] = []
        self._cut: list[tuple[Place, Message]] = []
        self._left_out: list[tuple[Place, Message]] = []
        self._replies: list[tuple[Place, Message]] = []
        self._latest: dict[str, tuple[Place, Message | None]] = {}

    @classmethod
    def of(cls, rows: Iterable[int], msgids: Iterable[str], placed: Container[str]) -> Tally:
        """A tally for the period whose `rows` hold `msgids`, both in archive order."""
        firsts: dict[str, int] = {}
        copied: set[str] = set()
        for row, msgid in zip(rows, msgids):
            if firsts.setdefault(msgid, row) != row:
                copied.add(msgid)
        return cls(firsts, copied, placed)

    def add(self, place: Place, msg: Message) -> None:
        """One row's message, at its place."""
        carries = msg.is_contribution and bool(msg.review_trailers)
        if carries or msg.msgid in self.copied:
            held = self._latest.get(msg.msgid)
            if held is None or held[0] < place:
                self._latest[msg.msgid] = (place, msg if carries else None)
        self.first = msg.date if self.first is None else min(self.first, msg.date)
        self.last = msg.date if self.last is None else max(self.last, msg.date)
        row = place[1]
        if self.firsts.get(msg.msgid) != row:
            return  # an archive's duplicate is counted as its first copy
        if is_counted(msg):
            self._patches.append((place, (msg.author, msg.date)))
        bot = bot_of(msg)
        if bot:
            self._robots.append((place, bot))
        if msg.cut:
            self._cut.append((place, msg))
        if msg.subject.prefixes and not msg.subject.is_reply and msg.msgid not in self.placed:
            self._left_out.append((place, msg))  # unless a series found later holds it
        if not msg.is_contribution and msg.review_trailers:
            self._replies.append((place, msg))

    def like(self) -> Tally:
        """An empty tally of the same period (the same message-ids, the same series' message-ids)."""
        return Tally(self.firsts, self.copied, self.placed)

    def part(self) -> Tally:
        """What this tally counted, without the period's message-ids it was given: what another
        process's tally `merge`s (small to hand over, where those are the whole archive's)."""
        part = Tally({}, frozenset(), frozenset())
        part.first, part.last, part._robots, part._patches = self.first, self.last, self._robots, self._patches
        part._cut, part._left_out, part._replies, part._latest = self._cut, self._left_out, self._replies, self._latest
        return part

    def merge(self, other: Tally) -> None:
        """Count what `other`, a tally of the same period, counted: a row both were fed counts once."""
        self._robots.extend(other._robots)
        self._patches.extend(other._patches)
        self._cut.extend(other._cut)
        self._left_out.extend(other._left_out)
        self._replies.extend(other._replies)
        for msgid, (place, msg) in other._latest.items():
            held = self._latest.get(msgid)
            if held is None or held[0] < place:
                self._latest[msgid] = (place, msg)
        for when in filter(None, (other.first, other.last)):
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)

    @property
    def robots(self) -> Counter[str]:
        """Messages by each robot (`reviews.bot_of`)."""
        return Counter(dict(self._robots).values())

    @property
    def count(self) -> int:
        """Messages, each message-id once."""
        return len(self.firsts)

    @property
    def patches(self) -> list[Authored]:
        """The counted patch emails (`reviews.is_counted`), in archive order."""
        return _ordered(self._patches)

    @property
    def cut(self) -> list[Message]:
        return _ordered(self._cut)

    @property
    def left_out(self) -> list[Message]:
        """Tagged messages no series holds, not replies."""
        return [m for m in _ordered(self._left_out) if m.msgid not in self.placed]

    @property
    def replies(self) -> list[Message]:
        """The replies that give review trailers (`reviews.given` tells which are new)."""
        return _ordered(self._replies)

    def contribution(self, msgid: str) -> Message | None:
        """The last copy of `msgid` when it is a patch email carrying review trailers: what a
        reply's trailers are new against."""
        held = self._latest.get(msgid)
        return held[1] if held else None


def _ordered(items: list[tuple[Place, _T]]) -> list[_T]:
    """The items by place, each place once (two tallies merged may both have counted a row)."""
    return [item for _place, item in sorted(dict(items).items(), key=lambda one: one[0])]


class Known(Mapping[str, Message]):
    """What a reply may answer, by message-id, as far as telling its new trailers needs (the
    patch emails carrying review trailers): a message of a series shown or of no message of
    the period as its topic holds it (`topical`), any other of the period as the tally last
    saw it."""

    def __init__(self, placed: Container[str], topical: Mapping[str, Message], tally: Tally) -> None:
        self.placed, self.topical, self.tally = placed, topical, tally

    def __getitem__(self, msgid: str) -> Message:
        if msgid in self.placed or msgid not in self.tally.firsts:
            found = self.topical.get(msgid)
        else:
            found = self.tally.contribution(msgid)
        if found is None:
            raise KeyError(msgid)
        return found

    def __iter__(self) -> Iterator[str]:
        raise TypeError("Known is looked up, not listed")

    def __len__(self) -> int:
        raise TypeError("Known is looked up, not listed")
