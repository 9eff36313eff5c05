"""The SQLite index: parsed messages, topics and tree patch-ids, kept between runs.

The only module that touches SQLite. One file per archive, under the XDG cache
(`digest.index` or `--index` move it), in WAL mode so that readers never wait
for the writer. The writer holds an `flock` on `<index>.lock` for a whole
update, and so two updates never interleave: the second finds the work done.

What the file holds is trusted only when it says what made it: the schema
version in `PRAGMA user_version`, gitdigest's application id, the archive, and
a fingerprint of the code that parsed it. Anything else is rebuilt from the
archive, with one note, and never migrated: the archive is the truth.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import ingest, rows
from .archive import Archive
from .errors import DamagedIndexError, GitDigestError
from .model import LORE_EPOCH, Message, Skipped, Subject

SCHEMA_VERSION = 3
APPLICATION_ID = 0x67446967  # "gDig"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE epochs (epoch INTEGER PRIMARY KEY, last_commit TEXT NOT NULL);
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,      -- archive order within an epoch
    epoch INTEGER NOT NULL,
    commit_id TEXT NOT NULL,
    blob TEXT NOT NULL,
    time INTEGER NOT NULL,        -- the commit's author time: what --since/--until select
    msgid TEXT,                   -- NULL when skipped
    removed INTEGER NOT NULL,     -- a `d` commit: the message it names is gone
    skipped TEXT,                 -- why the message could not be used
    record TEXT,                  -- the Message, as rows.encode writes it
    description TEXT              -- the text a report prints for a patch or cover letter
);
CREATE INDEX messages_epoch ON messages (epoch);
CREATE INDEX messages_commit ON messages (commit_id);
CREATE INDEX messages_time ON messages (time);
CREATE INDEX messages_msgid ON messages (msgid);
CREATE INDEX messages_removed ON messages (blob) WHERE removed;
CREATE TABLE answers (target TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX answers_target ON answers (target);
CREATE TABLE topics (
    ordinal INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    data TEXT NOT NULL,           -- as rows.encode_topic writes it
    rows TEXT NOT NULL            -- JSON: the message rows it names
);
CREATE TABLE topic_members (msgid TEXT PRIMARY KEY, ordinal INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE tree_patch_ids (
    commit_id TEXT NOT NULL, context INTEGER NOT NULL, patch_id TEXT,
    PRIMARY KEY (commit_id, context)
) WITHOUT ROWID;
CREATE TABLE lore_asked (         -- online mode: what lore was asked, and the message-ids it answered
    query TEXT PRIMARY KEY, time INTEGER NOT NULL, msgids TEXT NOT NULL
) WITHOUT ROWID;
"""
# A patch's patch-id and its title (case aside), where the stored records keep them
# (rows.encode: a JSON list in Message's field order): the pre-push hook looks a
# pushed commit up by these without decoding every record.
_PATCH_ID = f"json_extract(record, '$[{[f.name for f in dataclasses.fields(Message)].index('patch_id')}]')"
_TITLE = (
    f"lower(json_extract(record, '$[{[f.name for f in dataclasses.fields(Message)].index('subject')}]"
    f"[{[f.name for f in dataclasses.fields(Subject)].index('title')}]'))"
)
_SCHEMA += f"""CREATE INDEX messages_patch_id ON messages ({_PATCH_ID});
CREATE INDEX messages_title ON messages ({_TITLE});
"""

Note = Callable[[str], None]
Progress = Callable[[str, int, int], None]


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


@dataclass(frozen=True)
class CachedTopic:
    """A topic as the index caches it."""

    key: str
    data: str
    """As `rows.encode_topic` writes it."""
    msgids: tuple[str, ...]
    """The message-ids of its revisions' messages: how a period finds its topics."""
    rows: tuple[int, ...]
    """The message rows it names."""


def default_path(cache: Path, top: Path) -> Path:
    """Where the index of the archive at `top` lives by default: one file per archive."""
    where = top.resolve()
    key = hashlib.sha1(str(where).encode()).hexdigest()[:16]
    return cache / "index" / f"{where.name or 'archive'}-{key}.sqlite3"


def open_index(path: Path, arch: Archive, limit: int, note: Note = _quiet) -> Index:
    """Open the index at `path` for `arch`, creating or rebuilding it when it is not usable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    identity = {"archive": str(arch.top.resolve()), "parser": rows.fingerprint(limit), "limit": str(limit)}
    if _problem(path, identity) is not None:
        with _WriteLock(path).held():
            problem = _problem(path, identity, confirm=True)
            if problem:
                note(f"{path}: {problem}; rebuilding it from the archive")
            if problem is not None:
                _create(path, identity, set_aside=problem.startswith("not "))
    return Index(path, _connect(path))


def _problem(path: Path, identity: Mapping[str, str], confirm: bool = False) -> str | None:
    """Why the file cannot be used as it is: None when it can, '' when it is new.

    A file shorter than its header says is truncated, or is being checkpointed (SQLite
    writes page 1 first); with `confirm`, under the writer's lock, SQLite checks it.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return ""
    if size == 0:
        return ""
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(b"SQLite format 3\0"):
        return "not an SQLite database"
    if _truncated(header, size) and not (confirm and _intact(path)):
        return "truncated"
    try:
        with contextlib.closing(_connect(path)) as db:
            return _mismatch(db, identity)
    except sqlite3.DatabaseError as err:
        return f"damaged ({err})"


def _truncated(header: bytes, size: int) -> bool:
    """The header names more pages than the file holds (its count is valid when the
    change counter at offset 24 equals the version-valid-for number at offset 92)."""
    if len(header) < 100:
        return True
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96] and pages > 0
    return valid and pages * page > size


def _intact(path: Path) -> bool:
    try:
        with contextlib.closing(_connect(path)) as db:
            return db.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def _mismatch(db: sqlite3.Connection, identity: Mapping[str, str]) -> str | None:
    """What differs between the file and what this run needs, or None."""
    app = db.execute("PRAGMA application_id").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app != APPLICATION_ID:
        return "not a gitdigest index" if tables else ""
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return "made by another version of gitdigest"
    meta = dict(db.execute("SELECT key, value FROM meta"))
    if meta.get("archive") != identity["archive"]:
        return f"made for another archive ({meta.get('archive')})"
    if meta.get("parser") != identity["parser"]:
        return "made by another version of gitdigest's parser"
    return None


def _create(path: Path, identity: Mapping[str, str], set_aside: bool) -> None:
    """A new, empty index at `path`; a file that was not an index is kept as `<path>.bad`."""
    if set_aside and path.exists():
        path.replace(path.with_name(path.name + ".bad"))
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
    with contextlib.closing(_connect(path)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript("BEGIN IMMEDIATE;" + _SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [*identity.items(), ("generation", "0")])
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    # NORMAL is durable enough in WAL mode for a cache that can be rebuilt.
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def discard(path: Path) -> None:
    """Remove a damaged index, under the writer's lock, so the next open rebuilds it."""
    with _WriteLock(path).held():
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()


class _WriteLock:
    """The writer's lock: an `flock` on `<index>.lock`, beside the index file."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")

    @contextlib.contextmanager
    def held(self, wait: bool = True) -> Iterator[bool]:
        """Hold the lock; with `wait=False`, yield False at once when another writer has it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing the last descriptor releases the lock

    def busy(self) -> bool:
        """Another process holds the lock now."""
        with self.held(wait=False) as mine:
            return not mine


@contextlib.contextmanager
def _guarded(path: Path) -> Iterator[None]:
    """SQLite's errors as gitdigest's: a busy index, or a damaged one."""
    try:
        yield
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            raise GitDigestError(f"{path}: the index is busy ({err}); try again") from err
        raise DamagedIndexError(f"{path}: {err}") from err
    except sqlite3.DatabaseError as err:
        raise DamagedIndexError(f"{path}: {err}") from err


class Index:
    """An open index: update it, then read messages, topics and tree patch-ids from it."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self.db = db
        self.lock = _WriteLock(path)

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
        with _guarded(self.path):
            self.db.execute("BEGIN")
            try:
                yield
            finally:
                self.db.execute("COMMIT")

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def update(self, arch: Archive, progress: Progress = _quiet, workers: int = 0, wait: bool = True) -> Update:
        """Bring the index up to the archive's tips: parse only what is new. With `wait=False`
        (a hook that must answer at once) an update another process is making is not waited for."""
        start = time.monotonic()
        with _guarded(self.path):
            if self._tips() == ingest.tips(arch):
                return Update(0, 0, 0, 0, self.count(), time.monotonic() - start)
            with self.lock.held(wait) as mine:
                if not mine:
                    return Update(0, 0, 0, 0, self.count(), time.monotonic() - start)
                return self._update(arch, progress, workers or ingest.workers(), start)

    def _update(self, arch: Archive, progress: Progress, workers: int, start: float) -> Update:
        last = self._tips()
        plans = [ingest.plan(e, last.get(e.number), lambda e=e: self._commits(e.number)) for e in arch.epochs]
        dropped = self._drop(plans, set(last) - {e.number for e in arch.epochs})
        work = ingest.chunks(arch, plans, int(self._meta("limit") or 0), workers)
        total = sum(len(chunk.commits) for chunk in work)
        parsed = added = done = 0
        for chunk, found in ingest.parse(work, workers):
            with self._writing():
                self._insert(found)
                self._set_tip(chunk.epoch.number, chunk.commits[-1])
            parsed, added = parsed + len(found), added + sum(1 for r in found if r.msgid)
            done += len(chunk.commits)
            progress("indexing", done, total)
        with self._writing():
            for p in plans:
                self._settle(p.epoch.number, p.tip)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('updated', ?)", (str(int(time.time())),))
        return Update(parsed, added, parsed - added, dropped, self.count(), time.monotonic() - start)

    def _drop(self, plans: Sequence[ingest.Plan], gone: Iterable[int]) -> int:
        """Drop the rows of commits that left the archive: after a rewrite, or whole epochs."""
        dropped = 0
        with self._writing():
            for p in (p for p in plans if p.rewritten):
                after = self.db.execute(
                    "SELECT coalesce(max(seq), -1) FROM messages WHERE epoch = ? AND commit_id = ?",
                    (p.epoch.number, p.base or ""),
                ).fetchone()[0]
                dropped += self._delete("epoch = ? AND seq > ?", (p.epoch.number, after))
                self._settle(p.epoch.number, p.base)
            for number in gone:
                dropped += self._delete("epoch = ?", (number,))
                self._forget(number)
        return dropped

    def _delete(self, where: str, params: tuple[object, ...]) -> int:
        self.db.execute(f"DELETE FROM answers WHERE seq IN (SELECT seq FROM messages WHERE {where})", params)
        count = self.db.execute(f"DELETE FROM messages WHERE {where}", params).rowcount
        if count:
            self._bump()
        return count

    def _insert(self, found: Sequence[rows.Row]) -> None:
        first = self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM messages").fetchone()[0]
        self.db.executemany(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (first + i, r.epoch, r.commit, r.blob, r.time, r.msgid, r.removed, r.skipped, r.record, r.description)
                for i, r in enumerate(found)
            ),
        )
        self.db.executemany(
            "INSERT INTO answers VALUES (?, ?)",
            ((target, first + i) for i, r in enumerate(found) for target in r.answers),
        )
        self._bump()

    def _bump(self) -> None:
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def _set_tip(self, epoch: int, commit: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO epochs VALUES (?, ?)", (epoch, commit))

    def _forget(self, epoch: int) -> None:
        self.db.execute("DELETE FROM epochs WHERE epoch = ?", (epoch,))

    def _settle(self, epoch: int, commit: str | None) -> None:
        """Record `commit` as the epoch's last indexed one; none: the epoch holds nothing."""
        if commit:
            self._set_tip(epoch, commit)
        else:
            self._forget(epoch)

    def _tips(self) -> dict[int, str]:
        return dict(self.db.execute("SELECT epoch, last_commit FROM epochs"))

    def _commits(self, epoch: int) -> set[str]:
        return {c for (c,) in self.db.execute("SELECT commit_id FROM messages WHERE epoch = ?", (epoch,))}

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def generation(self) -> int:
        """A number that changes whenever the messages do: what cached topics belong to."""
        with _guarded(self.path):
            return int(self._meta("generation") or 0)

    @property
    def complete(self) -> bool:
        """An update has run to its end at least once: the index holds the archive as it
        was then, whatever an update in progress has added since."""
        with _guarded(self.path):
            return self._meta("updated") is not None

    def count(self) -> int:
        """Usable messages in the index."""
        with _guarded(self.path):
            return self.db.execute("SELECT count(*) FROM messages WHERE msgid IS NOT NULL").fetchone()[0]

    def rows_of_commits(self, commits: Iterable[str]) -> Rows:
        """The messages the archive commits `commits` added (or removed)."""
        return self._rows("commit_id IN (SELECT value FROM json_each(?))", (_json(commits),))

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
            f"msgid IN (SELECT value FROM json_each(?)) OR {_PATCH_ID} IN (SELECT value FROM json_each(?))"
            f" OR {_TITLE} IN (SELECT lower(value) FROM json_each(?))"
        )
        return self._rows(where, (_json(msgids), _json(patch_ids), _json(titles)))

    def _rows(self, where: str, params: tuple[object, ...]) -> Rows:
        query = f"SELECT seq, msgid, blob, commit_id, skipped FROM messages WHERE {where} ORDER BY epoch, seq"
        found, msgids, skipped = [], [], []
        with _guarded(self.path):
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
        return self._load("seq IN (SELECT value FROM json_each(?))", (_json(seqs),))

    def _load(self, where: str, params: tuple[object, ...]) -> dict[int, Message]:
        """Records, in archive order; messages a `d` commit removed are left out."""
        query = f"SELECT seq, blob, record FROM messages WHERE {where} ORDER BY epoch, seq"
        decode = rows.decoder()
        found: dict[int, Message] = {}
        with _guarded(self.path), rows.bulk():
            removed = self._removed()
            for seq, blob, record in self.db.execute(query, params):
                if record is not None and blob not in removed:
                    found[seq] = decode(record)
        return found

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
        with _guarded(self.path):
            removed = self._removed()
            for seq, msgid, blob, hit in self.db.execute(query, (_json(msgids),)):
                first = msgid not in seen and blob not in removed
                if first:
                    seen.add(msgid)
                if hit or first:
                    found.add(seq)
        return found

    def authors_before(self, emails: Iterable[str], until: float) -> frozenset[str] | None:
        """Which of `emails` sent a patch or cover letter that the archive added before `until`;
        None when the archive holds no message that early (so nobody can be told new)."""
        # One pass in SQLite over the stored records (`Message.is_contribution`, in JSON):
        # decoding every earlier record instead costs seconds on a large archive.
        author, subject = _field("author"), _field("subject")
        part = lambda name: f"json_extract(record, '$[{subject}][{_SUBJECT[name]}]')"
        query = (
            f"SELECT DISTINCT json_extract(record, '$[{author}][1]') FROM messages"
            f" WHERE time < ? AND record IS NOT NULL AND json_extract(record, '$[{author}][1]') IN"
            f" (SELECT value FROM json_each(?)) AND NOT {part('is_reply')} AND NOT {part('is_pull')}"
            f" AND (json_extract(record, '$[{_field('has_diff')}]')"
            f" OR (NOT {part('counters_inferred')} AND {part('counter')} = 0))"
        )
        with _guarded(self.path):
            if self.db.execute("SELECT 1 FROM messages WHERE time < ? AND record IS NOT NULL LIMIT 1", (until,)).fetchone() is None:
                return None
            return frozenset(e for (e,) in self.db.execute(query, (until, _json(emails))))

    def description(self, message: Message) -> str | None:
        """The text a report prints for a patch or cover letter, when the index kept it."""
        query = "SELECT description FROM messages WHERE commit_id = ? AND blob = ?"
        with _guarded(self.path):
            row = self.db.execute(query, (message.commit, message.blob)).fetchone()
        return row[0] if row else None

    def topics_fresh(self, code: str) -> bool:
        """The cached topics belong to these messages and to this code."""
        with _guarded(self.path):
            return self._meta("topics") == f"{self._meta('generation')}:{code}"

    def topic_data(self, msgids: Iterable[str] | None = None) -> list[tuple[str, list[int]]]:
        """The cached topics, each with the rows it names: all, or those holding `msgids`."""
        query, params = "SELECT data, rows FROM topics ORDER BY ordinal", ()
        if msgids is not None:
            query = (
                "SELECT data, rows FROM topics WHERE ordinal IN (SELECT ordinal FROM topic_members"
                " WHERE msgid IN (SELECT value FROM json_each(?))) ORDER BY ordinal"
            )
            params = (_json(msgids),)
        with _guarded(self.path), rows.bulk():
            return [(data, json.loads(named)) for data, named in self.db.execute(query, params)]

    def store_topics(self, code: str, generation: int, topics: Sequence[CachedTopic]) -> bool:
        """Cache the topics of `generation`'s messages, unless a writer is busy or the messages
        changed meanwhile; says whether it did."""
        with self.lock.held(wait=False) as mine, _guarded(self.path):
            if not mine:
                return False
            with self._writing():
                if self._meta("generation") != str(generation):
                    return False
                self.db.execute("DELETE FROM topics")
                self.db.execute("DELETE FROM topic_members")
                self.db.executemany(
                    "INSERT INTO topics VALUES (?, ?, ?, ?)",
                    ((i, t.key, t.data, _json(t.rows)) for i, t in enumerate(topics)),
                )
                members = ((m, i) for i, t in enumerate(topics) for m in t.msgids)
                self.db.executemany("INSERT OR IGNORE INTO topic_members VALUES (?, ?)", members)
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('topics', ?)", (f"{generation}:{code}",))
            return True

    def add_fetched(self, found: Sequence[rows.Row]) -> int:
        """Keep messages fetched from lore (rows of epoch LORE_EPOCH) whose message-id the
        index does not hold yet; how many were added."""
        with self.lock.held(), _guarded(self.path), self._writing():
            query = "SELECT msgid FROM messages WHERE msgid IN (SELECT value FROM json_each(?))"
            seen = {m for (m,) in self.db.execute(query, (_json(r.msgid for r in found),))}
            fresh = []
            for row in found:
                if row.msgid and row.msgid not in seen:
                    seen.add(row.msgid)
                    fresh.append(row)
            if fresh:
                self._insert(fresh)
        return len(fresh)

    def drop_fetched_copies(self) -> int:
        """Forget fetched messages that the archive now holds itself: the archive is the truth."""
        where = f"epoch = {LORE_EPOCH} AND msgid IN (SELECT msgid FROM messages WHERE epoch != {LORE_EPOCH})"
        with _guarded(self.path):
            if self.db.execute(f"SELECT 1 FROM messages WHERE {where} LIMIT 1").fetchone() is None:
                return 0
            with self.lock.held(), self._writing():
                return self._delete(where, ())

    def asked(self, query: str) -> tuple[str, ...] | None:
        """The message-ids lore answered `query` with in an earlier run; None when never asked."""
        with _guarded(self.path):
            row = self.db.execute("SELECT msgids FROM lore_asked WHERE query = ?", (query,)).fetchone()
        return tuple(json.loads(row[0])) if row else None

    def remember(self, query: str, msgids: Iterable[str]) -> None:
        """Note what lore answered `query` with, so that the next run need not ask again."""
        with self.lock.held(), _guarded(self.path), self._writing():
            self.db.execute(
                "INSERT OR REPLACE INTO lore_asked VALUES (?, ?, ?)", (query, int(time.time()), _json(msgids))
            )

    def tree_patch_ids(self) -> TreePatchIds:
        """The tree-commit patch-id cache (tree.PatchIdCache) kept in this index."""
        return TreePatchIds(self)


class TreePatchIds:
    """Patch-ids of code-tree commits by commit id and context size: `tree.PatchIdCache`."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def get(self, commits: Sequence[str], context: int) -> dict[str, str | None]:
        """The ids known for `commits` (None: the commit has no diff); unknown ones are left out."""
        query = (
            "SELECT commit_id, patch_id FROM tree_patch_ids"
            " WHERE context = ? AND commit_id IN (SELECT value FROM json_each(?))"
        )
        with _guarded(self.index.path):
            return dict(self.index.db.execute(query, (context, _json(commits))))

    def put(self, ids: Mapping[str, str | None], context: int) -> None:
        """Remember ids just computed; skipped (it is a cache) while another process writes."""
        with self.index.lock.held(wait=False) as mine, _guarded(self.index.path):
            if mine:
                with self.index._writing():
                    self.index.db.executemany(
                        "INSERT OR REPLACE INTO tree_patch_ids VALUES (?, ?, ?)",
                        ((commit, context, pid) for commit, pid in ids.items()),
                    )


_SUBJECT = {f.name: i for i, f in enumerate(dataclasses.fields(Subject))}


def _field(name: str) -> int:
    """Where a `Message` field sits in a stored record (rows.encode: in dataclass order)."""
    return [f.name for f in dataclasses.fields(Message)].index(name)


def _json(values: Iterable[object]) -> str:
    """A list as SQLite's json_each reads it: one parameter however long the list."""
    return json.dumps(list(values))
