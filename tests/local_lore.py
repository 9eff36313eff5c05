"""A local lore for the online tests: a public-inbox v2 inbox served by `public-inbox-httpd`
on 127.0.0.1, built from the mail below (docs/DESIGN.md, "A local lore for tests").

The inbox is made as public-inbox makes one (`public-inbox-init -V2`), its epoch filled
with `archives.build_v2`'s commits, and indexed at the default level, with Xapian, so
that searches (`?q=...&x=m`) answer. Each test builds its own local archive from part
of `MAILS`: what the archive lacks, only this server has.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archives import build_v2, make_mail

INBOX = "test"
ADDRESS = "test@lore.test"
START_WITHIN = 30.0
"""Seconds the server gets to answer its first request."""

CHANGE_ID = "20250301-quiet-pager-1a2b3c4d5e6f"
FROB_FILE = "lib/frob.c"
FROB_TEXT = "int frob(void)\n{\n\treturn 42;\n}\n"
"""What the dig case's patch adds; a test tree commits the same file to share its patch-id."""


def new_file_diff(path: str, text: str) -> str:
    """A `git format-patch` diff that creates `path` holding `text`."""
    lines = text.splitlines()
    added = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1111111\n"
        f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{added}"
    )


def _patch(message: str, path: str, text: str, sign: str = "A U Thor <author@example.org>") -> str:
    files = f" {path} | {len(text.splitlines())} +\n 1 file changed, {len(text.splitlines())} insertions(+)\n"
    return f"{message}\n\nSigned-off-by: {sign}\n---\n{files}\n{new_file_diff(path, text)}-- \n2.47.0\n"


def _date(day: int, minute: int = 0) -> str:
    return f"Mon, {day:02d} Mar 2025 10:{minute:02d}:00 +0000"


CAROL = "Carol Coder <carol@example.org>"
DAVE = "Dave Dev <dave@example.org>"
MAILS: dict[str, bytes] = {
    # A: a series whose cover letter the local archive lacks.
    "a0": make_mail("a0@lore.test", "[PATCH 0/2] net: tidy the widget queue", date=_date(3), body="Two small things.\n"),
    "a1": make_mail(
        "a1@lore.test", "[PATCH 1/2] net: drop the spare widget", date=_date(3, 1), in_reply_to="a0@lore.test",
        body=_patch("Nobody uses it.", "net/spare.c", "int spare;\n"),
    ),
    "a2": make_mail(
        "a2@lore.test", "[PATCH 2/2] net: count the widgets once", date=_date(3, 2), in_reply_to="a0@lore.test",
        body=_patch("Once is enough.", "net/count.c", "int count;\n"),
    ),
    # B: v2 in the local archive, v3 (same change-id) only on the server.
    "b2-0": make_mail(
        "b2-0@lore.test", "[PATCH v2 0/1] mm: quiet the pager", date=_date(4),
        body=f"Quieter.\n\n---\nchange-id: {CHANGE_ID}\n",
    ),
    "b2-1": make_mail(
        "b2-1@lore.test", "[PATCH v2 1/1] mm: quiet the pager", date=_date(4, 1), in_reply_to="b2-0@lore.test",
        body=_patch("Less noise.", "mm/pager.c", "int quiet = 1;\n"),
    ),
    "b3-0": make_mail(
        "b3-0@lore.test", "[PATCH v3 0/1] mm: quiet the pager", date=_date(10),
        body=f"Quieter still.\n\n---\nchange-id: {CHANGE_ID}\n",
    ),
    "b3-1": make_mail(
        "b3-1@lore.test", "[PATCH v3 1/1] mm: quiet the pager", date=_date(10, 1), in_reply_to="b3-0@lore.test",
        body=_patch("Less noise, v3.", "mm/pager.c", "int quiet = 2;\n"),
    ),
    # C: no change-id; v2 found by subject and sender.
    "c1": make_mail(
        "c1@lore.test", "[PATCH] fs: trim the inode cache", sender=CAROL, date=_date(5),
        body=_patch("Trim it.", "fs/trim.c", "int trim;\n", CAROL),
    ),
    "c2": make_mail(
        "c2@lore.test", "[PATCH v2] fs: trim the inode cache", sender=CAROL, date=_date(12),
        body=_patch("Trim it, v2.", "fs/trim.c", "int trim = 2;\n", CAROL),
    ),
    # D: a patch a tree carries under another subject: only its patch-id finds it.
    "d1": make_mail(
        "d1@lore.test", "[PATCH] lib: add frobnicate helper", sender=DAVE, date=_date(6),
        body=_patch("Frobnicate things.", FROB_FILE, FROB_TEXT, DAVE),
    ),
    "d1-r": make_mail(
        "d1-r@lore.test", "Re: [PATCH] lib: add frobnicate helper", sender="Rita Reviewer <rita@example.org>",
        date=_date(7), in_reply_to="d1@lore.test", body="> Frobnicate things.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n",
    ),
    # Mail that only a local archive holds.
    "x1": make_mail("x1@lore.test", "kvm: a question about the queue", date=_date(2), body="Anyone?\n"),
}


@dataclass(frozen=True)
class Server:
    """A running public-inbox-httpd."""

    url: str
    """The inbox URL: `http://127.0.0.1:PORT/test`."""
    pid: int


def env(top: Path) -> dict[str, str]:
    """A sealed environment for public-inbox: its own HOME and PI_CONFIG under `top`."""
    home = top / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ, "HOME": str(home), "PI_CONFIG": str(top / "pi-config"), "PI_DIR": str(top / "pi"),
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "TZ": "UTC",
    }


def build_inbox(top: Path, port: int, mails: list[bytes]) -> Path:
    """A v2 inbox holding `mails`, indexed with Xapian, and the PI_CONFIG that names it."""
    where, environ = top / "inbox", env(top)
    url = f"http://127.0.0.1:{port}/{INBOX}"
    subprocess.run(["public-inbox-init", "-V2", INBOX, str(where), url, ADDRESS], check=True, env=environ, capture_output=True)
    source = build_v2(top / "source", mails)
    subprocess.run(
        ["git", "-C", str(where / "git" / "0.git"), "fetch", "-q", str(source / "git" / "0.git"), "master:master"],
        check=True, env=environ, capture_output=True,
    )
    # The default level (full) builds the Xapian index that search needs; `-L basic` would not.
    subprocess.run(["public-inbox-index", str(where)], check=True, env=environ, capture_output=True, timeout=120)
    return where


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(top: Path, mails: list[bytes] | None = None) -> Iterator[Server]:
    """An inbox of `mails` (default: all of MAILS) served on 127.0.0.1 until the block ends."""
    port = free_port()
    build_inbox(top, port, list(MAILS.values()) if mails is None else mails)
    log = (top / "httpd.log").open("wb")
    process = subprocess.Popen(
        ["public-inbox-httpd", "-W0", "-l", f"http://127.0.0.1:{port}"],
        env=env(top), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        server = Server(f"http://127.0.0.1:{port}/{INBOX}", process.pid)
        _wait(server, process, top / "httpd.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _wait(server: Server, process: subprocess.Popen, log: Path) -> None:
    """Until the server answers its help page; it must within START_WITHIN seconds."""
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"public-inbox-httpd exited with {process.returncode}: {log.read_text()}")
        try:
            # No proxy, whatever the environment says: the server is on loopback.
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(f"{server.url}/_/text/help/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"public-inbox-httpd did not answer within {START_WITHIN} s: {log.read_text()}")
