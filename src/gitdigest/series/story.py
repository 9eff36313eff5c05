"""One series' story: its revisions, what changed between them, who reviewed which, what landed.

Pure: it takes the topic, the replies that answer it, and what merged-detection found,
and returns records for `git digest show` to render. Patches of consecutive revisions
are paired by patch-id first (kept), then by title (changed: a different patch-id);
what is left of the older revision was dropped, of the newer one added.
"""

from __future__ import annotations

import datetime
import enum
import itertools
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gitdigest.model import Match, Message, Person, Revision, Topic
from gitdigest.series import topics


class Change(str, enum.Enum):
    """What became of a patch between two consecutive revisions."""

    ADDED = "added"
    DROPPED = "dropped"
    CHANGED = "changed"
    """The same title, a different patch-id."""
    KEPT = "kept"
    """The same patch-id."""


@dataclass(frozen=True)
class PatchChange:
    """One patch across two consecutive revisions."""

    change: Change
    title: str
    before: Message | None = None
    after: Message | None = None


@dataclass(frozen=True)
class Step:
    """From one revision to the next: what joined them, and what changed in their patches."""

    older: Revision
    newer: Revision
    links: tuple[topics.Link, ...]
    """The signals that link these two revisions (strongest first), with their evidence."""
    changes: tuple[PatchChange, ...]


@dataclass(frozen=True)
class Given:
    """A review trailer a reply gave to a revision."""

    person: Person
    name: str
    """`Reviewed-by`, `Acked-by`, `Tested-by`."""
    target: str
    """The title of the patch (or cover letter) it answered."""
    msgid: str
    """The reply that gave it."""


@dataclass(frozen=True)
class Chapter:
    """One revision of the story, with the trailers it received and what of it landed."""

    revision: Revision
    received: tuple[Given, ...] = ()
    merged: tuple[Match, ...] = ()


@dataclass(frozen=True)
class Story:
    """A topic told from its first revision to its last."""

    topic: Topic
    chapters: tuple[Chapter, ...]
    steps: tuple[Step, ...]
    """Between consecutive revisions: one fewer than chapters."""
    list_name: str = ""
    tree: str = ""
    """The code tree merged-detection looked at; '' when none."""
    tree_web: str = ""


def tell(topic: Topic, replies: Iterable[Message], merged: Mapping[str, tuple[Match, ...]] | None = None,
         list_name: str = "", tree: str = "", tree_web: str = "") -> Story:
    """The story of `topic`, given replies that may answer it and, by revision key, its patches found in a tree."""
    answers = _answers(replies)
    revisions = topic.revisions
    joined = topics.links(revisions)
    chapters = tuple(Chapter(rev, _received(rev, answers), (merged or {}).get(rev.key, ())) for rev in revisions)
    steps = tuple(
        Step(old, new, _joining(joined, old, new), diff(old, new))
        for old, new in itertools.pairwise(revisions)
    )
    return Story(topic, chapters, steps, list_name, tree, tree_web)


def _joining(joined: Sequence[topics.Link], old: Revision, new: Revision) -> tuple[topics.Link, ...]:
    """The links that bring `new` into the topic: those to `old` first, then to any earlier revision."""
    into = [link for link in joined if link.later == new.key]
    return tuple(sorted(into, key=lambda link: old.key not in (link.earlier, link.later)))


@dataclass(frozen=True)
class Query:
    """What `git digest show` was asked for: a message-id, or words of a title."""

    msgid: str = ""
    words: tuple[str, ...] = ()


def query(text: str) -> Query:
    """A Message-ID (`<id>` or bare), a lore URL naming one, or words of a series' title."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        parts = [urllib.parse.unquote(p) for p in urllib.parse.urlsplit(text).path.split("/")]
        found = next((p for p in parts if "@" in p), "")
        return Query(msgid=found) if found else Query(words=tuple(text.split()))
    if "@" in text and not any(c.isspace() for c in text):
        return Query(msgid=text.strip("<>"))
    return Query(words=tuple(w.lower() for w in text.split()))


def diff(older: Revision, newer: Revision) -> tuple[PatchChange, ...]:
    """The newer revision's patches, each kept, changed or added, then the older ones dropped."""
    left = list(older.patches)
    out: list[PatchChange] = []
    pending: list[Message] = []
    for patch in newer.patches:
        same = next((p for p in left if p.patch_id and p.patch_id == patch.patch_id), None)
        if same is not None:
            left.remove(same)
            out.append(PatchChange(Change.KEPT, patch.subject.title, same, patch))
        else:
            pending.append(patch)
            out.append(PatchChange(Change.ADDED, patch.subject.title, None, patch))
    for i, change in enumerate(out):
        if change.change is not Change.ADDED or change.after is None:
            continue
        title = _title(change.after.subject.title)
        same = next((p for p in left if _title(p.subject.title) == title), None)
        if same is not None:
            left.remove(same)
            out[i] = PatchChange(Change.CHANGED, change.title, same, change.after)
    return (*out, *(PatchChange(Change.DROPPED, p.subject.title, p, None) for p in left))


def _title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _answers(replies: Iterable[Message]) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {}
    seen: set[str] = set()
    for msg in replies:
        if msg.msgid in seen:
            continue
        seen.add(msg.msgid)
        for target in msg.answers:
            out.setdefault(target, []).append(msg)
    return out


def _received(rev: Revision, answers: Mapping[str, Sequence[Message]]) -> tuple[Given, ...]:
    """The review trailers replies gave to this revision's messages, in date order; a reply
    counts at the message it answers (deep in a thread: the last of the revision's it references)."""
    own = {m.msgid: m for m in rev.messages}
    replies = {r.msgid: r for msgid in own for r in answers.get(msgid, ())}
    found: list[tuple[datetime.datetime, Given]] = []
    seen: set[tuple[str, str, str]] = set()
    for reply in replies.values():
        target = reply.in_reply_to if reply.in_reply_to in own else next((r for r in reversed(reply.references) if r in own), None)
        if target is None:
            continue
        for trailer in reply.review_trailers:
            person = trailer.person or reply.author
            key = (person.email, trailer.lname, target)
            if key not in seen:
                seen.add(key)
                found.append((reply.date, Given(person, trailer.name, own[target].subject.title, reply.msgid)))
    return tuple(given for _when, given in sorted(found, key=lambda pair: pair[0]))
