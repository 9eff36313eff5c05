"""The whole pipeline, top to bottom: archive -> messages -> series -> status -> stats.

One function per mode: `run` for a digest (of an archive, a mailbox, or lore alone),
`update_index` for `git digest index`, `trace_push` for the pre-push hook. This module
composes the stages and does no I/O itself: reading happens in the stages that own it
(`mail.archive`, `index`, `tree.codetree`, `online.fetch`), and the shells (`cli.py`,
`hook/prepush.py`) write the output and choose the exit status.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gitdigest import index, settings, streaming
from gitdigest.errors import EmptyPeriodError, RangeError
from gitdigest.index import Index, Update, codec, corpus, ingest, union
from gitdigest.mail import archive, messages, parsing, senders
from gitdigest.model import (
    MAX_MESSAGE_SIZE,
    Digest,
    LoreConfig,
    Match,
    Message,
    MessageText,
    Parsed,
    Period,
    Person,
    RawMessage,
    Reviews,
    Revision,
    SeriesReport,
    Skipped,
    Topic,
    TreeCommit,
    replies_by_parent,
    unique,
)
from gitdigest.online import fetch, lore
from gitdigest.people import identity, reviews, stats
from gitdigest.people.tally import Known, Tally
from gitdigest.render.spool import Page, Spool
from gitdigest.series import classify, grouping, select, story
from gitdigest.tree import codetree, match, provenance

Progress = Callable[[str, int, int], None]
Note = Callable[[str], None]
Earlier = Callable[[frozenset[str], datetime.datetime], frozenset[str] | None]
"""Which of these authors sent a patch before this date; None when the source holds nothing earlier."""
T = TypeVar("T")
Settle = Callable[[tuple[SeriesReport, ...]], tuple[SeriesReport, ...]]
"""The reports with what of them landed in the code tree (merged, partially merged)."""
HOOK_BUDGET = 300
"""At most this many new archive messages are parsed by a push itself (under a second, the
topics they touch included), and only where it must see them: a verdict that can refuse the
push, or a small archive's first index. Otherwise a `git digest index` it starts in the
background reads them (see `_catch_up`)."""
HOOK_LOG = "hook-index.log"
"""In gitdigest's cache: the output of the last update the hook started in the background."""


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
    filter: select.Filter = select.EVERYTHING
    """The series to keep (pathspecs, MAINTAINERS sections, authors, statuses); empty: all."""
    archives: tuple[Path, ...] = ()
    """Several archives (--archive more than once, digest.archive multi-valued): one digest
    over their union; empty: `archive` alone."""
    since_last: bool = False
    """`--since last`: start where the previous digest of these archives and filters ended."""
    texts: bool = True
    """Read the descriptions the report quotes; False for a report that prints none
    (JSON, short), which then costs no read per series."""


@dataclass(frozen=True)
class Loaded:
    """Parsed messages and the ones that could not be used."""

    messages: tuple[Message, ...]
    skipped: tuple[Skipped, ...]
    paths: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    """The paths each patch's diff touches, by message-id."""


@dataclass(frozen=True)
class Narrowing:
    """What happens to the classified reports before the tables count them."""

    filter: select.Filter = select.EVERYTHING
    paths_of: select.PathsOf = lambda _ids: {}
    settle: Settle | None = None
    """Merged-detection against the code tree, which a status filter must see first."""
    texts: bool = True
    """Read the descriptions of the live revisions (Request.texts)."""


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
    tops = request.archives or (request.archive or Path.cwd(),)
    archs = tuple(archive.open_archive(top, request.cache) for top in tops)
    if len(archs) > 1 and request.range:
        raise RangeError("A..B names one archive's commits: give several archives a period (--since/--until)")
    if len(archs) > 1 and request.index is not None:
        raise RangeError("--index names one archive's index: with several archives each keeps its own")
    return _with_indexes(request, archs, note, lambda idxs: _read(request, archs, idxs, progress, note, people))


def stream(request: Request, parts: streaming.Parts, progress: Progress = _quiet, note: Note = _silent) -> tuple[Digest, Spool | None]:
    """`run`, for a report that writes its series one at a time (JSON, text: `parts` writes one).

    A long period of one archive (`corpus.is_long`: a whole archive's digest) is read a few
    topics at a time (streaming.py): each batch's series go to the spool returned as they are
    made, then the period's messages are counted one at a time (people/tally.py). Neither is
    ever held whole, and the digest returned has no series: the spool has them. Any other
    digest (a short period; filters, a tree, several lists, online mode, `--since last`, a
    mailmap that joins addresses: each needs the series together) is `run`'s, with no spool.
    """
    request = _tree_mode(request)
    if not _streams(request):
        return run(request, progress, note), None
    people = identity.load(request.tree, request.mailmap, request.orgmap)
    if people.address_alias() is not None:
        return run(request, progress, note), None
    arch = archive.open_archive(request.archive or Path.cwd(), request.cache)
    path = corpus.index_path(request.index, request.cache, arch)
    made = corpus.with_index(arch, path, request.max_message_size, note, lambda idx: _streamed(request, arch, idx, people, parts, progress, note))
    return made if made is not None else (run(request, progress, note), None)


def _streams(request: Request) -> bool:
    """Whether `stream` can make this request's digest a batch of topics at a time."""
    return (
        request.mbox is None and not request.archives and request.tree is None and request.online is None
        and not request.filter.active and not request.since_last
    )


def _streamed(
    request: Request, arch: archive.Archive, idx: Index, people: identity.Identity, parts: streaming.Parts,
    progress: Progress, note: Note,
) -> tuple[Digest, Spool] | None:
    """`stream`'s digest of one archive through its index, updated first; None for a short period."""
    ingest.update(idx, arch, progress)
    selection, select = _selecting(request, arch, idx, note, "")
    shown = Period(
        start=selection.first or "", end=selection.last or "", since=request.since, until=request.until,
        list_name=request.list_name or archive.list_name(arch), gaps=tuple(arch.gaps), tree_web=request.tree_web,
        filter=request.filter.describe(),
    )

    def paging(reader: Index) -> Callable[[SeriesReport], Page]:
        text_of = lambda msg: corpus.text_of(reader, arch, msg)
        return lambda report: Page(report, shown, _texts((report,), text_of) if request.texts else {})

    # Without the cycle collector: what the tally keeps grows with the archive, and each of
    # its full collections walked all of it again (a fifth of the digest at 500,000 messages);
    # the records hold no cycles, so reference counting alone frees each batch.
    with contextlib.ExitStack() as locked, idx.reading(), codec.bulk():
        alone = locked.enter_context(streaming.still(idx))  # before the first read: see streaming.py
        period = select(idx)
        if not corpus.is_long(idx, period):
            return None
        gathered = streaming.Gathered.of(period, people)
        spooled = streaming.read(idx, period, gathered, paging, parts, progress, locked.close if alone else None, note)
        tally = gathered.tally
        known = Known(gathered.placed, gathered.known(), tally)
        received = gathered.heard.reviews(reviews.given(tally.replies, people, known), known)
    if tally.first is None or tally.last is None:
        raise EmptyPeriodError("the period holds no messages that could be read")
    digest = _summary(
        shown,
        (tally.first, tally.last), (), tally, received, tuple(key for _date, key in sorted(gathered.left, reverse=True)), people,
        lambda emails, before: _earlier((idx,), emails, before), period.skipped, {},
    )
    return digest, spooled


def _with_indexes(request: Request, archs: Sequence[archive.Archive], note: Note, work: Callable[[tuple[Index, ...]], T], opened: tuple[Index, ...] = ()) -> T:
    """Run `work` with every archive's index open (each its own file, each rebuilt if damaged)."""
    if len(opened) == len(archs):
        return work(opened)
    arch = archs[len(opened)]
    path = corpus.index_path(request.index, request.cache, arch)
    more = lambda idx: _with_indexes(request, archs, note, work, (*opened, idx))
    return corpus.with_index(arch, path, request.max_message_size, note, more)


def update_index(request: Request, progress: Progress = _quiet, note: Note = _silent) -> tuple[Path, Update]:
    """Bring the archive's index up to date (`git digest index`); where it is, what was done."""
    arch = archive.open_archive(request.archive or Path.cwd(), request.cache)
    path = corpus.index_path(request.index, request.cache, arch)
    return path, corpus.with_index(arch, path, request.max_message_size, note, lambda idx: ingest.update(idx, arch, progress))


def show(request: Request, asked: str, progress: Progress = _quiet, note: Note = _silent) -> story.Story:
    """The story of the series that holds a message (its id or lore URL), or whose title
    holds these words (the newest such series)."""
    wanted = story.query(asked)
    arch = archive.open_archive(request.archive or Path.cwd(), request.cache)
    people = identity.load(request.tree, request.mailmap, request.orgmap)

    def work(idx: Index) -> story.Story:
        ingest.update(idx, arch, progress)
        if wanted.msgid:
            select = lambda i: i.rows_matching([wanted.msgid], [], [])
        else:
            select = lambda i: i.rows_titled(wanted.words)
        found = _regrouped(corpus.gather(idx, select), people, idx)
        topic = _topic_of(found, wanted)
        if topic is None and found.inside:  # a reply: the series it answers
            answered = {a for m in found.inside for a in m.answers}
            found = _regrouped(corpus.gather(idx, lambda i: i.rows_matching(answered, [], [])), people, idx)
            topic = _topic_of(found, story.Query(words=()), answered)
        if topic is None:
            raise EmptyPeriodError(f"{asked}: no series in {arch.top} holds it")
        settle, tree = _settler(request, idx.tree_patch_ids(), lists=idx.list_senders)
        merged: dict[str, tuple[Match, ...]] = {}
        if settle is not None:
            reports = classify.classify((topic,), lambda _rev: True)
            merged = {r.revision.key: r.merged for r in settle(reports)}
        name = request.list_name or archive.list_name(arch)
        return story.tell(topic, found.replies, merged, name, tree, request.tree_web)

    return corpus.with_index(arch, corpus.index_path(request.index, request.cache, arch), request.max_message_size, note, work)


def _topic_of(found: corpus.Corpus, wanted: story.Query, among: Iterable[str] = ()) -> Topic | None:
    """The topic that holds the message asked for (or one of `among`); for title words, the newest one."""
    ids = {wanted.msgid} if wanted.msgid else set(among) or {m.msgid for m in found.inside}
    holding = [t for t in found.topics if any(m.msgid in ids for rev in t.revisions for m in rev.messages)]
    return max(holding, key=lambda t: t.revisions[-1].date, default=None)


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


def _settler(
    request: Request, cache: codetree.PatchIdCache, commits: Sequence[TreeCommit] | None = None,
    lists: Callable[[], senders.ListSenders] = lambda: senders.NO_LIST_SENDERS,
) -> tuple[Settle | None, str]:
    """How the reports learn what landed in the code tree (its commits read here unless
    already read), and the tree's description; (None, '') without a tree. Tree authors a
    list munged (`lists()`: the list addresses seen munged, asked only with a tree) are
    unmunged as in the archive."""
    if request.tree is None:
        return None, ""
    code = codetree.open_tree(request.tree, request.tree_range, request.tree_refs)
    resolve = codetree.canonical(code, lists())

    def settle(series: tuple[SeriesReport, ...]) -> tuple[SeriesReport, ...]:
        found_commits = commits
        if found_commits is None:
            earliest = min((r.revision.date for r in series), default=None)
            found_commits = codetree.commits(code, earliest - codetree.MARGIN if earliest else None, cache, resolve)
        return match.settle(series, codetree.matches(code, series, found_commits, cache, resolve))

    return settle, code.describe()


@dataclass(frozen=True)
class _Source:
    """One archive's part of a digest: what its index gave for the period."""

    found: corpus.Corpus
    selection: archive.Selection
    online: fetch.Outcome
    last_row: int


def _read(request: Request, archs: Sequence[archive.Archive], idxs: Sequence[Index], progress: Progress, note: Note, people: identity.Identity) -> Digest:
    """Digest the requested period of one archive or several, each through its index."""
    key = _since_key(request, archs)
    sources = [_gather(request, arch, idx, progress, note, key) for arch, idx in zip(archs, idxs)]
    if not any(s.found.inside or s.found.skipped for s in sources):
        raise EmptyPeriodError(f"{request.range or _since_last_words(request, idxs, key) or 'the period'}: no messages in {', '.join(str(a.top) for a in archs)}")
    joined = union.merge([s.found for s in sources])
    topics = _as_people_are(joined.corpus.topics, people, lambda found: _sharing_titles(idxs, found))
    names = [archive.list_name(arch) for arch in archs]
    owner = lambda msg: joined.owner.get(msg.msgid, 0)
    settle, tree = _settler(request, idxs[0].tree_patch_ids(), lists=idxs[0].list_senders)
    first = sources[0]
    several = len(archs) > 1
    result = _digest(
        Period(
            start="" if several else first.selection.first or "",
            end="" if several else first.selection.last or "",
            since=_since(request, idxs, key),
            until=request.until,
            list_name=request.list_name or " + ".join(dict.fromkeys(names)),
            gaps=tuple(gap for arch in archs for gap in arch.gaps),
            tree_web=request.tree_web,
            lore=first.online.url,
            fetched=sum(s.online.fetched for s in sources),
            offline=first.online.offline,
            tree=tree,
            filter=request.filter.describe(),
        ),
        joined.corpus.inside,
        topics,
        joined.corpus.replies,
        joined.corpus.skipped,
        lambda msg: corpus.text_of(idxs[owner(msg)], archs[owner(msg)], msg),
        people,
        lambda emails, before: _earlier(idxs, emails, before),
        Narrowing(request.filter, lambda ids: _paths_of(idxs, ids), settle, request.texts),
    )
    if request.since_last:
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        for idx, source in zip(idxs, sources):
            idx.remember_digest(key, source.last_row, now)
    if several:
        lists = {r.revision.key: _lists_of(r, joined.lists, names) for r in result.series}
        result = dataclasses.replace(result, lists=lists)
    return result


def _as_people_are(
    topics: Sequence[Topic], people: identity.Identity, wider: Callable[[Sequence[Topic]], Sequence[Topic]] = lambda t: t
) -> Sequence[Topic]:
    """The topics as the same-author rules join them when a mailmap (or gitdm's aliases)
    makes several addresses one person's: regrouped with the topics `wider` adds (those
    sharing a title with them, which only such an alias can join). The index keeps topics
    as the archive alone gives them; without an alias they are used as they are."""
    alias = people.address_alias()
    if alias is None:
        return topics
    revisions: dict[str, Revision] = {}
    for topic in wider(topics):  # `topics` first: a revision merged across lists wins over one list's copy
        for rev in topic.revisions:
            revisions.setdefault(rev.key, rev)
    return grouping.topics(tuple(revisions.values()), alias)


def _regrouped(found: corpus.Corpus, people: identity.Identity, idx: Index) -> corpus.Corpus:
    """One index's corpus with its topics as `_as_people_are` joins them."""
    topics = _as_people_are(found.topics, people, lambda given: corpus.sharing_titles(idx, given))
    return found if topics is found.topics else dataclasses.replace(found, topics=tuple(topics))


def _sharing_titles(idxs: Sequence[Index], found: Sequence[Topic]) -> tuple[Topic, ...]:
    """`found` and every index's topics that share a title with them."""
    return tuple(t for idx in idxs for t in corpus.sharing_titles(idx, found))


def _gather(request: Request, arch: archive.Archive, idx: Index, progress: Progress, note: Note, key: str) -> _Source:
    """One archive's period through its index, updated first, and completed from lore in online mode."""
    ingest.update(idx, arch, progress)
    last_row = idx.last_row()
    selection, select = _selecting(request, arch, idx, note, key)
    found = corpus.gather(idx, select)
    if found.inside or found.skipped:
        found, online = fetch.fill(idx, select, found, request.online, request.max_message_size)
    else:
        online = fetch.Outcome()
    return _Source(found, selection, online, last_row)


def _selecting(request: Request, arch: archive.Archive, idx: Index, note: Note, key: str) -> tuple[archive.Selection, Callable[[Index], index.Rows]]:
    """The archive commits of the period, and how the index finds its rows."""
    selection = archive.Selection(arch, ())
    if request.range:
        selection = archive.select_range(arch, request.range)
        commits = tuple(_commits(selection))
        return selection, lambda i: i.rows_of_commits(commits)
    if request.since_last and (seen := idx.last_digest(key)) is not None:
        return selection, lambda i: i.rows_after(seen[0])
    since = _since(request, (idx,), key)
    if request.since_last:
        note(f"{arch.top}: no earlier digest of these archives and filters: this one covers the last week")
    low, high = (d.timestamp() if d else None for d in (since, request.until))
    return selection, lambda i: i.rows_between(low, high)


FIRST_SINCE_LAST = datetime.timedelta(days=7)
"""What `--since last` covers the first time, with no earlier digest to start from."""


def _since_key(request: Request, archs: Sequence[archive.Archive]) -> str:
    """The name `--since last` remembers a digest by: its archives and its filters."""
    tops = sorted(str(arch.top.resolve()) for arch in archs)
    return f"{'|'.join(tops)}:{request.filter.key()}"


def _since(request: Request, idxs: Sequence[Index], key: str) -> datetime.datetime | None:
    """Where the period starts: --since, or for `--since last` the end of the previous digest
    (the earliest of the archives'), else a week ago."""
    if not request.since_last:
        return request.since
    seen = [found[1] for idx in idxs if (found := idx.last_digest(key)) is not None]
    if seen:
        return datetime.datetime.fromtimestamp(min(seen), tz=datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc) - FIRST_SINCE_LAST


def _since_last_words(request: Request, idxs: Sequence[Index], key: str) -> str:
    """`since the last digest (2025-03-05 12:00 UTC)` for an empty `--since last`, else ''."""
    if not request.since_last:
        return ""
    since = _since(request, idxs, key)
    return f"since the last digest ({since:%Y-%m-%d %H:%M} UTC)" if since else "since the last digest"


def _earlier(idxs: Sequence[Index], emails: frozenset[str], before: datetime.datetime) -> frozenset[str] | None:
    """Which authors sent a patch to any of the lists before `before`; None when no list holds anything that early."""
    found = [idx.authors_before(emails, before.timestamp()) for idx in idxs]
    known = [f for f in found if f is not None]
    return frozenset().union(*known) if known else None


def _paths_of(idxs: Sequence[Index], msgids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The paths each patch touches, from whichever index holds it."""
    wanted = list(msgids)
    out: dict[str, tuple[str, ...]] = {}
    for idx in idxs:
        for msgid, paths in idx.paths_of(wanted).items():
            out.setdefault(msgid, paths)
    return out


def _lists_of(report: SeriesReport, held: dict[str, frozenset[int]], names: Sequence[str]) -> tuple[str, ...]:
    """The lists that a series' revision went to: every list that holds one of its messages."""
    where = {i for m in report.revision.messages for i in held.get(m.msgid, ())}
    return tuple(dict.fromkeys(names[i] for i in sorted(where)))


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
        settle, tree = _settler(request, idx.tree_patch_ids(), commits, lists=idx.list_senders)
        period = Period(list_name=name, tree_web=request.tree_web, lore=online.url, fetched=online.fetched, offline=online.offline, tree=tree,
                        filter=request.filter.describe())
        text_of = lambda msg: corpus.text_of(idx, store, msg)
        narrowing = Narrowing(request.filter, idx.paths_of, settle, request.texts)
        found = _regrouped(found, people, idx)
        return _digest(period, found.inside, found.topics, found.replies, found.skipped, text_of, people, None, narrowing)

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
    settle, tree = _settler(request, codetree.MemoryCache(), lists=lambda: senders.of_messages(loaded.messages))
    paths = loaded.paths
    texts = lambda msg: messages.text_of(raws[msg.blob], msg.msgid)
    name = request.list_name or request.mbox.stem
    return _digest(
        Period(since=request.since, until=request.until, list_name=name, tree_web=request.tree_web, tree=tree, filter=request.filter.describe()),
        period,
        grouping.topics(grouping.postings(loaded.messages), people.address_alias()),
        loaded.messages,
        loaded.skipped,
        texts,
        people,
        lambda emails, before: reviews.authors_before(loaded.messages, emails, before),
        Narrowing(request.filter, lambda ids: {i: paths[i] for i in ids if i in paths}, settle, request.texts),
    )


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
    kept = [r for r in results if isinstance(r, Parsed) and r.message.blob not in removed]
    paths = {p.message.msgid: p.paths for p in kept if p.message.is_patch}
    return Loaded(tuple(p.message for p in kept), tuple(r for r in results if isinstance(r, Skipped)), paths)


def _digest(
    period: Period,
    inside: Sequence[Message],
    topics: Sequence[Topic],
    replies: Sequence[Message],
    skipped: tuple[Skipped, ...],
    text_of: Callable[[Message], MessageText],
    people: identity.Identity = identity.NO_IDENTITY,
    earlier: Earlier | None = None,
    narrowing: Narrowing = Narrowing(),
) -> Digest:
    """The digest of `inside`, given every topic with a revision in it, the messages
    that may reply to those revisions, and who sent patches before the period; with a
    filter, of the series it keeps and the messages that belong to them."""
    if not inside:
        raise EmptyPeriodError("the period holds no messages that could be read")
    inside_ids = {m.msgid for m in inside}
    in_period = lambda rev: any(m.msgid in inside_ids for m in rev.messages)
    reports = classify.classify(topics, in_period)
    dates = sorted(m.date for m in inside)
    if narrowing.settle is not None:
        reports = narrowing.settle(reports)
    if narrowing.filter.active:
        reports = select.narrow(reports, narrowing.filter, narrowing.paths_of)
        inside = select.related(inside, reports)
        replies = select.related(replies, reports)
    tally = Tally.of(range(len(inside)), (m.msgid for m in inside), frozenset(streaming.placed(reports)))
    for row, msg in enumerate(inside):
        tally.add((0, row), msg)
    answers = replies_by_parent(unique([*inside, *replies]))
    received = reviews.reviews(reports, inside, replies, people, answers)
    left = stats.unanswered_among([r.revision for r in reports], answers)
    texts = _texts(reports, text_of) if narrowing.texts else {}
    return _summary(period, (dates[0], dates[-1]), reports, tally, received, left, people, earlier, skipped, texts)


def _summary(
    period: Period, dates: tuple[datetime.datetime, datetime.datetime], reports: tuple[SeriesReport, ...], tally: Tally,
    received: Reviews, left: tuple[str, ...], people: identity.Identity, earlier: Earlier | None,
    skipped: tuple[Skipped, ...], texts: dict[str, MessageText],
) -> Digest:
    """The digest of the reports and the tallied messages; a period without ends runs from
    the first message's date to the last's (`dates`)."""
    period = dataclasses.replace(period, since=period.since or dates[0], until=period.until or dates[-1])
    patches = tally.patches
    authors = [author for author, _date in patches]
    before = earlier(frozenset(a.email for a in authors), period.since) if earlier and period.since else None
    return Digest(
        period=period,
        series=reports,
        stats=stats.of(authors, people, received.reviewers, left),
        texts=texts,
        skipped=skipped,
        message_count=tally.count,
        people=reviews.people(patches, tally.robots, people, before),
        reviews=received,
        left_out=tuple(tally.left_out),
        cut=tuple(tally.cut),
    )


def _texts(reports: Sequence[SeriesReport], text_of: Callable[[Message], MessageText]) -> dict[str, MessageText]:
    """Load the readable text of every message the report prints in full."""
    wanted = [r.revision for r in reports if r.is_live]
    return {m.msgid: text_of(m) for rev in wanted for m in rev.messages}


class Freshness(enum.Enum):
    """How far the index a push reads has caught up with the archive (see `_catch_up`)."""

    CURRENT = "current"
    """It holds what the push must see."""
    BEHIND = "behind"
    """New mail waits: the summary is from the index as it stands, and an update in the
    background reads the mail once the summary is made."""
    BUILDING = "building"
    """Too little for a summary: another process, or the background, builds it first."""


def trace_push(code: codetree.CodeTree, config: settings.Settings, ids: Sequence[str], say: Note) -> provenance.Provenance | None:
    """The pre-push hook's run: where the pushed commits come from, through the archive's index; None while another process
    builds it for the first time (an update in progress: the index as it last was)."""
    if config.archive is None:
        return _trace_on_lore(code, config, ids, say)
    cache = settings.cache_dir()
    arch = archive.open_archive(config.archive, cache)
    path = corpus.index_path(config.index, cache, arch)
    with index.open_index(path, arch, config.max_message_size, lambda text: say(f"note: {text}"), wait=False) as idx:
        log = cache / HOOK_LOG
        fresh = _catch_up(idx, arch, path, log, config, say)
        if fresh is Freshness.BUILDING:
            return None
        try:
            resolve = codetree.canonical(code, idx.list_senders())
            commits = codetree.read_commits(code, ids, idx.tree_patch_ids(), resolve)
            wanted = provenance.lookup(commits)
            found = corpus.gather(idx, lambda i: i.rows_matching(wanted.msgids, wanted.patch_ids, wanted.titles))
            # The tree's .mailmap joins an author's revisions from two addresses, as in a digest.
            found = _regrouped(found, identity.load(code.path, config.mailmap, config.orgmap), idx)
            return _provenance(code, ids, commits, found, idx.tree_patch_ids(), resolve)
        finally:
            if fresh is Freshness.BEHIND:  # started once the summary is made: it does not compete with it
                _in_background(arch, path, log, say)


def _catch_up(idx: Index, arch: archive.Archive, path: Path, log: Path, config: settings.Settings, say: Note) -> Freshness:
    """Bring the index up to the archive as far as a push may wait for it.

    A push parses new mail itself only when it is little (HOOK_BUDGET) and either the index
    is being built for the first time (a small archive: the summary comes at once) or the
    verdict can refuse the push (digest.hook.block, blockUnposted), which must see the newest
    mail. Otherwise `git digest index` runs in the background, and the summary is from the
    index as it stands: parsing even one message costs a push b4's import, a quarter of a second.
    """
    if idx.lock.busy():
        if not idx.complete:
            say("warning: no pre-push summary: the list's index is being built by another process")
            return Freshness.BUILDING
        say("note: another process is updating the list's index; this summary is from its last update")
        return Freshness.CURRENT
    waiting = ingest.waiting(idx, arch)
    if not waiting or waiting <= HOOK_BUDGET and (not idx.complete or config.hook_block or config.hook_block_unposted):
        if not idx.complete:
            say(f"note: indexing {arch.top} for the first time; later pushes are quick")
        ingest.update(idx, arch, wait=False)  # nothing waiting: at most topics an interrupted update left
        if not idx.complete:  # another process took the first build between our look and the update
            say("warning: no pre-push summary: the list's index is being built by another process")
            return Freshness.BUILDING
        return Freshness.CURRENT
    if not idx.complete:
        _in_background(arch, path, log, say)
        say(f"note: no pre-push summary: indexing {arch.top} for the first time, in the background"
            f" ({waiting:,} messages; its output goes to {log}); later pushes are quick")
        return Freshness.BUILDING
    say(f"note: {waiting:,} new messages in the archive are being indexed in the background;"
        " this summary is as of the last update")
    return Freshness.BEHIND


def _in_background(arch: archive.Archive, path: Path, log: Path, say: Note) -> None:
    """Start the background update; one that cannot start (no cache directory, no process
    to spare) costs the push a warning, never its summary."""
    try:
        ingest.in_background(arch.top, path, log)
    except OSError as err:
        say(f"warning: the background update of the list's index did not start: {err}")


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
