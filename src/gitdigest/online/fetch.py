"""Online mode's work: ask lore for what online.py says is missing, and keep it in the index.

Fetched messages are parsed as the archive's are and stored as rows of epoch
`LORE_EPOCH`, so the next run finds them in the index and does not fetch them again;
the threads asked for are remembered too. Every step goes on after lore fails: what
was fetched before stays, and the digest says which part is offline-only.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitdigest import index
from gitdigest.index import Index, Rows, codec, corpus
from gitdigest.mail import parsing
from gitdigest.mail.archive import Archive
from gitdigest.model import LORE_EPOCH, LoreConfig, Parsed, RawMessage, TreeCommit
from gitdigest.online import lore, queries
from gitdigest.online.lore import Lore, LoreError

Select = Callable[[Index], Rows]
"""Which rows of the index are the period (see corpus.gather)."""


@dataclass(frozen=True)
class Outcome:
    """What online mode did in one run, for the report."""

    url: str = ""
    """The server asked; '' when offline."""
    fetched: int = 0
    """Messages added to the index."""
    offline: str = ""
    """Why part of the digest is offline-only; '' when nothing failed."""


def fill(idx: Index, select: Select, found: corpus.Corpus, config: LoreConfig | None, limit: int) -> tuple[corpus.Corpus, Outcome]:
    """The period's series completed from lore, and their newer revisions found there; the corpus
    gathered again when anything was added. With no config (offline), the corpus as it is."""
    if config is None:
        return found, Outcome()
    idx.drop_fetched_copies()
    start = idx.count()
    with lore.opened(config) as client:
        for step in (_complete, _newer):
            generation = idx.generation
            try:
                step(idx, found, client, limit)
            except LoreError:
                pass  # client.failure says why; what came before it is kept
            if idx.generation != generation:
                found = corpus.gather(idx, select)
            if client.failure:
                break
        return found, Outcome(config.url, idx.count() - start, _offline(client.failure))


def lore_corpus(idx: Index, commits: Sequence[TreeCommit], config: LoreConfig, limit: int) -> tuple[corpus.Corpus, Outcome]:
    """With no archive: the series the commits were posted in, found on lore as `b4 dig` finds
    them and checked for newer revisions; the index caches what lore answered."""
    found, outcome = look_up(idx, commits, config, limit)
    wanted = revision_msgids(idx, found.values())
    # The period is those revisions and what answers them: their reviews count.
    replies = tuple(m.msgid for m in idx.by_rows(idx.answering(wanted)).values())
    return corpus.gather(idx, lambda i: i.rows_matching(wanted + replies, (), ())), outcome


def look_up(idx: Index, commits: Sequence[TreeCommit], config: LoreConfig, limit: int) -> tuple[dict[str, str], Outcome]:
    """With no archive (`git digest` in a tree, the pre-push hook): store in the lore store's
    index the postings of the commits and the newer revisions of their series; the posted
    patch of each commit found, by commit id, and what online mode did."""
    start = idx.count()
    with lore.opened(config) as client:
        found = dig(idx, commits, client, limit)
        wanted = revision_msgids(idx, found.values())
        if wanted and not client.failure:
            with contextlib.suppress(LoreError):  # client.failure says why
                _newer(idx, corpus.gather(idx, lambda i: i.rows_matching(wanted, (), ())), client, limit)
        failure = _offline(client.failure, "commits not found in earlier runs were not looked for")
    return found, Outcome(config.url, idx.count() - start, failure)


@contextlib.contextmanager
def store_index(cache: Path, config: LoreConfig, limit: int, note: Callable[[str], None]) -> Iterator[Index]:
    """The index of the lore store (see `store`), open for the block."""
    top = store(cache, config)
    with index.open_index(corpus.index_path(None, cache, top), top, limit, note) as idx:
        yield idx


def dig(idx: Index, commits: Sequence[TreeCommit], client: Lore, limit: int) -> dict[str, str]:
    """The posted patch of each commit that has one, by commit id: from the index when an
    earlier lookup stored it, else from lore (Link: threads, then patch-id, then subject)."""
    found = {}
    for commit in commits:
        msgid = _posting(idx, commit)
        if msgid is None and not client.failure:
            try:
                msgid = _ask(idx, commit, client, limit)
            except LoreError:
                msgid = None
        if msgid is not None:
            found[commit.id] = msgid
    return found


def revision_msgids(idx: Index, msgids: Iterable[str]) -> tuple[str, ...]:
    """Every message of the revisions that hold any of `msgids`."""
    wanted = set(msgids)
    if not wanted:
        return ()
    gathered = corpus.gather(idx, lambda i: i.rows_matching(wanted, (), ()))
    return tuple(dict.fromkeys(m.msgid for rev in queries.holding(gathered.topics, wanted) for m in rev.messages))


def store(cache: Path, config: LoreConfig) -> Archive:
    """Where, with no archive, what lore answered is kept: an archive with no epochs of its own,
    whose index holds only fetched messages; one per server."""
    key = hashlib.sha1(config.url.encode()).hexdigest()[:16]
    top = cache / "lore" / f"{_host(config.url)}-{key}"
    top.mkdir(parents=True, exist_ok=True)
    return Archive(top=top, layout=2, epochs=())


def fetched_rows(raws: Iterable[bytes], limit: int) -> list[codec.Row]:
    """Messages fetched from lore as index rows of epoch LORE_EPOCH; unusable ones left out."""
    found = [RawMessage(data, hashlib.sha1(data).hexdigest(), epoch=LORE_EPOCH) for data in raws]
    parsed = [p for p in parsing.parse_all(found, limit) if isinstance(p, Parsed)]
    return [codec.parsed_row(p, int(p.message.date.timestamp())) for p in parsed]


def _complete(idx: Index, found: corpus.Corpus, client: Lore, limit: int) -> None:
    """Fetch the threads of the period's revisions that lack a patch or their cover letter."""
    revisions = queries.in_period(found.topics, {m.msgid for m in found.inside})
    known = set(idx.rows_matching(queries.answered(revisions), (), ()).msgids)
    for msgid in queries.to_complete(revisions, known):
        _thread(idx, client, msgid, limit)


def _newer(idx: Index, found: corpus.Corpus, client: Lore, limit: int) -> None:
    """Search lore for revisions newer than the newest of each series in the period."""
    for rev in queries.latest(found.topics, {m.msgid for m in found.inside}):
        query = queries.newer_query(rev)
        if query:
            _keep(idx, client.search(query), limit)


def _thread(idx: Index, client: Lore, msgid: str, limit: int) -> None:
    """Fetch the thread of `msgid` into the index, unless an earlier run did."""
    query = f"thread:{msgid}"
    if idx.lore_answers().asked(query) is not None:
        return
    raws = client.thread(msgid)
    kept = _keep(idx, raws, limit)
    idx.lore_answers().remember(query, kept)


def _keep(idx: Index, raws: Sequence[bytes], limit: int) -> tuple[str, ...]:
    """Store fetched messages the index lacks; the message-ids of all that were usable."""
    found = fetched_rows(raws, limit)
    idx.add_fetched(found)
    return tuple(r.msgid for r in found if r.msgid)


def _posting(idx: Index, commit: TreeCommit) -> str | None:
    """The commit's posting among the messages the index holds, or None."""
    hits = idx.rows_matching(commit.msgids, (commit.patch_id,) if commit.patch_id else (), (commit.subject,))
    chosen = queries.posting(commit, idx.by_rows(hits.rows).values())
    return chosen.msgid if chosen else None


def _ask(idx: Index, commit: TreeCommit, client: Lore, limit: int) -> str | None:
    """Ask lore for the commit's posting, in b4 dig's order, until one is found."""
    for msgid in commit.msgids:
        _thread(idx, client, msgid, limit)
    found = _posting(idx, commit)
    for query in queries.dig_queries(commit):
        if found is not None:
            break
        _keep(idx, client.search(query), limit)
        found = _posting(idx, commit)
    return found


def _offline(failure: str, left: str = "missing patches and newer revisions were not looked for") -> str:
    """The note for a digest whose online part failed: what failed, and what that leaves out."""
    return f"offline only: {failure}; {left}" if failure else ""


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].replace(":", "_") or "lore"
