"""Several lists' corpora as one: each message once by Message-ID, topics joined across lists.

A series cross-posted to two lists sits in both archives; each archive's index gives it
as its own. The union keeps the first copy of each message, groups the revisions of
every topic again over the union (a v2 sent to one list links to the v1 sent to the
other), and remembers which lists held each message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gitdigest.index.corpus import Corpus
from gitdigest.model import Message, unique
from gitdigest.series import grouping


@dataclass(frozen=True)
class Union:
    """The merged corpus, where each message came from, and which lists held it."""

    corpus: Corpus
    owner: dict[str, int]
    """By message-id: the corpus (its position) whose copy was kept."""
    lists: dict[str, frozenset[int]]
    """By message-id: every corpus (position) that holds it."""


def merge(corpora: Sequence[Corpus]) -> Union:
    """One corpus from several; a single corpus is given back as it is."""
    if len(corpora) == 1:
        return Union(corpora[0], {}, {})
    owner: dict[str, int] = {}
    lists: dict[str, set[int]] = {}
    for position, found in enumerate(corpora):
        for msg in _all(found):
            owner.setdefault(msg.msgid, position)
            lists.setdefault(msg.msgid, set()).add(position)
    inside = sorted(unique(m for found in corpora for m in found.inside), key=lambda m: (m.date, m.msgid))
    posted = unique(m for found in corpora for topic in found.topics for rev in topic.revisions for m in rev.messages)
    topics = grouping.topics(grouping.postings(list(posted)))
    replies = unique(m for found in corpora for m in found.replies)
    skipped = tuple(s for found in corpora for s in found.skipped)
    return Union(Corpus(tuple(inside), topics, replies, skipped), owner, {k: frozenset(v) for k, v in lists.items()})


def _all(found: Corpus) -> list[Message]:
    return [*found.inside, *found.replies, *(m for topic in found.topics for rev in topic.revisions for m in rev.messages)]
