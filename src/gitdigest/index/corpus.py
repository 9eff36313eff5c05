"""What a digest reads from the index: the period's messages, their topics, the replies.

The series stage links revisions across the whole archive (a revision's history and
its successors may lie anywhere in it); the index keeps those topics up to date as
messages arrive (incremental.py), so a short period reads only the topics it touches,
their messages, and the messages that answer them: a few hundred rows instead of all.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gitdigest import index, settings
from gitdigest.errors import DamagedIndexError
from gitdigest.index import Index, Note, codec
from gitdigest.index.caches import StoredTopic
from gitdigest.mail import archive, messages
from gitdigest.mail.archive import Archive
from gitdigest.model import Message, MessageText, Skipped, Topic
from gitdigest.series import reach

SHORT = 0.25
"""A period holding less than this share of the archive reads only its own topics."""
BATCH = 5000
"""About this many messages' topics at a time, for a digest that streams them (`batches`)."""
T = TypeVar("T")


@dataclass(frozen=True)
class Corpus:
    """The messages a digest works on."""

    inside: tuple[Message, ...]
    """The period's messages, in archive order."""
    topics: tuple[Topic, ...]
    """Every topic with a revision in the period (a whole archive's: all of them)."""
    replies: tuple[Message, ...]
    """Messages that may answer the topics' revisions."""
    skipped: tuple[Skipped, ...]
    """The period's messages that could not be used."""


def index_path(explicit: Path | None, cache: Path | None, arch: Archive) -> Path:
    """The index file: `--index` or `digest.index`, else one per archive under the cache."""
    if explicit is not None:
        return explicit.expanduser()
    return index.default_path(cache or settings.cache_dir(), arch.top)


def with_index(arch: Archive, path: Path, limit: int, note: Note, work: Callable[[Index], T]) -> T:
    """Run `work` on the open index; an index found damaged on the way is rebuilt once."""
    for attempt in (1, 2):
        try:
            with index.open_index(path, arch, limit, note) as idx:
                return work(idx)
        except DamagedIndexError as err:
            if attempt == 2:
                raise
            note(f"{err}; rebuilding the index from the archive")
            index.discard(path)
    raise AssertionError("unreachable")


def gather(idx: Index, select: Callable[[Index], index.Rows]) -> Corpus:
    """The period `select` picks, with its topics and the replies to them."""
    with idx.reading():
        period = select(idx)
        if not is_long(idx, period):
            return _short(idx, period)
        history = idx.everything()
        stored = idx.topics().data()
    with codec.bulk():
        decode = codec.topic_decoder(history)
        topics = tuple(decode(one.data) for one in stored)
    codec.settle()  # the whole archive, held to the end of the run
    inside = tuple(history[r] for r in period.rows if r in history)
    return Corpus(inside, topics, tuple(history.values()), period.skipped)


def _short(idx: Index, period: index.Rows) -> Corpus:
    """A short period from the cached topics: only the rows it needs are read."""
    stored = idx.topics().data(period.msgids)
    loaded = idx.by_rows({*period.rows, *(r for one in stored for r in one.rows)})
    decode = codec.topic_decoder(loaded)
    topics = tuple(decode(one.data) for one in stored)
    shown = {m.msgid for topic in topics for rev in topic.revisions for m in rev.messages}
    answering = idx.answering(shown)
    loaded.update(idx.by_rows(answering - loaded.keys()))
    inside = tuple(loaded[r] for r in period.rows if r in loaded)
    ordered = sorted((r for r in answering if r in loaded), key=lambda r: (loaded[r].epoch, r))
    replies = tuple(loaded[r] for r in ordered)
    return Corpus(inside, topics, replies, period.skipped)


def is_long(idx: Index, period: index.Rows) -> bool:
    """Whether `gather` reads the whole archive for `period` (else only the topics it touches)."""
    return len(period.rows) >= SHORT * max(idx.count(), 1)


def batches(
    idx: Index, period: index.Rows, share: tuple[int, int] = (0, 1), skip: Container[int] = (),
) -> Iterator[tuple[int, Corpus, dict[int, Message]]]:
    """Every topic of the index, a few at a time (about `BATCH` messages), each batch with
    its number, its messages and the messages that answer them: a whole archive's topics,
    never held at once. `inside` holds the batch's messages that `period` holds; with each
    batch, every message read for it by row (call within `Index.reading`). With `share`
    (k, n), only batches k, k + n, k + 2n, ... are read: what one of n processes takes; the
    batches numbered in `skip` are passed over unread."""
    ids = frozenset(period.msgids)
    mine, every = share
    batch: list[StoredTopic] = []
    held = number = 0
    for one in idx.topics().each():
        batch.append(one)
        held += len(one.rows)
        if held >= BATCH:
            if number % every == mine and number not in skip:
                yield number, *_batch(idx, batch, ids)
            batch, held, number = [], 0, number + 1
    if batch and number % every == mine and number not in skip:
        yield number, *_batch(idx, batch, ids)


def _batch(idx: Index, stored: Sequence[StoredTopic], ids: frozenset[str]) -> tuple[Corpus, dict[int, Message]]:
    loaded = idx.by_rows(r for one in stored for r in one.rows)
    with codec.bulk():
        decode = codec.topic_decoder(loaded)
        topics = tuple(decode(one.data) for one in stored)
    shown = {m.msgid for topic in topics for rev in topic.revisions for m in rev.messages}
    answering = idx.answering(shown)
    loaded.update(idx.by_rows(answering - loaded.keys()))
    order = sorted(loaded, key=lambda r: (loaded[r].epoch, r))
    inside = tuple(loaded[r] for r in order if loaded[r].msgid in ids)
    replies = tuple(loaded[r] for r in order if r in answering)
    return Corpus(inside, topics, replies, ()), loaded


def sharing_titles(idx: Index, found: Sequence[Topic]) -> tuple[Topic, ...]:
    """`found`, and the index's topics with a message whose normalised title one of theirs has:
    those a mailmap can join to them (series/topics.py, the same-author rules)."""
    keys = {k for topic in found for rev in topic.revisions for m in rev.messages if (k := reach.title_key(m.subject.title))}
    # A topic holding a message of `found` is this index's view of one of them (over several
    # lists, part of a series may sit in one list alone): `found` has it whole.
    have = {m.msgid for topic in found for rev in topic.revisions for m in rev.messages}
    with idx.reading():
        stored = idx.topics().sharing(keys)
        loaded = idx.by_rows({r for one in stored for r in one.rows})
    decode = codec.topic_decoder(loaded)
    more = (t for t in map(decode, (one.data for one in stored)))
    return (*found, *(t for t in more if have.isdisjoint(m.msgid for rev in t.revisions for m in rev.messages)))


def text_of(idx: Index, arch: Archive, message: Message) -> MessageText:
    """The readable parts of a message: from the index, else from its blob."""
    description = idx.description(message)
    if description is None:
        return messages.text_of(archive.read_blob(arch, message.epoch, message.blob), message.msgid)
    return MessageText(msgid=message.msgid, description=description, diffstat=message.diffstat)
