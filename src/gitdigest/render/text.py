"""The text report: the layout of the user's sample, with its flaws fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from gitdigest.model import Count, Digest, Message, SeriesReport, Status
from gitdigest.people.stats import top
from gitdigest.render.common import (
    TOP,
    clean,
    day,
    earlier_revisions,
    header_notes,
    label,
    lists_note,
    merged_commits,
    merged_how,
    more_note,
    revision_history,
    row_note,
    span,
    tag,
    title,
)
from gitdigest.render.links import revision_url

RULE = "-" * 70


def header(digest: Digest) -> list[str]:
    """The first lines of the text and short reports: the span, the title, the tree, the notes."""
    return [
        "F" + span(digest)[1:],
        clean(title(digest)),
        *([clean(f"Tree: {digest.period.tree}")] if digest.period.tree else []),
        *(clean(note) for note in header_notes(digest)),
    ]

def render(digest: Digest) -> str:
    """The whole text report."""
    parts = [
        *header(digest),
        "",
        *_table(f"Top {TOP} contributor email domains (by patch author)", digest.stats.domains, _domain),
        *_table(f"Top {TOP} contributors (by patch author)", digest.stats.contributors, _person),
        "===== Patch list in this time period =====",
        "",
        *_patch_list(digest.series, digest),
        "",
        "===== Patch Commit Messages ====",
        "",
        *_commit_messages(digest),
        *_table(f"Top {TOP} reviewers (Reviewed-by, Acked-by, Tested-by in replies)", digest.stats.reviewers, _person),
        *_unanswered(digest),
        *_footer(digest),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def _domain(row: Count) -> str:
    return f"{row.count:7d} {clean(row.key)}"


def _person(row: Count) -> str:
    return f"{row.count:7d}  {clean(str(row.person))}"


def _table(heading: str, rows: Sequence[Count], line: Callable[[Count], str]) -> list[str]:
    table = top(rows, TOP)
    out = [heading, ""] + [line(r) for r in table.rows]
    if not rows:
        out.append("      (none)")
    if table.hidden:
        out.append(f"        {more_note(table.hidden, table.hidden_at, '...')}")
    return out + [""]


def _patch_list(reports: Sequence[SeriesReport], digest: Digest) -> list[str]:
    if not reports:
        return ["(no series in this period)"]
    width = max(len(label(r)) for r in reports)
    out = []
    for report in reports:
        out.append(_row(report, width))
        if report.merged:
            out.append(_merged_line(report, width))
        if digest.lists:
            out.append(" " * (width + 2) + clean(lists_note(digest, report)))
    return out


def _merged_line(report: SeriesReport, width: int) -> str:
    """`in tree: 1a2b3c4d5e6f ... (link 4, patch-id 1)`, under the series' row."""
    return " " * (width + 2) + f"in tree: {' '.join(merged_commits(report))}  ({merged_how(report)})"


def _row(report: SeriesReport, width: int) -> str:
    """`status  date  vN  k/N  author: subject  (earlier revisions) [flags, newer]`."""
    rev = report.revision
    earlier = earlier_revisions(report)
    extra = row_note(report)
    return clean(
        f"{label(report):<{width}}  {day(rev.date)}  v{rev.version:<3} {len(rev.patches):>3}/{rev.total:<3}"
        f" {rev.author.name}: {rev.subject}"
        + (f"  ({earlier})" if earlier else "")
        + (f"  [{extra}]" if extra else "")
    )


def _commit_messages(digest: Digest) -> list[str]:
    out: list[str] = []
    for report in digest.series:
        if report.status is Status.SUPERSEDED and report.superseded_by:
            out += _exist_skip(report)
        elif report.is_live:
            out += _series_text(digest, report)
    return out


def _exist_skip(report: SeriesReport) -> list[str]:
    newer, older = report.superseded_by, report.revision
    assert newer is not None
    return [
        clean(f"Exist: {tag(newer)} {newer.subject}  ({day(newer.date)})"),
        clean(f" Skip: {tag(older)} {older.subject}  ({day(older.date)})"),
        "",
    ]


def _series_text(digest: Digest, report: SeriesReport) -> list[str]:
    word = "New:  " if report.status is Status.NEW else "Revised:  "
    rev = report.revision
    out = [
        clean(f"{word}{rev.subject}  {revision_history(report)}"),
        clean(f"Link: {revision_url(digest.period, rev)}"),
        clean(f"Message-ID: <{rev.key}>"),
        "",
    ]
    for msg in rev.messages:
        out += _message_text(digest, msg)
    return out + [RULE, ""]


def _message_text(digest: Digest, msg: Message) -> list[str]:
    text = digest.texts.get(msg.msgid)
    out = [clean(msg.subject.full), clean(f"Author: {msg.author}"), ""]
    if text and text.description:
        out += [clean(text.description), ""]
    if text and text.diffstat:
        out += ["---", clean(text.diffstat), ""]
    return out


def _unanswered(digest: Digest) -> list[str]:
    keys = set(digest.stats.unanswered)
    rows = [r for r in digest.series if r.revision.key in keys]
    if not rows:
        return []
    out = ["Series with no reply yet", ""]
    out += [clean(f"  {day(r.revision.date)}  {tag(r.revision)} {r.revision.subject}") for r in rows]
    return out + [""]


def _footer(digest: Digest) -> Iterable[str]:
    yield f"{digest.message_count} messages, {len(digest.series)} series."
    if digest.skipped:
        yield f"{len(digest.skipped)} messages skipped (run with -v to list them)."
    if digest.left_out:
        yield f"{len(digest.left_out)} tagged messages left out: not a patch, cover letter or pull request (-v names them)."


# Shared with the short report (render/short.py), which prints the same tables and footer.
table = _table
person_row = _person
footer = _footer
