"""What every renderer words the same way: titles, labels, rows of the patch list."""

from __future__ import annotations

import datetime
import re

from ..model import Digest, Revision, SeriesReport, Status

TOP = 15
# Terminal control sequences in mail must never reach a terminal.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Text from mail with terminal control sequences and control characters removed."""
    return _CONTROL.sub("", text)


def day(when: datetime.datetime | None) -> str:
    """A date as YYYY-MM-DD, in UTC."""
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d") if when else ""


def short(rev: str) -> str:
    """An archive commit id cut to 8 characters, as the sample shows them."""
    return rev[:8] if re.fullmatch(r"[0-9a-f]{40,64}", rev) else rev


def span(digest: Digest) -> str:
    """`from A to B`, with commits where the period was a range, else with dates."""
    period = digest.period
    if period.start or period.end:
        return f"from {short(period.start) or 'the start'} to {short(period.end)}"
    return f"from {day(period.since)} to {day(period.until)}"


def title(digest: Digest) -> str:
    """The report's title line."""
    name = digest.period.list_name or "Mailing"
    return f"{name} mailing list update {span(digest)}"


def label(report: SeriesReport) -> str:
    """The status as the patch list prints it."""
    return report.status.value


def tag(rev: Revision) -> str:
    """`[PATCH v4 0/7]`, rebuilt from the revision's first message."""
    return rev.messages[0].subject.tag if rev.messages else "[PATCH]"


def revision_history(report: SeriesReport) -> str:
    """`v4 (v3 2025-03-05, v2 2025-02-20)`: this revision and the earlier ones."""
    earlier = ", ".join(f"v{r.version} {day(r.date)}" for r in report.history)
    return f"v{report.revision.version}" + (f" ({earlier})" if earlier else "")


def flags(rev: Revision) -> str:
    """RFC, RESEND and PULL markers, so they are labelled and never miscounted."""
    words = [w for w, on in (("RFC", rev.rfc), ("RESEND", rev.resend), ("PULL", rev.is_pull)) if on]
    return " ".join(words)


def superseded_note(report: SeriesReport) -> str:
    """`by v4 2025-03-06` for a superseded revision, else ''."""
    newer = report.superseded_by
    return f"by v{newer.version} {day(newer.date)}" if newer else ""


def live(digest: Digest) -> list[SeriesReport]:
    """Series whose commit messages the report prints: the new and the revised."""
    return [r for r in digest.series if r.status in (Status.NEW, Status.REVISED)]
