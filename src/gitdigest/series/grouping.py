"""Messages -> revisions -> topics: the series stage.

`postings` splits every patch, cover letter and pull request into postings (one
revision of one series, see `postings.py`), drops copies of a posting sent again
within the hour, and builds a `Revision` from each. `topics` links the revisions of
one series (see `topics.py`). Both are pure and take the whole archive, so they
index by message-id and never compare all pairs.
"""

from __future__ import annotations

import datetime
from collections import Counter, OrderedDict
from collections.abc import Sequence

from gitdigest.model import Message, Revision, Topic, unique
from gitdigest.series import postings as split_postings
from gitdigest.series import topics as linking

DUPLICATE_WINDOW = datetime.timedelta(hours=1)
"""A posting sent again this soon, unchanged, is a duplicate, not a resend."""


def postings(messages: Sequence[Message]) -> tuple[Revision, ...]:
    """Split messages into postings (one revision of one series), oldest first. Replies are ignored;
    [GIT PULL] requests become Revisions with is_pull=True (kept apart, never linked into patch topics)."""
    candidates = [m for m in unique(messages) if split_postings.is_series_message(m)]
    revisions = [revision(group) for group in split_postings.split(candidates)]
    return tuple(_without_duplicates(revisions))


def topics(revisions: Sequence[Revision]) -> tuple[Topic, ...]:
    """Link revisions into topics (change-id, Supersedes, vN in reply to vN-1, shared patch-id,
    same normalised subject + author, ...); revisions oldest first inside each topic."""
    return linking.group(revisions)


def revision(group: Sequence[Message]) -> Revision:
    """The revision made of one posting's messages."""
    cover = next((m for m in group if m.is_cover), None)
    patches = tuple(
        sorted((m for m in group if m is not cover), key=lambda m: (m.subject.counter, m.date))
    )
    first = cover or patches[0]
    explicit = [m.subject.version for m in group if not m.subject.version_inferred]
    version = (
        first.subject.version if not first.subject.version_inferred else max(explicit, default=1)
    )
    return Revision(
        key=first.msgid,
        version=version,
        subject=first.subject.title,
        author=first.author,
        date=min(m.date for m in group),
        cover=cover,
        patches=patches,
        total=_total(cover, patches),
        rfc=first.subject.rfc,
        resend=first.subject.resend,
        is_pull=any(split_postings.is_pull(m) for m in group),
        prefixes=first.subject.prefixes,
    )


def _total(cover: Message | None, patches: Sequence[Message]) -> int:
    """The N most patches give (an extra `[PATCH 3/2]` does not change it), else the cover's."""
    totals = Counter(p.subject.total for p in patches if not p.subject.counters_inferred)
    if totals:
        return max(totals, key=lambda n: (totals[n], -n))
    return cover.subject.total if cover else 1


_Content = frozenset[tuple[int, str, str | None]]


def _without_duplicates(revisions: Sequence[Revision]) -> list[Revision]:
    """Drop a posting sent again within the hour that adds nothing (three sends in four
    minutes), or the earlier one when the later completes it (a send that broke off); oldest first."""
    # `kept` stays oldest first, as `postings` wants: no two revisions share a key (each message
    # is in one posting), so an entry is only ever added at the end, and deleting one keeps the order.
    kept: dict[str, Revision] = {}
    recent: dict[tuple[str, int, int], _Recent] = {}
    for rev in sorted(revisions, key=lambda r: (r.date, r.key)):
        bucket = recent.setdefault((_sender(rev), rev.version, rev.total), {})
        mine = _content(rev)
        copied = _copied(bucket, rev, mine)
        if copied is not None and mine <= copied[1]:
            continue
        if copied is not None:
            del kept[copied[0].key]
            for part in copied[1]:
                bucket[part].pop(copied[0].key, None)
        kept[rev.key] = rev
        for part in mine:
            bucket.setdefault(part, OrderedDict())[rev.key] = (rev, mine)
    return list(kept.values())


_Recent = dict[tuple[int, str, str | None], "OrderedDict[str, tuple[Revision, _Content]]"]
"""The kept postings of the last hour of one sender, version and N, by each part of their content:
a posting repeats or completes only one that shares a part with it, so this finds it by hashing
instead of comparing every pair (100,000 unthreaded patches from one sender within an hour)."""


def _copied(bucket: _Recent, rev: Revision, mine: _Content) -> tuple[Revision, _Content] | None:
    """The newest posting of the last hour (with its content) that `rev` repeats, or that `rev` completes."""
    shared: Counter[str] = Counter()
    entries: dict[str, tuple[Revision, _Content]] = {}
    for part in mine:
        holders = bucket.get(part)
        if not holders:
            continue
        while holders and rev.date - next(iter(holders.values()))[0].date > DUPLICATE_WINDOW:
            holders.popitem(last=False)  # revisions come oldest first: it is too old for every later one
        for key, entry in holders.items():
            shared[key] += 1
            entries[key] = entry
    # One content holds the other when the parts they share are all of either.
    found = [entries[key] for key, count in shared.items() if count in (len(mine), len(entries[key][1]))]
    return max(found, key=lambda entry: (entry[0].date, entry[0].key), default=None)


def _sender(rev: Revision) -> str:
    return rev.messages[0].sender.email


def _content(rev: Revision) -> _Content:
    """What a posting says: each message's number, title and patch-id."""
    return frozenset(
        (split_postings.counter_of(m), m.subject.title, m.patch_id) for m in rev.messages
    )
