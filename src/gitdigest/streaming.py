"""A whole archive's digest, its topics a batch at a time (pipeline.stream): in one process or two.

Reading a whole archive's topics and messages back from the index and decoding them is
most of such a digest (at 500,000 messages, decoding alone takes about as long as git
takes to read the archive), and each batch of topics (`corpus.batches`) is read and
reported on its own. So from `TWO_FROM` rows a second process, forked with the period
already read, takes every other batch through a connection of its own: it writes those
batches' series to a spool file of its own and hands back what it gathered beside them
(`Gathered.part`), which this process merges into its own. Each message is counted once,
whichever process read it (people/tally.py), and each series is written by the one process
that read its topic.

Both processes read one state of the index: the writer's lock, which every update holds
while it commits, is held from before this process's first read until the second one has
made its own. When an update holds it, or the second process fails, this process reads
every batch itself. The digest is the same either way, byte for byte (tests/test_stream.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import itertools
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from gitdigest import index
from gitdigest.index import Index, corpus, file
from gitdigest.model import Message, SeriesReport, replies_by_parent, unique
from gitdigest.people import reviews, stats
from gitdigest.people.identity import Identity
from gitdigest.people.tally import Tally
from gitdigest.render.spool import Page, Spool
from gitdigest.series import classify

TWO_FROM = 50_000
"""A period of this many rows or more is read in two processes: below it, a second process
saves less than starting it costs."""
Parts = Callable[[Page], Sequence[str]]
"""A series as the report writes it (`render.spooler`)."""
Paging = Callable[[Index], Callable[[SeriesReport], Page]]
"""Given the index a process reads, a report's page (with the texts the report prints, read there)."""
Progress = Callable[[str, int, int], None]
Answer = tuple["Gathered", list[tuple[datetime.datetime, str, int, tuple[int, ...], int]]]
"""What the second process gathered, and where its series lie in its spool file."""


@dataclass
class Gathered:
    """What a streamed digest's batches gather beside their series."""

    tally: Tally
    """The period's messages that the batches read, each counted once."""
    heard: reviews.Heard
    placed: set[str]
    """The message-ids the series hold (the tally's `placed`)."""
    rest: set[int]
    """The period's rows that no batch read yet."""
    topical: dict[str, tuple[int, Message]] = dataclasses.field(default_factory=dict)
    """The patch emails carrying review trailers as their topics hold them (what a reply may
    restate), each with the number of the last batch that held it."""
    left: list[tuple[datetime.datetime, str]] = dataclasses.field(default_factory=list)
    """The unanswered revisions' dates and keys."""

    @classmethod
    def of(cls, period: index.Rows, people: Identity) -> Gathered:
        """Nothing gathered yet of `period`."""
        placed: set[str] = set()
        return cls(Tally.of(period.rows, period.msgids, placed), reviews.Heard(people), placed, set(period.rows))

    def take(self, number: int, batch: corpus.Corpus, loaded: dict[int, Message]) -> tuple[SeriesReport, ...]:
        """Batch `number`'s reports; what it read is gathered."""
        firsts = self.tally.firsts
        reports = classify.classify(batch.topics, lambda rev: any(m.msgid in firsts for m in rev.messages))
        self.placed.update(placed(reports))
        self.topical.update((m.msgid, (number, m)) for topic in batch.topics for rev in topic.revisions for m in rev.messages
                            if m.is_contribution and m.review_trailers)
        for row, msg in loaded.items():  # once their series are placed: the tally keeps no candidate left out
            if row in self.rest:
                self.tally.add((msg.epoch, row), msg)
                self.rest.discard(row)
        answers = replies_by_parent(unique([*batch.inside, *batch.replies]))
        self.heard.add(reports, answers)
        unanswered = set(stats.unanswered_among([r.revision for r in reports], answers))
        self.left.extend((r.revision.date, r.revision.key) for r in reports if r.revision.key in unanswered)
        return reports

    def part(self) -> Gathered:
        """What this gathered, without what it was given of the period: for another process's `merge`."""
        return dataclasses.replace(self, tally=self.tally.part(), heard=self.heard.part())

    def merge(self, other: Gathered) -> None:
        """Add what `other` gathered of the same period's other batches."""
        self.placed |= other.placed
        self.tally.merge(other.tally)
        self.heard.merge(other.heard)
        self.rest &= other.rest
        for msgid, (number, msg) in other.topical.items():
            if self.topical.get(msgid, (-1, None))[0] < number:
                self.topical[msgid] = (number, msg)
        self.left.extend(other.left)

    def known(self) -> dict[str, Message]:
        """`topical`'s messages by message-id."""
        return {msgid: msg for msgid, (_number, msg) in self.topical.items()}


def placed(reports: Iterable[SeriesReport]) -> Iterator[str]:
    """The message-ids the reports' series hold: the revisions shown and their history."""
    return (m.msgid for r in reports for rev in (r.revision, *r.history) for m in rev.messages)


@contextlib.contextmanager
def still(idx: Index) -> Iterator[bool]:
    """The writer's lock, held: whether no update can commit meanwhile (False when one holds it,
    or the lock file cannot be opened: a digest then reads in one process)."""
    with contextlib.ExitStack() as stack:
        try:
            mine = stack.enter_context(idx.lock.held(wait=False))
        except OSError:
            mine = False
        yield mine


def read(
    idx: Index, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts, progress: Progress,
    let_go: Callable[[], None] | None,
) -> Spool:
    """Every batch of `period`'s topics, its series spooled and the rest `gathered`; in two
    processes for a long period when `let_go` is given: it lets go of the writer's lock, which
    the caller holds since before its first read (call within `Index.reading`)."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    if let_go is None or not fork or len(period.rows) < TWO_FROM:
        if let_go is not None:
            let_go()
        spool = Spool()
        _batches(idx, period, gathered, paging, parts, progress, spool, (0, 1))
        return spool
    theirs = Spool()  # made before the fork: the second process writes the file, this one reads it
    helper = _Helper(idx.path, period, gathered, paging, parts, theirs)
    try:
        helper.ready()
        let_go()
        spool = Spool()
        _batches(idx, period, gathered, paging, parts, progress, spool, (0, 2), helper.progress)
        answer = helper.answer()
        if answer is None:
            theirs.close()
            _batches(idx, period, gathered, paging, parts, progress, spool, (1, 2))
        else:
            gathered.merge(answer[0])
            theirs.where = answer[1]
            spool.join(theirs)
        return spool
    finally:
        helper.end()


def _batches(
    idx: Index, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts, progress: Progress, spool: Spool,
    share: tuple[int, int], elsewhere: Callable[[], int] = lambda: 0,
) -> None:
    """The batches of `share` (corpus.batches): series to `spool`, the rest to `gathered`."""
    page = paging(idx)
    total = len(period.rows)
    for number, (batch, loaded) in zip(itertools.count(*share), corpus.batches(idx, period, share)):
        spool.write(map(page, gathered.take(number, batch, loaded)), parts)
        progress("digesting", min(total - len(gathered.rest) + elsewhere(), total), total)


class _Helper:
    """The second process: it takes every other batch (the odd ones)."""

    def __init__(self, path: Path, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts, spool: Spool) -> None:
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        # Forked: it starts with the period, the report's functions and an empty tally of
        # its own, none of them sent; it opens the index anew (a connection does not cross a fork).
        self.process = context.Process(target=_help, args=(writer, path, period, gathered, paging, parts, spool), daemon=True)
        self.process.start()
        writer.close()
        self.counted = 0
        self.answered: Answer | None = None

    def ready(self) -> bool:
        """Wait until it reads the index (or failed): its state of the index is then this one's."""
        return self._next()

    def progress(self) -> int:
        """How many rows it has counted so far, as far as it said (some this one counted too)."""
        while self.reader.poll() and self._next():
            pass
        return self.counted

    def answer(self) -> Answer | None:
        """What it gathered and where its series lie in its spool; None when it failed."""
        while self.answered is None and self._next():
            pass
        return self.answered

    def _next(self) -> bool:
        """Take its next message: how many rows it counted, or its answer. False when it ended
        without one more (it failed, or said all)."""
        try:
            message = self.reader.recv()
        except (EOFError, OSError):
            return False
        if isinstance(message, int):
            self.counted = message
        else:
            self.answered = message
        return True

    def end(self) -> None:
        """Stop it, if it still runs (this process failed, or was interrupted), and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.reader.close()


def _help(writer: Connection, path: Path, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts, spool: Spool) -> None:
    """The second process's work: the odd batches. Whatever fails, it ends without its answer,
    and the first process reads those batches itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the first process's to handle
    with contextlib.suppress(Exception), Index(path, file.connect(path)) as mine, mine.reading():
        mine.count()  # its first read, while the first process holds the writer's lock
        writer.send(0)
        _batches(mine, period, gathered, paging, parts, lambda _stage, done, _total: writer.send(done), spool, (1, 2))
        writer.send((gathered.part(), spool.where))
