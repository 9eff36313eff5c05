"""A synthetic large archive: N copies of a real one that never link to each other.

Copy 0 is the source archive's messages as they are. Copy k (k >= 1) is every message
rewritten so that nothing in it can join copy 0 or another copy: each `@` that starts a
domain (message-ids, addresses, lore links, Supersedes) becomes `@ck.`, the subject gets
a tag `ck` after its prefixes, each change-id a suffix `-ck`, each diff header a path
prefix `ck/` (so patch-ids differ), and every date moves back by k times SHIFT. Copies are
interleaved by date and cut into epochs as public-inbox cuts a large list, written with
`git fast-import` and repacked. The newest messages are copy 0's, so the newest week's digest is the
same whatever the number of copies.

The last `held` messages of copy 0 are written on top of the archive as commits that no
ref names yet: `apply(held)` moves the last epoch's head onto them (+100 messages, as a
`git fetch` of the archive brings), `apply(None)` moves it back.
"""

from __future__ import annotations

import datetime
import email.utils
import heapq
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pygit2
from common import epoch_paths
from pygit2.enums import SortMode

SHIFT = datetime.timedelta(days=9)
"""How far back each copy's dates move: more than a week, so that the newest week is copy 0's."""
_DOMAIN_AT = re.compile(rb"@(?=[A-Za-z0-9])")
_SUBJECT = re.compile(rb"^(Subject:[ \t]*(?:(?:re|fwd?|aw)[ \t]*:[ \t]*|\[[^\]\n]*\][ \t]*)*)", re.IGNORECASE | re.MULTILINE)
_CHANGE_ID = re.compile(rb"^(change-id:[ \t]*\S+)", re.IGNORECASE | re.MULTILINE)
_DIFF_GIT = re.compile(rb"^diff --git a/(\S+) b/(\S+)", re.MULTILINE)
_OLD_NEW = re.compile(rb"^(---|\+\+\+) ([ab])/", re.MULTILINE)
_DATE = re.compile(rb"^Date:[ \t]*([^\n]*)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Source:
    """One message of the source archive: its bytes, whether a `d` commit, and its commit's author."""

    data: bytes
    removed: bool
    name: str
    email: str
    time: int


@dataclass(frozen=True)
class Built:
    """The archive written: where, how many messages, and the commits that `apply` moves to."""

    top: Path
    messages: int
    held: int
    last_epoch: Path
    before: str
    """The last epoch's head without the held messages."""
    after: str
    """Its head with them."""

    def apply(self, held: bool) -> None:
        """Move the last epoch's head onto the held messages, or back off them."""
        target = self.after if held else self.before
        subprocess.run(["git", "update-ref", "refs/heads/master", target], cwd=self.last_epoch, check=True)


def source(top: Path, last: int = 0) -> list[Source]:
    """The messages of every epoch of the archive at `top`, in archive order (the last `last` only)."""
    found: list[Source] = []
    epochs = epoch_paths(top)
    if not epochs:
        raise SystemExit(f"{top}: not a public-inbox archive (no git/N.git epochs under it, nor a bare repository)")
    for path in epochs:
        repo = pygit2.Repository(str(path))
        if repo.head_is_unborn:
            continue
        for commit in repo.walk(repo.head.target, SortMode.TOPOLOGICAL | SortMode.REVERSE):
            for name, removed in (("m", False), ("d", True)):
                if name in commit.tree:
                    author = commit.author
                    found.append(Source(repo[commit.tree[name].id].data, removed, author.name, author.email, author.time))
    return found[-last:] if last else found


def rewrite(data: bytes, copy: int) -> bytes:
    """The message as copy `copy` holds it (copy 0: unchanged)."""
    if copy == 0:
        return data
    tag = f"c{copy}".encode()
    data = _DOMAIN_AT.sub(b"@" + tag + b".", data)
    data = _SUBJECT.sub(lambda m: m.group(1) + tag + b" ", data, count=1)
    data = _CHANGE_ID.sub(lambda m: m.group(1) + b"-" + tag, data)
    data = _DIFF_GIT.sub(lambda m: b"diff --git a/" + tag + b"/" + m.group(1) + b" b/" + tag + b"/" + m.group(2), data)
    data = _OLD_NEW.sub(lambda m: m.group(1) + b" " + m.group(2) + b"/" + tag + b"/", data)
    return _DATE.sub(lambda m: b"Date: " + _shifted(m.group(1), copy), data, count=1)


def _shifted(value: bytes, copy: int) -> bytes:
    try:
        when = email.utils.parsedate_to_datetime(value.decode("ascii", "replace").strip())
    except (TypeError, ValueError, IndexError):
        return value
    if when is None:
        return value
    return email.utils.format_datetime(when - copy * SHIFT).encode()


def _stream(messages: Sequence[Source], copy: int) -> Iterator[tuple[int, int, Source, bytes]]:
    shift = int((copy * SHIFT).total_seconds())
    for msg in messages:
        yield msg.time - shift, copy, msg, rewrite(msg.data, copy)


def build(top: Path, messages: Sequence[Source], copies: int, epochs: int = 4, held: int = 0) -> Built:
    """Write the archive of `copies` copies of `messages` under `top` in `epochs` epochs;
    copy 0's last `held` messages are written after the last head (see `apply`)."""
    kept, later = (messages[:-held], messages[-held:]) if held else (messages, [])
    merged = heapq.merge(*(_stream(kept if k == 0 else messages, k) for k in range(copies)), key=lambda t: t[0])
    total = len(kept) + (copies - 1) * len(messages)
    per_epoch = -(-total // max(epochs, 1))
    written = 0
    current: subprocess.Popen[bytes] | None = None
    path = top
    for when, copy, msg, data in merged:
        if written % per_epoch == 0:
            if current is not None:
                _finish(current, repack=path)
            path = top / "git" / f"{written // per_epoch}.git"
            current = _writer(path)
        assert current is not None and current.stdin is not None
        _commit(current.stdin, msg, data, when, copy, None if written % per_epoch else "")
        written += 1
    assert current is not None
    _finish(current, repack=path)
    before = _head(path)
    after = before
    if later:
        writer = _writer(path, ref="refs/heads/held")
        assert writer.stdin is not None
        for number, msg in enumerate(later):
            _commit(writer.stdin, msg, msg.data, msg.time, 0, before if number == 0 else None, ref="refs/heads/held")
        _finish(writer)
        after = subprocess.run(["git", "rev-parse", "refs/heads/held"], cwd=path, check=True, capture_output=True, text=True).stdout.strip()
    return Built(top, written + len(later), len(later), path, before, after)


def _writer(path: Path, ref: str = "refs/heads/master") -> subprocess.Popen[bytes]:
    if not path.exists():
        subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=path, stdin=subprocess.PIPE)


def _finish(writer: subprocess.Popen[bytes], repack: Path | None = None) -> None:
    """End a fast-import; with `repack`, pack that epoch as a clone from lore comes packed.

    fast-import deltas each blob against the one written before it, in chains up to 50
    long, and `git cat-file --batch-all-objects` (the floor) reads in hash order, so it
    rebuilds a chain for nearly every blob: 21 s instead of 1.2 s for a third of the
    5-copy archive. `git repack -adf` chooses deltas as `git gc` on lore's side does.
    """
    assert writer.stdin is not None
    writer.stdin.write(b"done\n")
    writer.stdin.close()
    if writer.wait():
        raise SystemExit("git fast-import failed")
    if repack is not None:
        subprocess.run(["git", "repack", "-adfq"], cwd=repack, check=True)


def existing(top: Path, messages: int, held: int) -> Built | None:
    """The archive `build` wrote earlier at `top` (its last epoch at its own head, the held
    messages on `refs/heads/held`), for `messages` in all; None when there is none."""
    epochs = epoch_paths(top)
    if not epochs:
        return None
    last = epochs[-1]
    heads = subprocess.run(["git", "rev-parse", "refs/heads/held", "refs/heads/held~" + str(held)], cwd=last,
                           capture_output=True, text=True)
    if heads.returncode or not held:
        return None
    after, before = heads.stdout.split()
    built = Built(top, messages, held, last, before, after)
    built.apply(False)
    return built


def _head(path: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, check=True, capture_output=True, text=True).stdout.strip()


def _ident(msg: Source, copy: int) -> bytes:
    name = re.sub(r"[<>\n]", "", msg.name) or "unknown"
    address = re.sub(r"[<>\n\s]", "", msg.email)
    if copy:
        address = _DOMAIN_AT.sub(f"@c{copy}.".encode(), address.encode()).decode()
    return f"{name} <{address}>".encode()


def _commit(out, msg: Source, data: bytes, when: int, copy: int, parent: str | None, ref: str = "refs/heads/master") -> None:
    """One public-inbox commit: a tree holding the message as `m` (or `d` for a removal)."""
    ident = _ident(msg, copy) + f" {when} +0000".encode()
    subject = b"removed" if msg.removed else b"message"
    out.write(b"commit " + ref.encode() + b"\nauthor " + ident + b"\ncommitter " + ident + b"\n")
    out.write(b"data %d\n%s\n" % (len(subject), subject))
    if parent:
        out.write(b"from " + parent.encode() + b"\n")
    out.write(b"deleteall\n")
    out.write(b"M 100644 inline " + (b"d" if msg.removed else b"m") + b"\n")
    out.write(b"data %d\n" % len(data) + data + b"\n")
