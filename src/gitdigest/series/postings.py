"""Series messages -> postings: which patches and cover letter were sent together.

A posting is one revision of one series as it was sent. Each message, taken parents
first and then by date (so arrival out of order changes nothing), goes to:

0. a message without an `n/N` label (a lone `[PATCH]`, or a diff sent in reply inside a
   series' thread: "something like this?") is a posting of its own, as patchwork
   keeps it, never a patch of the revision it answers;
1. the posting of the nearest series message it answers (In-Reply-To, then the
   References from the nearest), when it fits there: same sender and kind, no other
   version, its number still free, the same N (or an extra `[PATCH 3/2]`);
2. else the posting last started beside it: same sender and N, in answer to the same
   posting (vN patches each sent in reply to vN-1's cover, a partial reroll of 3/7
   and 5/7), or to none within the hour (unthreaded mail);
3. else, in its thread, despite a miscounted N or as a stray second patch numbered
   like another of the same send;
4. else a new posting: "this number is already taken".

b4's LoreMailbox keys revisions by number alone and assumes one series per mailbox;
this keeps every posting apart instead.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from gitdigest.model import Message

WINDOW = datetime.timedelta(hours=1)
"""How far apart unthreaded patches of one posting may be sent."""
BATCH = datetime.timedelta(minutes=2)
"""How close together the messages of one `git send-email` run are dated."""


@dataclass
class _Draft:
    """A posting while it is gathered; mutable, and never leaves this module."""

    sender: str
    total: int
    pull: bool
    version: int | None = None
    """The explicit version of its messages; None while none has given one."""
    last: datetime.datetime = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    by_counter: dict[int, Message] = field(default_factory=dict)
    strays: list[Message] = field(default_factory=list)
    """Patches whose number was already taken in the same batch (see `_stray`)."""


def is_pull(message: Message) -> bool:
    """A pull request: `[GIT PULL]`, `[GIT]`, `[PULL]`, QEMU's `[PULL nn/mm]` series, a request-pull
    body (the parser decides, `Subject.is_pull`); netdev's `[PATCH ... 0/N][pull request]` is a cover."""
    return message.subject.is_pull


def is_series_message(message: Message) -> bool:
    """A patch, a cover letter or a pull request: what postings are made of."""
    if message.subject.is_reply:
        return False
    return message.is_patch or message.is_cover or is_pull(message)


def counter_of(message: Message) -> int:
    """The k of `k/N`: 0 for a cover letter."""
    return 0 if message.is_cover else message.subject.counter


def split(messages: Sequence[Message]) -> list[tuple[Message, ...]]:
    """Group series messages into postings, each a tuple of its messages in arrival order."""
    by_id = {m.msgid: m for m in messages}
    parent_of = {m.msgid: nearest_ancestor(m, by_id) for m in messages}
    drafts: list[_Draft] = []
    draft_of: dict[str, int] = {}
    latest: dict[tuple[str, int | None, int, bool], int] = {}
    for message in _parents_first(sorted(messages, key=lambda m: m.date), parent_of, by_id):
        parent = parent_of[message.msgid]
        index = _place(message, draft_of.get(parent) if parent else None, drafts, latest)
        _add(drafts[index], message)
        draft_of[message.msgid] = index
    return [(*d.by_counter.values(), *d.strays) for d in drafts]


def nearest_ancestor(message: Message, known: Mapping[str, object]) -> str | None:
    """The nearest message this one answers that is in `known`: In-Reply-To, then References."""
    for msgid in ancestors(message):
        if msgid in known and msgid != message.msgid:
            return msgid
    return None


def ancestors(message: Message) -> Iterator[str]:
    """The message-ids `message` answers, nearest first: In-Reply-To, then References."""
    if message.in_reply_to:
        yield message.in_reply_to
    yield from reversed(message.references)


def _parents_first(
    ordered: Sequence[Message], parent_of: Mapping[str, str | None], by_id: Mapping[str, Message]
) -> list[Message]:
    """`ordered`, moving each message's unplaced ancestors just before it (cycle-safe)."""
    done: set[str] = set()
    out: list[Message] = []
    for message in ordered:
        chain: list[Message] = []
        current: Message | None = message
        while current is not None and current.msgid not in done:
            done.add(current.msgid)
            chain.append(current)
            parent = parent_of[current.msgid]
            current = by_id[parent] if parent else None
        out.extend(reversed(chain))
    return out


def _place(
    message: Message,
    context: int | None,
    drafts: list[_Draft],
    latest: dict[tuple[str, int | None, int, bool], int],
) -> int:
    """The index of the draft `message` joins, creating one when none fits."""
    key = (message.sender.email, context, message.subject.total, is_pull(message))
    if message.subject.counters_inferred:
        return _new(drafts, latest, key)
    if context is not None and _fits(drafts[context], message):
        return context
    beside = latest.get(key)
    if beside is not None and _fits(drafts[beside], message) and _near(drafts[beside], message):
        return beside
    if context is not None and (
        _fits(drafts[context], message, loose=True) or _stray(drafts[context], message)
    ):
        return context
    return _new(drafts, latest, key)


def _new(
    drafts: list[_Draft],
    latest: dict[tuple[str, int | None, int, bool], int],
    key: tuple[str, int | None, int, bool],
) -> int:
    """Start a draft for `key` (sender, context, N, pull) and return its index."""
    drafts.append(_Draft(key[0], key[2], key[3]))
    latest[key] = len(drafts) - 1
    return len(drafts) - 1


def _fits(draft: _Draft, message: Message, loose: bool = False) -> bool:
    """Whether `message` can belong to the posting `draft` without contradicting it."""
    subject = message.subject
    if not _compatible(draft, message) or counter_of(message) in draft.by_counter:
        return False
    if subject.total == draft.total:
        return True
    # `[PATCH 3/2]`: an extra patch sent after the series was announced as two.
    if subject.counter == subject.total > draft.total and not message.is_cover:
        return True
    # Loosely (in its thread, when no posting there has its N), a numbered patch joins
    # a cover letter that miscounted (`[PATCH V8 0/8]` sent with `1/7`..`7/7`).
    return loose and draft.total > 1 and not subject.counters_inferred


def _stray(draft: _Draft, message: Message) -> bool:
    """A second patch numbered like one already there, sent in the same batch under
    another title: a stale file left beside the series (two `[PATCH v3 07/10]`)."""
    taken = draft.by_counter.get(counter_of(message))
    return (
        taken is not None
        and not message.is_cover
        and _compatible(draft, message)
        and abs(message.date - draft.last) <= BATCH
        and message.subject.title != taken.subject.title
    )


def _compatible(draft: _Draft, message: Message) -> bool:
    """Sent from the same address, both pull requests or neither, and no other version."""
    subject = message.subject
    if message.sender.email != draft.sender or is_pull(message) != draft.pull:
        return False
    return subject.version_inferred or draft.version in (None, subject.version)


def _near(draft: _Draft, message: Message) -> bool:
    return abs(message.date - draft.last) <= WINDOW


def _add(draft: _Draft, message: Message) -> None:
    counter = counter_of(message)
    if counter in draft.by_counter:
        draft.strays.append(message)
    else:
        draft.by_counter[counter] = message
    draft.last = max(draft.last, message.date)
    if draft.version is None and not message.subject.version_inferred:
        draft.version = message.subject.version
