"""Raw messages -> parsed messages with their patch-ids: the one way every reader parses.

The index's workers, online mode's fetched threads and `--mbox` all parse the same way:
each message through the b4 adapter (`messages.parse_full`), then the patch-ids of all
their diffs from one batched `git patch-id --stable` (`patchid.stamp`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gitdigest.mail import messages, patchid
from gitdigest.model import MAX_MESSAGE_SIZE, Parsed, RawMessage, Skipped

Progress = Callable[[str, int, int], None]


def _quiet(*_args: object) -> None:
    """The default callback: say nothing."""


def parse_all(
    raws: Iterable[RawMessage], limit: int = MAX_MESSAGE_SIZE, progress: Progress = _quiet, total: int = 0,
) -> list[Parsed | Skipped]:
    """Each raw message parsed, or why it cannot be used, in order; every diff with its patch-id."""
    results: list[Parsed | Skipped] = []
    for done, raw in enumerate(raws, 1):
        results.append(messages.parse_full(raw, limit))
        if done % 1000 == 0:
            progress("parsing", done, total)
    stamped = iter(patchid.stamp([r for r in results if isinstance(r, Parsed)]))
    return [next(stamped) if isinstance(r, Parsed) else r for r in results]
