"""Grouping stays linear on hostile shapes, and gives what the pairwise definition gives.

The duplicate check finds the posting a send repeats or completes by hashing the parts
of its content; `_pairwise` below is the definition it replaces (every posting of the
last hour compared with every other), kept here as the reference it must agree with.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Sequence

from archives import make_mail
from hypothesis import given, settings
from hypothesis import strategies as st

from gitdigest.mail import messages
from gitdigest.model import Message, RawMessage, Revision
from gitdigest.series import grouping
from gitdigest.series import postings as split_postings

START = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.timezone.utc)


def _message(n: int, sender: int, version: int, counter: int, total: int, title: int, patch: int, minute: int) -> Message:
    prefix = f"PATCH v{version} {counter}/{total}" if total > 1 else f"PATCH v{version}"
    date = START + datetime.timedelta(minutes=minute)
    data = make_mail(
        f"m{n}@example.org", f"[{prefix}] fix {title}", sender=f"Sender {sender} <s{sender}@example.org>",
        date=date.strftime("%a, %d %b %Y %H:%M:%S +0000"), body="diff --git a/x b/x\n" if counter else "Cover.\n",
    )
    parsed = messages.parse_full(RawMessage(data, hashlib.sha1(data).hexdigest()))
    assert isinstance(parsed, messages.Parsed)
    return dataclasses.replace(parsed.message, patch_id=f"pid{patch}" if counter else None)


def _pairwise(revisions: Sequence[Revision]) -> list[Revision]:
    """The duplicate check as first written: each posting against every kept one of the last hour."""
    kept: dict[str, Revision] = {}
    recent: dict[tuple[str, int, int], list[tuple[Revision, frozenset]]] = {}
    for rev in sorted(revisions, key=lambda r: (r.date, r.key)):
        bucket = recent.setdefault((rev.messages[0].sender.email, rev.version, rev.total), [])
        mine = grouping._content(rev)
        copied = None
        for earlier, theirs in reversed(bucket):
            if rev.date - earlier.date > grouping.DUPLICATE_WINDOW:
                break
            if mine <= theirs or theirs <= mine:
                copied = (earlier, theirs)
                break
        if copied is not None and mine <= copied[1]:
            continue
        if copied is not None:
            del kept[copied[0].key]
            bucket.remove(copied)
        kept[rev.key] = rev
        bucket.append((rev, mine))
    return list(kept.values())


def _revisions(found: Sequence[Message]) -> list[Revision]:
    candidates = [m for m in found if split_postings.is_series_message(m)]
    return [grouping.revision(group) for group in split_postings.split(candidates)]


_sends = st.lists(
    st.tuples(
        st.integers(0, 1),  # sender
        st.integers(1, 2),  # version
        st.integers(1, 3),  # total
        st.integers(0, 2),  # title
        st.integers(0, 2),  # patch
        st.integers(0, 150),  # minute
        st.lists(st.integers(0, 3), min_size=1, max_size=4, unique=True),  # counters sent
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(_sends)
def test_duplicate_check_agrees_with_the_pairwise_definition(sends) -> None:
    found, n = [], 0
    for sender, version, total, title, patch, minute, counters in sends:
        for counter in sorted(c for c in counters if c <= total):
            found.append(_message(n, sender, version, counter, total, title + counter, patch + counter, minute))
            n += 1
    revisions = _revisions(found)
    assert [r.key for r in grouping._without_duplicates(revisions)] == [r.key for r in _pairwise(revisions)]


def test_unthreaded_patches_from_one_sender_within_the_hour() -> None:
    """2,000 different one-patch postings in an hour are 2,000 postings; each sent twice, still 2,000."""
    found = [_message(n, 0, 1, 1, 1, n, n, n % 60) for n in range(2000)]
    again = [_message(2000 + n, 0, 1, 1, 1, n, n, n % 60 + 1) for n in range(2000)]
    assert len(grouping.postings(found)) == 2000
    kept = grouping.postings(found + again)
    assert len(kept) == 2000
    assert {r.subject for r in kept} == {f"fix {n}" for n in range(2000)}
