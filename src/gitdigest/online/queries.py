"""Online mode's decisions, pure: what a digest lacks that lore may hold, and how to ask for it.

The queries are b4's own. Newer revisions are looked for as `b4 am -c` does
(`b4.mbox.get_extra_series`): by change-id when the series has one, else by subject and
sender, from the series' date on. A commit's posting is looked for as `b4 dig` does
(`b4/dig.py`): its `Link:` trailers, then its patch-id, then its subject and author,
among mail dated no later than a day after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence, Set

from gitdigest.model import CLOCK_SKEW, Message, Revision, Topic, TreeCommit
from gitdigest.tree.match import normalised_subject

"""b4 dig looks for mail dated up to a day after the commit: time zones, wrong clocks."""


def in_period(topics: Iterable[Topic], inside: Set[str]) -> list[Revision]:
    """The revisions with a message among the message-ids `inside`, pull requests left out, newest
    first: when a run's requests run out (digest.onlineLimit), the newest were asked about."""
    found = [
        rev
        for topic in topics
        for rev in topic.revisions
        if not rev.is_pull and any(m.msgid in inside for m in rev.messages)
    ]
    return _newest_first(found)


def latest(topics: Iterable[Topic], inside: Set[str]) -> list[Revision]:
    """The revisions in the period that are the newest of their topic (a newer one may follow), newest first."""
    found = [
        topic.revisions[-1]
        for topic in topics
        if not topic.revisions[-1].is_pull and any(m.msgid in inside for m in topic.revisions[-1].messages)
    ]
    return _newest_first(found)


def _newest_first(revisions: Iterable[Revision]) -> list[Revision]:
    return sorted(revisions, key=lambda r: (r.date, r.key), reverse=True)


def holding(topics: Iterable[Topic], msgids: Set[str]) -> list[Revision]:
    """The revisions that hold any of `msgids`."""
    return [rev for topic in topics for rev in topic.revisions if any(m.msgid in msgids for m in rev.messages)]


def answered(revisions: Iterable[Revision]) -> set[str]:
    """The message-ids the revisions' messages reply to: their cover letter, an earlier revision."""
    return {m.in_reply_to for rev in revisions for m in rev.messages if m.in_reply_to}


def missing_counters(rev: Revision) -> set[int]:
    """The patch numbers 1..N of `k/N` that the revision lacks."""
    have = {p.subject.counter for p in rev.patches if not p.subject.counters_inferred}
    if rev.total <= 1 and not have:
        return set()
    return set(range(1, rev.total + 1)) - have


def incomplete(rev: Revision, known: Set[str]) -> bool:
    """Part of the revision is not at hand: a patch number is missing, or a message replies
    to one that is not known (the cover letter lies before the archive)."""
    return bool(missing_counters(rev)) or any(m.in_reply_to and m.in_reply_to not in known for m in rev.messages)


def to_complete(revisions: Sequence[Revision], known: Set[str]) -> tuple[str, ...]:
    """The message-ids whose threads would complete the incomplete revisions, one per revision."""
    return tuple(dict.fromkeys(rev.key for rev in revisions if incomplete(rev, known)))


def newer_query(rev: Revision) -> str | None:
    """b4 am -c's search for revisions newer than `rev`; None when b4 would not look (no tag)."""
    first = rev.messages[0]
    if not _tagged(first):
        return None
    change_id = next((m.change_id for m in rev.messages if m.change_id), None)
    if change_id:
        what = f'nq:"change-id: {_unquoted(change_id)}"'
    else:
        what = f'(s:"{_unquoted(rev.subject)}" AND f:"{_unquoted(first.sender.email)}")'
    return f"({what}) AND d:{_day(rev.date)}.."


def dig_queries(commit: TreeCommit) -> tuple[str, ...]:
    """b4 dig's searches for a commit's posting: by patch-id, then by subject and author."""
    until = _day(commit.date + CLOCK_SKEW)
    found = [f"patchid:{commit.patch_id} AND d:..{until}"] if commit.patch_id else []
    found.append(f'(s:"{_unquoted(commit.subject)}" AND f:"{_unquoted(commit.author.email)}" AND d:..{until})')
    return tuple(found)


def posting(commit: TreeCommit, candidates: Iterable[Message]) -> Message | None:
    """The posted patch a commit came from: the one its `Link:` names, else the newest with its
    patch-id, else the newest with its subject and author, posted before it was committed."""
    patches = [m for m in candidates if m.is_patch and m.date <= commit.date + CLOCK_SKEW]
    linked = [m for m in patches if m.msgid in commit.msgids]
    same_id = [m for m in patches if commit.patch_id and m.patch_id == commit.patch_id]
    title = normalised_subject(commit.subject)
    same_subject = [
        m for m in patches if normalised_subject(m.subject.title) == title and commit.author.email in (m.author.email, m.sender.email)
    ]
    for found in (linked, same_id, same_subject):
        if found:
            return max(found, key=lambda m: m.date)
    return None


def _tagged(message: Message) -> bool:
    """The subject has a bracketed prefix; b4 does not look for newer revisions without one."""
    subject = message.subject
    return bool(subject.prefixes) or subject.is_patch or not (subject.version_inferred and subject.counters_inferred)


def _unquoted(text: str) -> str:
    """A term for a quoted Xapian phrase: b4 drops the double quotes."""
    return text.replace('"', "")


def _day(when: datetime.datetime) -> str:
    """`YYYYMMDD`, the form of public-inbox's `d:` ranges, in UTC."""
    return when.astimezone(datetime.timezone.utc).strftime("%Y%m%d")
