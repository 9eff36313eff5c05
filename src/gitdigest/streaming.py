"""A whole archive's digest, its topics a batch at a time (pipeline.stream): in one process or two.

Reading a whole archive's topics and messages back from the index and decoding them is
most of such a digest (at 500,000 messages, decoding alone takes about as long as git
takes to read the archive), and each batch of topics (`corpus.batches`) is read and
reported on its own. So from `TWO_FROM` rows a second process, forked with the period
already read, takes every other batch through a connection of its own. It writes those
batches' series to a spool file of its own, and what each batch gathered beside them
(`Gathered.part`) to another file, which this process reads and merges between its own
batches. Then the rows that no batch read are counted, half in each process. Each message
is counted once, whichever process read it (people/tally.py), and each series is written
by the one process that read its topic.

Both processes read one state of the index: the writer's lock, which every update holds
while it commits, is held from before this process's first read until the second one has
made its own. When an update holds it, this process reads every batch itself; when the
second process fails, this one does what it did not hand over. The digest is the same
either way, byte for byte (tests/test_stream.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import multiprocessing
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO

from gitdigest import index
from gitdigest.index import Index, Note, Progress, corpus, file
from gitdigest.model import Message, SeriesReport, replies_by_parent, unique
from gitdigest.people import reviews, stats
from gitdigest.people.identity import Identity
from gitdigest.people.tally import Tally
from gitdigest.render.spool import Page, Spool
from gitdigest.series import classify

SILENT = 300
"""Seconds the first process waits for a word from the second (a batch takes well under one)."""
TWO_FROM = 10_000
"""A period of this many rows or more is read in two processes: below it, a second process
saves little more than starting it costs (io-uring's 33,495 rows, whole, in JSON: 1.59 s in
one process, 1.16 s in two)."""
Parts = Callable[[Page], Sequence[str]]
"""A series as the report writes it (`render.spooler`)."""
Paging = Callable[[Index], Callable[[SeriesReport], Page]]
"""Given the index a process reads, a report's page (with the texts the report prints, read there)."""


@dataclass
class Gathered:
    """What a streamed digest's batches gather beside their series."""

    tally: Tally
    """The period's messages that were read, each counted once."""
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
        self._topical((m.msgid, (number, m)) for topic in batch.topics for rev in topic.revisions for m in rev.messages
                      if m.is_contribution and m.review_trailers)
        self.count((row, msg) for row, msg in loaded.items() if row in self.rest)  # once their series are placed
        answers = replies_by_parent(unique([*batch.inside, *batch.replies]))
        self.heard.add(reports, answers)
        unanswered = set(stats.unanswered_among([r.revision for r in reports], answers))
        self.left.extend((r.revision.date, r.revision.key) for r in reports if r.revision.key in unanswered)
        return reports

    def count(self, rows: Iterable[tuple[int, Message]]) -> None:
        """Count these rows of the rest."""
        for row, msg in rows:
            self.tally.add((msg.epoch, row), msg)
            self.rest.discard(row)

    def fresh(self) -> Gathered:
        """Nothing gathered yet, beside this: one batch's own, counting from the same rest
        and placing in the same series' message-ids."""
        return Gathered(self.tally.like(), reviews.Heard(self.heard.identity), self.placed, self.rest)

    def part(self) -> Gathered:
        """What this gathered, but the message-ids placed and the rows left: for another
        process's `merge` (`_Helper` hands those over on their own)."""
        return dataclasses.replace(self, tally=self.tally.part(), heard=self.heard.part(), placed=set(), rest=set())

    def merge(self, other: Gathered) -> None:
        """Add what `other` gathered of other batches of the same period."""
        self.tally.merge(other.tally)
        self.heard.merge(other.heard)
        self._topical(other.topical.items())
        self.left.extend(other.left)

    def _topical(self, found: Iterable[tuple[str, tuple[int, Message]]]) -> None:
        """Keep of each message-id its copy in the latest batch, as one process reading the
        batches in order does, whatever order batches come in (from two processes)."""
        for msgid, (number, msg) in found:
            if self.topical.get(msgid, (-1, None))[0] < number:
                self.topical[msgid] = (number, msg)

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
    let_go: Callable[[], None] | None, note: Note,
) -> Spool:
    """Every batch of `period`'s topics, their series spooled, and every row of the period
    `gathered`; in two processes for a long period when `let_go` is given: it lets go of the
    writer's lock, which the caller holds since before its first read (call within
    `Index.reading`). A second process that fails is noted (the digest is the same)."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    if let_go is None or not fork or len(period.rows) < TWO_FROM:
        if let_go is not None:
            let_go()
        spool = Spool()
        _batches(idx, period, gathered, paging, parts, progress, spool, (0, 1))
        _rest(idx, period, gathered, sorted(gathered.rest), progress)
        return spool
    theirs = Spool()  # made before the fork: the second process writes the file, this one reads it
    helper = _Helper(idx.path, period, gathered, paging, parts, theirs)
    try:
        helper.ready()
        let_go()
        spool = Spool()
        _batches(idx, period, gathered, paging, parts, progress, spool, (0, 2), helper.progress)
        finished = helper.done()
        theirs.where = helper.where
        spool.join(theirs)
        if not finished:  # it failed: what it did not hand over is read here
            note(f"the second process reading the index stopped{helper.why()}: this one read the rest")
            _batches(idx, period, gathered, paging, parts, progress, spool, (1, 2), skip=helper.batches)
            _rest(idx, period, gathered, sorted(gathered.rest), progress)
            return spool
        rest = sorted(gathered.rest)
        asked = helper.ask(rest[1::2])
        _rest(idx, period, gathered, rest[0::2], progress)
        if not (asked and helper.counted()):
            note(f"the second process reading the index stopped{helper.why()}: this one counted its rows")
            _rest(idx, period, gathered, rest[1::2], progress)
        return spool
    finally:
        helper.end()


def _batches(
    idx: Index, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts, progress: Progress, spool: Spool,
    share: tuple[int, int], elsewhere: Callable[[], int] = lambda: 0, skip: Container[int] = (),
) -> None:
    """The batches of `share` (corpus.batches) but those in `skip`: their series to `spool`,
    the rest to `gathered`; `elsewhere` merges what the other process handed over meanwhile,
    and says how many rows it counted."""
    page = paging(idx)
    total = len(period.rows)
    for number, batch, loaded in corpus.batches(idx, period, share, skip):
        spool.write(map(page, gathered.take(number, batch, loaded)), parts)
        progress("digesting", min(total - len(gathered.rest) + elsewhere(), total), total)


def _rest(idx: Index, period: index.Rows, gathered: Gathered, rows: Sequence[int], progress: Progress) -> None:
    """Count `rows`, which no batch read, one at a time."""
    total = len(period.rows)
    for done, found in enumerate(idx.each(rows), 1):
        gathered.count((found,))
        if not done % 5000:
            progress("digesting", total - len(gathered.rest), total)


class _Helper:
    """The second process: it takes the odd batches, handing over what each gathered as it
    goes (a batch's `Gathered.part` and its series' message-ids, merged here between this
    process's own batches), then the rows it did not count; then it counts the rows it is
    asked to of those no batch read, and hands them over."""

    def __init__(self, path: Path, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts, spool: Spool) -> None:
        context = multiprocessing.get_context("fork")
        self.pipe, theirs = context.Pipe()
        # What it gathered of each batch goes to a file, and the pipe says where: it never
        # waits for this process to read it (a batch's part is far larger than what a pipe
        # holds), and this one reads it between its own batches.
        self.parts = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `end`
        # Forked: it starts with the period, the report's functions and an empty tally of
        # its own, none of them sent; it opens the index anew (a connection does not cross a fork).
        self.process = context.Process(target=_help, args=((theirs, self.pipe), self.parts, path, period, gathered, paging, parts, spool),
                                       daemon=True)
        self.process.start()
        theirs.close()
        self.into = gathered
        """This process's gathering, into which what it hands over is merged."""
        self.rows = 0
        """How many rows it said it counted."""
        self.batches: set[int] = set()
        """The batches it handed over."""
        self.where: list[tuple[datetime.datetime, str, int, tuple[int, ...], int]] = []
        """Where the series of those batches lie in its spool."""
        self.left: set[int] | None = None
        """The rows it did not count, once it read all its batches."""
        self.finished = False
        self.failure = ""
        """What it said went wrong, if it said."""

    def ready(self) -> bool:
        """Wait until it reads the index (or failed): its state of the index is then this one's."""
        return self._next()

    def progress(self) -> int:
        """Merge what it handed over so far; how many rows it counted (some of them this one counted too)."""
        while self.pipe.poll() and self._next():
            pass
        return self.rows

    def done(self) -> bool:
        """Wait until it read every batch of its share, merging them, and then take the rows it
        did not count; False when it failed first."""
        while self.left is None and self._next():
            pass
        if self.left is None:
            return False
        self.into.rest &= self.left
        return True

    def ask(self, rows: list[int]) -> bool:
        """Ask it to count `rows`; whether it could be asked."""
        try:
            self.pipe.send(rows)
        except OSError:
            return False
        self.finished = not rows
        return True

    def counted(self) -> bool:
        """Wait until it counted the rows asked, merging them; False when it failed first."""
        while not self.finished and self._next():
            pass
        return self.finished

    def _next(self) -> bool:
        """Take its next message. False when it ended without one more (it failed, or said all),
        or said nothing for `SILENT` seconds (it is stopped: this process does its work)."""
        try:
            if not self.pipe.poll(SILENT):
                self.process.kill()
                return False
            kind, *what = self.pipe.recv()
        except (EOFError, OSError):
            return False
        if kind == "batch":
            number, start, end, self.rows = what
            part, held, where = pickle.loads(os.pread(self.parts.fileno(), end - start, start))
            self.into.merge(part)
            self.into.placed |= held
            self.batches.add(number)
            self.where.extend(where)
        elif kind == "left":
            self.left = what[0]
        elif kind == "counted":
            self.into.merge(what[0])
            self.finished = True
        elif kind == "failed":
            self.failure = what[0]
        return True

    def why(self) -> str:
        """What it said went wrong, as ` (...)`, or how it ended."""
        self.process.join(1)
        if self.failure:
            return f" ({self.failure})"
        code = self.process.exitcode
        return f" (exit status {code})" if code else ""

    def end(self) -> None:
        """Stop it, if it still runs (this process failed, or was interrupted), and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.pipe.close()
        self.parts.close()


def _help(
    ends: tuple[Connection, Connection], gathering: BinaryIO, path: Path, period: index.Rows, gathered: Gathered, paging: Paging,
    parts: Parts, spool: Spool,
) -> None:
    """The second process's work (see `_Helper`). Whatever fails, it ends at once, and the
    first process does what it did not hand over; when the first ends, so does it (its pipe
    is closed: the first's end of it is closed here)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the first process's to handle
    pipe, first = ends
    first.close()
    try:
        _second(pipe, gathering, path, period, gathered, paging, parts, spool)
    except Exception as err:  # said to the first process, which does the work instead
        with contextlib.suppress(Exception):
            pipe.send(("failed", f"{type(err).__name__}: {str(err)[:200]}"))


def _second(
    pipe: Connection, gathering: BinaryIO, path: Path, period: index.Rows, gathered: Gathered, paging: Paging, parts: Parts,
    spool: Spool,
) -> None:
    """The odd batches, their series to `spool` and what they gathered to `gathering`; then
    the rows it is asked to count."""
    with Index(path, file.connect(path)) as mine, mine.reading():
        mine.count()  # its first read, while the first process holds the writer's lock
        pipe.send(("ready",))
        page = paging(mine)
        for number, batch, loaded in corpus.batches(mine, period, (1, 2)):
            one, written = gathered.fresh(), len(spool.where)
            reports = one.take(number, batch, loaded)
            spool.write(map(page, reports), parts)
            data = pickle.dumps((one.part(), set(placed(reports)), spool.where[written:]), pickle.HIGHEST_PROTOCOL)
            start = gathering.tell()
            gathering.write(data)
            gathering.flush()
            pipe.send(("batch", number, start, start + len(data), len(period.rows) - len(gathered.rest)))
        pipe.send(("left", gathered.rest))
        rows = pipe.recv()
        if rows:
            one = gathered.fresh()
            one.count(mine.each(rows))
            pipe.send(("counted", one.part()))
