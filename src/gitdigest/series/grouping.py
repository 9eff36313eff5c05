"""Messages -> revisions -> topics: the series stage.

`postings` splits every patch, cover letter and pull request into postings (one
revision of one series, see `postings.py`), finds the cover letter of a posting
sent without a `0/N` one, and builds a `Revision` from each. Every send is kept: a
posting sent again (a resend, three sends in five minutes, a send that broke off)
is a posting of its own, linked into the same topic by `topics`, where the last
send supersedes the earlier ones. `topics` links the revisions of one series (see
`topics.py`). Both are pure and take the whole archive, so they index by message-id
(and by sender and title) and never compare all pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from gitdigest.model import Message, Revision, Topic, unique
from gitdigest.series import postings as split_postings
from gitdigest.series import topics as linking


def postings(messages: Sequence[Message]) -> tuple[Revision, ...]:
    """Split messages into postings (one revision of one series), oldest first. Replies are ignored,
    but for the `Supersedes:` lines they give; pull requests become Revisions with is_pull=True."""
    everything = unique(messages)
    by_id = {m.msgid: m for m in everything}
    groups = split_postings.split([m for m in everything if split_postings.is_series_message(m)])
    owner = {m.msgid: index for index, group in enumerate(groups) for m in group}
    covers = _thread_covers(groups, by_id, owner)
    owner.update((cover.msgid, index) for index, cover in covers.items())
    retired = _reply_supersedes(everything, owner)
    keys = [(covers.get(i) or _first(group)).msgid for i, group in enumerate(groups)]
    revisions = [
        revision(group, covers.get(i), tuple(retired.get(i, ())), _answers(group, owner, keys, i))
        for i, group in enumerate(groups)
    ]
    return tuple(sorted(revisions, key=lambda r: (r.date, r.key)))


def topics(revisions: Sequence[Revision], alias: linking.Alias | None = None) -> tuple[Topic, ...]:
    """Link revisions into topics (change-id, Supersedes, vN in reply to vN-1, shared patch-id,
    shared patch titles, same normalised subject + author, ...); revisions oldest first inside each topic.
    `alias` makes the addresses a mailmap names one person's (default: each address its own)."""
    return linking.group(revisions, alias)


def revision(
    group: Sequence[Message],
    cover: Message | None = None,
    supersedes: tuple[str, ...] = (),
    answers: str | None = None,
) -> Revision:
    """The revision made of one posting's messages, with its cover letter when it has no `0/N` one."""
    cover = cover or next((m for m in group if m.is_cover), None)
    patches = tuple(
        sorted((m for m in group if m is not cover), key=lambda m: (m.subject.counter, m.date))
    )
    first = cover or patches[0]
    explicit = [m.subject.version for m in (*group, first) if not m.subject.version_inferred]
    version = (
        first.subject.version if not first.subject.version_inferred else max(explicit, default=1)
    )
    return Revision(
        key=first.msgid,
        version=version,
        subject=first.subject.title,
        author=first.author,
        date=min(m.date for m in (*group, first)),
        cover=cover,
        patches=patches,
        total=_total(cover, patches),
        rfc=first.subject.rfc,
        resend=first.subject.resend,
        is_pull=any(split_postings.is_pull(m) for m in group),
        prefixes=first.subject.prefixes,
        supersedes=supersedes,
        answers=answers,
    )


def _first(group: Sequence[Message]) -> Message:
    """The message a posting is keyed by: its `0/N` cover letter, else its lowest-numbered patch."""
    cover = next((m for m in group if m.is_cover), None)
    return cover or min(group, key=lambda m: (m.subject.counter, m.date))


def _total(cover: Message | None, patches: Sequence[Message]) -> int:
    """The N most patches give (an extra `[PATCH 3/2]` does not change it), else the cover's."""
    totals = Counter(p.subject.total for p in patches if not p.subject.counters_inferred)
    if totals:
        return max(totals, key=lambda n: (totals[n], -n))
    return cover.subject.total if cover and not cover.subject.counters_inferred else 1


def _thread_covers(
    groups: Sequence[Sequence[Message]], by_id: Mapping[str, Message], owner: Mapping[str, int]
) -> dict[int, Message]:
    """The cover letter of each posting sent without a `0/N` one: the message every numbered
    patch answers, when its sender sent it as a new thread without a diff (`[PATCHSET RFC v3]
    Title`, or a naked thread root, which b4 also takes for the cover)."""
    covers: dict[int, Message] = {}
    taken: set[str] = set()
    for index, group in enumerate(groups):
        numbered = [m for m in group if not m.subject.counters_inferred]
        if not numbered or len(numbered) < len(group) or any(m.is_cover for m in group):
            continue
        root = by_id.get(min(numbered, key=lambda m: m.subject.counter).in_reply_to or "")
        if root is None or root.msgid in taken or root.msgid in owner:
            continue
        if _opens(root, numbered):
            covers[index] = root
            taken.add(root.msgid)
    return covers


def _opens(root: Message, numbered: Sequence[Message]) -> bool:
    """Whether `root` is the cover of `numbered`: a `[PATCHSET ...]` message, or a new thread,
    without a diff, from the same address, that every patch answers (a bug report from
    someone else that a fix answers is not)."""
    patchset = any(p.upper() == "PATCHSET" for p in root.subject.prefixes)
    if root.subject.is_reply or root.has_diff:
        return False
    if not patchset and (root.in_reply_to or root.references):
        return False
    sender = root.sender.email.lower()
    return all(
        m.sender.email.lower() == sender and root.msgid in (m.in_reply_to, *m.references)
        for m in numbered
    )


def _reply_supersedes(messages: Sequence[Message], owner: Mapping[str, int]) -> dict[int, list[str]]:
    """The message-ids named by `Supersedes:` in replies, by the posting each reply answers."""
    found: dict[int, list[str]] = {}
    for message in messages:
        if message.msgid in owner or not any(t.lname == "supersedes" for t in message.trailers):
            continue
        answered = next((owner[a] for a in split_postings.ancestors(message) if a in owner), None)
        if answered is not None:
            found.setdefault(answered, []).extend(linking.superseded_ids([message]))
    return found


def _answers(
    group: Sequence[Message], owner: Mapping[str, int], keys: Sequence[str], index: int
) -> str | None:
    """The key of the posting whose thread this one was sent in, or None."""
    first = min(group, key=lambda m: m.date)
    other = next((owner[a] for a in split_postings.ancestors(first) if a in owner), index)
    return keys[other] if other != index else None
