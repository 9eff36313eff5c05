"""Who the contributors are and how their series were received. Pure functions over records.

Employers and newcomers (`people`), and review trailers, coverage and reply times
(`reviews`), the way gitdm and LWN's statistics count them: every patch email for its
author, every review trailer for the person it names, bots kept apart.

A review trailer counts once, as b4 counts it: a reply's trailer (outside quoted text)
counts only when the patch or cover letter it answers does not already carry the same
one (a reply that restates a patch's own Reviewed-by gives nothing new). A trailer that
names someone other than the replier counts for the person it names, and is counted as
given on their behalf (`Reviewer.on_behalf`, b4 `-S`'s reading).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from gitdigest.model import (
    Count,
    Employer,
    Message,
    People,
    Person,
    Reviewer,
    ReviewKind,
    Reviews,
    Revision,
    SeriesReport,
    Trailer,
    unique,
)
from gitdigest.people.identity import RELAY, UNKNOWN, Identity, bot_name, is_relay


@dataclass(frozen=True)
class Given:
    """One review trailer given in a reply: by whom, which kind, and their employer then."""

    person: Person
    kind: ReviewKind
    employer: str
    on_behalf: bool = False
    """The trailer names someone other than the replier (b4's `-S` semantics)."""


def contributions(period: Sequence[Message]) -> tuple[Message, ...]:
    """The period's patch emails by people: bots' are kept apart."""
    return tuple(m for m in unique(period) if is_counted(m))


def is_counted(msg: Message) -> bool:
    """A patch email by a person (not a bot): what the contributor tables count."""
    return msg.is_contribution and bot_name(msg.author) is None


Authored = tuple[Person, datetime.datetime]
"""A patch email as the people tables count it: its author (as posted) and its date."""


def people(patches: Sequence[Authored], robots: Counter[str], identity: Identity, earlier: Collection[str] | None) -> People:
    """Employers, unmapped domains, first-time contributors and bots of the period, from its
    counted patch emails (`is_counted`) and its messages by bot (`bot_of`).

    `earlier` holds the addresses among the period's authors that sent a patch before
    it; None when the archive holds nothing before the period.
    """
    return People(
        employers=employers(patches, identity) if identity.orgmap else (),
        unmapped=unmapped(patches, identity) if identity.orgmap else (),
        first_timers=first_timers(patches, identity, earlier) if earlier is not None else None,
        bots=counted(robots),
    )


def employers(patches: Sequence[Authored], identity: Identity) -> tuple[Employer, ...]:
    """Patch emails and people by employer on each message's date; `(Unknown)` is a row too."""
    sent: Counter[str] = Counter()
    who: defaultdict[str, set[str]] = defaultdict(set)
    for author, date in patches:
        person = identity.person(author)
        name = identity.employer(person, date)
        sent[name] += 1
        who[name].add(person.email)
    rows = (Employer(name, count, len(who[name])) for name, count in sent.items())
    return tuple(sorted(rows, key=lambda e: (-e.patches, e.name.casefold())))


def unmapped(patches: Sequence[Authored], identity: Identity) -> tuple[Count, ...]:
    """The domains of patch emails that no employer map names, by patch emails."""
    found: Counter[str] = Counter()
    for author, date in patches:
        person = identity.person(author)
        if identity.employer(person, date) == UNKNOWN:
            found[person.domain or "(none)"] += 1
    return counted(found)


def first_timers(patches: Sequence[Authored], identity: Identity, earlier: Collection[str]) -> tuple[Count, ...]:
    """Contributors none of whose addresses in the period sent a patch before it."""
    addresses: defaultdict[str, set[str]] = defaultdict(set)
    sent: Counter[str] = Counter()
    names: dict[str, Person] = {}
    for author, _date in patches:
        person = identity.person(author)
        addresses[person.email].add(author.email)
        sent[person.email] += 1
        names.setdefault(person.email, person)
    new = [e for e in sent if addresses[e].isdisjoint(earlier) and e not in earlier]
    return ranked(Count(key=e, count=sent[e], person=names[e]) for e in new)


def bot_of(msg: Message) -> str | None:
    """The bot that sent `msg`, or `RELAY` for a message B4 Relay sent for a person; None for a person's own."""
    name = bot_name(msg.sender) or bot_name(msg.author)
    if name:
        return name
    if is_relay(msg.sender) or (msg.via and is_relay(Person("", msg.via))):
        return RELAY
    return None


def reviews(
    reports: Sequence[SeriesReport], period: Sequence[Message], replies: Sequence[Message], identity: Identity,
    answers: dict[str, list[Message]],
) -> Reviews:
    """Reviewers by kind and employer (in the period), coverage and reply times (all replies
    known); `answers` is `replies_by_parent` of the period and the replies, which
    `stats.unanswered_among` reads too."""
    heard = Heard(identity)
    heard.add(reports, answers)
    known = _known(reports, period, replies)
    return heard.reviews(given(period, identity, known), known)


class Heard:
    """How the period's series were received, gathered a few topics at a time: which a reply
    gave a review trailer, which carry trailers from before, how long a first reply took."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self.carries: dict[str, bool] = {}
        """By topic (pull requests left out): whether a revision's patches carry trailers."""
        self.reviewing: defaultdict[str, list[Message]] = defaultdict(list)
        """By topic: the replies by people that give review trailers (new or not: `reviews` tells)."""
        self.waits: list[datetime.timedelta] = []

    def add(self, reports: Iterable[SeriesReport], answers: dict[str, list[Message]]) -> None:
        """Some topics' reports, given every message that answers their revisions."""
        for report in reports:
            rev = report.revision
            if rev.is_pull:
                continue
            self.carries[report.topic] = self.carries.get(report.topic, False) or _carries(rev)
            replies = _replies_to(rev, answers)
            self.reviewing[report.topic].extend(m for m in replies if m.review_trailers and bot_name(m.author) is None)
            wait = _first_reply(rev, replies, self.identity)
            if wait is not None:
                self.waits.append(wait)

    def part(self) -> Heard:
        """What this heard, without the identity it was given: what another process's `merge` takes."""
        part = Heard(Identity())
        part.carries, part.reviewing, part.waits = self.carries, self.reviewing, self.waits
        return part

    def merge(self, other: Heard) -> None:
        """Add what `other` heard of other topics (a second process's batches)."""
        for topic, carries in other.carries.items():
            self.carries[topic] = self.carries.get(topic, False) or carries
        for topic, replies in other.reviewing.items():
            self.reviewing[topic].extend(replies)
        self.waits.extend(other.waits)

    def reviews(self, gave: Sequence[Given], known: Mapping[str, Message]) -> Reviews:
        """The review tables, with the trailers the period's replies gave (`given`) and
        the messages a reply may answer (`known`, by message-id: what tells a new trailer)."""
        reviewed = {t for t, replies in self.reviewing.items() if any(new_trailers(m, known) for m in replies)}
        carried = {t for t, carries in self.carries.items() if carries and t not in reviewed}
        waits = self.waits
        return Reviews(
            reviewers=_reviewers(gave),
            employers=counted(Counter(one.employer for one in gave)) if self.identity.orgmap else (),
            series=len(self.carries),
            reviewed=len(reviewed),
            carried=len(carried),
            replied=len(waits),
            median_first_reply=statistics.median_low(sorted(waits)) if waits else None,
        )


def _replies_to(rev: Revision, answers: dict[str, list[Message]]) -> list[Message]:
    found = {m.msgid: m for own in rev.messages for m in answers.get(own.msgid, ())}
    return list(found.values())


def _known(reports: Sequence[SeriesReport], period: Sequence[Message], replies: Sequence[Message]) -> dict[str, Message]:
    """Every message the digest holds, by message-id: what a reply may answer."""
    known = {m.msgid: m for m in (*replies, *period)}
    for report in reports:
        for rev in (report.revision, *report.history):
            known.update((m.msgid, m) for m in rev.messages)
    return known


def new_trailers(reply: Message, known: Mapping[str, Message]) -> tuple[Trailer, ...]:
    """The review trailers a reply gives that the patches and cover letters it answers do not carry."""
    carried = {
        _same(t) for msgid in reply.answers if (m := known.get(msgid)) is not None and m.is_contribution
        for t in m.review_trailers
    }
    return tuple(t for t in reply.review_trailers if _same(t) not in carried)


def _same(trailer: Trailer) -> tuple[str, str]:
    """What makes two trailers the same: the kind, and the address (else the text) they name."""
    who = trailer.person.email if trailer.person and trailer.person.email else " ".join(trailer.value.lower().split())
    return trailer.lname, who


def _carries(rev: Revision) -> bool:
    """The revision's patches carry review trailers: given to an earlier revision, kept."""
    return any(msg.review_trailers for msg in rev.messages)


def _first_reply(rev: Revision, replies: Sequence[Message], identity: Identity) -> datetime.timedelta | None:
    """How long the first of `replies` (to `rev`) by someone other than the author (bots aside) took."""
    author = identity.person(rev.author).email
    times = [
        m.date for m in replies
        if bot_name(m.author) is None and bot_name(m.sender) is None and identity.person(m.author).email != author
    ]
    return max(min(times) - rev.date, datetime.timedelta(0)) if times else None


def given(period: Iterable[Message], identity: Identity, known: Mapping[str, Message]) -> list[Given]:
    """Every new review trailer given in the period's replies, for the person it names."""
    out = []
    for msg in unique(period):
        if msg.is_contribution:
            continue
        replier = identity.person(msg.sender)
        for trailer in new_trailers(msg, known):
            person = identity.person(trailer.person or msg.sender)
            if bot_name(person) is None and trailer.kind is not None:
                behalf = (person.email or person.name) != (replier.email or replier.name)
                out.append(Given(person, trailer.kind, identity.employer(person, msg.date), behalf))
    return out


def _reviewers(given: Sequence[Given]) -> tuple[Reviewer, ...]:
    """Trailers by person (by address, shown with the name used most), most first."""
    kinds: defaultdict[str, Counter[ReviewKind]] = defaultdict(Counter)
    behalf: Counter[str] = Counter()
    names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    employer: dict[str, str] = {}
    for one in given:
        key = one.person.email or one.person.name
        kinds[key][one.kind] += 1
        behalf[key] += one.on_behalf
        names[key][one.person.name] += 1
        employer.setdefault(key, one.employer)
    rows = []
    for key, count in kinds.items():
        person = Person(most_used(names[key]), key)
        rows.append(Reviewer(
            person, count[ReviewKind.REVIEWED], count[ReviewKind.ACKED], count[ReviewKind.TESTED], employer[key], behalf[key],
        ))
    # The order `ranked` gives a Count of the same person and total.
    return tuple(sorted(rows, key=lambda r: (-r.total, r.person.name.casefold(), r.person.email)))


def most_used(names: Counter[str]) -> str:
    """The name used most; among those used as often, the first in sort order."""
    return min(names.items(), key=lambda item: (-item[1], item[0]))[0]


def ranked(rows: Iterable[Count]) -> tuple[Count, ...]:
    """Table rows, most first; ties by name (the key's, without a person), case-insensitively, then by key."""
    return tuple(sorted(rows, key=lambda c: (-c.count, (c.person.name if c.person else c.key).casefold(), c.key)))


def counted(counter: Counter[str]) -> tuple[Count, ...]:
    """A counter's entries as table rows, ranked."""
    return ranked(Count(key=k, count=c) for k, c in counter.items())


def authors_before(messages: Iterable[Message], emails: Collection[str], before: datetime.datetime) -> frozenset[str] | None:
    """Which of `emails` sent a patch dated before `before`; None when no message is that old."""
    earlier = [m for m in messages if m.date < before]
    if not earlier:
        return None
    return frozenset(m.author.email for m in earlier if m.is_contribution and m.author.email in emails)
