"""The whole pipeline, top to bottom: archive -> messages -> series -> status -> stats.

One function per mode: `run` for a digest (of an archive, a mailbox, or lore alone),
`update_index` for `git digest index`, `trace_push` for the pre-push hook. This module
composes the stages and does no I/O itself: reading happens in the stages that own it
(`mail.archive`, `index`, `tree.codetree`, `online.fetch`), and the shells (`cli.py`,
`hook/prepush.py`) write the output and choose the exit status.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitdigest import index, settings
from gitdigest.errors import EmptyPeriodError
from gitdigest.index import Index, Update, corpus, ingest
from gitdigest.mail import archive, messages, parsing, senders
from gitdigest.model import (
    MAX_MESSAGE_SIZE,
    Digest,
    LoreConfig,
    Message,
    MessageText,
    Parsed,
    Period,
    Person,
    RawMessage,
    SeriesReport,
    Skipped,
    Topic,
    TreeCommit,
    unique,
)
from gitdigest.online import fetch, lore
from gitdigest.people import identity, reviews, stats
from gitdigest.series import classify, grouping
from gitdigest.tree import codetree, match, provenance

Progress = Callable[[str, int, int], None]
Note = Callable[[str], None]
Earlier = Callable[[frozenset[str], datetime.datetime], frozenset[str] | None]
"""Which of these authors sent a patch before this date; None when the source holds nothing earlier."""


@dataclass(frozen=True)
class Request:
    """What the user asked for, already validated by the shell."""

    archive: Path | None = None
    range: str | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    mbox: Path | None = None
    list_name: str = ""
    cache: Path | None = None
    """Where gitdigest keeps what it derives (clones of bundles, the index)."""
    tree: Path | None = None
    """The code tree merged-detection looks at (--tree, digest.tree); None: none."""
    tree_range: str | None = None
    """`X..Y`: only these tree commits count as merged (--tree-range)."""
    tree_refs: tuple[str, ...] = ()
    """Refs besides HEAD whose commits count as merged (digest.treeRefs)."""
    workdir: Path | None = None
    """Where the command runs: in a code tree, `A..B` there names tree commits (tree mode)."""
    max_message_size: int = MAX_MESSAGE_SIZE
    """Larger messages are skipped unparsed (digest.maxMessageSize)."""
    index: Path | None = None
    """The index file (--index, digest.index); None: one per archive under `cache`."""
    mailmap: Path | None = None
    """A mailmap file (digest.mailmap), applied after the tree's `.mailmap`."""
    orgmap: Path | None = None
    """A gitdm employer map: a directory like QEMU's contrib/gitdm/, or a gitdm.config (digest.orgmap)."""
    tree_web: str = ""
    """A commit's web page, `%s` for its id (digest.treeWeb), for links in the HTML report."""
    online: LoreConfig | None = None
    """Where online mode fetches what the archive lacks (--online, digest.online); None: offline."""


@dataclass(frozen=True)
class Loaded:
    """Parsed messages and the ones that could not be used."""

    messages: tuple[Message, ...]
    skipped: tuple[Skipped, ...]


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


def _silent(text: str) -> None:
    """The default note callback: say nothing."""


def run(request: Request, progress: Progress = _quiet, note: Note = _silent) -> Digest:
    """Digest the requested period; with a code tree, also what of it landed there.

    An archive is read through its index, updated first; `note` hears of an index
    that had to be rebuilt.
    """
    request = _tree_mode(request)
    people = identity.load(request.tree, request.mailmap, request.orgmap)
    if request.mbox is not None:
        return _run_mbox(request, progress, people)
    if _lore_only(request):
        return _run_lore(request, note, people)
    arch = archive.open_archive(request.archive or Path.cwd(), request.cache)
    path = corpus.index_path(request.index, request.cache, arch)
    work = lambda idx: _finish(_read(request, arch, idx, progress, people), request, idx.tree_patch_ids(), lists=idx.list_senders)
    return corpus.with_index(arch, path, request.max_message_size, note, work)


def update_index(request: Request, progress: Progress = _quiet, note: Note = _silent) -> tuple[Path, Update]:
    """Bring the archive's index up to date (`git digest index`); where it is, what was done."""
    arch = archive.open_archive(request.archive or Path.cwd(), request.cache)
    path = corpus.index_path(request.index, request.cache, arch)
    return path, corpus.with_index(arch, path, request.max_message_size, note, lambda idx: ingest.update(idx, arch, progress))


def _finish(
    result: Digest, request: Request, cache: codetree.PatchIdCache, commits: Sequence[TreeCommit] | None = None,
    lists: Callable[[], senders.ListSenders] = lambda: senders.NO_LIST_SENDERS,
) -> Digest:
    """With a code tree, what of the digest landed there; `lists` gives the list addresses seen munged."""
    return _merged(result, request, cache, commits, lists()) if request.tree is not None else result


def _tree_mode(request: Request) -> Request:
    """Inside a code tree (or --tree), with an archive named, `A..B` are tree commits: the
    period runs from A's committer date to B's, and merged is decided against `A..B`."""
    where = request.tree or request.workdir
    if request.tree_range:  # --tree-range alone names the current directory's tree
        return dataclasses.replace(request, tree=where)
    if not (request.range and request.archive and where) or request.mbox:
        return request
    if not codetree.names_range(where, request.range):
        return request
    since, until = codetree.range_dates(codetree.open_tree(where, request.range))
    return dataclasses.replace(
        request, range=None, since=since, until=until + datetime.timedelta(seconds=1),
        tree=where, tree_range=request.range,
    )


def _merged(
    result: Digest, request: Request, cache: codetree.PatchIdCache, commits: Sequence[TreeCommit] | None,
    lists: senders.ListSenders,
) -> Digest:
    """Each series' patches matched to tree commits (read here unless already read): merged,
    partially merged, and how; tree authors a list munged are unmunged as in the archive."""
    assert request.tree is not None
    code = codetree.open_tree(request.tree, request.tree_range, request.tree_refs)
    resolve = codetree.canonical(code, lists)
    if commits is None:
        earliest = min((r.revision.date for r in result.series), default=None)
        commits = codetree.commits(code, earliest - codetree.MARGIN if earliest else None, cache, resolve)
    found = codetree.matches(code, result.series, commits, cache, resolve)
    period = dataclasses.replace(result.period, tree=code.describe())
    return dataclasses.replace(result, series=match.settle(result.series, found), period=period)


def _read(request: Request, arch: archive.Archive, idx: Index, progress: Progress, people: identity.Identity) -> Digest:
    """Digest the requested period of an archive, through its index."""
    ingest.update(idx, arch, progress)
    if request.range:
        selection = archive.select_range(arch, request.range)
        commits = tuple(_commits(selection))
        select = lambda i: i.rows_of_commits(commits)
    else:
        selection = archive.Selection(arch, ())
        since, until = (d.timestamp() if d else None for d in (request.since, request.until))
        select = lambda i: i.rows_between(since, until)
    found = corpus.gather(idx, select)
    if not (found.inside or found.skipped):
        raise EmptyPeriodError(f"{request.range or 'the period'}: no messages in {arch.top}")
    found, online = fetch.fill(idx, select, found, request.online, request.max_message_size)
    return _digest(
        Period(
            start=selection.first or "",
            end=selection.last or "",
            since=request.since,
            until=request.until,
            list_name=request.list_name or archive.list_name(arch),
            gaps=arch.gaps,
            tree_web=request.tree_web,
            lore=online.url,
            fetched=online.fetched,
            offline=online.offline,
        ),
        found.inside,
        found.topics,
        found.replies,
        found.skipped,
        lambda msg: corpus.text_of(idx, arch, msg),
        people,
        lambda emails, before: idx.authors_before(emails, before.timestamp()),
    )


def _lore_only(request: Request) -> bool:
    """Online, with no archive, in a code tree where `A..B` are its commits: lore stands in for the archive."""
    where = request.tree or request.workdir
    return bool(request.online and request.archive is None and request.range and where and codetree.names_range(where, request.range))


def _run_lore(request: Request, note: Note, people: identity.Identity) -> Digest:
    """No archive: the series the tree's `A..B` commits came from, found on lore as `b4 dig` finds them."""
    config, given = request.online, request.range
    assert config is not None and given is not None  # _lore_only saw both
    request = dataclasses.replace(request, tree=request.tree or request.workdir, tree_range=request.range)
    assert request.tree is not None  # _lore_only saw a tree
    code = codetree.open_tree(request.tree, request.tree_range)
    store = fetch.store(request.cache or settings.cache_dir(), config)

    def work(idx: Index) -> Digest:
        assert request.online is not None
        # With a range, the tree's refs and dates do not matter: these are also the commits merged detection reads.
        commits = codetree.commits(code, None, idx.tree_patch_ids())
        found, online = fetch.lore_corpus(idx, commits, request.online, request.max_message_size)
        if not found.inside:
            offline = f" ({online.offline})" if online.offline else ""
            raise EmptyPeriodError(f"{request.range}: no posting of its commits found on {online.url}{offline}")
        name = request.list_name or lore.list_name(online.url)
        period = Period(list_name=name, tree_web=request.tree_web, lore=online.url, fetched=online.fetched, offline=online.offline)
        text_of = lambda msg: corpus.text_of(idx, store, msg)
        result = _digest(period, found.inside, found.topics, found.replies, found.skipped, text_of, people)
        return _finish(result, request, idx.tree_patch_ids(), commits)

    return corpus.with_index(store, corpus.index_path(None, request.cache, store), request.max_message_size, note, work)


def _commits(selection: archive.Selection) -> Iterable[str]:
    for part in selection.commits:
        yield from part.commits


def _run_mbox(request: Request, progress: Progress, people: identity.Identity) -> Digest:
    assert request.mbox is not None
    raws = {raw.blob: raw for raw in archive.read_mailbox(request.mbox, request.max_message_size)}
    if not raws:
        raise EmptyPeriodError(f"{request.mbox}: no messages")
    loaded = load(raws.values(), progress, len(raws), request.max_message_size)
    period = [m for m in loaded.messages if _within(m.date, request.since, request.until)]
    texts = lambda msg: messages.text_of(raws[msg.blob], msg.msgid)
    name = request.list_name or request.mbox.stem
    result = _digest(
        Period(since=request.since, until=request.until, list_name=name, tree_web=request.tree_web),
        period,
        grouping.topics(grouping.postings(loaded.messages)),
        loaded.messages,
        loaded.skipped,
        texts,
        people,
        lambda emails, before: reviews.authors_before(loaded.messages, emails, before),
    )
    return _finish(result, request, codetree.MemoryCache(), lists=lambda: senders.of_messages(loaded.messages))


def _within(when: datetime.datetime, since: datetime.datetime | None, until: datetime.datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when < until)


def load(
    raws: Iterable[RawMessage],
    progress: Progress = _quiet,
    total: int = 0,
    limit: int = MAX_MESSAGE_SIZE,
) -> Loaded:
    """Parse raw messages, drop those a `d` commit removed, and give every diff its patch-id."""
    given = list(raws)
    # public-inbox's `d` blob is the removed message's own blob (V2Writable keeps the raw bytes).
    removed = {raw.blob for raw in given if raw.removed}
    results = parsing.parse_all(given, limit, progress, total)
    kept = [r.message for r in results if isinstance(r, Parsed) and r.message.blob not in removed]
    return Loaded(tuple(kept), tuple(r for r in results if isinstance(r, Skipped)))


def _digest(
    period: Period,
    inside: Sequence[Message],
    topics: Sequence[Topic],
    replies: Sequence[Message],
    skipped: tuple[Skipped, ...],
    text_of: Callable[[Message], MessageText],
    people: identity.Identity = identity.NO_IDENTITY,
    earlier: Earlier | None = None,
) -> Digest:
    """The digest of `inside`, given every topic with a revision in it, the messages
    that may reply to those revisions, and who sent patches before the period."""
    if not inside:
        raise EmptyPeriodError("the period holds no messages that could be read")
    inside_ids = {m.msgid for m in inside}
    in_period = lambda rev: any(m.msgid in inside_ids for m in rev.messages)
    reports = classify.classify(topics, in_period)
    shown = [r.revision for r in reports]
    dates = sorted(m.date for m in inside)
    period = dataclasses.replace(
        period, since=period.since or dates[0], until=period.until or dates[-1]
    )
    authors = frozenset(m.author.email for m in reviews.contributions(inside))
    received = reviews.reviews(reports, inside, replies, people)
    return Digest(
        period=period,
        series=reports,
        stats=stats.compute(inside, shown, replies, people, received.reviewers),
        texts=_texts(reports, text_of),
        skipped=skipped,
        message_count=len({m.msgid for m in inside}),
        people=reviews.people(inside, people, earlier(authors, period.since) if earlier and period.since else None),
        reviews=received,
        left_out=_left_out(inside, reports),
    )


def _left_out(inside: Sequence[Message], reports: Sequence[SeriesReport]) -> tuple[Message, ...]:
    """The period's tagged messages that are not replies and that no series holds."""
    placed = {m.msgid for r in reports for rev in (r.revision, *r.history) for m in rev.messages}
    return tuple(m for m in unique(inside) if m.subject.prefixes and not m.subject.is_reply and m.msgid not in placed)


def _texts(reports: Sequence[SeriesReport], text_of: Callable[[Message], MessageText]) -> dict[str, MessageText]:
    """Load the readable text of every message the report prints in full."""
    wanted = [r.revision for r in reports if r.is_live]
    return {m.msgid: text_of(m) for rev in wanted for m in rev.messages}


def trace_push(code: codetree.CodeTree, config: settings.Settings, ids: Sequence[str], say: Note) -> provenance.Provenance | None:
    """The pre-push hook's run: where the pushed commits come from, through the archive's index; None while another process
    builds it for the first time (an update in progress: the index as it last was)."""
    if config.archive is None:
        return _trace_on_lore(code, config, ids, say)
    cache = settings.cache_dir()
    arch = archive.open_archive(config.archive, cache)
    path = corpus.index_path(config.index, cache, arch)
    with index.open_index(path, arch, config.max_message_size, lambda text: say(f"note: {text}"), wait=False) as idx:
        busy = idx.lock.busy()
        if busy and not idx.complete:
            say("warning: no pre-push summary: the list's index is being built by another process")
            return None
        if busy:
            say("note: another process is updating the list's index; this summary is from its last update")
        elif not idx.complete:
            say(f"note: indexing {arch.top} for the first time; later pushes are quick")
        ingest.update(idx, arch, wait=False)
        resolve = codetree.canonical(code, idx.list_senders())
        commits = codetree.read_commits(code, ids, idx.tree_patch_ids(), resolve)
        wanted = provenance.lookup(commits)
        found = corpus.gather(idx, lambda i: i.rows_matching(wanted.msgids, wanted.patch_ids, wanted.titles))
        return _provenance(code, ids, commits, found, idx.tree_patch_ids(), resolve)


def _trace_on_lore(code: codetree.CodeTree, config: settings.Settings, ids: Sequence[str], say: Note) -> provenance.Provenance:
    """With no archive and digest.online: find the commits' series on lore as `b4 dig` does
    (Link: threads, then `patchid:` searches), cached in the lore store's own index."""
    note = lambda text: say(f"note: {text}")
    with fetch.store_index(settings.cache_dir(), config.lore, config.max_message_size, note) as idx:
        resolve = codetree.canonical(code)
        commits = codetree.read_commits(code, ids, idx.tree_patch_ids(), resolve)
        found, outcome = fetch.lore_corpus(idx, commits, config.lore, config.max_message_size)
        if outcome.offline:
            say(f"warning: offline only: {outcome.offline}")
        return _provenance(code, ids, commits, found, idx.tree_patch_ids(), resolve)


def _provenance(
    code: codetree.CodeTree, ids: Sequence[str], commits: Sequence[TreeCommit], found: corpus.Corpus,
    cache: codetree.PatchIdCache, resolve: Callable[[Person], Person],
) -> provenance.Provenance:
    """The pushed commits against the series found for them, matched as merged detection matches."""
    reports = provenance.reports(provenance.relevant(found.topics, {m.msgid for m in found.inside}))
    matches = codetree.matches(code, reports, commits, cache, resolve)
    return provenance.trace(commits, reports, matches, found.replies, codetree.messages(code, ids))
