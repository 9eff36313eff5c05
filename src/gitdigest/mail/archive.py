"""Public-inbox archives and mailboxes -> raw messages (bytes). Knows nothing of email.

A v2 archive is a set of epoch repositories (`git/0.git`, `git/1.git` ...), each
commit adding one message as the blob `m`, or removing one as `d`. A v1 archive
is one repository holding a file per message. Ranges resolve with git's own
semantics (GitPython); commits and blobs are read in-process with pygit2.
"""

from __future__ import annotations

import atexit
import datetime
import fcntl
import functools
import hashlib
import os
import re
import shutil
import stat as statmod
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import git
import pygit2
from pygit2.enums import DeltaStatus, RepositoryOpenFlag, SortMode

from gitdigest.errors import NoSpaceError, NotAnArchiveError, RangeError
from gitdigest.model import RawMessage

_EPOCH_NAME = re.compile(r"^(\d+)\.git$")
_V1_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{38}$")
# git run on an archive reads no system or global config (an archive comes from anyone,
# and git's repository config is never followed further: see _rev_list).
_NO_CONFIG = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}


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
class EpochCommits:
    """Some commits of one epoch, oldest first."""

    epoch: Epoch
    commits: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """The archive commits a digest reads, per epoch, oldest first."""

    archive: Archive
    commits: tuple[EpochCommits, ...]
    first: str = ""
    last: str = ""

    @property
    def count(self) -> int:
        """How many archive commits are selected."""
        return sum(len(part.commits) for part in self.commits)


def open_archive(path: Path, cache: Path | None = None) -> Archive:
    """Find the archive at `path`: a v2 top dir, a single v2 epoch, a v1 repository, or a bundle.

    A git bundle (such as the shipped example) is cloned once into `cache`.
    """
    path = path.expanduser()
    if not path.exists():
        raise NotAnArchiveError(f"{path}: no such directory")
    _bound_pack_memory()
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
    epoch = Epoch(number, _gitdir(path).resolve())
    return Archive(top=path, layout=layout, epochs=(epoch,), gaps=_gaps(None, (epoch,)))


MAPPED_PACKS = 64 << 20
"""The most of an archive's packs libgit2 keeps mapped at once, in windows of a quarter of it."""


@functools.cache
def _bound_pack_memory() -> None:
    """Keep what reading the archive maps to MAPPED_PACKS, in this process and the workers it forks.

    libgit2 maps packs in 1 GiB windows up to 8 GiB, and each page read stays in the
    process: a cold index of a 1.6 GB archive grew each worker to the size of the packs
    it read (541 MiB at 15 copies). Reading io-uring whole in 16 MiB windows under a
    64 MiB limit takes 122 MiB instead of 176 MiB, for the same CPU within noise.
    """
    pygit2.settings.mwindow_size = MAPPED_PACKS // 4
    pygit2.settings.mwindow_mapped_limit = MAPPED_PACKS


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
    """Clone a bundle into the cache, once per bundle content; the bundle is only read.

    The clone is made under a lock beside it, in a scratch dir renamed into place when
    done: a second run waits for the first, and what a killed run left is redone."""
    stat = bundle.stat()
    key = hashlib.sha1(f"{bundle.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    top = cache / "bundles" / f"{bundle.stem}-{key}"
    epoch = top / "git" / "0.git"
    if _repository(epoch) is not None:
        return top
    top.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(top.with_name(top.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _repository(epoch) is not None:
            return top  # another run cloned it meanwhile
        scratch = top.with_name(top.name + ".tmp")
        for leftover in (scratch, top):
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            git.Repo.clone_from(str(bundle.resolve()), str(scratch / "git" / "0.git"), bare=True, env=_NO_CONFIG)
        except git.GitCommandError as err:
            shutil.rmtree(scratch, ignore_errors=True)
            said = str(err.stderr or "")
            if "No space left on device" in said or "disk quota exceeded" in said.lower():
                raise NoSpaceError(
                    f"{cache}: no space left to clone {bundle.name} into; free some space there,"
                    " or point XDG_CACHE_HOME at a disk with room"
                ) from err
            raise NotAnArchiveError(f"{bundle}: not a usable git bundle: {_first_line(said)}") from err
        scratch.rename(top)
    finally:
        os.close(fd)
    return top


def _first_line(text: str) -> str:
    """The first line of git's stderr, without its `stderr: '` wrapping."""
    lines = [line.strip() for line in text.replace("stderr: '", "").strip(" '\n").splitlines() if line.strip()]
    return lines[0] if lines else "git failed"


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
    """The git repository at `path`, or None when there is none; an archive repository that
    cannot be read safely, or that git's safe.directory refuses, is a NotAnArchiveError."""
    try:
        return _open(path)
    except (pygit2.GitError, KeyError) as err:
        if "not owned by current user" in str(err):
            raise NotAnArchiveError(
                f"{path}: owned by another user, and git refuses such repositories (safe.directory);"
                f" if you trust it: git config --global --add safe.directory {path.resolve()}"
            ) from err
        return None


# The files opening a repository reads before any object; config is read by gitdigest
# first, so that libgit2 never follows an archive's include.path to a FIFO or /dev/zero.
_GIT_FILES = ("config", "HEAD", "packed-refs", "shallow", "commondir", "objects/info/alternates")
_MAX_CONFIG = 1 << 20
# What a shadow config keeps (see _open): the settings a bare archive needs to be read,
# and the URL its list name may come from. Each line must stand alone as git writes it.
_KEPT_SECTION = re.compile(r'[ \t]*\[(core|extensions|remote "origin")\][ \t]*', re.IGNORECASE)
_KEPT_KEY = re.compile(r"[ \t]*(repositoryformatversion|bare|objectformat|url)[ \t]*=[ \t]*[^\s;#\[\]]+[ \t]*", re.IGNORECASE)


def _open(path: Path) -> pygit2.Repository:
    """The repository at `path`, opened in-process, its config never followed elsewhere.

    libgit2 reads a repository's config when it opens it, and follows its `include.path`
    and `includeIf` wherever they point (a FIFO hangs it, /dev/zero exhausts it). An
    archive comes from anyone: when the word `include` appears anywhere in its config,
    the repository is opened through a shadow git dir whose config keeps only the few
    settings a bare archive needs (`_KEPT_KEY`, each on a line of its own under its
    section), with links to the archive's objects and refs; nothing of the archive changes.
    """
    return pygit2.Repository(str(_opening(path)), RepositoryOpenFlag.NO_SEARCH)


@functools.lru_cache(maxsize=256)
def _opening(path: Path) -> Path:
    """What `_open` hands libgit2 for `path`: `path` itself, or its shadow (decided once per run)."""
    _check_gitdir(path)
    gitdir = _gitdir(path)
    if gitdir != path:
        _check_gitdir(gitdir)
    config = _config_text(gitdir)
    if "include" not in config.lower():
        return path
    _check_owner(gitdir)
    return _shadow(gitdir.resolve(), _kept_config(config))


def _gitdir(path: Path) -> Path:
    """The git dir of the repository at `path`: `path` itself when it holds `HEAD` and
    `objects` (a bare repository), else its `.git` directory. A `.git` file (`gitdir:
    elsewhere`) is refused: libgit2 would follow it to a config gitdigest has not read."""
    if (path / "HEAD").is_file() and (path / "objects").is_dir():
        return path
    dotgit = path / ".git"
    if dotgit.exists() and not dotgit.is_dir():
        raise NotAnArchiveError(f"{dotgit}: a .git file that points elsewhere; give gitdigest the git directory itself")
    return dotgit if dotgit.is_dir() else path


def _config_text(gitdir: Path) -> str:
    """The repository's own config file (already seen to be a regular file of sane size), or ''."""
    try:
        return (gitdir / "config").read_bytes().decode("utf-8", "surrogateescape")
    except (FileNotFoundError, NotADirectoryError):
        return ""


def _kept_config(config: str) -> str:
    """The lines of `config` that `_KEPT_SECTION` and `_KEPT_KEY` name, under their section
    (any other section, or a line of another shape, is left out, and with it any include)."""
    out: list[str] = []
    keeping = False
    for line in config.replace("\ufeff", "").splitlines():
        if line.lstrip().startswith("["):
            keeping = bool(_KEPT_SECTION.fullmatch(line))
            if keeping:
                out.append(line.strip())
        elif keeping and _KEPT_KEY.fullmatch(line):
            out.append("\t" + line.strip())
    return "\n".join(out) + "\n"


def _check_owner(gitdir: Path) -> None:
    """git's safe.directory rule, which a shadow (gitdigest's own) would not meet: an archive
    owned by another user is refused unless safe.directory trusts it."""
    if gitdir.stat().st_uid == os.geteuid():
        return
    try:
        trusted = list(pygit2.Config.get_global_config().get_multivar("safe.directory"))
    except (OSError, pygit2.GitError, KeyError):
        trusted = []
    if "*" in trusted or any(Path(t).expanduser().resolve() == gitdir.resolve() for t in trusted if t):
        return
    raise NotAnArchiveError(
        f"{gitdir}: owned by another user, and git refuses such repositories (safe.directory);"
        f" if you trust it: git config --global --add safe.directory {gitdir.resolve()}"
    )


def _shadow(gitdir: Path, config: str) -> Path:
    """A git dir (made once per run, removed at exit) with `config` as its config and the
    archive's HEAD, objects and refs: libgit2 reads it as the archive without its includes."""
    shadow = Path(tempfile.mkdtemp(prefix="gitdigest-archive-"))
    atexit.register(shutil.rmtree, shadow, True)
    (shadow / "config").write_text(config, encoding="utf-8", errors="surrogateescape")
    shutil.copyfile(gitdir / "HEAD", shadow / "HEAD")
    for name in ("objects", "refs", "packed-refs", "shallow"):
        if (gitdir / name).exists():
            (shadow / name).symlink_to(gitdir / name)
    return shadow


def _check_gitdir(path: Path) -> None:
    """A NotAnArchiveError when a file git reads on opening `path` is special (a FIFO, a
    device) or its config is too large to be an archive's: an archive comes from anyone."""
    for name in _GIT_FILES:
        try:
            mode = os.stat(path / name).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as err:
            raise NotAnArchiveError(f"{path / name}: cannot be read ({err.strerror})") from err
        if not statmod.S_ISREG(mode):
            raise NotAnArchiveError(f"{path / name}: not a regular file; gitdigest does not open it")
    config = path / "config"
    if not config.is_file():
        return
    if config.stat().st_size > _MAX_CONFIG:
        raise NotAnArchiveError(f"{config}: over {_MAX_CONFIG:,} bytes; not read")


def _layout_of(repo: pygit2.Repository) -> int:
    """2 when the tip holds `m` or `d`, 1 when it holds `ab/cdef...` files, else 0."""
    if repo.head_is_unborn:
        return 0
    tree = repo.head.peel(pygit2.Commit).tree
    names = {entry.name for entry in tree}
    if names & {"m", "d"}:
        return 2
    if names and all(n is not None and len(n) == 2 for n in names):
        return 1
    return 0


def repository(epoch: Epoch) -> pygit2.Repository:
    """The epoch's repository, opened in-process (no search of parent directories, no include
    of its config followed: see `_open`)."""
    return _open(epoch.path)


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


def history(repo: pygit2.Repository, tip: str, hide: str | None = None) -> tuple[str, ...]:
    """The commits `tip` reaches and `hide` does not, oldest first (`git rev-list --reverse
    tip ^hide`, read in-process: no git config of the archive is read). Down to a commit
    that cannot be read (a damaged pack), that commit included: reading it then gives a
    skip that names it, as a missing blob does."""
    walker = repo.walk(tip, SortMode.TOPOLOGICAL | SortMode.REVERSE)
    if hide:
        walker.hide(hide)
    # Each commit walked would stay in libgit2's object cache (up to 256 MiB a repository):
    # 48 MiB for an epoch of 42,000, in a parent that then stores a whole cold index.
    pygit2.settings.enable_caching(False)
    try:
        return tuple(str(commit.id) for commit in walker)
    except (pygit2.GitError, KeyError):
        pass
    finally:
        pygit2.settings.enable_caching(True)
    hidden = set(_reach(repo, hide)) if hide else set()
    return tuple(reversed([oid for oid in _reach(repo, tip) if oid not in hidden]))


def _reach(repo: pygit2.Repository, tip: str) -> list[str]:
    """The commits `tip` reaches, newest first, one object read at a time: a commit that
    cannot be read is listed, and what lies behind it is not."""
    seen: set[str] = set()
    order: list[str] = []
    todo = [tip]
    while todo:
        oid = todo.pop()
        if oid in seen:
            continue
        seen.add(oid)
        order.append(oid)
        try:
            commit = repo[oid].peel(pygit2.Commit)
        except (pygit2.GitError, KeyError, ValueError):
            continue
        todo.extend(reversed([str(p) for p in commit.parent_ids]))
    return order


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
        hide = first_id if epoch == first and start else None
        upper = last_id if epoch == last else tip(epoch)
        if upper:
            picked.append(EpochCommits(epoch, history(repository(epoch), upper, hide)))
    return Selection(archive, tuple(picked), first=first_id, last=last_id)


def tip(epoch: Epoch) -> str:
    """The epoch's tip commit, '' when it has none."""
    repo = repository(epoch)
    return "" if repo.head_is_unborn else str(repo.head.target)


def tips(archive: Archive) -> dict[int, str]:
    """The tip commit of every epoch that has one, by epoch number."""
    return {epoch.number: found for epoch in archive.epochs if (found := tip(epoch))}


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
        picked.append(EpochCommits(epoch, ids))
    return Selection(archive, tuple(picked))


def read(selection: Selection, limit: int | None = None) -> Iterator[RawMessage]:
    """The messages the selected commits add (or remove), in archive order; a blob larger
    than `limit` bytes (by its object header) is not read, nor is a damaged one."""
    for part in selection.commits:
        epoch = part.epoch
        repo = repository(epoch)
        reader = _read_v2 if selection.archive.layout == 2 else _read_v1
        for cid in part.commits:
            try:
                commit = repo[cid].peel(pygit2.Commit)
            except (KeyError, pygit2.GitError, ValueError) as err:
                # A commit the selection found, unreadable now: a damaged pack.
                yield RawMessage(b"", cid, cid, epoch.number, unread=f"damaged archive commit: {_why(err)}; the history behind it is not read")
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
            diff = commit.parents[0].tree.diff_to_tree(commit.tree)
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


def read_mailbox(path: Path, limit: int | None = None) -> Iterator[RawMessage]:
    """Every message of an mbox file or a maildir, as bytes, in file order; a maildir entry
    that is not a regular file (a FIFO, a device, a link to one) is skipped unopened."""
    path = path.expanduser()
    if path.is_dir():
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise NotAnArchiveError(f"{path}: not a maildir (no cur/ or new/)")
        yield from _read_maildir(path, limit)
        return
    if not path.is_file():
        raise NotAnArchiveError(f"{path}: no such mbox or maildir (or not a regular file)")
    import mailbox  # only --mbox reads one: the pre-push hook never pays for the import

    box = mailbox.mbox(str(path), create=False)
    keys = box.keys()  # a list of keys; iterating the box gives messages
    try:
        for key in keys:
            data = box.get_bytes(key)
            yield RawMessage(data, hashlib.sha1(data).hexdigest())
    finally:
        box.close()


def _read_maildir(path: Path, limit: int | None) -> Iterator[RawMessage]:
    """A maildir's messages in the order of their unique names, as mailbox.Maildir keys them."""
    entries = []
    for sub in ("new", "cur"):
        folder = path / sub
        if folder.is_dir():
            entries += [(name.split(":", 1)[0], folder / name) for name in os.listdir(folder) if not name.startswith(".")]
    for key, entry in sorted(entries):
        try:
            # O_NONBLOCK: a FIFO put there while we looked must not block the open.
            fd = os.open(entry, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as err:
            yield RawMessage(b"", key, unread=f"unreadable maildir entry {entry.name}: {err.strerror}")
            continue
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not statmod.S_ISREG(info.st_mode):
                yield RawMessage(b"", key, unread=f"maildir entry {entry.name} is not a regular file; not read")
                continue
            if limit is not None and info.st_size > limit:
                yield RawMessage(b"", key, unread=f"too large: {info.st_size:,} bytes, over digest.maxMessageSize ({limit:,})")
                continue
            data = handle.read()
        yield RawMessage(data, hashlib.sha1(data).hexdigest())


def read_blob(archive: Archive, epoch: int, blob: str) -> RawMessage:
    """One message by blob id, for the few messages a report prints in full."""
    for candidate in archive.epochs:
        if candidate.number == epoch:
            return RawMessage(repository(candidate)[blob].read_raw(), blob, epoch=epoch)
    raise NotAnArchiveError(f"{archive.top}: no epoch {epoch}")


def list_name(archive: Archive) -> str:
    """The list's name: from the lore URL the archive was cloned from, else its directory."""
    for epoch in archive.epochs:
        url = repository(epoch).config.get_multivar("remote.origin.url")
        for value in filter(None, url):
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
