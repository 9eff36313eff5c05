"""Revisions -> topics: which postings are revisions of one series.

Signals, strongest first (the issue's order):

1. the same b4 `change-id:`;
2. a `Supersedes: <msgid>` line naming a message of the earlier revision;
3. threading: vN sent in reply to vM (M < N) by the same author or under the same
   title, or a resend of the same version in reply to it under the same title;
4. a patch with the same patch-id as a patch of an earlier revision, from the same
   author or under the same title, or else most patches of both shared (a
   maintainer's collection of fixes that carries one of someone's patches is not a
   revision of that series);
5. the same normalised series title from the same author (address or full name).

A title shared with another author links only with another signal (3 or 4), and a
series renamed between revisions still links through 1-4. A change-id does not keep
two topics apart: on io-uring the only pair it would have kept apart is one series
(fuse-over-io-uring) whose author moved it to a new b4 branch. Postings for a stable
tree (`[PATCH 5.10]`) link to others only by change-id or Supersedes. Pull requests
stay topics of their own. Every link is kept with its evidence, so that a report or
a test can say why two revisions are one series.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gitdigest.model import Message, Person, Revision, Topic
from gitdigest.series.postings import ancestors

_TRAILING_VERSION = re.compile(r"[\s,;:(\[-]*\bv\d+[\])]?$")
_STABLE_TREE = re.compile(r"^(?:v?\d+\.\d+(?:\.\d+)*(?:\.y)?|stable(?:-\S*)?|\S+\.y)$", re.I)
# `<msgid>`, a bare msgid, or a lore URL ending in one.
_MSGID = re.compile(r"<?([^<>\s/]+@[^<>\s/]+?)>?/?$")


@dataclass(frozen=True)
class Link:
    """One reason why two revisions belong to one series."""

    earlier: str
    """Key of the earlier revision."""
    later: str
    signal: str
    """change-id, supersedes, reply, patch-id or subject."""
    evidence: str
    """What proves it: the change-id, the message-id replied to or superseded, the
    patch-id and both patches' message-ids, or the normalised title and author."""


def group(revisions: Sequence[Revision]) -> tuple[Topic, ...]:
    """Revisions joined by their links into topics, oldest first, each oldest first."""
    ordered = sorted(revisions, key=lambda r: (r.date, r.key))
    union = _Union(ordered)
    for link in links(ordered):
        union.join(link.earlier, link.later)
    members: dict[str, list[Revision]] = {}
    for rev in ordered:
        members.setdefault(union.root(rev.key), []).append(rev)
    return tuple(Topic(key=revs[0].key, revisions=tuple(revs)) for revs in members.values())


def links(revisions: Sequence[Revision]) -> tuple[Link, ...]:
    """Every link between the revisions, strongest signal first."""
    ordered = [r for r in sorted(revisions, key=lambda r: (r.date, r.key)) if not r.is_pull]
    return (
        *_by_change_id(ordered),
        *_by_supersedes(ordered),
        *_by_reply(ordered),
        *_by_patch_id(ordered),
        *_by_subject(ordered),
    )


def normalised_title(title: str) -> str:
    """A series title for comparison: lower case, single spaces, no trailing `v2` or full stop."""
    text = " ".join(title.lower().split())
    text = text.removeprefix("subject: ")  # `[PATCH v5] Subject: io_uring: ...`, pasted twice
    return _TRAILING_VERSION.sub("", text).rstrip(" .")


def stable_tree(rev: Revision) -> str:
    """The stable tree a backport is posted for (`5.10`, `v6.1.y`, `stable`), or ''."""
    return next((p.lower() for p in rev.prefixes if _STABLE_TREE.match(p)), "")


def change_id(rev: Revision) -> str | None:
    """The b4 change-id of the revision: its cover letter's, else its first patch's that has one."""
    return next((m.change_id for m in rev.messages if m.change_id), None)


def _by_change_id(ordered: Sequence[Revision]) -> Iterator[Link]:
    last: dict[str, Revision] = {}
    for rev in ordered:
        cid = change_id(rev)
        if cid is None:
            continue
        if cid in last:
            yield Link(last[cid].key, rev.key, "change-id", cid)
        last[cid] = rev


def _by_supersedes(ordered: Sequence[Revision]) -> Iterator[Link]:
    owner = _owners(ordered)
    for rev in ordered:
        for msgid in _superseded_ids(rev):
            earlier = owner.get(msgid)
            if earlier is not None and earlier.date <= rev.date and earlier is not rev:
                yield Link(earlier.key, rev.key, "supersedes", msgid)


def _superseded_ids(rev: Revision) -> Iterator[str]:
    for message in rev.messages:
        yield from superseded_ids(message)


def superseded_ids(message: Message) -> Iterator[str]:
    """The message-ids a message's `Supersedes:` lines name."""
    for trailer in message.trailers:
        match = _MSGID.search(trailer.value.strip())
        if trailer.lname == "supersedes" and match:
            yield match.group(1)


def _by_reply(ordered: Sequence[Revision]) -> Iterator[Link]:
    owner = _owners(ordered)
    by_id = {m.msgid: m for rev in ordered for m in rev.messages}
    for rev in ordered:
        seen: set[str] = set()
        for message in rev.messages:
            parent = _answered(message, owner, rev)
            earlier = owner[parent] if parent else None
            if earlier is None or earlier.key in seen or earlier.date > rev.date:
                continue
            seen.add(earlier.key)
            if _answers(rev, message, earlier, by_id[parent]) and _same_tree(earlier, rev):
                yield Link(earlier.key, rev.key, "reply", f"{message.msgid} -> {parent}")


def _answered(message: Message, owner: dict[str, Revision], rev: Revision) -> str | None:
    """The nearest message of another revision that `message` was sent in reply to."""
    for msgid in ancestors(message):
        found = owner.get(msgid)
        if found is not None and found is not rev:
            return msgid
    return None


def _answers(rev: Revision, message: Message, earlier: Revision, parent: Message) -> bool:
    """vN answering vM (M < N) by the same author or title; a resend answering its original."""
    same_title = normalised_title(message.subject.title) == normalised_title(parent.subject.title)
    if rev.version > earlier.version:
        return same_title or _same_author(rev, earlier)
    return rev.version == earlier.version and same_title


def _by_patch_id(ordered: Sequence[Revision]) -> Iterator[Link]:
    last: dict[str, tuple[Revision, Message]] = {}
    for rev in ordered:
        twins: dict[str, list[tuple[Revision, Message, Message]]] = {}
        for patch in rev.patches:
            found = last.get(patch.patch_id) if patch.patch_id else None
            if found is not None and found[0] is not rev:
                twins.setdefault(found[0].key, []).append((*found, patch))
        for pairs in twins.values():
            earlier, twin, patch = pairs[0]
            if _same_tree(earlier, rev) and _carries_on(earlier, rev, len(pairs)):
                yield Link(
                    earlier.key, rev.key, "patch-id", f"{patch.patch_id} {twin.msgid} {patch.msgid}"
                )
        last.update((p.patch_id, (rev, p)) for p in rev.patches if p.patch_id)


def _carries_on(earlier: Revision, rev: Revision, shared: int) -> bool:
    """Whether sharing `shared` patches makes `rev` a revision of `earlier`.

    The same author or title is enough. Otherwise most patches of both, and more
    than one, must be shared: another author's v6 of the same work carries 7 of 10,
    while a maintainer's collection of fixes carries one patch of someone's series,
    and two people who send the same one-line fix are not one series.
    """
    same_title = normalised_title(earlier.subject) == normalised_title(rev.subject)
    if same_title or _same_author(earlier, rev):
        return True
    return shared > 1 and 2 * shared >= max(len(earlier.patches), len(rev.patches))


def _by_subject(ordered: Sequence[Revision]) -> Iterator[Link]:
    last: dict[tuple[str, str, str], Revision] = {}
    for rev in ordered:
        title = normalised_title(rev.subject)
        keys = [(title, who, stable_tree(rev)) for who in _identities(rev.author)] if title else []
        earlier = next((last[k] for k in keys if k in last), None)
        if earlier is not None:
            yield Link(earlier.key, rev.key, "subject", f"{title} / {rev.author}")
        last.update((k, rev) for k in keys)


def _owners(ordered: Sequence[Revision]) -> dict[str, Revision]:
    return {m.msgid: rev for rev in ordered for m in rev.messages}


def _same_author(a: Revision, b: Revision) -> bool:
    ours = {*_identities(a.author), *_identities(a.messages[0].sender)}
    return not ours.isdisjoint({*_identities(b.author), *_identities(b.messages[0].sender)})


def _identities(person: Person) -> tuple[str, ...]:
    """The address, and the full name: on io-uring seven authors moved address mid-series."""
    name = " ".join(person.name.casefold().split())
    return (person.email, name) if " " in name else (person.email,)


def _same_tree(a: Revision, b: Revision) -> bool:
    return stable_tree(a) == stable_tree(b)


class _Union:
    """Union-find over revision keys."""

    def __init__(self, revisions: Sequence[Revision]) -> None:
        self.parent = {r.key: r.key for r in revisions}

    def root(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        self.parent[self.root(b)] = self.root(a)
