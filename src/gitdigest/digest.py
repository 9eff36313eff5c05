"""The whole pipeline, top to bottom: archive -> messages -> series -> status -> stats.

Only the two ends do I/O: reading the archive here, writing the report in the shell.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import archive, classify, messages, patchid, series, stats
from .errors import EmptyPeriodError, GitDigestError
from .model import Digest, Message, MessageText, Period, RawMessage, Revision, SeriesReport, Skipped, Status

Progress = Callable[[str, int, int], None]


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


@dataclass(frozen=True)
class Loaded:
    """Parsed messages and the ones that could not be used."""

    messages: tuple[Message, ...]
    skipped: tuple[Skipped, ...]


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


def run(request: Request, progress: Progress = _quiet) -> Digest:
    """Digest the requested period."""
    if request.mbox is not None:
        return _run_mbox(request, progress)
    arch = archive.open_archive(request.archive or Path.cwd(), request.cache)
    if request.range:
        selection = archive.select_range(arch, request.range)
    else:
        selection = archive.select_dates(arch, request.since, request.until)
    if not selection.count:
        raise EmptyPeriodError(f"{request.range or 'the period'}: no messages in {arch.top}")
    everything = archive.select_range(arch, "HEAD") if len(arch.epochs) else selection
    history = load(archive.read(everything), progress, everything.count)
    chosen = set(_commits(selection))
    period = [m for m in history.messages if m.commit in chosen]
    skipped = tuple(s for s in history.skipped if s.commit in chosen)
    texts = lambda msg: messages.text_of(archive.read_blob(arch, msg.epoch, msg.blob), msg.msgid)
    return _digest(
        Period(
            start=selection.first or "",
            end=selection.last or "",
            since=request.since,
            until=request.until,
            list_name=request.list_name or archive.list_name(arch),
        ),
        period,
        history.messages,
        skipped,
        texts,
    )


def _commits(selection: archive.Selection) -> Iterable[str]:
    for _epoch, ids in selection.commits:
        yield from ids


def _run_mbox(request: Request, progress: Progress) -> Digest:
    assert request.mbox is not None
    raws = {raw.blob: raw for raw in archive.read_mailbox(request.mbox)}
    if not raws:
        raise EmptyPeriodError(f"{request.mbox}: no messages")
    loaded = load(raws.values(), progress, len(raws))
    period = [m for m in loaded.messages if _within(m.date, request.since, request.until)]
    texts = lambda msg: messages.text_of(raws[msg.blob], msg.msgid)
    name = request.list_name or request.mbox.stem
    return _digest(
        Period(since=request.since, until=request.until, list_name=name),
        period,
        loaded.messages,
        loaded.skipped,
        texts,
    )


def _within(when: datetime.datetime, since: datetime.datetime | None, until: datetime.datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when < until)


def load(raws: Iterable[RawMessage], progress: Progress = _quiet, total: int = 0) -> Loaded:
    """Parse raw messages and give every diff its stable patch-id, in one batch."""
    parsed: list[messages.Parsed] = []
    skipped: list[Skipped] = []
    for done, raw in enumerate(raws, 1):
        result = messages.parse_full(raw)
        (parsed if isinstance(result, messages.Parsed) else skipped).append(result)
        if done % 1000 == 0:
            progress("parsing", done, total)
    with_diff = [p for p in parsed if p.message.has_diff]
    ids = dict(zip((id(p) for p in with_diff), patchid.email_patch_ids([p.body for p in with_diff])))
    out = tuple(
        dataclasses.replace(p.message, patch_id=ids[id(p)]) if id(p) in ids else p.message
        for p in parsed
    )
    return Loaded(out, tuple(skipped))


def _digest(
    period: Period,
    inside: Sequence[Message],
    history: Sequence[Message],
    skipped: tuple[Skipped, ...],
    text_of: Callable[[Message], MessageText],
) -> Digest:
    if not inside:
        raise EmptyPeriodError("the period holds no messages that could be read")
    inside_ids = {m.msgid for m in inside}
    revisions = series.postings(history)
    in_period = lambda rev: any(m.msgid in inside_ids for m in rev.messages)
    reports = classify.classify(series.topics(revisions), in_period)
    shown = [r.revision for r in reports]
    dates = sorted(m.date for m in inside)
    period = dataclasses.replace(
        period, since=period.since or dates[0], until=period.until or dates[-1]
    )
    return Digest(
        period=period,
        series=reports,
        stats=stats.compute(inside, shown, history),
        texts=_texts(reports, text_of),
        skipped=skipped,
        message_count=len(inside),
    )


def _texts(reports: Sequence[SeriesReport], text_of: Callable[[Message], MessageText]) -> dict[str, MessageText]:
    """Load the readable text of every message the report prints in full."""
    wanted = [r.revision for r in reports if r.status in (Status.NEW, Status.REVISED)]
    return {m.msgid: text_of(m) for rev in wanted for m in rev.messages}
