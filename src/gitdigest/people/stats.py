"""Contributors, domains and reviewers over a period. Pure functions over records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gitdigest.model import (
    Count,
    Message,
    Person,
    Reviewer,
    Revision,
    Stats,
    replies_by_parent,
    unique,
)
from gitdigest.people.identity import NO_IDENTITY, Identity, bot_name
from gitdigest.people.reviews import contributions, counted, most_used, ranked


@dataclass(frozen=True)
class Table:
    """The rows of a top-N table, and what the cut left out."""

    rows: tuple[Count, ...]
    hidden: int = 0
    """How many entries the cut left out."""
    hidden_at: int = 0
    """The count those left-out entries share, when they all tie at the cut-off."""


def compute(
    period: Sequence[Message],
    revisions: Sequence[Revision],
    replies: Sequence[Message] = (),
    identity: Identity = NO_IDENTITY,
    reviewers: Sequence[Reviewer] = (),
) -> Stats:
    """Statistics of the period: patch emails by author and domain, review trailers by person.

    People are counted as `identity` names them (mailmap, aliases); bots are left out.
    `reviewers` are the period's, as `reviews.reviews` counts them: here only their totals show.
    """
    return of(
        [m.author for m in contributions(period)], identity, reviewers, unanswered(revisions, [*unique(period), *replies])
    )


def of(authors: Iterable[Person], identity: Identity, reviewers: Sequence[Reviewer], left: tuple[str, ...]) -> Stats:
    """`compute`'s tables from the period's counted patch emails' authors (as posted), its
    reviewers and the keys of its revisions no one answered (`unanswered`)."""
    people = [identity.person(author) for author in authors]
    return Stats(
        contributors=_people(people),
        domains=counted(Counter(p.domain or "(none)" for p in people)),
        reviewers=ranked(Count(key=r.person.email or r.person.name, count=r.total, person=r.person) for r in reviewers),
        unanswered=left,
    )


def _people(persons: Iterable[Person]) -> tuple[Count, ...]:
    """Count people by address; show each with the name they used most."""
    by_email: Counter[str] = Counter()
    names: dict[str, Counter[str]] = {}
    for person in persons:
        key = person.email or person.name
        by_email[key] += 1
        names.setdefault(key, Counter())[person.name] += 1
    return ranked(Count(key=key, count=count, person=Person(most_used(names[key]), key)) for key, count in by_email.items())


def unanswered(revisions: Sequence[Revision], messages: Iterable[Message]) -> tuple[str, ...]:
    """Keys of revisions that no person's reply answers (a later revision, a bot's report is not one)."""
    return unanswered_among(revisions, replies_by_parent(messages))


def unanswered_among(revisions: Sequence[Revision], answers: Mapping[str, Sequence[Message]]) -> tuple[str, ...]:
    """`unanswered`, given the messages' replies by the message-ids they answer
    (`replies_by_parent`, which the period's reviews read too)."""
    by_person = lambda msgid: any(not (bot_name(m.sender) or bot_name(m.author)) for m in answers.get(msgid, ()))
    keys = (rev.key for rev in revisions if not any(by_person(m.msgid) for m in rev.messages))
    return tuple(dict.fromkeys(keys))


def top(rows: Sequence[Count], limit: int) -> Table:
    """The first `limit` rows; ties at the cut-off are kept while they are few, else counted."""
    if len(rows) <= limit or limit <= 0:
        return Table(tuple(rows))
    edge = rows[limit - 1].count
    tied = limit
    while tied < len(rows) and rows[tied].count == edge:
        tied += 1
    # A handful of ties is shown whole; a long tail of them is named by its size.
    if tied - limit <= max(limit // 3, 1):
        return Table(tuple(rows[:tied]), hidden=len(rows) - tied)
    cut = limit
    while cut > 0 and rows[cut - 1].count == edge:
        cut -= 1
    shown = rows[:cut] if cut else rows[:limit]
    return Table(tuple(shown), hidden=len(rows) - len(shown), hidden_at=edge if cut else 0)
