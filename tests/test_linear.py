"""Grouping stays linear on hostile shapes: thousands of unthreaded postings from one sender
within an hour, each sent twice. Since every send is kept (a resend is a posting of its own,
superseded by the later send), what matters is that each posting finds its earlier send by
hashing, not by comparing every pair."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

from archives import make_mail

from gitdigest.mail import messages
from gitdigest.model import Message, Parsed, RawMessage
from gitdigest.series import grouping

START = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.timezone.utc)


def _message(n: int, sender: int, version: int, counter: int, total: int, title: int, patch: int, minute: int) -> Message:
    prefix = f"PATCH v{version} {counter}/{total}" if total > 1 else f"PATCH v{version}"
    date = START + datetime.timedelta(minutes=minute)
    data = make_mail(
        f"m{n}@example.org", f"[{prefix}] fix {title}", sender=f"Sender {sender} <s{sender}@example.org>",
        date=date.strftime("%a, %d %b %Y %H:%M:%S +0000"), body="diff --git a/x b/x\n" if counter else "Cover.\n",
    )
    parsed = messages.parse_full(RawMessage(data, hashlib.sha1(data).hexdigest()))
    assert isinstance(parsed, Parsed)
    return dataclasses.replace(parsed.message, patch_id=f"pid{patch}" if counter else None)


def test_unthreaded_patches_from_one_sender_within_the_hour() -> None:
    """2,000 different one-patch postings in an hour are 2,000 postings; each sent twice, 4,000
    postings in 2,000 topics, each topic its first send and the resend that supersedes it."""
    found = [_message(n, 0, 1, 1, 1, n, n, n % 60) for n in range(2000)]
    again = [_message(2000 + n, 0, 1, 1, 1, n, n, n % 60 + 1) for n in range(2000)]
    assert len(grouping.postings(found)) == 2000
    kept = grouping.postings(found + again)
    assert len(kept) == 4000
    topics = grouping.topics(kept)
    assert len(topics) == 2000
    assert all([r.key for r in t.revisions] == [f"m{n}@example.org", f"m{2000 + n}@example.org"]
               for t in topics for n in [int(t.revisions[0].subject.split()[-1])])
