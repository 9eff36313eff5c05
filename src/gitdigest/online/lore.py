"""lore.kernel.org, or a mirror of it, through liblore: the only module that opens a socket.

b4 0.16 reaches lore through liblore's `LoreNode`, which `b4.get_lore_node()` builds
from `b4.midmask` and liblore's own `lore.*` and `liblore "<origin>".*` keys. gitdigest
builds its node the same way, but calls it one level below b4's helpers:
`b4.get_pi_search_results` and `b4.get_pi_thread_by_msgid` answer None for every
`liblore.RemoteError`, so that "lore is down" and "no such thread" look alike, they
hand back re-serialised `EmailMessage`s where gitdigest's parser and patch-ids want
the bytes as posted, and they share b4's module-global node. The queries themselves
are b4's (see online.py). liblore is imported lazily, here only, and nothing here
runs unless online mode was asked for.
"""

from __future__ import annotations

import functools
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType

from gitdigest import __version__
from gitdigest.errors import GitDigestError
from gitdigest.model import LoreConfig

_NOT_FOUND = 404
"""public-inbox's answer to an unknown message-id, and to a search with no hits."""


class LoreError(GitDigestError):
    """lore could not be asked: unreachable, timed out, or it answered with an error."""


@functools.cache
def _liblore() -> ModuleType:
    """liblore, imported once, its warnings kept off stderr: gitdigest says itself what failed."""
    import logging

    import liblore
    import liblore.node
    import liblore.utils

    # liblore logs a warning per failed host; without a handler, Python prints each one.
    logging.getLogger("liblore").addHandler(logging.NullHandler())
    return liblore


class Lore:
    """One public-inbox server; after its first failure it refuses at once, so nothing waits twice."""

    def __init__(self, config: LoreConfig) -> None:
        self.config = config
        self.failure = ""
        """'' until a request fails; then why, and every later call raises it again."""
        self.asked = 0
        """Requests made so far; at `config.limit`, the next call fails."""
        liblore = _liblore()
        extra = {} if config.timeout is None else {"request_timeout": (config.timeout, config.timeout)}
        # from_git_config reads `lore.*` (for lore.kernel.org) and `liblore "<origin>".*`:
        # fallback mirrors, the request timeout, the User-Agent's `useragentplus`.
        self._node = liblore.node.LoreNode.from_git_config(config.url, cache_dir=None, **extra)
        self._node.set_user_agent("gitdigest", __version__)

    def close(self) -> None:
        """Close the HTTP session."""
        self._node.close()

    def thread(self, msgid: str) -> list[bytes]:
        """Every message of the thread holding `msgid` (`/<msgid>/t.mbox.gz`), as posted; [] when unknown."""
        return self._ask(f"the thread of <{msgid}>", lambda: self._node.get_mbox_by_msgid(msgid, nocache=True))

    def search(self, query: str) -> list[bytes]:
        """The messages a search finds (`/?x=m&q=...`), with their whole threads, as posted; [] for none."""
        return self._ask(f"search {query!r}", lambda: self._node.get_mbox_by_query(query, full_threads=True, nocache=True))

    def _ask(self, what: str, request: Callable[[], bytes]) -> list[bytes]:
        if not self.failure and self.asked >= self.config.limit:
            self.failure = f"{self.config.url}: stopped after {self.asked} requests (digest.onlineLimit)"
        if self.failure:
            raise LoreError(self.failure)
        self.asked += 1
        liblore = _liblore()
        try:
            mbox = request()
        except liblore.RemoteError as err:
            if err.status_code == _NOT_FOUND:
                return []
            self.failure = f"{self.config.url}: {what}: {_reason(err)}"
            raise LoreError(self.failure) from err
        except (liblore.LibloreError, OSError, EOFError, ValueError, zlib.error) as err:
            # An answer that is no mbox.gz (a proxy's page, a cut-off body) is lore failing too.
            self.failure = f"{self.config.url}: {what}: {_reason(err)}"
            raise LoreError(self.failure) from err
        return liblore.utils.split_and_dedupe_as_bytes(mbox)


def _reason(err: Exception) -> str:
    """Why a request failed, in a few words: the last line of requests' long story."""
    status = getattr(err, "status_code", None)
    if status is not None:
        return f"answered HTTP {status}"
    cause = err.__cause__ or err
    text = str(cause)
    if "timed out" in text.lower() or "timeout" in type(cause).__name__.lower():
        return "timed out"
    if "refused" in text.lower():
        return "connection refused"
    return " ".join(text.split())[-160:] or type(cause).__name__


@contextmanager
def opened(config: LoreConfig) -> Iterator[Lore]:
    """A `Lore` for the length of the block."""
    lore = Lore(config)
    try:
        yield lore
    finally:
        lore.close()


def list_name(url: str) -> str:
    """A name for titles when lore stands in for the archive: the inbox, or the host for `/all`."""
    parts = urllib.parse.urlsplit(url)
    inbox = parts.path.rstrip("/").rpartition("/")[2]
    return inbox if inbox and inbox != "all" else parts.hostname or "lore"
