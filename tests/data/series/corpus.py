"""The tools `make_corpus.py` builds the series corpus with: real patches, mail, threading.

Every patch is real: a commit in a scratch git repository (all on one base, so
that a patch reused by a later revision keeps its patch-id), turned into mail by
`git format-patch`, then given the headers a case needs.
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALICE = "Alice Archer <alice@example.org>"
BOB = "Bob Baker <bob@example.com>"
MAINTAINER = "Jens Maintainer <maint@example.org>"
LIST = "io-uring@vger.kernel.org"
BASE_FILES = ("src/ring.c", "src/queue.c", "src/net.c", "src/buf.c", "src/poll.c")


def at(text: str) -> datetime.datetime:
    """A UTC time from `YYYY-MM-DD HH:MM[:SS]`."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.datetime.strptime(text, fmt).replace(tzinfo=datetime.timezone.utc)


def sec(n: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=n)


@dataclass(frozen=True)
class Mail:
    """One message of a case, before it is written out."""

    msgid: str
    subject: str
    body: str
    date: datetime.datetime
    sender: str = ALICE
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()

    def as_bytes(self) -> bytes:
        lines = [
            f"From: {self.sender}",
            f"To: {LIST}",
            f"Subject: {self.subject}",
            f"Date: {email.utils.format_datetime(self.date)}",
            f"Message-ID: <{self.msgid}>",
        ]
        if self.in_reply_to:
            lines.append(f"In-Reply-To: <{self.in_reply_to}>")
        refs = self.references or ((self.in_reply_to,) if self.in_reply_to else ())
        if refs:
            lines.append("References: " + " ".join(f"<{r}>" for r in refs))
        lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", ""]
        return ("\n".join(lines) + "\n" + self.body).encode()


class Patches:
    """Real patches from a scratch repository: one commit per seed, each on the base."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[tuple[str, str, str], str] = {}
        self.env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_DATE": "2025-03-01T12:00:00Z",
            "GIT_COMMITTER_DATE": "2025-03-01T12:00:00Z",
            "GIT_COMMITTER_NAME": "Corpus",
            "GIT_COMMITTER_EMAIL": "corpus@example.org",
        }
        self.git("init", "-q", "-b", "master")
        for name in BASE_FILES:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = [f"/* {name}: part of a small ring library. */", '#include "ring.h"', ""]
            for i in range(12):
                lines += [
                    f"int {Path(name).stem}_op{i}(struct ring *r)",
                    "{",
                    f"\treturn r->op[{i}];",
                    "}",
                    "",
                ]
            path.write_text("\n".join(lines))
        self.git("add", ".")
        self.commit("Initial import", ALICE)
        self.base = self.git("rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def commit(self, message: str, author: str) -> None:
        name, addr = email.utils.parseaddr(author)
        self.git(
            "-c", f"user.name={name}", "-c", f"user.email={addr}", "commit", "-q", "-m", message
        )

    def body(self, seed: str, title: str, author: str = ALICE) -> str:
        """The body `git format-patch` gives a commit made for `seed` (same seed, same diff)."""
        key = (seed, title, author)
        if key not in self.cache:
            self.cache[key] = self._make(seed, title, author)
        return self.cache[key]

    def _make(self, seed: str, title: str, author: str) -> str:
        digest = hashlib.sha1(seed.encode()).digest()
        self.git("checkout", "-q", "--detach", self.base)
        name = BASE_FILES[digest[0] % len(BASE_FILES)]
        path = self.root / name
        lines = path.read_text().split("\n")
        where = 3 + 5 * (digest[1] % 12)
        slug = "fn_" + digest.hex()[:8]
        lines[where:where] = [
            f"/* {seed} */",
            f"static int {slug}(struct ring *r)",
            "{",
            f"\treturn r->flags & 0x{digest.hex()[8:12]};",
            "}",
            "",
        ]
        path.write_text("\n".join(lines))
        self.git("add", name)
        self.commit(f"{title}\n\nThis adds {slug} ({seed}).\n\nSigned-off-by: {author}", author)
        out = self.git("format-patch", "-1", "--stdout", "--no-numbered", "HEAD")
        return out.split("\n\n", 1)[1]


@dataclass
class Case:
    """One corpus case: its mail, and what gitdigest must make of it."""

    name: str
    what: str
    mails: list[Mail] = field(default_factory=list)
    postings: list[dict] = field(default_factory=list)
    topics: list[list[str]] = field(default_factory=list)
    statuses: dict[str, dict] = field(default_factory=dict)
    mbox_order: list[int] | None = None
    """Write the mails in this order (arrival out of order); default: as built."""
    links: list[list[str]] = field(default_factory=list)
    """Every link expected between postings: [earlier key, later key, signal]; only cases
    that declare some have their links asserted."""
    in_reply_to: dict[str, str] = field(default_factory=dict)
    """Posting key -> key of the posting whose thread it was sent in, where asserted."""

    def add(self, mails: Sequence[Mail]) -> list[Mail]:
        self.mails.extend(mails)
        return list(mails)

    def expect(
        self,
        mails: Sequence[Mail],
        version: int,
        total: int,
        *,
        rfc: bool = False,
        resend: bool = False,
        pull: bool = False,
    ) -> str:
        """One expected posting, its messages in order (cover first); returns its key."""
        self.postings.append(
            {
                "key": mails[0].msgid,
                "version": version,
                "total": total,
                "rfc": rfc,
                "resend": resend,
                "pull": pull,
                "messages": [m.msgid for m in mails],
            }
        )
        return mails[0].msgid

    def link(self, earlier: str, later: str, signal: str) -> None:
        """One expected link between two postings, with the signal that makes it."""
        self.links.append([earlier, later, signal])

    def chain(self, *keys: str) -> None:
        """One topic, its revisions oldest first, all in the period."""
        self.topics.append(list(keys))
        for index, key in enumerate(keys):
            history = list(reversed(keys[:index]))
            if index < len(keys) - 1:
                self.statuses[key] = {
                    "status": "superseded",
                    "superseded_by": keys[-1],
                    "history": history,
                }
            else:
                status = "revised" if history else "new"
                self.statuses[key] = {"status": status, "superseded_by": None, "history": history}


def series(
    patches: Patches,
    case: str,
    label: str,
    tag: str,
    title: str,
    items: Sequence[tuple[str, str]],
    start: datetime.datetime,
    *,
    sender: str = ALICE,
    cover: bool = True,
    threading: str = "shallow",
    in_reply_to: str | None = None,
    cover_text: str = "",
    counters: Sequence[int] | None = None,
    total: int | None = None,
) -> list[Mail]:
    """A posting as `git send-email` sends it: cover (counter 0) then patches 1..N.

    `tag` is the bracketed prefix with `{k}` and `{n}` for the counters, for example
    `[PATCH v2 {k}/{n}]`. `items` are (seed, title) pairs; `counters` overrides the
    number each patch gets and `total` the N. `threading` is shallow (patches answer the cover or the
    first patch), deep (each message answers the previous one) or none.
    """
    n = total or len(items)
    out: list[Mail] = []
    numbers = list(counters) if counters is not None else list(range(1, n + 1))
    if cover:
        text = cover_text or f"Hello,\n\nThis series does {title.lower()}.\n\n"
        shortlog = "".join(f"  {t}\n" for _, t in items)
        body = (
            f"{text}\n{email.utils.parseaddr(sender)[0]} ({len(items)}):\n{shortlog}\n-- \n2.39.5\n"
        )
        out.append(
            Mail(
                f"{case}.{label}.0@example.org",
                f"{tag.format(k=0, n=n)} {title}",
                body,
                start,
                sender,
            )
        )
    for offset, ((seed, ptitle), k) in enumerate(zip(items, numbers), 1):
        body = patches.body(seed, ptitle, sender)
        out.append(
            Mail(
                f"{case}.{label}.{k}@example.org",
                f"{tag.format(k=k, n=n)} {ptitle}",
                body,
                start + sec(offset),
                sender,
            )
        )
    return thread(out, threading, in_reply_to)


def thread(mails: Sequence[Mail], threading: str, in_reply_to: str | None) -> list[Mail]:
    """Set In-Reply-To and References the way `git send-email` does."""
    out: list[Mail] = []
    root = [in_reply_to] if in_reply_to else []
    for index, mail in enumerate(mails):
        if index == 0 or threading == "none":
            parent = in_reply_to if threading != "none" else None
            refs = tuple(root) if parent else ()
        elif threading == "deep":
            parent = out[-1].msgid
            refs = out[-1].references + (parent,)
        else:
            parent = out[0].msgid
            refs = tuple(root) + (parent,)
        out.append(Mail(mail.msgid, mail.subject, mail.body, mail.date, mail.sender, parent, refs))
    return out


def single(
    patches: Patches,
    msgid: str,
    subject: str,
    seed: str,
    title: str,
    date: datetime.datetime,
    *,
    sender: str = ALICE,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> Mail:
    """One standalone patch mail."""
    refs = tuple(references) or ((in_reply_to,) if in_reply_to else ())
    return Mail(msgid, subject, patches.body(seed, title, sender), date, sender, in_reply_to, refs)


def reply(msgid: str, to: Mail, body: str, date: datetime.datetime, sender: str = BOB) -> Mail:
    """A review reply to `to`."""
    subject = to.subject if to.subject.startswith("Re:") else f"Re: {to.subject}"
    return Mail(msgid, subject, body, date, sender, to.msgid, to.references + (to.msgid,))


def items(prefix: str, *titles: str) -> list[tuple[str, str]]:
    """(seed, title) pairs, one seed per title under `prefix`."""
    return [(f"{prefix}/{i}", t) for i, t in enumerate(titles, 1)]
