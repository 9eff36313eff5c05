"""Archive commits -> index rows: which commits are new, and parsing them on every core.

Planning walks each epoch from its tip back to the last commit the index holds. A
tip that no longer descends from that commit means rewritten history: the walk
goes on to the newest commit the index still knows (the merge-base, in a linear
public-inbox history), and the rows after it are dropped.

Parsing runs in chunks of commits. Each worker process opens the epoch itself,
reads the blobs, parses them and gives their diffs patch-ids in one batched
`git patch-id`, then hands back rows (plain text and numbers, cheap to pass
between processes). `Pool.imap` keeps the chunks in archive order.
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2
from pygit2.enums import SortMode

from gitdigest.index.codec import Row, parsed_row, skipped_row
from gitdigest.index.file import guarded
from gitdigest.index.store import Index, Progress, Update
from gitdigest.mail import archive, parsing
from gitdigest.mail.archive import Archive, Epoch
from gitdigest.model import Parsed

if TYPE_CHECKING:
    import multiprocessing.context

REGROUP_EVERY = 20000
"""During a long update, topics are brought up to date each time this many messages wait:
often enough that no regrouping holds much in memory, seldom enough that a long series
of one sender is not regrouped over and over."""
SPREAD = 1.5
"""On the way, a regrouping that would take more than this many times the waiting messages
is put off until twice as many wait: 20,000 new messages of an archive reach about 22,000,
but a flood of one sender's numbered patches in an hour reaches every earlier one each time
(lone `[PATCH]`es never reach each other: `reach.meets`)."""
AHEAD = 8
"""Chunks parsed ahead per worker: enough to keep every core busy while the parent
regroups (a regrouping of 20,000 messages takes seconds, and with 2 chunks ahead the
workers sat idle through most of it: 100,000 unthreaded patches took 29.1-32.6 s against
26.4-29.8 s with 8), few enough that what waits for the parent stays small (its memory
does not grow with the archive: 25 MB more than with 2 there)."""
PARALLEL_FROM = 1500
"""Fewer new commits than this are parsed in-process: starting workers costs more."""
_CHUNK = (200, 1000)
"""Smallest and largest chunk: enough to batch patch-ids; small enough that progress moves
and that no core waits long at the end for the last one."""


@dataclass(frozen=True)
class Plan:
    """What one epoch needs: rows to drop after a rewrite, and commits to parse."""

    epoch: Epoch
    tip: str
    """The epoch's tip now ('' when it has no commits)."""
    commits: tuple[str, ...] = ()
    """New commits, oldest first."""
    rewritten: bool = False
    """History changed under the index: drop the epoch's rows after `base`."""
    base: str | None = None
    """The newest indexed commit still in history (None with `rewritten`: drop them all)."""


@dataclass(frozen=True)
class Chunk:
    """Commits of one epoch for one worker."""

    archive: Archive
    epoch: Epoch
    commits: tuple[str, ...]
    limit: int
    """digest.maxMessageSize: larger messages are skipped unparsed."""


def plan(epoch: Epoch, last: str | None, indexed: Callable[[], set[str]]) -> Plan:
    """What `epoch` needs, given the last commit indexed (None: none) and, only when
    history was rewritten, the set of its commits that the index holds."""
    tip = archive.tip(epoch)
    if last == tip:
        return Plan(epoch, tip)
    if not tip:
        return Plan(epoch, tip, rewritten=True)
    repo = archive.repository(epoch)
    if last is None:
        return Plan(epoch, tip, _walk(repo, tip))
    if _descends(repo, tip, last):
        return Plan(epoch, tip, _walk(repo, tip, hide=last))
    known = indexed()
    fresh: list[str] = []
    for commit in repo.walk(tip, SortMode.TOPOLOGICAL):
        if str(commit.id) in known:
            return Plan(epoch, tip, tuple(reversed(fresh)), rewritten=True, base=str(commit.id))
        fresh.append(str(commit.id))
    return Plan(epoch, tip, tuple(reversed(fresh)), rewritten=True)


def _descends(repo: pygit2.Repository, tip: str, last: str) -> bool:
    """`last` is still in `tip`'s history (and still in the repository at all)."""
    try:
        return repo.descendant_of(tip, last)
    except (KeyError, ValueError, pygit2.GitError):
        return False


def _walk(repo: pygit2.Repository, tip: str, hide: str | None = None) -> tuple[str, ...]:
    return archive.history(repo, tip, hide)


def chunks(arch: Archive, plans: Sequence[Plan], limit: int, workers: int) -> list[Chunk]:
    """The new commits of every epoch, cut into chunks, in archive order."""
    total = sum(len(p.commits) for p in plans)
    size = max(_CHUNK[0], min(_CHUNK[1], math.ceil(total / max(workers * 4, 1))))
    return [
        Chunk(arch, p.epoch, p.commits[start : start + size], limit)
        for p in plans
        for start in range(0, len(p.commits), size)
    ]


def parse(work: Sequence[Chunk], workers: int, least: int = PARALLEL_FROM) -> Iterator[tuple[Chunk, list[Row]]]:
    """Each chunk with its rows, in order; on `workers` processes for `least` commits or more."""
    if workers <= 1 or len(work) <= 1 or sum(len(c.commits) for c in work) < least:
        for chunk in work:
            yield chunk, parse_chunk(chunk)
        return
    with _context().Pool(min(workers, len(work)), initializer=_start_worker) as pool:
        # At most AHEAD chunks per worker in flight: Pool.imap would let the workers run ahead of
        # a parent busy storing and regrouping, and hold every result they made meanwhile.
        chunks = iter(work)
        flying = collections.deque((c, pool.apply_async(parse_chunk, (c,))) for c in itertools.islice(chunks, AHEAD * workers))
        while flying:
            chunk, result = flying.popleft()
            rows = result.get()
            following = next(chunks, None)
            if following is not None:
                flying.append((following, pool.apply_async(parse_chunk, (following,))))
            yield chunk, rows


def parse_chunk(chunk: Chunk) -> list[Row]:
    """Read, parse and patch-id one chunk's messages; the rows in archive order."""
    selection = archive.Selection(chunk.archive, (archive.EpochCommits(chunk.epoch, chunk.commits),))
    raws = list(archive.read(selection, chunk.limit))
    rows = []
    for raw, result in zip(raws, parsing.parse_all(raws, chunk.limit)):
        if isinstance(result, Parsed):
            rows.append(parsed_row(result, raw.time))
        else:
            rows.append(skipped_row(result, raw.epoch, raw.time, raw.removed))
    return rows


def default_workers() -> int:
    """How many processes cold indexing uses: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds, with b4 and pygit2 already imported;
    # the workers never touch the parent's SQLite connection. Imported here: a hook that
    # parses nothing does not pay for it.
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _start_worker() -> None:
    """Set up a worker process: blobs are read without re-hashing them."""
    # Ctrl-C is the parent's to handle (one line, `interrupted`): a worker just ends with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Process-wide, so set only here: a worker reads blobs and nothing else, and
    # checking each blob's hash costs 40% of reading it (DESIGN.md, measured costs).
    pygit2.option(pygit2.enums.Option.ENABLE_STRICT_HASH_VERIFICATION, False)
    # A worker reads each commit once: libgit2's object cache would only keep them all.
    pygit2.settings.enable_caching(False)


def _quiet(*_args: object) -> None:
    """The default progress callback: say nothing."""


LOG_LIMIT = 1 << 20
"""The background updates' log is started anew once it is larger than this (bytes)."""


def in_background(top: Path, index: Path, log: Path) -> None:
    """Start `git digest index` of the archive at `top` into `index` in a process of its own,
    as `git gc --auto` detaches: its own session (no signal of the hook's or the terminal's
    reaches it), a lower priority, its output in `log`. The caller does not wait for it; the
    index's lock keeps it from racing another update, and a run that finds the index up to
    date does nothing. Settings (the size limit) come from the current directory's config,
    as the caller's did. Each run's output follows a line with its time and command."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gitdigest.cli", "index", "--archive", str(top), "--index", str(index)]
    # Two pushes may each start one: every run appends (O_APPEND), so none writes over
    # another's lines; the log starts anew once it passes LOG_LIMIT.
    if log.exists() and log.stat().st_size > LOG_LIMIT:
        os.truncate(log, 0)
    with open(log, "ab") as out:
        out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command[1:])}\n".encode(errors="replace"))
        out.flush()
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                         start_new_session=True, preexec_fn=_lower_priority)


def _lower_priority() -> None:
    """In the background indexer before it runs: below the user's own work."""
    os.nice(10)


def update(idx: Index, arch: Archive, progress: Progress = _quiet, workers: int = 0, wait: bool = True) -> Update:
    """Bring the index up to the archive's tips: parse only what is new. With `wait=False`
    (a hook that must answer at once) an update another process is making is not waited for."""
    start = time.monotonic()
    with guarded(idx.path):
        if idx.tips() == archive.tips(arch) and not idx.pending() and idx.has_lookups():
            return Update(0, 0, 0, 0, idx.count(), time.monotonic() - start)
        with idx.lock.held(wait) as mine:
            if not mine:
                return Update(0, 0, 0, 0, idx.count(), time.monotonic() - start)
            return _update(idx, arch, progress, workers or default_workers(), start)


def _update(idx: Index, arch: Archive, progress: Progress, workers: int, start: float) -> Update:
    last = idx.tips()
    plans = [plan(e, last.get(e.number), functools.partial(idx.commits, e.number)) for e in arch.epochs]
    dropped = _drop(idx, plans, set(last) - {e.number for e in arch.epochs})
    work = chunks(arch, plans, int(idx.meta("limit") or 0), workers)
    total = sum(len(chunk.commits) for chunk in work)
    parsed = added = done = 0
    due = REGROUP_EVERY
    with idx.long_update():
        for chunk, found in parse(work, workers):
            with idx.writing():
                idx.insert(found)
                idx.set_tip(chunk.epoch.number, chunk.commits[-1])
                waiting = idx.pending()
                if waiting >= due:
                    due = REGROUP_EVERY if idx.regroup(SPREAD) else 2 * waiting
            parsed, added = parsed + len(found), added + sum(1 for r in found if r.msgid)
            done += len(chunk.commits)
            progress("indexing", done, total)
    with idx.writing():
        for p in plans:
            idx.settle(p.epoch.number, p.tip)
        idx.regroup()
        idx.build_lookups()
        idx.mark_updated()
    return Update(parsed, added, parsed - added, dropped, idx.count(), time.monotonic() - start)


def _drop(idx: Index, plans: Sequence[Plan], gone: Iterable[int]) -> int:
    """Drop the rows of commits that left the archive: after a rewrite, or whole epochs."""
    with idx.writing():
        dropped = sum(idx.drop_after(p.epoch.number, p.base) for p in plans if p.rewritten)
        dropped += sum(idx.drop_epoch(number) for number in gone)
        idx.regroup()
        return dropped


def waiting(idx: Index, arch: Archive) -> int:
    """How many archive commits the index has yet to read (cheap: no message is parsed)."""
    with guarded(idx.path):
        last = idx.tips()
        if last == archive.tips(arch):
            return 0
        plans = [plan(e, last.get(e.number), functools.partial(idx.commits, e.number)) for e in arch.epochs]
    return sum(len(p.commits) for p in plans) or 1  # a rewrite that only drops still needs an update
