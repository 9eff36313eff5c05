"""The code tree: range resolution, commits, trailers, authors and patch-ids.

Ranges and reachability go through git itself (GitPython), so `A..B`, tags and
`--since` mean what they mean to git. Commits are read in-process with pygit2, and
patch-ids come from one `git log -p | git patch-id --stable` pipeline per context
size (see patchid.py), through a cache keyed by commit id and context, so that no
commit's patch-id is ever computed twice.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import git
import pygit2

from gitdigest.errors import GitError, NotATreeError, RangeError
from gitdigest.mail import archive, patchid, senders
from gitdigest.model import Match, Person, SeriesReport, Span, TreeCommit
from gitdigest.people import identity
from gitdigest.tree import match

DEFAULT_CONTEXT = match.DEFAULT_CONTEXT
MARGIN = datetime.timedelta(days=7)
"""How long before the earliest posting a commit may be dated and still count: clocks
and `git am --committer-date-is-author-date` put some commits before their mail."""

_TRAILER = re.compile(r"^[ \t]*(?:link|message-id)[ \t]*:[ \t]*(\S+)", re.I | re.M)
# Hosts whose links name the message-id by position, with or without an `@` in it.
_MSGID_HOSTS = {"patch.msgid.link": 0, "msgid.link": 0, "lore.kernel.org": 1, "lkml.kernel.org": 1}
_RANGE = re.compile(r"\.\.\.?")


class PatchIdCache(Protocol):
    """Where tree patch-ids are kept between uses: by commit id and context size."""

    def get(self, commits: Sequence[str], context: int) -> dict[str, str | None]:
        """The ids known for `commits` (None: the commit has no diff); unknown ones are left out."""

    def put(self, ids: Mapping[str, str | None], context: int) -> None:
        """Remember ids just computed."""


class MemoryCache:
    """A PatchIdCache for one run; the SQLite index keeps them across runs."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, int], str | None] = {}

    def get(self, commits: Sequence[str], context: int) -> dict[str, str | None]:
        """The ids known for `commits`."""
        return {c: self._ids[c, context] for c in commits if (c, context) in self._ids}

    def put(self, ids: Mapping[str, str | None], context: int) -> None:
        """Remember ids just computed."""
        self._ids.update(((c, context), pid) for c, pid in ids.items())


@dataclass(frozen=True)
class CodeTree:
    """A code repository and which of its commits count as landed."""

    path: Path
    """The repository's git directory."""
    range: str | None = None
    """`X..Y`: only these commits count; None: what HEAD and `refs` reach."""
    refs: tuple[str, ...] = ()
    """More refs whose commits count, besides HEAD (`digest.treeRefs`)."""

    def describe(self) -> str:
        """`PATH (X..Y)` or `PATH (HEAD, refs)`, for the report's header."""
        where = self.range or ", ".join(("HEAD", *self.refs))
        top = self.path.parent if self.path.name == ".git" else self.path
        return f"{top} ({where})"


def open_tree(path: Path, range_: str | None = None, refs: Sequence[str] = ()) -> CodeTree:
    """The repository at or above `path`; raises when there is none or a revision is bad."""
    found = _discover(path)
    if found is None:
        raise NotATreeError(f"{path}: not a git repository (the code tree)")
    if range_ is not None:
        _sides(range_)
    return CodeTree(found, range_, tuple(archive.check_rev(r) for r in refs))


def names_range(path: Path, spec: str) -> bool:
    """True when `path` is in a code tree (not an archive) where both ends of `A..B` resolve."""
    found = _discover(path)
    if found is None or not _RANGE.search(spec) or _is_archive(found):
        return False
    try:
        repo = git.Repo(found)
        for side in _sides(spec):
            repo.commit(side)
    except (RangeError, ValueError, git.BadName, git.GitCommandError):
        return False
    return True


def range_dates(tree: CodeTree) -> tuple[datetime.datetime, datetime.datetime]:
    """The committer dates of A and of B in the tree's range `A..B`: the list period."""
    sides = _sides(tree.range or "")
    if len(sides) != 2:
        raise RangeError(f"{tree.range}: a tree range must be A..B")
    start, end = sides
    repo = git.Repo(tree.path)
    first, last = (repo.commit(_resolve(repo, side, tree)) for side in (start, end))
    return first.committed_datetime, last.committed_datetime


def commits(
    tree: CodeTree, since: datetime.datetime | None, cache: PatchIdCache, resolve: Callable[[Person], Person] | None = None,
) -> tuple[TreeCommit, ...]:
    """The non-merge commits that count, newest first, with trailers, authors and patch-ids.

    With a range, the commits in it; otherwise what HEAD and the refs reach, committed
    since `since`. A commit only in the object store, reachable from neither, is left out.
    """
    return read_commits(tree, _rev_list(tree, since), cache, resolve)


def read_commits(
    tree: CodeTree, ids: Sequence[str], cache: PatchIdCache, resolve: Callable[[Person], Person] | None = None,
) -> tuple[TreeCommit, ...]:
    """The commits `ids`, in that order, with trailers, authors (after the mailmap: `resolve`,
    else `canonical(tree)`, read here) and patch-ids."""
    repo = pygit2.Repository(str(tree.path))
    resolve = resolve or canonical(tree)
    pids = patch_ids(tree, ids, DEFAULT_CONTEXT, cache)
    return tuple(_commit(repo[cid].peel(pygit2.Commit), resolve, pids.get(cid)) for cid in ids)


def patch_ids(tree: CodeTree, ids: Sequence[str], context: int, cache: PatchIdCache) -> dict[str, str | None]:
    """`git patch-id --stable` of each commit diffed with `-U<context>`, computed at most once."""
    known = cache.get(ids, context)
    missing = [c for c in ids if c not in known]
    if missing:
        found = patchid.tree_patch_ids(str(tree.path), missing, context)
        fresh = {c: found.get(c) for c in missing}
        cache.put(fresh, context)
        known.update(fresh)
    return known


def wider_patch_ids(
    tree: CodeTree, wanted: match.Wanted, cache: PatchIdCache
) -> dict[int, dict[str, str | None]]:
    """Patch-ids at wider contexts, each only for the commits that touch the files
    (diffstat names, maybe `.../tail`) of the emails made with it (None: any file)."""
    need = {c for want in wanted.values() if want.paths is not None for c in want.commits}
    touched = touched_paths(tree, sorted(need))
    out = {}
    for context, want in wanted.items():
        paths = want.paths
        chosen = [c for c in want.commits if paths is None or _touches(touched.get(c, ()), paths)]
        out[context] = patch_ids(tree, chosen, context, cache)
    return out


def touched_paths(tree: CodeTree, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The paths each commit changes (both sides of a rename), from tree-to-tree diffs."""
    repo = pygit2.Repository(str(tree.path))
    out = {}
    for cid in ids:
        commit = repo[cid].peel(pygit2.Commit)
        diff = commit.parents[0].tree.diff_to_tree(commit.tree) if commit.parents else commit.tree.diff_to_tree(swap=True)
        out[cid] = tuple({p for d in diff.deltas for p in (d.old_file.path, d.new_file.path) if p is not None})
    return out


def remote_names(tree: CodeTree) -> frozenset[str]:
    """The names of the repository's configured remotes."""
    return frozenset(name for name in pygit2.Repository(str(tree.path)).remotes.names() if name is not None)


def has_commit(tree: CodeTree, rev: str) -> bool:
    """`rev` names an object the repository holds that is, or peels to, a commit."""
    try:
        pygit2.Repository(str(tree.path)).revparse_single(archive.check_rev(rev)).peel(pygit2.Commit)
    except (RangeError, KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        return False
    return True


def rewrites(tree: CodeTree, old: str, new: str) -> bool:
    """Pushing `new` where `old` was is a forced update: `old` is not in `new`'s history."""
    repo = pygit2.Repository(str(tree.path))
    try:
        return old != new and not repo.descendant_of(repo[new].peel(pygit2.Commit).id, old)
    except (KeyError, ValueError, pygit2.GitError):
        return False


def sent(tree: CodeTree, spans: Sequence[Span], limit: int) -> tuple[tuple[str, ...], bool]:
    """The non-merge commits the spans of a push name, newest first, each once: at most
    `limit` of them, and whether more were left out."""
    repo = git.Repo(tree.path)
    found: dict[str, None] = {}
    for span in spans:
        tracking = f"--remotes={span.remotes}" if span.remotes else "--remotes"
        revs = [archive.check_rev(span.tip), "--not", *map(archive.check_rev, span.hide), tracking]
        try:
            out = repo.git.rev_list("--no-merges", f"--max-count={limit + 1}", *revs)
        except git.GitCommandError as err:
            raise GitError.failed(f"git rev-list in {tree.path}", err.stderr, err.status) from err
        found.update(dict.fromkeys(out.split()))
    ids = tuple(found)
    return ids[:limit], len(ids) > limit


def messages(tree: CodeTree, ids: Iterable[str]) -> dict[str, str]:
    """The full commit message of each commit, decoded as UTF-8 (bad bytes replaced)."""
    repo = pygit2.Repository(str(tree.path))
    return {cid: repo[cid].peel(pygit2.Commit).raw_message.decode("utf-8", "replace") for cid in ids}


def matches(
    tree: CodeTree, reports: Sequence[SeriesReport], commits: Sequence[TreeCommit], cache: PatchIdCache,
    resolve: Callable[[Person], Person],
) -> dict[str, Match]:
    """Posted patches to the tree's commits, as merged detection and the pre-push hook both
    decide it: match, then re-diff the commits at the emails' own context where only that can tell."""
    found = match.match(reports, commits, canonical=resolve)
    wanted = match.rediffs(reports, commits, found)
    if wanted:
        found = match.match(reports, commits, wider_patch_ids(tree, wanted, cache), resolve)
    return found


def canonical(tree: CodeTree, lists: senders.ListSenders = senders.NO_LIST_SENDERS) -> Callable[[Person], Person]:
    """The person as the tree's mailmap names them, addresses in any case, as git does
    (libgit2's own mailmap lookup compares them case-sensitively); an author a list munged
    (`Jane Doe via foo-devel <foo-devel@...>`, applied with `git am`) unmunged first, when
    `lists` saw that list address munged in the archive."""
    mailmap = identity.mailmap_resolver(identity.tree_mailmap(tree.path))
    if not lists.addresses:
        return mailmap
    return lambda person: mailmap(lists.person(person))


def message_ids(message: str) -> tuple[str, ...]:
    """The message-ids named by `Link:` and `Message-ID:` trailers, in every form:
    `<id>`, `lore.kernel.org/r/<id>`, `lore.kernel.org/<list>/<id>`, `lore.kernel.org/all/<id>`,
    `patch.msgid.link/<id>` and other public-inbox links that carry an `@`."""
    found = (_msgid(value) for value in _TRAILER.findall(message))
    return tuple(dict.fromkeys(m for m in found if m))


def _msgid(value: str) -> str | None:
    value = value.strip().rstrip(".,;")
    bracketed, value = value.startswith("<"), value.strip("<>")
    if "://" not in value:
        return value if value and (bracketed or "@" in value) else None
    url = urllib.parse.urlsplit(value)
    segments = [urllib.parse.unquote(s) for s in url.path.split("/") if s]
    place = _MSGID_HOSTS.get((url.hostname or "").lower())
    if place is not None:
        if place == 1 and segments[:1] in (["r"], ["all"]):
            return segments[1] if len(segments) > 1 else None
        return segments[place] if len(segments) > place else None
    return next((s for s in segments if "@" in s), None)


def _commit(commit: pygit2.Commit, resolve: Callable[[Person], Person], pid: str | None) -> TreeCommit:
    text = commit.raw_message.decode("utf-8", "replace")
    name = commit.author.raw_name.decode("utf-8", "replace")
    email = commit.author.raw_email.decode("utf-8", "replace")
    when = datetime.datetime.fromtimestamp(commit.commit_time, tz=datetime.timezone.utc)
    return TreeCommit(
        id=str(commit.id),
        subject=" ".join(text.split("\n\n", 1)[0].split()),
        author=resolve(Person(name, email)),
        date=when,
        msgids=message_ids(text),
        patch_id=pid,
    )


def _rev_list(tree: CodeTree, since: datetime.datetime | None) -> list[str]:
    repo = git.Repo(tree.path)
    revs = [tree.range] if tree.range is not None else ["HEAD", *tree.refs]
    for rev in _sides(tree.range) if tree.range is not None else revs:
        _resolve(repo, rev, tree)
    limit = [f"--max-age={int(since.timestamp())}"] if since and tree.range is None else []
    try:
        out = repo.git.rev_list("--no-merges", *limit, "--end-of-options", *revs)
    except git.GitCommandError as err:
        raise GitError.failed(f"git rev-list in {tree.path}", err.stderr, err.status) from err
    return out.split()


def _resolve(repo: git.Repo, rev: str, tree: CodeTree) -> str:
    """The commit `rev` names in the tree, or a RangeError that says which revision is unknown."""
    try:
        return repo.commit(rev).hexsha
    except (ValueError, git.BadName, git.GitCommandError) as err:
        raise RangeError(f"{rev}: unknown revision in the tree {tree.path}") from err


def _sides(spec: str) -> tuple[str, ...]:
    """The ends of `A..B` (an empty end is HEAD, as for git), or the one revision, each checked."""
    parts = _RANGE.split(spec, maxsplit=1)
    return tuple(archive.check_rev(p or "HEAD") if len(parts) > 1 else archive.check_rev(p) for p in parts)


def _discover(path: Path) -> Path | None:
    try:
        found = pygit2.discover_repository(str(path))
    except pygit2.GitError:
        return None
    return Path(found).resolve() if found else None


def _is_archive(gitdir: Path) -> bool:
    """A public-inbox epoch or v1 archive is a git repository too, but never a code tree."""
    return archive.is_archive(gitdir) or archive.is_archive(gitdir.parent)


def _touches(paths: Iterable[str], wanted: frozenset[str]) -> bool:
    """True when a commit's paths meet the emails' diffstat names (`.../tail` as a suffix)."""
    have = set(paths)
    for name in wanted:
        if name.startswith("..."):
            if any(p.endswith(name[3:]) for p in have):
                return True
        elif name in have:
            return True
    return False
