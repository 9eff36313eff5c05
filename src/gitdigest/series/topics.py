"""Revisions -> topics: which postings are revisions of one series.

Signals, strongest first (the issue's order):

1. the same b4 `change-id:`;
2. a `Supersedes: <msgid>` line naming a message of the earlier revision, in any
   message of the later one, or in a reply to it when both are by the same author
   (so that nobody retires another person's series by replying);
3. threading: vN sent in reply to vM (M < N) by the same author or under the same
   title, or a resend of the same version in reply to it under the same title;
4. a patch with the same patch-id as a patch of an earlier revision, from the same
   author or under the same title, or else most patches of both shared (a
   maintainer's collection of fixes that carries one of someone's patches is not a
   revision of that series);
5. most patch titles (60%) equal to those of an earlier posting by the same address:
   v1 with a cover letter and v2 without one, or the other way round;
6. the same normalised series title from the same author; the same version again from
   the same address is a resend.

"The same author" is the same address, author's or sender's, as the parser unmunged
them (mail/senders.py), or two addresses that a `.mailmap` (or a gitdm alias) makes
one person's, when the digest is given one (`Alias`): a display name alone never is, so that no one can supersede a
series by posting a `[PATCH v2]` under its author's name from another address (an
author who moved address links by 1-5). A title shared with another author links only
with another signal (3 or 4), and a series renamed between revisions still links
through 1-5. A change-id does not keep
two topics apart: on io-uring the only pair it would have kept apart is one series
(fuse-over-io-uring) whose author moved it to a new b4 branch. Postings for a stable
tree (`[PATCH 5.10]`) link to others only by change-id or Supersedes. Pull requests
never link to patches: QEMU's `[PULL nn/mm]` series link among themselves like patch
series (but not by patch-id or patch titles: a pull re-posts reviewed patches), and
a `[GIT PULL]` request links only by Supersedes or as a later version (`v2`) of the
same request. Every link is kept with its evidence, so that a report or a test can
say why two revisions are one series.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from gitdigest.model import Link, Message, Person, Revision, Signal, Topic
from gitdigest.series.postings import ancestors

_TRAILING_VERSION = re.compile(r"[\s,;:(\[-]*\bv\d+[\])]?$")
_STABLE_TREE = re.compile(r"^(?:v?\d+\.\d+(?:\.\d+)*(?:\.y)?|stable(?:-\S*)?|\S+\.y)$", re.I)
# `<msgid>`, a bare msgid, or a lore URL ending in one.
_NOT_IN_MSGID = "<>/"
TITLE_SHARE = 0.6
"""The share of patch titles two postings by one address must have in common to be one series."""


Alias = Callable[[Person], str]
"""A person's address as the same-author rules compare it: a mailmap's (people/identity.py)."""


def _own_address(person: Person) -> str:
    return person.email


class _Who:
    """The same-author rules, under an alias (the addresses a mailmap makes one person's)."""

    def __init__(self, alias: Alias | None) -> None:
        self.alias = alias or _own_address

    def senders(self, rev: Revision) -> tuple[str, ...]:
        """Who a revision comes from: its author's address and its sender's (the same person
        sends from one address and writes from another: io-uring's napi series, v5 and v6).
        A display name alone proves nothing (anyone can send as `Jane Doe`): a From: without
        an address (the parser then keeps the name where the address goes) names no one."""
        found = (self._of(rev.author), self._of(rev.messages[0].sender))
        return tuple(dict.fromkeys(a for a in found if a))

    def address(self, rev: Revision) -> str:
        """The author's address: what the same-address rules compare (never the name); '' for none."""
        return self._of(rev.author)

    def _of(self, person: Person) -> str:
        return self.alias(person) if "@" in person.email else ""

    def same_author(self, a: Revision, b: Revision) -> bool:
        return not set(self.senders(a)).isdisjoint(self.senders(b))

    def same_address(self, a: Revision, b: Revision) -> bool:
        return bool(self.address(a)) and self.address(a) == self.address(b)


class Kind(enum.Enum):
    """What a posting is, for linking: kinds never link to one another."""

    PATCHES = "patches"
    PULL_SERIES = "pull series"
    """QEMU's `[PULL nn/mm]`: patches sent as a pull request."""
    PULL_REQUEST = "pull request"
    """A single `[GIT PULL]` request."""


def group(revisions: Sequence[Revision], alias: Alias | None = None) -> tuple[Topic, ...]:
    """Revisions joined by their links into topics, oldest first, each oldest first; `alias`
    gives the address each person counts as (default: their own)."""
    ordered = sorted(revisions, key=lambda r: (r.date, r.key))
    union = _Union(ordered)
    found = links(ordered, alias)
    for link in found:
        union.join(link.earlier, link.later)
    members: dict[str, list[Revision]] = {}
    for rev in ordered:
        members.setdefault(union.root(rev.key), []).append(rev)
    joined: dict[str, list[Link]] = {}
    for link in found:
        joined.setdefault(union.root(link.earlier), []).append(link)
    return tuple(
        Topic(key=revs[0].key, revisions=tuple(revs), links=tuple(joined.get(root, ())))
        for root, revs in members.items()
    )


def links(revisions: Sequence[Revision], alias: Alias | None = None) -> tuple[Link, ...]:
    """Every link between the revisions, strongest signal first."""
    ordered = sorted(revisions, key=lambda r: (r.date, r.key))
    patches = [r for r in ordered if kind(r) is Kind.PATCHES]
    threaded = [r for r in ordered if kind(r) is not Kind.PULL_REQUEST]
    who = _Who(alias)
    return (
        *_by_change_id(ordered),
        *_by_supersedes(ordered, who),
        *_by_reply(threaded, who),
        *_by_patch_id(patches, who),
        *_by_patch_titles(patches, who),
        *_by_subject(ordered, who),
    )


def kind(rev: Revision) -> Kind:
    """Patches, a pull series (`[PULL nn/mm]`) or a single pull request (`[GIT PULL]`)."""
    if not rev.is_pull:
        return Kind.PATCHES
    numbered = any(not m.subject.counters_inferred for m in rev.messages)
    return Kind.PULL_SERIES if numbered else Kind.PULL_REQUEST


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
    last: dict[tuple[Kind, str], Revision] = {}
    for rev in ordered:
        cid = change_id(rev)
        if cid is None:
            continue
        if (kind(rev), cid) in last:
            yield Link(last[kind(rev), cid].key, rev.key, Signal.CHANGE_ID, cid)
        last[kind(rev), cid] = rev


def _by_supersedes(ordered: Sequence[Revision], who: _Who) -> Iterator[Link]:
    owner = _owners(ordered)
    for rev in ordered:
        own = ((msgid, False) for msgid in superseded_ids(rev.messages))
        for msgid, by_reply in (*own, *((msgid, True) for msgid in rev.supersedes)):
            earlier = owner.get(msgid)
            if earlier is None or earlier.date > rev.date or earlier is rev:
                continue
            if kind(earlier) is not kind(rev) or (by_reply and not who.same_address(earlier, rev)):
                continue
            where = "in a reply" if by_reply else "in the posting"
            yield Link(earlier.key, rev.key, Signal.SUPERSEDES, f"{msgid} ({where})")


def superseded_ids(messages: Sequence[Message]) -> Iterator[str]:
    """The message-ids named by the `Supersedes:` lines of `messages`."""
    for message in messages:
        for trailer in message.trailers:
            msgid = msgid_at_end(trailer.value.strip()) if trailer.lname == "supersedes" else None
            if msgid:
                yield msgid


def msgid_at_end(value: str) -> str | None:
    r"""The Message-ID a `Supersedes:` value ends with, as `re.search(r'<?([^<>\s/]+@[^<>\s/]+?)>?/?$')`
    finds it (a bare id, `<id>`, a lore URL), in linear time: that search is cubic on `a@a@a@...`."""
    end = len(value)
    end -= value.endswith("/")
    end -= value[:end].endswith(">")
    start = end
    while start > 0 and not (value[start - 1] in _NOT_IN_MSGID or value[start - 1].isspace()):
        start -= 1
    word = value[start:end]
    return word if word.find("@", 1, len(word) - 1) > 0 else None


def _by_reply(ordered: Sequence[Revision], who: _Who) -> Iterator[Link]:
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
            if kind(earlier) is not kind(rev) or not _same_tree(earlier, rev):
                continue
            if parent and _answers(rev, message, earlier, by_id[parent], who):
                yield Link(earlier.key, rev.key, Signal.REPLY, f"{message.msgid} -> {parent}")


def _answered(message: Message, owner: dict[str, Revision], rev: Revision) -> str | None:
    """The nearest message of another revision that `message` was sent in reply to."""
    for msgid in ancestors(message):
        found = owner.get(msgid)
        if found is not None and found is not rev:
            return msgid
    return None


def _answers(rev: Revision, message: Message, earlier: Revision, parent: Message, who: _Who) -> bool:
    """vN answering vM (M < N) by the same author or title; a resend answering its original."""
    same_title = normalised_title(message.subject.title) == normalised_title(parent.subject.title)
    if rev.version > earlier.version:
        return same_title or who.same_author(rev, earlier)
    return rev.version == earlier.version and same_title


def _by_patch_id(ordered: Sequence[Revision], who: _Who) -> Iterator[Link]:
    last: dict[str, tuple[Revision, Message]] = {}
    for rev in ordered:
        twins: dict[str, list[tuple[Revision, Message, Message]]] = {}
        for patch in rev.patches:
            found = last.get(patch.patch_id) if patch.patch_id else None
            if found is not None and found[0] is not rev:
                twins.setdefault(found[0].key, []).append((*found, patch))
        for pairs in twins.values():
            earlier, twin, patch = pairs[0]
            if _same_tree(earlier, rev) and _carries_on(earlier, rev, len(pairs), who):
                yield Link(
                    earlier.key,
                    rev.key,
                    Signal.PATCH_ID,
                    f"{patch.patch_id} {twin.msgid} {patch.msgid}",
                )
        last.update((p.patch_id, (rev, p)) for p in rev.patches if p.patch_id)


def _carries_on(earlier: Revision, rev: Revision, shared: int, who: _Who) -> bool:
    """Whether sharing `shared` patches makes `rev` a revision of `earlier`.

    The same author or title is enough. Otherwise most patches of both, and more
    than one, must be shared: another author's v6 of the same work carries 7 of 10,
    while a maintainer's collection of fixes carries one patch of someone's series,
    and two people who send the same one-line fix are not one series.
    """
    same_title = normalised_title(earlier.subject) == normalised_title(rev.subject)
    if same_title or who.same_author(earlier, rev):
        return True
    return shared > 1 and 2 * shared >= max(len(earlier.patches), len(rev.patches))


def _by_patch_titles(ordered: Sequence[Revision], who: _Who) -> Iterator[Link]:
    """A posting whose patch titles are mostly those of an earlier one from the same address."""
    last: dict[tuple[str, str, str], Revision] = {}
    for rev in ordered:
        titles = _patch_titles(rev)
        keys = [(who.address(rev), stable_tree(rev), t) for t in titles] if who.address(rev) else []
        found = [last[k] for k in keys if k in last]
        if found:
            key, count = Counter(e.key for e in found).most_common(1)[0]
            earlier = next(e for e in found if e.key == key)
            if count >= TITLE_SHARE * max(len(titles), len(_patch_titles(earlier))):
                yield Link(key, rev.key, Signal.PATCH_TITLES, f"{count} of {len(titles)} patch titles")
        last.update((k, rev) for k in keys)


def _patch_titles(rev: Revision) -> set[str]:
    return {normalised_title(p.subject.title) for p in rev.patches} - {""}


def _by_subject(ordered: Sequence[Revision], who: _Who) -> Iterator[Link]:
    """The same title from the same author; a request only as a later version of itself."""
    last: dict[tuple[str, str, str, Kind], Revision] = {}
    for rev in ordered:
        title = normalised_title(rev.subject)
        what = kind(rev)
        keys = [(title, sender, stable_tree(rev), what) for sender in who.senders(rev)] if title else []
        earlier = next((last[k] for k in keys if k in last), None)
        if earlier is not None and (what is not Kind.PULL_REQUEST or rev.version > earlier.version):
            yield Link(earlier.key, rev.key, _resent_or_subject(earlier, rev, who), f"{title} / {rev.author}")
        last.update((k, rev) for k in keys)


def _resent_or_subject(earlier: Revision, rev: Revision, who: _Who) -> Signal:
    """RESEND for the same version sent again from the same address, else SUBJECT."""
    again = (earlier.version, earlier.rfc) == (rev.version, rev.rfc)
    return Signal.RESEND if again and who.same_address(earlier, rev) else Signal.SUBJECT


def _owners(ordered: Sequence[Revision]) -> dict[str, Revision]:
    return {m.msgid: rev for rev in ordered for m in rev.messages}


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
