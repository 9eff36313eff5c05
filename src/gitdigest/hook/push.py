"""What `git push` tells a pre-push hook -> ref updates, and which commits each pushes.

Git writes one line per ref on the hook's standard input:
`<local ref> SP <local oid> SP <remote ref> SP <remote oid> LF` (githooks(5)). An
all-zero local oid deletes the remote ref; an all-zero remote oid creates it. The zero
oid is 40 zeros in a SHA-1 repository and 64 in a SHA-256 one. Under the pre-commit
framework the hook gets no such lines: pre-commit reads them itself and hands one
update on in `PRE_COMMIT_*` variables.

Pure: the hook reads stdin and runs git; this module only reads text and builds the
arguments of `git rev-list`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from gitdigest.model import Span

# Refs cannot hold spaces, but a line is read from the right anyway: the oids have a
# fixed form, and both are of one length (one hash algorithm per repository).
_LINE = re.compile(
    r"^(?P<local_ref>.+?) (?P<local_oid>[0-9a-fA-F]{40}|[0-9a-fA-F]{64})"
    r" (?P<remote_ref>.+) (?P<remote_oid>[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$"
)


class Kind(str, enum.Enum):
    """What the remote ref is."""

    BRANCH = "branch"
    TAG = "tag"
    OTHER = "other"
    """Notes, `refs/for/...` and anything else."""


@dataclass(frozen=True)
class RefUpdate:
    """One ref `git push` is about to update."""

    local_ref: str
    """As given on the command line, expanded when git could: `refs/heads/x`, `HEAD~2`, `(delete)`."""
    local_oid: str
    """The object to push; all zeros to delete. Under pre-commit without a range, a revision."""
    remote_ref: str
    """The ref on the remote: `refs/heads/x`, `refs/tags/v1` ..."""
    remote_oid: str
    """What the remote ref is now, as this repository last saw it; all zeros for a new ref."""

    @property
    def deletes(self) -> bool:
        """The push deletes the remote ref: nothing to report."""
        return is_zero(self.local_oid)

    @property
    def creates(self) -> bool:
        """The remote ref does not exist yet: a new branch or tag."""
        return is_zero(self.remote_oid)

    @property
    def kind(self) -> Kind:
        """Branch, tag, or another kind of ref."""
        if self.remote_ref.startswith("refs/heads/"):
            return Kind.BRANCH
        if self.remote_ref.startswith("refs/tags/"):
            return Kind.TAG
        return Kind.OTHER

    @property
    def name(self) -> str:
        """The remote ref without `refs/heads/` or `refs/tags/`, for messages."""
        for prefix in ("refs/heads/", "refs/tags/"):
            if self.remote_ref.startswith(prefix):
                return self.remote_ref[len(prefix):]
        return self.remote_ref


@dataclass(frozen=True)
class Push:
    """Everything git said about one push."""

    updates: tuple[RefUpdate, ...]
    unreadable: tuple[str, ...] = ()
    """Lines that are not in git's format, kept to be reported."""


def is_zero(oid: str) -> bool:
    """An all-zero object id, of either length: git's name for 'no object'."""
    return len(oid) in (40, 64) and not oid.strip("0")


def parse_line(line: str) -> RefUpdate | None:
    """One stdin line as a RefUpdate, or None when it is not in git's format."""
    match = _LINE.match(line.rstrip("\r\n"))
    if match is None or len(match["local_oid"]) != len(match["remote_oid"]):
        return None
    return RefUpdate(
        local_ref=match["local_ref"],
        local_oid=match["local_oid"].lower(),
        remote_ref=match["remote_ref"],
        remote_oid=match["remote_oid"].lower(),
    )


def parse(text: str) -> Push:
    """Every line git wrote to the hook's stdin; blank lines are ignored."""
    updates: list[RefUpdate] = []
    unreadable: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        update = parse_line(line)
        if update is None:
            unreadable.append(line)
        else:
            updates.append(update)
    return Push(tuple(updates), tuple(unreadable))


def from_pre_commit(env: Mapping[str, str]) -> Push | None:
    """The update the pre-commit framework describes in its `PRE_COMMIT_*` variables, or
    None when not run by it. A push that creates a root commit comes with no range."""
    if "PRE_COMMIT_REMOTE_NAME" not in env and "PRE_COMMIT_TO_REF" not in env:
        return None
    local_ref = env.get("PRE_COMMIT_LOCAL_BRANCH", "")
    remote_ref = env.get("PRE_COMMIT_REMOTE_BRANCH", local_ref)
    target = env.get("PRE_COMMIT_TO_REF") or local_ref
    if not target:
        return Push(())
    base = env.get("PRE_COMMIT_FROM_REF") or "0" * 40
    return Push((RefUpdate(local_ref or target, target, remote_ref, base),))


def span(update: RefUpdate, remote: str, remotes: Collection[str], known: bool) -> Span:
    """The commits `update` sends that the remote lacks.

    That is what the local side reaches, minus what the remote ref holds (when this
    repository has that object: after someone else's push it may not) and minus every
    remote-tracking ref of the remote, so that a new branch, or one rebased onto the
    remote's master, lists only its own commits. A remote given as a URL has no
    remote-tracking refs of its own: then every remote's count.
    """
    hide = (update.remote_oid,) if known and not update.creates else ()
    return Span(update.local_oid, hide, remote if remote in remotes else None)
