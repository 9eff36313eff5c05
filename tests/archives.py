"""Build real public-inbox archives for tests, the way public-inbox writes them.

A v2 epoch is a bare git repository whose every commit holds one message as the
blob `m` (or, for a removal, the removed message as `d`). A v1 archive is a
repository with one file per message, named after the sha1 of its Message-ID.
"""

from __future__ import annotations

import email.utils
import hashlib
import mailbox
import re
import zlib
from collections.abc import Iterable, Sequence
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path

import pygit2
from pygit2.enums import FileMode

_HEADERS = BytesHeaderParser(policy=compat32)


def read_mbox(path: Path) -> list[bytes]:
    """Every message of an mbox file, as bytes, in file order."""
    box = mailbox.mbox(str(path), create=False)
    try:
        return [box.get_bytes(key) for key in box.keys()]
    finally:
        box.close()


def _signature(data: bytes) -> pygit2.Signature:
    """The commit signature public-inbox writes: the sender and the mail's date."""
    headers = _HEADERS.parsebytes(data)
    name, addr = email.utils.parseaddr(str(headers.get("From", "")))
    stamp = email.utils.parsedate_tz(str(headers.get("Date", "")))
    try:
        when = int(email.utils.mktime_tz(stamp)) if stamp else 0
    except (OverflowError, ValueError):
        when = 0
    offset = (stamp[9] or 0) // 60 if stamp else 0
    # public-inbox stores what git takes: no negative times, no zones beyond +-14h.
    when, offset = (when, offset) if 0 <= when < 2**32 and abs(offset) <= 14 * 60 else (0, 0)
    return pygit2.Signature(_ident(name or addr), _ident(addr), when, offset)


def _ident(text: str) -> str:
    """A name or address git accepts in a signature: no angle brackets, no control characters."""
    return re.sub(r"[<>\x00-\x1f\x7f]", "", text).strip() or "unknown"


def _subject(data: bytes) -> str:
    headers = _HEADERS.parsebytes(data)
    return " ".join(str(headers.get("Subject", "")).split()) or "(no subject)"


class EpochWriter:
    """Appends messages to one v2 epoch, one commit per message."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.repo = pygit2.init_repository(str(path), bare=True)
        self.head: pygit2.Oid | None = None
        if not self.repo.head_is_unborn:
            self.head = self.repo.head.target

    def _commit(self, name: str, data: bytes, message: str) -> str:
        builder = self.repo.TreeBuilder()
        builder.insert(name, self.repo.create_blob(data), FileMode.BLOB)
        sig = _signature(data)
        parents = [self.head] if self.head else []
        self.head = self.repo.create_commit(
            "refs/heads/master", sig, sig, message + "\n", builder.write(), parents
        )
        return str(self.head)

    def add(self, data: bytes) -> str:
        """Commit one message as `m`; returns the commit id."""
        return self._commit("m", data, _subject(data))

    def remove(self, data: bytes) -> str:
        """Commit the removal of a message as `d`, as public-inbox-purge does."""
        return self._commit("d", data, "purge: " + _subject(data))


def build_v2(top: Path, messages: Sequence[bytes], per_epoch: int = 0) -> Path:
    """A v2 archive under `top` (git/0.git, git/1.git ...); returns `top`.

    `per_epoch` splits the messages over epochs of that many messages (0: one epoch).
    """
    size = per_epoch or max(len(messages), 1)
    for epoch, start in enumerate(range(0, max(len(messages), 1), size)):
        writer = EpochWriter(top / "git" / f"{epoch}.git")
        for data in messages[start : start + size]:
            writer.add(data)
    return top


def build_v1(path: Path, messages: Iterable[bytes]) -> Path:
    """A v1 archive: one file per message, `ab/cdef...` from the Message-ID's sha1."""
    repo = pygit2.init_repository(str(path), bare=True)
    files: dict[str, bytes] = {}
    head = None
    for data in messages:
        msgid = str(_HEADERS.parsebytes(data).get("Message-ID", "")).strip()
        digest = hashlib.sha1(msgid.encode()).hexdigest()
        files[f"{digest[:2]}/{digest[2:]}"] = data
        head = repo.create_commit(
            "refs/heads/master",
            _signature(data),
            _signature(data),
            _subject(data) + "\n",
            _v1_tree(repo, files),
            [head] if head else [],
        )
    return path


def _v1_tree(repo: pygit2.Repository, files: dict[str, bytes]) -> pygit2.Oid:
    dirs: dict[str, pygit2.TreeBuilder] = {}
    for name, data in files.items():
        folder, _, leaf = name.partition("/")
        builder = dirs.setdefault(folder, repo.TreeBuilder())
        builder.insert(leaf, repo.create_blob(data), FileMode.BLOB)
    top = repo.TreeBuilder()
    for folder, builder in dirs.items():
        top.insert(folder, builder.write(), FileMode.TREE)
    return top.write()


def make_mail(
    msgid: str,
    subject: str,
    sender: str = "A U Thor <author@example.org>",
    date: str = "Mon, 03 Mar 2025 10:00:00 +0000",
    body: str = "Hello.\n",
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    extra_headers: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One plain-text message as bytes, for tests that need a handful of mails."""
    lines = [
        f"From: {sender}",
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: <{msgid}>",
    ]
    if in_reply_to:
        lines.append(f"In-Reply-To: <{in_reply_to}>")
    refs = list(references) or ([in_reply_to] if in_reply_to else [])
    if refs:
        lines.append("References: " + " ".join(f"<{r}>" for r in refs))
    lines += [f"{k}: {v}" for k, v in extra_headers]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", ""]
    return ("\n".join(lines) + "\n" + body).encode()


DIFF = "---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n a\n+{n}\n"


def mails(start: int, count: int, prefix: str = "m") -> list[bytes]:
    """Patches, each followed by a review; dated a minute apart from 2025-03-03."""
    out = []
    for n in range(start, start + count):
        day, minute = divmod(n, 60 * 24)
        date = f"Mon, {3 + day % 25:02d} Mar 2025 {minute // 60:02d}:{minute % 60:02d}:00 +0000"
        if n % 2:
            body = "> +x\n\nReviewed-by: Rev Iewer <rev@corp.com>\n"
            out.append(make_mail(f"{prefix}{n}@x", f"Re: [PATCH] a: thing {n - 1}", "Rev Iewer <rev@corp.com>", date, body, in_reply_to=f"{prefix}{n - 1}@x"))
        else:
            body = f"Thing {n}.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=n)
            out.append(make_mail(f"{prefix}{n}@x", f"[PATCH] a: thing {n}", "Ann Dev <ann@dev.org>", date, body))
    return out


def add_big_blob(writer: EpochWriter, head: bytes, size: int) -> str:
    """Commit a message blob of `size` bytes (`head`, then `a`s) written as a loose object
    chunk by chunk, never held whole; returns its id."""
    compress, digest, pieces = zlib.compressobj(9), hashlib.sha1(), []
    for part in (f"blob {size}\0".encode(), head):
        digest.update(part)
        pieces.append(compress.compress(part))
    chunk, left = b"a" * (1 << 20), size - len(head)
    while left:
        piece = chunk[: min(left, len(chunk))]
        digest.update(piece)
        pieces.append(compress.compress(piece))
        left -= len(piece)
    pieces.append(compress.flush())
    oid = digest.hexdigest()
    loose = Path(writer.repo.path) / "objects" / oid[:2] / oid[2:]
    loose.parent.mkdir(exist_ok=True)
    loose.write_bytes(b"".join(pieces))
    builder = writer.repo.TreeBuilder()
    builder.insert("m", pygit2.Oid(hex=oid), FileMode.BLOB)
    sig = pygit2.Signature("Ann Dev", "ann@dev.org", 1741000000, 0)
    writer.head = writer.repo.create_commit("refs/heads/master", sig, sig, "big\n", builder.write(), [writer.head])
    return oid
