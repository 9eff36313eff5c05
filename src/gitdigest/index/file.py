"""The index file: where it lives, whether it can be trusted, and the writer's lock.

What the file holds is trusted only when it says what made it: the schema version in
`PRAGMA user_version`, gitdigest's application id, the archive, and a fingerprint of the
code that parsed it. An index of gitdigest's that is damaged or out of date is rebuilt
from the archive, with one note, and never migrated: the archive is the truth. A path
that holds anything else (a device, another program's database, a user's file) is an
error, and is never renamed, replaced or removed.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import hashlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from gitdigest.errors import (
    DamagedIndexError,
    GitDigestError,
    IndexBusyError,
    IndexPathError,
    NoSpaceError,
)
from gitdigest.index.schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION

_SQLITE = b"SQLite format 3\0"


class State(enum.Enum):
    """What the file at the index's path is, as far as this run can use it."""

    NEW = "new"
    """Absent or empty: made afresh, without a note."""
    TRUNCATED = "truncated"
    """Shorter than its header says: damaged, or a writer's checkpoint under way."""
    UNUSABLE = "unusable"
    """Not an SQLite database, damaged, or made for another archive, version or parser."""


@dataclass(frozen=True)
class Problem:
    """Why the file cannot be used as it is, and what to tell the user."""

    state: State
    why: str = ""


def default_path(cache: Path, top: Path) -> Path:
    """Where the index of the archive at `top` lives by default: one file per archive."""
    where = top.resolve()
    key = hashlib.sha1(str(where).encode()).hexdigest()[:16]
    return cache / "index" / f"{where.name or 'archive'}-{key}.sqlite3"


def prepare(path: Path, identity: Mapping[str, str], note: Callable[[str], None], wait: bool = True) -> None:
    """Make the file at `path` an index for `identity`: keep it when it is one, else create
    it, or rebuild it with a note (under the writer's lock, so that only one process does).
    With `wait=False`, a file that needs the lock while another process holds it is an
    IndexBusyError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    refuse_foreign(path)
    seen = _problem(path, identity)
    if seen is None:
        return
    with WriteLock(path).held(wait) as mine:
        if not mine and seen.state is State.TRUNCATED and _settles(path, identity):
            return  # it was the writer's checkpoint, now done
        if not mine:
            raise IndexBusyError("the list's index is being built by another process")
        problem = _problem(path, identity, confirm=True)
        if problem is not None and problem.state is not State.NEW:
            note(f"{path}: {problem.why}; rebuilding it from the archive")
        if problem is not None:
            _create(path, identity)


def refuse_foreign(path: Path) -> None:
    """An IndexPathError unless `path` is absent, empty, or a file whose SQLite header
    carries gitdigest's application id: only those are ever written, replaced or removed."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise IndexPathError(f"{path}: cannot be used as the index ({err.strerror})") from err
    if not stat.S_ISREG(mode):
        raise IndexPathError(f"{path}: not a regular file; give --index (or digest.index) the path of a file")
    with path.open("rb") as handle:
        header = handle.read(100)
    if header and not ours(header):
        what = "an SQLite database of another program" if header.startswith(_SQLITE) else "not an SQLite database"
        raise IndexPathError(
            f"{path}: not a gitdigest index ({what}); left as it is: give --index (or digest.index) another path"
        )


def ours(header: bytes) -> bool:
    """Whether a file's first bytes are an SQLite header with gitdigest's application id."""
    return header.startswith(_SQLITE) and header[68:72] == APPLICATION_ID.to_bytes(4, "big")


def _problem(path: Path, identity: Mapping[str, str], confirm: bool = False) -> Problem | None:
    """Why the file cannot be used as it is: None when it can.

    A file shorter than its header says is truncated, or is being checkpointed (SQLite
    writes page 1 first); with `confirm`, under the writer's lock, SQLite checks it.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Problem(State.NEW)
    if size == 0:
        return Problem(State.NEW)
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(_SQLITE):
        return Problem(State.UNUSABLE, "not an SQLite database")
    if _truncated(header, size) and not (confirm and _intact(path)):
        return Problem(State.TRUNCATED, "truncated")
    try:
        with contextlib.closing(connect(path)) as db:
            return _mismatch(db, identity)
    except sqlite3.DatabaseError as err:
        return Problem(State.UNUSABLE, f"damaged ({err})")


def _settles(path: Path, identity: Mapping[str, str], seconds: float = 2.0) -> bool:
    """While a writer checkpoints, the file may look truncated for a moment: whether it
    looks whole again within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if _problem(path, identity) is None:
            return True
    return False


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
        with contextlib.closing(connect(path)) as db:
            return db.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def _mismatch(db: sqlite3.Connection, identity: Mapping[str, str]) -> Problem | None:
    """What differs between the file and what this run needs, or None."""
    app = db.execute("PRAGMA application_id").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app != APPLICATION_ID:
        return Problem(State.UNUSABLE, "not a gitdigest index") if tables else Problem(State.NEW)
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return Problem(State.UNUSABLE, "made by another version of gitdigest")
    meta = dict(db.execute("SELECT key, value FROM meta"))
    if meta.get("archive") != identity["archive"]:
        return Problem(State.UNUSABLE, f"made for another archive ({meta.get('archive')})")
    if meta.get("parser") != identity["parser"]:
        return Problem(State.UNUSABLE, "made by another version of gitdigest's parser")
    return None


def _create(path: Path, identity: Mapping[str, str]) -> None:
    """A new, empty index at `path`, made beside it and renamed into place (replacing only
    an index of gitdigest's, or an empty file): a run killed meanwhile leaves no half file."""
    refuse_foreign(path)
    scratch = path.with_name(path.name + ".new")
    _remove(scratch)
    with contextlib.closing(connect(scratch)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript("BEGIN IMMEDIATE;" + SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [*identity.items(), ("generation", "0")])
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    _remove(path)
    scratch.replace(path)


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the index file, in autocommit mode: transactions are explicit."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    try:
        # NORMAL is durable enough in WAL mode for a cache that can be rebuilt.
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as err:
        full = _no_space(path, err)
        if full is not None:
            raise full from err
        raise
    return db


def discard(path: Path) -> None:
    """Remove a damaged index, under the writer's lock, so the next open rebuilds it."""
    with WriteLock(path).held():
        refuse_foreign(path)
        _remove(path)


def _remove(path: Path) -> None:
    """Delete the index file and SQLite's files beside it, those that exist."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


class WriteLock:
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
            # An flock belongs to the open file, which a forked process shares (streaming.py's
            # second reader, ingest's workers): unlocking, not closing this descriptor alone,
            # lets go of it while a process that inherited the descriptor still runs.
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def busy(self) -> bool:
        """Another process holds the lock now."""
        with self.held(wait=False) as mine:
            return not mine


@contextlib.contextmanager
def guarded(path: Path) -> Iterator[None]:
    """SQLite's errors as gitdigest's: a busy index, or a damaged one."""
    try:
        yield
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            raise GitDigestError(f"{path}: the index is busy ({err}); try again") from err
        full = _no_space(path, err)
        if full is not None:
            raise full from err
        raise DamagedIndexError(f"{path}: {err}") from err
    except sqlite3.DatabaseError as err:
        raise DamagedIndexError(f"{path}: {err}") from err


FULL_BELOW = 1 << 20
"""Free bytes under which SQLite's I/O error on the index's disk is taken for a full disk."""


def _no_space(path: Path, err: sqlite3.OperationalError) -> NoSpaceError | None:
    """The error to give when SQLite said the disk is full, or gave an I/O error where the
    index's disk has (almost) no room left (SQLite reports a write that found no space in
    either way); None for any other error."""
    if "disk is full" not in str(err):
        if "disk I/O error" not in str(err):
            return None
        try:
            found = os.statvfs(path.parent)
        except OSError:
            return None
        if found.f_bavail * found.f_frsize >= FULL_BELOW:
            return None
    return NoSpaceError(
        f"{path}: no space left on its disk ({err}); free some space there, or put the index"
        " elsewhere (--index FILE, or git config digest.index FILE)"
    )
