"""Public-inbox archives and mailboxes -> raw messages (bytes). Knows nothing of email.

A v2 archive is a set of epoch repositories (`git/0.git`, `git/1.git` ...), each
commit adding one message as the blob `m`, or removing one as `d`. A v1 archive
is one repository holding a file per message. Ranges resolve with git's own
semantics (GitPython); commits and blobs are read in-process with pygit2.
"""

from __future__ import annotations

import datetime
import hashlib
import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import git
import pygit2
from pygit2.enums import DeltaStatus, RepositoryOpenFlag, SortMode

from gitdigest.errors import GitError, NotAnArchiveError, RangeError
from gitdigest.model import RawMessage

_EPOCH_NAME = re.compile(r"^(\d+)\.git$")
_V1_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{38}$")


@dataclass(frozen=True)
class Epoch:
    """One repository of an archive."""

    number: int
    path: Path


@dataclass(frozen=True)
class Archive:
    """An opened public-inbox archive: its layout and its epochs, oldest first."""

    top: Path
    layout: int
    """1 or 2, public-inbox's own layout versions."""
    epochs: tuple[Epoch, ...]
    gaps: tuple[str, ...] = ()
    """What is missing from it, one line each: epochs absent below the newest, shallow clones."""


@dataclass(frozen=True)
class Selection:
    """The archive commits a digest reads, per epoch, oldest first."""

    archive: Archive
    commits: tuple[tuple[Epoch, tuple[str, ...]], ...]
    first: str = ""
    last: str = ""

    @property
    def count(self) -> int:
        """How many archive commits are selected."""
        return sum(len(ids) for _, ids in self.commits)


def open_archive(path: Path, cache: Path | None = None) -> Archive:
    """Find the archive at `path`: a v2 top dir, a single v2 epoch, a v1 repository, or a bundle.

    A git bundle (such as the shipped example) is cloned once into `cache`.
    """
    path = path.expanduser()
    if not path.exists():
        raise NotAnArchiveError(f"{path}: no such directory")
    if path.is_file() and cache is not None and _is_bundle(path):
        path = _unbundle(path, cache)
    epochs = _v2_epochs(path)
    if epochs:
        return Archive(top=path, layout=2, epochs=epochs, gaps=_gaps(path, epochs))
    repo = _repository(path)
    if repo is None:
        raise NotAnArchiveError(f"{path}: not a public-inbox archive (no git/N.git epochs, not a git repository)")
    layout = _layout_of(repo)
    if layout == 0:
        raise NotAnArchiveError(f"{path}: a git repository, but not a public-inbox archive")
    number = _epoch_number(path)
    epoch = Epoch(number, Path(repo.path))
    return Archive(top=path, layout=layout, epochs=(epoch,), gaps=_gaps(None, (epoch,)))


def is_archive(path: Path) -> bool:
    """Whether `path` holds a public-inbox archive (a cheap look; nothing is read)."""
    try:
        open_archive(path)
    except NotAnArchiveError:
        return False
    return True


def _is_bundle(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16).startswith((b"# v2 git bundle", b"# v3 git bundle"))


def _unbundle(bundle: Path, cache: Path) -> Path:
    """Clone a bundle into the cache, once per bundle content; the bundle is only read."""
    stat = bundle.stat()
    key = hashlib.sha1(f"{bundle.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    top = cache / "bundles" / f"{bundle.stem}-{key}"
    epoch = top / "git" / "0.git"
    if not (epoch / "HEAD").exists():
        scratch = top.with_name(top.name + ".tmp")
        try:
            git.Repo.clone_from(str(bundle.resolve()), str(scratch / "git" / "0.git"), bare=True)
        except git.GitCommandError as err:
            raise NotAnArchiveError(f"{bundle}: not a usable git bundle: {err.stderr.strip()}") from err
        scratch.rename(top)
    return top


def _v2_epochs(top: Path) -> tuple[Epoch, ...]:
    gitdir = top / "git"
    if not gitdir.is_dir():
        return ()
    found = []
    for child in gitdir.iterdir():
        match = _EPOCH_NAME.match(child.name)
        if match and _repository(child) is not None:
            found.append(Epoch(int(match.group(1)), child))
    return tuple(sorted(found, key=lambda e: e.number))


def _gaps(top: Path | None, epochs: tuple[Epoch, ...]) -> tuple[str, ...]:
    """Epochs missing (or not repositories) below the newest one of `top`, and shallow epochs."""
    numbers = [e.number for e in epochs]
    # Counted, not listed: a hostile archive may hold only git/999999999.git.
    lacking = max(numbers) + 1 - len(numbers) if top else 0
    found = []
    if lacking:
        names = _missing(numbers, 5)
        more = f" and {lacking - len(names)} more" if lacking > len(names) else ""
        kept = ", ".join(str(n) for n in numbers)
        verb = "is" if lacking == 1 else "are"
        found.append(
            f"{top}: {', '.join(names)}{more} {verb} missing or not a git repository; only epochs {kept} are read"
        )
    for epoch in _shallow(epochs):
        found.append(f"{epoch.path}: a shallow clone; messages before its first commit are not read")
    return tuple(found)


def _missing(numbers: list[int], limit: int) -> list[str]:
    """The first `limit` epoch directories absent between 0 and the newest of `numbers` (sorted)."""
    holes = ((low + 1, high) for low, high in zip([-1, *numbers], numbers) if high > low + 1)
    return [f"git/{n}.git" for start, stop in holes for n in range(start, min(stop, start + limit))][:limit]


def _shallow(epochs: Iterable[Epoch]) -> list[Epoch]:
    return [e for e in epochs if repository(e).is_shallow]


def _epoch_number(path: Path) -> int:
    match = _EPOCH_NAME.match(path.resolve().name)
    return int(match.group(1)) if match else 0


def _repository(path: Path) -> pygit2.Repository | None:
    try:
        return pygit2.Repository(str(path), RepositoryOpenFlag.NO_SEARCH)
    except (pygit2.GitError, KeyError):
        return None


def _layout_of(repo: pygit2.Repository) -> int:
    """2 when the tip holds `m` or `d`, 1 when it holds `ab/cdef...` files, else 0."""
    if repo.head_is_unborn:
        return 0
    tree = repo.head.peel(pygit2.Commit).tree
    names = {entry.name for entry in tree}
    if names & {"m", "d"}:
        return 2
    if names and all(len(n) == 2 for n in names):
        return 1
    return 0


def repository(epoch: Epoch) -> pygit2.Repository:
    """The epoch's repository, opened in-process (no search of parent directories)."""
    return pygit2.Repository(str(epoch.path), RepositoryOpenFlag.NO_SEARCH)


def _owning_epoch(archive: Archive, rev: str) -> tuple[Epoch, str]:
    """The epoch where `rev` resolves, newest first, so `HEAD` means the newest tip;
    and the commit id it names there."""
    for epoch in reversed(archive.epochs):
        try:
            return epoch, str(repository(epoch).revparse_single(rev).peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            continue
    shallow = " (a shallow clone: older commits are not there)" if _shallow(archive.epochs) else ""
    raise RangeError(f"{rev}: unknown revision in the archive {archive.top}{shallow}")


def _rev_list(epoch: Epoch, *revs: str) -> tuple[str, ...]:
    """`git rev-list --reverse` over `revs`, git's own range semantics."""
    try:
        out = git.Repo(epoch.path).git.rev_list("--reverse", "--end-of-options", *revs)
    except git.GitCommandError as err:
        raise GitError(f"git rev-list failed in {epoch.path}: {err.stderr.strip()}") from err
    return tuple(out.split())


def check_rev(rev: str) -> str:
    """`rev` itself, or a RangeError when git could take it for an option or it is no revision."""
    # A revision that starts with '-' would reach git as an option.
    if not rev or rev.startswith("-") or any(c.isspace() or c == "\0" for c in rev):
        raise RangeError(f"{rev!r}: not a revision")
    return rev


def select_range(archive: Archive, spec: str) -> Selection:
    """The archive commits of `A..B` (or of everything up to `B`), across epochs."""
    start, dots, end = spec.partition("..")
    if dots and end.startswith("."):
        raise RangeError(f"{spec}: symmetric ranges (A...B) mean nothing in an archive")
    end = check_rev(end or "HEAD") if dots else check_rev(start)
    start = check_rev(start) if dots else ""
    # With the commit ids named, so reports show what was read, not what was typed.
    last, last_id = _owning_epoch(archive, end)
    first, first_id = _owning_epoch(archive, start) if start else (archive.epochs[0], "")
    if first.number > last.number:
        raise RangeError(f"{spec}: {start} comes after {end} in the archive")
    picked = []
    for epoch in archive.epochs:
        if not first.number <= epoch.number <= last.number:
            continue
        lower = (f"^{start}",) if epoch == first and start else ()
        upper = end if epoch == last else _tip(epoch)
        if upper:
            picked.append((epoch, _rev_list(epoch, upper, *lower)))
    return Selection(archive, tuple(picked), first=first_id, last=last_id)


def _tip(epoch: Epoch) -> str:
    repo = repository(epoch)
    return "" if repo.head_is_unborn else str(repo.head.target)


def tips(archive: Archive) -> dict[int, str]:
    """The tip commit of every epoch that has one, by epoch number."""
    return {epoch.number: tip for epoch in archive.epochs if (tip := _tip(epoch))}


def select_dates(
    archive: Archive,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
) -> Selection:
    """The archive commits whose message date (the commit's author date) lies in the period."""
    low = since.timestamp() if since else float("-inf")
    high = until.timestamp() if until else float("inf")
    picked = []
    for epoch in archive.epochs:
        repo = repository(epoch)
        if repo.head_is_unborn:
            continue
        walker = repo.walk(repo.head.target, SortMode.TOPOLOGICAL | SortMode.REVERSE)
        ids = tuple(str(c.id) for c in walker if low <= c.author.time < high)
        picked.append((epoch, ids))
    return Selection(archive, tuple(picked))


def read(selection: Selection, limit: int | None = None) -> Iterator[RawMessage]:
    """The messages the selected commits add (or remove), in archive order; a blob larger
    than `limit` bytes (by its object header) is not read, nor is a damaged one."""
    for epoch, ids in selection.commits:
        repo = repository(epoch)
        reader = _read_v2 if selection.archive.layout == 2 else _read_v1
        for cid in ids:
            try:
                commit = repo[cid].peel(pygit2.Commit)
            except (KeyError, pygit2.GitError, ValueError) as err:
                # A commit the selection found, unreadable now: a damaged pack.
                yield RawMessage(b"", cid, cid, epoch.number, unread=f"damaged archive commit: {_why(err)}")
                continue
            yield from reader(repo, commit, epoch.number, limit)


def _read_v2(repo: pygit2.Repository, commit: pygit2.Commit, epoch: int, limit: int | None) -> Iterator[RawMessage]:
    try:
        tree = commit.tree
    except (KeyError, pygit2.GitError) as err:
        yield RawMessage(b"", str(commit.tree_id), str(commit.id), epoch, False, commit.author.time, f"damaged tree: {_why(err)}")
        return
    for name, removed in (("m", False), ("d", True)):
        if name in tree:
            entry = tree[name]
            data, unread = _blob(repo, entry.id, limit)
            yield RawMessage(data, str(entry.id), str(commit.id), epoch, removed, commit.author.time, unread)


def _blob(repo: pygit2.Repository, oid: pygit2.Oid, limit: int | None) -> tuple[bytes, str]:
    """A blob's bytes, or why they were not read: b"" and "" when it is missing (a partial clone).

    The size comes from the object's header first: a blob that inflates to gigabytes
    is never read whole."""
    try:
        _kind, size = repo.odb.read_header(oid)
        if limit is not None and size > limit:
            return b"", f"too large: {size:,} bytes, over digest.maxMessageSize ({limit:,})"
        return repo.odb.read(oid)[1], ""
    except KeyError:
        return b"", ""
    except (pygit2.GitError, ValueError, OSError, MemoryError) as err:
        return b"", f"damaged blob: {_why(err)}"


def _why(err: BaseException) -> str:
    """An error's first line, for a skip reason."""
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__


def _read_v1(repo: pygit2.Repository, commit: pygit2.Commit, epoch: int, limit: int | None) -> Iterator[RawMessage]:
    try:
        if commit.parents:
            diff = repo.diff(commit.parents[0].tree, commit.tree)
        else:
            diff = commit.tree.diff_to_tree(swap=True)
        deltas = list(diff.deltas)
    except (KeyError, pygit2.GitError) as err:
        yield RawMessage(b"", str(commit.tree_id), str(commit.id), epoch, False, commit.author.time, f"damaged tree: {_why(err)}")
        return
    for delta in deltas:
        removed = delta.status == DeltaStatus.DELETED
        side = delta.old_file if removed else delta.new_file
        if not _V1_NAME.match(side.path):
            continue
        data, unread = _blob(repo, side.id, limit)
        yield RawMessage(data, str(side.id), str(commit.id), epoch, removed, commit.author.time, unread)


def read_mailbox(path: Path) -> Iterator[RawMessage]:
    """Every message of an mbox file or a maildir, as bytes, in file order."""
    path = path.expanduser()
    if path.is_dir():
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise NotAnArchiveError(f"{path}: not a maildir (no cur/ or new/)")
        box: mailbox.Mailbox = mailbox.Maildir(str(path), create=False)
        keys: Iterable[str] = sorted(box.keys())
    elif path.is_file():
        box = mailbox.mbox(str(path), create=False)
        keys = box.keys()
    else:
        raise NotAnArchiveError(f"{path}: no such mbox or maildir")
    try:
        for key in keys:
            data = box.get_bytes(key)
            yield RawMessage(data, hashlib.sha1(data).hexdigest())
    finally:
        box.close()


def read_blob(archive: Archive, epoch: int, blob: str) -> RawMessage:
    """One message by blob id, for the few messages a report prints in full."""
    for candidate in archive.epochs:
        if candidate.number == epoch:
            return RawMessage(repository(candidate)[blob].data, blob, epoch=epoch)
    raise NotAnArchiveError(f"{archive.top}: no epoch {epoch}")


def list_name(archive: Archive) -> str:
    """The list's name: from the lore URL the archive was cloned from, else its directory."""
    for epoch in archive.epochs:
        url = repository(epoch).config.get_multivar("remote.origin.url")
        for value in url:
            match = re.search(r"/([^/]+)/(?:git/)?\d+(?:\.git)?/?$", value)
            if match:
                return match.group(1)
            if value.endswith(".bundle"):
                # examples/io-uring-2026-01.bundle -> io-uring
                return re.sub(r"(-\d+)+$", "", Path(value).stem)
    top = archive.top.resolve()
    if _EPOCH_NAME.match(top.name):
        top = top.parent.parent if top.parent.name == "git" else top.parent
    return top.name
