"""What a posted message can be grouped with: how the index finds it without the archive.

`grouping.postings` and `grouping.topics` join messages only through what is listed
here: a posting gathers messages of one sender sent close together or in one thread,
and a link between revisions goes through a change-id, a message-id answered or
superseded, a patch-id, or a normalised title. So the messages that can change the
topics of a new one are those that share one of its `keys`, or that its sender sent
within `WINDOW` of it where their `Window` kinds `meet`, and so on from those: the
index follows these keys (each is indexed) and regroups only what they reach. A rule
added to the grouping that joins messages through anything else must add it here.
"""

from __future__ import annotations

import enum

from gitdigest.model import Message
from gitdigest.series import postings, topics

WINDOW = postings.WINDOW + postings.BATCH
"""Messages of one sender further apart than this (and not linked otherwise) never meet
in one posting, nor in the duplicate check."""


class Window(enum.IntEnum):
    """How a message takes part in its sender's postings by time alone (`postings._place`),
    when no key joins it to the others."""

    NONE = 0
    """Not a patch, cover letter or pull request (a reply that gives `Supersedes:`, a thread
    root that may be a cover): postings are never made of it, and only keys join it."""
    LONE = 1
    """A patch or pull request without `n/N`: always a posting of its own, whatever its
    sender sent beside it. A numbered message of its sender may still join that posting,
    or find it in the way (the latest posting of its sender is where one looks)."""
    NUMBERED = 2
    """Any other patch, cover letter or pull request: it may join a posting its sender
    started within the window."""


def window(message: Message) -> Window:
    """The `Window` kind of a message the grouping looks at (`relevant`)."""
    if not postings.is_series_message(message):
        return Window.NONE
    return Window.LONE if message.subject.counters_inferred else Window.NUMBERED


def meets(kind: Window) -> tuple[Window, ...]:
    """The kinds a message of `kind` may meet in its sender's window: a numbered message
    meets every posting's message, a lone one only numbered ones (two lone patches each make
    a posting of their own, so a flood of them never joins into one cluster), the rest none."""
    if kind is Window.NUMBERED:
        return (Window.LONE, Window.NUMBERED)
    return (Window.NUMBERED,) if kind is Window.LONE else ()


def relevant(message: Message) -> bool:
    """A message the grouping looks at: a patch, a cover letter or a pull request; a thread
    root without a diff, or a `[PATCHSET]` message, that may be the cover of the numbered
    patches answering it (`grouping._thread_covers`); a reply that gives `Supersedes:`."""
    if postings.is_series_message(message):
        return True
    if any(t.lname == "supersedes" for t in message.trailers):
        return True
    if message.subject.is_reply or message.has_diff:
        return False
    patchset = any(p.upper() == "PATCHSET" for p in message.subject.prefixes)
    return patchset or not (message.in_reply_to or message.references)


def keys(message: Message) -> tuple[str, ...]:
    """Every value by which a grouping rule may join `message` to another message."""
    found = [f"m:{message.msgid}", *(f"m:{m}" for m in postings.ancestors(message))]
    found.extend(f"m:{m}" for m in topics.superseded_ids([message]))
    if message.change_id:
        found.append(f"c:{message.change_id}")
    if message.patch_id:
        found.append(f"p:{message.patch_id}")
    title = title_key(message.subject.title)
    if title:
        found.append(title)
    return tuple(dict.fromkeys(found))


def title_key(title: str) -> str | None:
    """The key of a normalised title (the subject and patch-title rules join by it); None for none."""
    normal = topics.normalised_title(title)
    return f"t:{normal}" if normal else None

