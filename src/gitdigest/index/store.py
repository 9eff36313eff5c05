"""The open index: brought up to the archive's tips, then read by period, by message-id
or patch-id, with the topics, tree patch-ids and lore answers it caches.

One update at a time holds the writer's lock for all of its work; each chunk of parsed
messages is committed with the epoch tip it reached, so that an update killed half-way
leaves an index the next one resumes from. Readers take no lock: WAL gives each a snapshot.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitdigest.index import codec, file, incremental
from gitdigest.index.caches import LoreAnswers, Topics, TreePatchIds
from gitdigest.index.file import WriteLock, guarded
from gitdigest.index.schema import LOOKUPS, json_list
from gitdigest.mail import senders
from gitdigest.mail.archive import Archive
from gitdigest.model import LORE_EPOCH, Message, Person, Skipped

Note = Callable[[str], None]
Progress = Callable[[str, int, int], None]
LONG_CHECKPOINT = 10000
"""Pages (4 KiB) of write-ahead log between checkpoints during a long update: 40 MiB, whose
look-ups cost readers little. SQLite's default of 1,000 copied the index pages that every
chunk changes back into the file after almost every chunk: 4.0 s of the 8 s that storing
100,000 messages took, against 2.5 s."""
LONG_CACHE = 64
"""MiB of page cache during a long update (SQLite's default is 2): the indexes on message-ids,
blobs, commits and patch-ids take each new row at a random place, and with the default cache
storing 100,000 messages read those pages back 3.8 s, with this 2.6 s."""


def _quiet(*_args: object) -> None:
    """The default callback: say nothing."""


@dataclass(frozen=True)
class Update:
    """What one update did."""

    parsed: int
    """Raw messages read and parsed: only what was new."""
    added: int
    skipped: int
    """New messages that could not be used (or `d` commits that remove one)."""
    dropped: int
    """Rows dropped because their commits left the archive (rewritten history)."""
    total: int
    """Usable messages in the index now."""
    seconds: float


@dataclass(frozen=True)
class Rows:
    """A period as rows of the index, not yet read into records."""

    rows: tuple[int, ...]
    """The usable messages, in archive order."""
    msgids: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    """Its messages that could not be used, or that `d` commits removed."""


def open_index(path: Path, arch: Archive, limit: int, note: Note = _quiet, wait: bool = True) -> Index:
    """Open the index at `path` for `arch`, creating or rebuilding it when it is not usable;
    with `wait=False`, an IndexBusyError when that needs another process to finish first."""
    identity = {"archive": str(arch.top.resolve()), "parser": codec.fingerprint(limit), "limit": str(limit)}
    file.prepare(path, identity, note, wait)
    return Index(path, file.connect(path))


class Index:
    """An open index: update it, then read messages, topics and tree patch-ids from it."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self.db = db
        self.lock = WriteLock(path)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent snapshot for several reads, whatever a writer does meanwhile."""
        with guarded(self.path):
            self.db.execute("BEGIN")
            try:
                yield
            finally:
                self.db.execute("COMMIT")

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction (its caller holds the writer's lock, or gives up when busy)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextlib.contextmanager
    def long_update(self) -> Iterator[None]:
        """Many write transactions in a row (an update of many chunks): SQLite copies the
        write-ahead log back into the file every `LONG_CHECKPOINT` pages instead of every
        1,000, so an index page that each chunk changes is copied once, not each time, and
        keeps `LONG_CACHE` MiB of pages at hand; both go back to SQLite's defaults after."""
        cache = self.db.execute("PRAGMA cache_size").fetchone()[0]
        self.db.execute(f"PRAGMA wal_autocheckpoint = {LONG_CHECKPOINT}")
        self.db.execute(f"PRAGMA cache_size = {-LONG_CACHE * 1024}")
        try:
            yield
        finally:
            self.db.execute("PRAGMA wal_autocheckpoint = 1000")
            self.db.execute(f"PRAGMA cache_size = {cache}")

    def drop_after(self, epoch: int, base: str | None) -> int:
        """Drop an epoch's rows after commit `base` (all of them for None): history was rewritten."""
        after = self.db.execute(
            "SELECT coalesce(max(seq), -1) FROM messages WHERE epoch = ? AND commit_id = ?", (epoch, base or ""),
        ).fetchone()[0]
        dropped = self._delete("epoch = ? AND seq > ?", (epoch, after))
        self.settle(epoch, base)
        return dropped

    def drop_epoch(self, epoch: int) -> int:
        """Drop the rows of an epoch that left the archive."""
        dropped = self._delete("epoch = ?", (epoch,))
        self._forget(epoch)
        return dropped

    def _delete(self, where: str, params: tuple[object, ...]) -> int:
        gone = [s for (s,) in self.db.execute(f"SELECT seq FROM messages WHERE {where}", params)]
        incremental.forget(self.db, gone)
        self._unsee(gone)
        self.db.execute(f"DELETE FROM answers WHERE seq IN (SELECT seq FROM messages WHERE {where})", params)
        self._counted(-self.db.execute(f"SELECT count(*) FROM messages WHERE ({where}) AND msgid IS NOT NULL", params).fetchone()[0])
        count = self.db.execute(f"DELETE FROM messages WHERE {where}", params).rowcount
        if count:
            self._bump()
        return count

    def insert(self, found: Sequence[codec.Row]) -> None:
        """Add parsed rows after the last one, with the message-ids each answers."""
        first = self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM messages").fetchone()[0]
        self.db.executemany(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (first + i, r.epoch, r.commit, r.blob, r.time, r.msgid, r.removed, r.skipped, r.record, r.description,
                 r.patch_id, r.title, r.munged[0] if r.munged else None)
                for i, r in enumerate(found)
            ),
        )
        self.db.executemany(
            "INSERT INTO answers VALUES (?, ?)",
            ((target, first + i) for i, r in enumerate(found) for target in r.answers),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO touched VALUES (?, ?)",
            ((r.msgid, path) for r in found if r.msgid for path in r.paths),
        )
        incremental.add(self.db, first, found)
        self.db.executemany(
            "INSERT INTO list_senders VALUES (?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET rows = rows + 1",
            ((*r.munged, first + i) for i, r in enumerate(found) if r.munged),
        )
        self._counted(sum(1 for r in found if r.msgid))
        self._bump()

    def pending(self) -> int:
        """How many new patches, covers and pulls wait to join their topics."""
        return incremental.pending(self.db)

    def regroup(self, spread: float | None = None) -> bool:
        """Bring the topics up to date with what was added or dropped since they were last;
        with `spread`, only when that regroups at most `spread` times the pending messages
        (see incremental.refresh). Whether they are up to date."""
        return incremental.refresh(self.db, self.by_rows, spread) is not None

    def build_lookups(self) -> None:
        """Build the look-up indexes that are missing (`schema.LOOKUPS`): all of them after an
        index's first update, none after any other that was not killed half-way."""
        for statement in LOOKUPS.values():
            self.db.execute(statement)

    def has_lookups(self) -> bool:
        """Whether every look-up index is there (a first update killed half-way leaves none)."""
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (SELECT value FROM json_each(?))"
        return self.db.execute(query, (json_list(LOOKUPS),)).fetchone()[0] == len(LOOKUPS)

    def mark_updated(self) -> None:
        """Record when the index last caught up with the archive."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('updated', ?)", (str(int(time.time())),))

    def _bump(self) -> None:
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def set_tip(self, epoch: int, commit: str) -> None:
        """Record `commit` as the last one indexed of `epoch`."""
        self.db.execute("INSERT OR REPLACE INTO epochs VALUES (?, ?)", (epoch, commit))

    def _forget(self, epoch: int) -> None:
        self.db.execute("DELETE FROM epochs WHERE epoch = ?", (epoch,))

    def settle(self, epoch: int, commit: str | None) -> None:
        """Record `commit` as the epoch's last indexed one; none: the epoch holds nothing."""
        if commit:
            self.set_tip(epoch, commit)
        else:
            self._forget(epoch)

    def tips(self) -> dict[int, str]:
        """The last indexed commit of each epoch."""
        return dict(self.db.execute("SELECT epoch, last_commit FROM epochs"))

    def commits(self, epoch: int) -> set[str]:
        """Every commit of `epoch` the index holds a row for."""
        return {c for (c,) in self.db.execute("SELECT commit_id FROM messages WHERE epoch = ?", (epoch,))}

    def meta(self, key: str) -> str | None:
        """A value of the meta table, or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def generation(self) -> int:
        """A number that changes whenever the messages do: what cached topics belong to."""
        with guarded(self.path):
            return int(self.meta("generation") or 0)

    @property
    def complete(self) -> bool:
        """An update has run to its end at least once: the index holds the archive as it
        was then, whatever an update in progress has added since."""
        with guarded(self.path):
            return self.meta("updated") is not None

    def count(self) -> int:
        """Usable messages in the index (kept as rows come and go: counting them reads them all)."""
        with guarded(self.path):
            return int(self.meta("count") or 0)

    def _counted(self, change: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('count', CAST(coalesce((SELECT value FROM meta WHERE key = 'count'), 0)"
            " AS INTEGER) + ?)",
            (change,),
        )

    def rows_of_commits(self, commits: Iterable[str]) -> Rows:
        """The messages the archive commits `commits` added (or removed)."""
        return self._rows("commit_id IN (SELECT value FROM json_each(?))", (json_list(commits),))

    def rows_between(self, since: float | None, until: float | None) -> Rows:
        """The archive's messages whose commit's author time lies in [since, until)
        (not those fetched from lore: they only complete what the archive holds)."""
        low = since if since is not None else -(2**63)
        high = until if until is not None else 2**63 - 1
        return self._rows(f"time >= ? AND time < ? AND epoch != {LORE_EPOCH}", (low, high))

    def rows_matching(self, msgids: Iterable[str], patch_ids: Iterable[str], titles: Iterable[str]) -> Rows:
        """The messages with one of these message-ids, patch-ids or titles (in any case):
        the postings a commit may come from."""
        where = (
            "msgid IN (SELECT value FROM json_each(?)) OR patch_id IN (SELECT value FROM json_each(?))"
            " OR title IN (SELECT value FROM json_each(?))"
        )
        return self._rows(where, (json_list(msgids), json_list(patch_ids), json_list(t.lower() for t in titles)))

    def rows_titled(self, words: Sequence[str]) -> Rows:
        """The patches and cover letters whose title holds every one of `words` (in any case)."""
        where = " AND ".join(["instr(title, ?) > 0"] * len(words)) or "1"
        where += f" AND NOT json_extract(record, '{codec.record_path('subject', 'is_reply')}')"
        return self._rows(where, tuple(w.lower() for w in words))

    def _rows(self, where: str, params: tuple[object, ...]) -> Rows:
        query = f"SELECT seq, msgid, blob, commit_id, skipped FROM messages WHERE {where} ORDER BY epoch, seq"
        found, msgids, skipped = [], [], []
        with guarded(self.path):
            removed = self._removed()
            for seq, msgid, blob, commit, reason in self.db.execute(query, params):
                if msgid is None:
                    skipped.append(Skipped(blob, reason or "", commit))
                elif blob not in removed:
                    found.append(seq)
                    msgids.append(msgid)
        return Rows(tuple(found), tuple(msgids), tuple(skipped))

    def _removed(self) -> set[str]:
        """Blobs that `d` commits removed: public-inbox's `d` is the removed message's blob."""
        return {blob for (blob,) in self.db.execute("SELECT blob FROM messages WHERE removed")}

    def everything(self) -> dict[int, Message]:
        """Every usable message of the archive by row, in archive order."""
        return self._load("record IS NOT NULL", ())

    def by_rows(self, seqs: Iterable[int]) -> dict[int, Message]:
        """Messages by row, for the topics and replies a short period needs."""
        return self._load("seq IN (SELECT value FROM json_each(?))", (json_list(seqs),))

    def _load(self, where: str, params: tuple[object, ...]) -> dict[int, Message]:
        """Records, in archive order, by one decoder (equal strings kept once)."""
        with codec.bulk():
            return dict(self._records(where, params))

    def each(self, rows: Iterable[int], chunk: int = 5000) -> Iterator[tuple[int, Message]]:
        """The messages of `rows` by row, in the order rows were added, read as they are
        used: what one holds is decoded anew each `chunk` rows, so that nothing of the
        earlier ones stays. Only those rows are read, each by its key."""
        return self._records("seq IN (SELECT value FROM json_each(?)) AND record IS NOT NULL", (json_list(sorted(rows)),),
                             chunk, "seq")

    def _records(
        self, where: str, params: tuple[object, ...], chunk: int | None = None, order: str = "epoch, seq",
    ) -> Iterator[tuple[int, Message]]:
        """The records `where` picks, by row in `order` (archive order unless told); messages
        a `d` commit removed are left out. With `chunk`, a new decoder each `chunk` rows."""
        query = f"SELECT seq, blob, record FROM messages WHERE {where} ORDER BY {order}"
        decode = codec.decoder()
        with guarded(self.path):
            removed = self._removed()
            cursor = self.db.execute(query, params)
            while batch := cursor.fetchmany(chunk or 5000):
                if chunk:
                    decode = codec.decoder()
                with codec.bulk():
                    found = [(seq, decode(record)) for seq, blob, record in batch if record is not None and blob not in removed]
                yield from found

    def answering(self, msgids: Iterable[str]) -> set[int]:
        """The rows of messages that reply to, or reference, any of `msgids`, and the first
        copy of each of those (a message delivered twice is counted as its first copy)."""
        query = (
            "WITH hit AS (SELECT seq FROM answers WHERE target IN (SELECT value FROM json_each(?)))"
            " SELECT seq, msgid, blob, seq IN hit FROM messages WHERE msgid IN"
            " (SELECT msgid FROM messages WHERE seq IN hit) ORDER BY epoch, seq"
        )
        found: set[int] = set()
        seen: set[str] = set()
        with guarded(self.path):
            removed = self._removed()
            for seq, msgid, blob, hit in self.db.execute(query, (json_list(msgids),)):
                first = msgid not in seen and blob not in removed
                if first:
                    seen.add(msgid)
                if hit or first:
                    found.add(seq)
        return found

    def list_senders(self) -> senders.ListSenders:
        """The list addresses the archive's From: headers were seen munged with, and the real
        senders behind them (mail/senders.py), as `list_senders` keeps them."""
        # One row per (list, name, address), kept as rows come and go: reading them costs
        # the people seen munged, not the messages.
        with guarded(self.path):
            rows = self.db.execute("SELECT via, name, email FROM list_senders ORDER BY first").fetchall()
        return senders.seen((via, Person(name, email)) for via, name, email in rows)

    def _unsee(self, gone: Sequence[int]) -> None:
        """Before rows `gone` are deleted: the munged senders on them lose those rows, and
        one that keeps some starts at the first row left."""
        name, email = (f"json_extract(record, '{codec.record_path('sender', part)}')" for part in ("name", "email"))
        sender = f"via, {name}, {email}"
        counted = self.db.execute(
            f"SELECT {sender}, count(*) FROM messages WHERE seq IN (SELECT value FROM json_each(?)) AND via IS NOT NULL"
            " GROUP BY 1, 2, 3", (json_list(gone),),
        ).fetchall()
        # `via = ? AND via IS NOT NULL` lets the first row be found through messages_via.
        first_left = (
            f"SELECT min(seq) FROM messages WHERE via = ? AND via IS NOT NULL AND ({sender}) = (?, ?, ?)"
            " AND seq NOT IN (SELECT value FROM json_each(?))"
        )
        self.db.executemany(
            f"UPDATE list_senders SET rows = rows - ?, first = coalesce(({first_left}), first)"
            " WHERE (via, name, email) = (?, ?, ?)",
            ((count, via, via, name, email, json_list(gone), via, name, email) for via, name, email, count in counted),
        )
        self.db.execute("DELETE FROM list_senders WHERE rows <= 0")

    def authors_before(self, emails: Iterable[str], until: float) -> frozenset[str] | None:
        """Which of `emails` sent a patch or cover letter that the archive added before `until`;
        None when the archive holds no message that early (so nobody can be told new)."""
        # `contributions` holds (address, time) of every patch and cover letter, indexed:
        # one look-up per address, however large the archive.
        query = (
            "SELECT value FROM json_each(?) WHERE EXISTS"
            " (SELECT 1 FROM contributions WHERE email = value AND time < ?)"
        )
        with guarded(self.path):
            if self.db.execute("SELECT 1 FROM messages WHERE time < ? AND record IS NOT NULL LIMIT 1", (until,)).fetchone() is None:
                return None
            return frozenset(e for (e,) in self.db.execute(query, (json_list(emails), until)))

    def paths_of(self, msgids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The paths the diffs of these messages touch, by message-id: one indexed query."""
        query = "SELECT msgid, path FROM touched WHERE msgid IN (SELECT value FROM json_each(?))"
        found: dict[str, list[str]] = {}
        with guarded(self.path):
            for msgid, path in self.db.execute(query, (json_list(msgids),)):
                found.setdefault(msgid, []).append(path)
        return {msgid: tuple(paths) for msgid, paths in found.items()}

    def last_digest(self, key: str) -> tuple[int, float] | None:
        """Where the previous digest of this archive set and filter set ended: the last row
        it saw and when it ran; None: never (--since last)."""
        with guarded(self.path):
            row = self.db.execute("SELECT seq, time FROM last_digest WHERE key = ?", (key,)).fetchone()
        return (int(row[0]), float(row[1])) if row else None

    def remember_digest(self, key: str, seq: int, when: float) -> None:
        """Remember where this digest ended, for the next `--since last` of the same sets."""
        with self.lock.held(), guarded(self.path), self.writing():
            self.db.execute("INSERT OR REPLACE INTO last_digest VALUES (?, ?, ?)", (key, seq, int(when)))

    def last_row(self) -> int:
        """The newest row of the archive's messages (rows grow in archive order; lore's are left out)."""
        with guarded(self.path):
            return self.db.execute(f"SELECT coalesce(max(seq), 0) FROM messages WHERE epoch != {LORE_EPOCH}").fetchone()[0]

    def rows_after(self, seq: int) -> Rows:
        """The archive's messages indexed after row `seq`: what it gained since (not lore's)."""
        return self._rows(f"seq > ? AND epoch != {LORE_EPOCH}", (seq,))

    def description(self, message: Message) -> str | None:
        """The text a report prints for a patch or cover letter, when the index kept it."""
        query = "SELECT description FROM messages WHERE commit_id = ? AND blob = ?"
        with guarded(self.path):
            row = self.db.execute(query, (message.commit, message.blob)).fetchone()
        return row[0] if row else None

    def add_fetched(self, found: Sequence[codec.Row]) -> int:
        """Keep messages fetched from lore (rows of epoch LORE_EPOCH) whose message-id the
        index does not hold yet; how many were added."""
        with self.lock.held(), guarded(self.path), self.writing():
            query = "SELECT msgid FROM messages WHERE msgid IN (SELECT value FROM json_each(?))"
            seen = {m for (m,) in self.db.execute(query, (json_list(r.msgid for r in found),))}
            fresh = []
            for row in found:
                if row.msgid and row.msgid not in seen:
                    seen.add(row.msgid)
                    fresh.append(row)
            if fresh:
                self.insert(fresh)
                self.regroup()
        return len(fresh)

    def drop_fetched_copies(self) -> int:
        """Forget fetched messages that the archive now holds itself: the archive is the truth."""
        where = f"epoch = {LORE_EPOCH} AND msgid IN (SELECT msgid FROM messages WHERE epoch != {LORE_EPOCH})"
        with guarded(self.path):
            if self.db.execute(f"SELECT 1 FROM messages WHERE {where} LIMIT 1").fetchone() is None:
                return 0
            with self.lock.held(), self.writing():
                dropped = self._delete(where, ())
                incremental.refresh(self.db, self.by_rows)
                return dropped

    def topics(self) -> Topics:
        """The topics cached in this index."""
        return Topics(self)

    def lore_answers(self) -> LoreAnswers:
        """What lore answered earlier runs' queries (online mode)."""
        return LoreAnswers(self)

    def tree_patch_ids(self) -> TreePatchIds:
        """The tree-commit patch-id cache (tree.PatchIdCache) kept in this index."""
        return TreePatchIds(self)
