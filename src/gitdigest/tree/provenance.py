"""Pushed commits x posted series -> where each commit comes from, and what that says.

For the pre-push hook. The commits are matched to posted patches exactly as merged
detection matches a tree (match.py: trailers, patch-ids, subject and author), against
every revision of the topics they may come from. Equal patches are posted again and
again (a v3 patch unchanged in v4 has v4's patch-id too), so each commit is given the
revision most of the push agrees on, newest first on a tie; only its strongest kind
of evidence counts. Pure: the hook reads the commits and the index.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gitdigest.mail import senders
from gitdigest.model import (
    How,
    Match,
    Message,
    Person,
    ReviewKind,
    Revision,
    SeriesReport,
    Topic,
    TreeCommit,
    replies_by_parent,
)
from gitdigest.series import classify
from gitdigest.tree.match import Posted, normalised_subject, posted

# The value's trailing blanks are cut in code: a lazy `(.+?)[ \t]*$` is quadratic in blanks.
_REVIEW_LINE = re.compile(r"^[ \t]*(reviewed-by|acked-by|tested-by)[ \t]*:[ \t]*(.+)$", re.I | re.M)
_STRENGTH = {how: n for n, how in enumerate(How)}


@dataclass(frozen=True)
class Lookup:
    """What to look a push's commits up by in the index."""

    msgids: tuple[str, ...]
    """Named by their `Link:` and `Message-ID:` trailers."""
    patch_ids: tuple[str, ...]
    titles: tuple[str, ...]
    """Their subjects, with and without a final full stop (match.py ignores it)."""


@dataclass(frozen=True, order=True)
class Review:
    """One review trailer: who gave which kind."""

    kind: ReviewKind
    person: Person


@dataclass(frozen=True)
class Origin:
    """The posted patch a pushed commit carries, and how that was found."""

    commit: TreeCommit
    patch: Message
    how: How


@dataclass(frozen=True)
class PushedSeries:
    """One revision of a posted series, as far as the push carries it."""

    topic: str
    revision: Revision
    origins: tuple[Origin, ...]
    """The pushed commits that come from it, in patch order."""
    newer: Revision | None
    """The newest revision of the topic, when it is newer than this one."""
    on_list: frozenset[Review]
    """Review trailers this revision collected on the list: in its mails and in replies."""
    carried: frozenset[Review]
    """Review trailers its pushed commits carry."""

    @property
    def missing(self) -> tuple[Review, ...]:
        """Trailers given on the list that none of the commits carries."""
        found = {(r.kind, _who(r.person)) for r in self.carried}
        return tuple(sorted(r for r in self.on_list if (r.kind, _who(r.person)) not in found))


@dataclass(frozen=True)
class Provenance:
    """Where every commit of a push comes from."""

    series: tuple[PushedSeries, ...]
    """Newest revision first."""
    unposted: tuple[TreeCommit, ...]
    """Commits no posted patch matches, in push order."""

    @property
    def superseded(self) -> tuple[PushedSeries, ...]:
        """The series whose pushed revision a newer one on the list has replaced."""
        return tuple(s for s in self.series if s.newer is not None)


def lookup(commits: Iterable[TreeCommit]) -> Lookup:
    """The message-ids, patch-ids and titles that find the postings `commits` may come from."""
    commits = list(commits)
    titles = {t for c in commits for t in (c.subject, c.subject.rstrip(" ."), c.subject.rstrip(" .") + ".")}
    return Lookup(
        msgids=tuple(dict.fromkeys(m for c in commits for m in c.msgids)),
        patch_ids=tuple(dict.fromkeys(c.patch_id for c in commits if c.patch_id)),
        titles=tuple(sorted(t for t in titles if t.strip(" ."))),
    )


def relevant(topics: Iterable[Topic], msgids: Iterable[str]) -> tuple[Topic, ...]:
    """The topics holding any of `msgids`."""
    wanted = set(msgids)
    return tuple(t for t in topics if any(m.msgid in wanted for r in t.revisions for m in r.messages))


def reports(topics: Iterable[Topic]) -> tuple[SeriesReport, ...]:
    """Every revision of the topics, each with its status and the newest revision after it."""
    return tuple(
        classify.report(t.key, t.revisions[:n], rev, t.revisions[n + 1 :])
        for t in topics
        for n, rev in enumerate(t.revisions)
    )


def trace(
    commits: Sequence[TreeCommit],
    series: Sequence[SeriesReport],
    found: Mapping[str, Match],
    replies: Iterable[Message],
    texts: Mapping[str, str],
) -> Provenance:
    """Where each pushed commit comes from, given match.match's answer over `series`,
    the replies to those series, and each commit's message (`texts`, by commit id)."""
    origins = _choose(_options(series, found))
    answers = replies_by_parent(replies)
    newer = {r.revision.key: r.superseded_by for r in series}
    groups: dict[tuple[str, str], list[Origin]] = defaultdict(list)
    revisions: dict[tuple[str, str], tuple[str, Revision]] = {}
    for commit in commits:
        hit = origins.get(commit.id)
        if hit is None:
            continue
        post, how = hit
        key = (post.topic, post.revision.key)
        groups[key].append(Origin(commit, post.message, how))
        revisions[key] = (post.topic, post.revision)
    pushed = [
        _series(topic, rev, groups[key], newer.get(rev.key), answers, texts)
        for key, (topic, rev) in revisions.items()
    ]
    pushed.sort(key=lambda s: (s.revision.date, s.revision.key), reverse=True)
    return Provenance(tuple(pushed), tuple(c for c in commits if c.id not in origins))


def reviews_in(text: str) -> frozenset[Review]:
    """The Reviewed-by, Acked-by and Tested-by trailers a commit message carries."""
    found = set()
    for name, line in _REVIEW_LINE.findall(text):
        value = line.rstrip(" \t") or line[-1:]
        real, address = senders.parseaddr(value)
        kind = ReviewKind.of(name)
        assert kind is not None  # the pattern matches only review trailers
        found.add(Review(kind, Person(real or value, address.lower())))
    return frozenset(found)


def _options(series: Sequence[SeriesReport], found: Mapping[str, Match]) -> dict[str, list[tuple[Posted, How]]]:
    """For each commit, every posted patch it matches, and how."""
    patches = {p.message.msgid: p for p in posted(series)}
    options: dict[str, list[tuple[Posted, How]]] = defaultdict(list)
    for msgid, hits in found.items():
        for hit in hits.commits:
            if msgid in patches:
                options[hit.commit].append((patches[msgid], hit.how))
    return options


def _choose(options: Mapping[str, list[tuple[Posted, How]]]) -> dict[str, tuple[Posted, How]]:
    """One patch per commit: by its strongest evidence, then the revision most commits
    share, then the newest revision."""
    best = {}
    for commit, hits in options.items():
        strongest = min(_STRENGTH[how] for _, how in hits)
        best[commit] = [(p, how) for p, how in hits if _STRENGTH[how] == strongest]
    votes = Counter(key for hits in best.values() for key in {p.revision.key for p, _ in hits})
    rank = lambda hit: (votes[hit[0].revision.key], hit[0].revision.date, hit[0].revision.key)
    return {commit: max(hits, key=rank) for commit, hits in best.items()}


def _series(
    topic: str,
    revision: Revision,
    origins: list[Origin],
    newer: Revision | None,
    answers: Mapping[str, list[Message]],
    texts: Mapping[str, str],
) -> PushedSeries:
    counter = {m.msgid: m.subject.counter for m in revision.patches}
    origins.sort(key=lambda o: (counter.get(o.patch.msgid, 0), o.commit.id))
    carried = _distinct(r for o in origins for r in reviews_in(texts.get(o.commit.id, "")))
    return PushedSeries(topic, revision, tuple(origins), newer, _collected(revision, answers), carried)


def _collected(revision: Revision, answers: Mapping[str, list[Message]]) -> frozenset[Review]:
    """Review trailers the revision's mails carry and replies to them gave."""
    replies = {r.msgid: r for m in revision.messages for r in answers.get(m.msgid, ())}
    return _distinct(
        Review(kind, trailer.person or msg.sender)
        for msg in (*revision.messages, *replies.values())
        for trailer in msg.review_trailers
        if (kind := trailer.kind) is not None
    )


def _distinct(reviews: Iterable[Review]) -> frozenset[Review]:
    """One review per kind and person: a trailer repeated on every patch counts once."""
    found: dict[tuple[str, str], Review] = {}
    for review in reviews:
        found.setdefault((review.kind, _who(review.person)), review)
    return frozenset(found.values())


def _who(person: Person) -> str:
    """A reviewer compared by address, else by name."""
    return person.email or normalised_subject(person.name)
