"""Posted patches x tree commits -> which commits carry each patch, and how that was found.

Evidence, strongest first:

1. a `Link:` or `Message-ID:` trailer of the commit names the patch, or names its cover
   letter and the commit has the patch's subject or patch-id;
2. the same `git patch-id --stable`, also with the commit re-diffed at the email's own
   context size (`-U10` mails hash their wider context);
3. the same normalised subject and author (after the tree's `.mailmap`), only when one
   change in the tree has it: a patch the maintainer edited. When several postings have
   it (a patch re-posted inside a reshaped series, in two or three topics), the newest
   one posted before the commit is chosen, as `b4 dig` caps by date.

Every commit found is kept, so a backport or cherry-pick lists each branch's commit.
Pure: tree.py reads the commits, this module only compares records.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from gitdigest.model import (
    CLOCK_SKEW,
    CommitMatch,
    How,
    Match,
    Message,
    Person,
    Revision,
    SeriesReport,
    Status,
    TreeCommit,
)

DEFAULT_CONTEXT = 3

WiderIds = Mapping[int, Mapping[str, str | None]]
"""Patch-ids of commits re-diffed with a wider context: context -> commit -> patch-id."""
@dataclass(frozen=True)
class Rediff:
    """Commits to re-diff at one wider context, for the emails that were made with it."""

    commits: tuple[str, ...]
    paths: frozenset[str] | None
    """The files those emails touch (diffstat names, maybe `.../tail`); None: any file."""


Wanted = dict[int, Rediff]
"""Which commits to re-diff at which context, and the files the emails touch (None: any)."""

_RENAME_BRACES = re.compile(r"\{[^{}]*=> ([^{}]*)\}")
# `^ (\S.*?)\s+\|\s` would try the blanks after every character of a long run: the name
# ends with a non-blank, so only those places are tried (the same matches, linear).
_DIFFSTAT_NAME = re.compile(r"^ (\S(?:.*?\S)??)\s+\|\s", re.M)


@dataclass(frozen=True)
class Posted:
    """One posted patch and where it belongs."""

    topic: str
    revision: Revision
    message: Message


def _same(person: Person) -> Person:
    return person


def match(
    reports: Sequence[SeriesReport],
    commits: Sequence[TreeCommit],
    wider: WiderIds | None = None,
    canonical: Callable[[Person], Person] = _same,
) -> dict[str, Match]:
    """The commits that carry each patch of the reported revisions, keyed by message-id."""
    patches = posted(reports)
    found: dict[str, list[CommitMatch]] = defaultdict(list)
    _by_link(reports, patches, commits, found)
    _by_patch_id(patches, commits, wider or {}, found)
    _by_subject(patches, commits, found, canonical)
    # Strongest evidence first, then oldest first: git lists the newest commit first.
    age = {c.id: -n for n, c in enumerate(commits)}
    strength = {how: n for n, how in enumerate(How)}
    order = lambda hit: (strength[hit.how], age.get(hit.commit, 0))
    return {msgid: Match(msgid, tuple(sorted(hits, key=order))) for msgid, hits in found.items() if hits}


def settle(reports: Sequence[SeriesReport], found: Mapping[str, Match]) -> tuple[SeriesReport, ...]:
    """Each report with its patches' matches: `merged` when all N announced patches have a
    commit, `partially-merged` when some do; a superseded revision stays superseded."""
    out = []
    for report in reports:
        merged = tuple(found[m.msgid] for m in report.revision.patches if m.msgid in found)
        report = dataclasses.replace(report, merged=merged)
        if report.merged_count and report.status is not Status.SUPERSEDED:
            whole = report.merged_count >= report.revision.total
            report = dataclasses.replace(report, status=Status.MERGED if whole else Status.PARTIALLY_MERGED)
        out.append(report)
    return tuple(out)


def rediffs(reports: Sequence[SeriesReport], commits: Sequence[TreeCommit], found: Mapping[str, Match]) -> Wanted:
    """For each wider context that unmatched emails were made with, the commits to re-diff:
    those no trailer or patch-id claimed, committed after the earliest such email."""
    claimed = {hit.commit for m in found.values() for hit in m.commits if hit.how is not How.SUBJECT}
    settled = {m.msgid for m in found.values() if any(h.how is not How.SUBJECT for h in m.commits)}
    emails: dict[int, list[Message]] = defaultdict(list)
    for patch in posted(reports):
        msg = patch.message
        if msg.context != DEFAULT_CONTEXT and msg.patch_id and msg.msgid not in settled:
            emails[msg.context].append(msg)
    loose = [c for c in commits if c.id not in claimed and c.patch_id]
    wanted: Wanted = {}
    for context, mails in sorted(emails.items()):
        since = min(m.date for m in mails) - CLOCK_SKEW
        names = [diffstat_names(m.diffstat) for m in mails]
        paths = None if not all(names) else frozenset(n for group in names for n in group)
        wanted[context] = Rediff(tuple(c.id for c in loose if c.date >= since), paths)
    return wanted


def posted(reports: Sequence[SeriesReport]) -> list[Posted]:
    """Every patch of the reported revisions, once per message-id."""
    seen: dict[str, Posted] = {}
    for report in reports:
        for msg in report.revision.patches:
            seen.setdefault(msg.msgid, Posted(report.topic, report.revision, msg))
    return list(seen.values())


def diffstat_names(diffstat: str) -> tuple[str, ...]:
    """The file names of a diffstat, the new name for a rename; git may cut them to `.../tail`."""
    names = []
    for name in _DIFFSTAT_NAME.findall(diffstat):
        name = _RENAME_BRACES.sub(r"\1", name).replace("//", "/")
        names.append(name.rpartition(" => ")[2])
    return tuple(names)


def normalised_subject(text: str) -> str:
    """A subject for comparison: case-folded, single spaces, no trailing full stop."""
    return " ".join(text.casefold().split()).rstrip(" .")


def _add(found: dict[str, list[CommitMatch]], msgid: str, commit: str, how: How) -> None:
    if all(hit.commit != commit for hit in found[msgid]):
        found[msgid].append(CommitMatch(commit, how))


def _by_link(
    reports: Sequence[SeriesReport], patches: Sequence[Posted], commits: Sequence[TreeCommit],
    found: dict[str, list[CommitMatch]],
) -> None:
    """Trailers that name a patch, or name a cover letter with the commit's patch in it."""
    naming: dict[str, list[TreeCommit]] = defaultdict(list)
    for commit in commits:
        for msgid in commit.msgids:
            naming[msgid].append(commit)
    for patch in patches:
        for commit in naming.get(patch.message.msgid, ()):
            _add(found, patch.message.msgid, commit.id, How.LINK)
    for report in reports:
        cover = report.revision.cover
        for commit in naming.get(cover.msgid, ()) if cover else ():
            carried = _patch_in(report.revision, commit)
            if carried is not None:
                _add(found, carried.msgid, commit.id, How.LINK)


def _patch_in(revision: Revision, commit: TreeCommit) -> Message | None:
    """The patch of a revision that a commit linking its cover letter carries."""
    title = normalised_subject(commit.subject)
    for msg in revision.patches:
        if normalised_subject(msg.subject.title) == title or (msg.patch_id and msg.patch_id == commit.patch_id):
            return msg
    return revision.patches[0] if len(revision.patches) == 1 else None


def _by_patch_id(
    patches: Sequence[Posted], commits: Sequence[TreeCommit], wider: WiderIds,
    found: dict[str, list[CommitMatch]],
) -> None:
    """Commits whose diff hashes like the email's, at 3 lines of context or at the email's own."""
    default = _index((c.patch_id, c.id) for c in commits)
    others = {n: _index((pid, cid) for cid, pid in ids.items()) for n, ids in wider.items()}
    for patch in patches:
        msg = patch.message
        if not msg.patch_id:
            continue
        hits = default.get(msg.patch_id, []) + others.get(msg.context, {}).get(msg.patch_id, [])
        for cid in hits:
            _add(found, msg.msgid, cid, How.PATCH_ID)


def _index(pairs: Iterable[tuple[str | None, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for pid, cid in pairs:
        if pid:
            out[pid].append(cid)
    return out


def _by_subject(
    patches: Sequence[Posted], commits: Sequence[TreeCommit], found: dict[str, list[CommitMatch]],
    canonical: Callable[[Person], Person],
) -> None:
    """Same subject and author, when one series and one change (with its cherry-picks) have it."""
    claimed = {hit.commit for hits in found.values() for hit in hits}
    by_title: dict[str, list[TreeCommit]] = defaultdict(list)
    for commit in commits:
        if commit.id not in claimed:
            by_title[normalised_subject(commit.subject)].append(commit)
    waiting: dict[str, list[Posted]] = defaultdict(list)
    for patch in patches:
        if not found.get(patch.message.msgid):
            waiting[normalised_subject(patch.message.subject.title)].append(patch)
    for title, candidates in waiting.items():
        pairs = [
            (p, c) for p in candidates for c in by_title.get(title, ())
            if canonical(p.message.author).same_as(c.author) and c.date >= p.message.date - CLOCK_SKEW
        ]
        chosen = _unique(pairs)
        if chosen is not None:
            msgid, chosen_commits = chosen
            for commit in chosen_commits:
                _add(found, msgid, commit.id, How.SUBJECT)


def _unique(pairs: Sequence[tuple[Posted, TreeCommit]]) -> tuple[str, list[TreeCommit]] | None:
    """The patch of the newest posting sent before the commit, and its commits, if the pairs
    name one change (a patch and its cherry-picks); postings within the clock skew count when
    none was sent strictly before."""
    if not pairs or len({c.patch_id or c.id for _, c in pairs}) != 1:
        return None
    committed = min(c.date for _, c in pairs)
    before = [p for p, _ in pairs if p.message.date <= committed] or [p for p, _ in pairs]
    newest = max(before, key=lambda p: (p.message.date, p.revision.date, p.revision.key))
    if len({p.message.msgid for p, _ in pairs if p.revision.key == newest.revision.key}) != 1:
        return None
    return newest.message.msgid, [c for p, c in pairs if p.message.msgid == newest.message.msgid]


