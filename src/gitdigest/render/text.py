"""The text report: the layout of the user's sample, with its flaws fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from gitdigest.model import Count, Digest, Message, MessageText, Period, SeriesReport, Status
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
from gitdigest.render.spool import Page, Spool

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
    return "".join(chunks(digest))


def chunks(digest: Digest, spooled: Spool | None = None) -> Iterator[str]:
    """`render`'s text in pieces: the header and the authors' tables, then each series' row,
    each series' commit messages, and the tables that follow. `spooled`: the series
    (`series_parts`) of a digest that streamed them (its own `series` are then empty)."""
    yield _lines([
        *header(digest),
        "",
        *_table(f"Top {TOP} contributor email domains (by patch author)", digest.stats.domains, _domain),
        *_table(f"Top {TOP} contributors (by patch author)", digest.stats.contributors, _person),
        "===== Patch list in this time period =====",
        "",
    ])
    labels: Callable[[], Iterable[str]]
    rows: Callable[[], Iterable[str]]
    texts: Callable[[], Iterable[str]]
    unanswered: Callable[[set[str]], list[str]]
    if spooled is None:
        reports = digest.series
        labels = lambda: map(label, reports)
        rows = lambda: (_row_part(r, lists_note(digest, r)) for r in reports)
        texts = lambda: (_messages_part(digest.period, digest.texts, r) for r in reports)
        unanswered = lambda keys: [_unanswered_part(r) for r in reports if r.revision.key in keys]
        count = len(reports)
    else:
        labels, rows, texts = (lambda: spooled.texts(0)), (lambda: spooled.texts(1)), (lambda: spooled.texts(2))
        unanswered = lambda keys: [line for key, line in spooled.keyed(3) if key in keys]
        count = spooled.count
    width = max(map(len, labels()), default=0)
    if not width:
        yield _lines(["(no series in this period)"])
    for name, row in zip(labels(), rows()):
        first, *more = row.split(_NEXT)
        yield _lines([f"{name:<{width}}{first}", *(" " * (width + 2) + line for line in more)])
    yield _lines(["", "===== Patch Commit Messages ====", ""])
    yield from texts()
    yield _lines(_table(f"Top {TOP} reviewers (Reviewed-by, Acked-by, Tested-by in replies)", digest.stats.reviewers, _person))
    left = unanswered(set(digest.stats.unanswered))
    if left:
        yield _lines(["Series with no reply yet", ""])
        yield from left
        yield _lines([""])
    yield _lines(_footer(digest, count))


def series_parts(page: Page) -> tuple[str, str, str, str]:
    """One series of a single list's report, as `chunks` writes it."""
    return _parts(page.period, page.report, page.texts, "")


_NEXT = "\0"
"""Between the lines of a series' row (`clean` text never holds it)."""


def _parts(period: Period, report: SeriesReport, texts: Mapping[str, MessageText], lists: str) -> tuple[str, str, str, str]:
    """Where a series shows in the report: its status label; the rest of its row in the patch
    list, with the lines under it; its commit messages; its line among the unanswered."""
    return label(report), _row_part(report, lists), _messages_part(period, texts, report), _unanswered_part(report)


def _row_part(report: SeriesReport, lists: str) -> str:
    """The series' row after its label, and the lines under it (tree commits, lists), apart."""
    row = [_row(report)]
    if report.merged:
        row.append(f"in tree: {' '.join(merged_commits(report))}  ({merged_how(report)})")
    if lists:
        row.append(clean(lists))
    return _NEXT.join(row)


def _messages_part(period: Period, texts: Mapping[str, MessageText], report: SeriesReport) -> str:
    return _lines(_commit_message(period, texts, report))


def _unanswered_part(report: SeriesReport) -> str:
    rev = report.revision
    return _lines([clean(f"  {day(rev.date)}  {tag(rev)} {rev.subject}")])


def _lines(lines: Iterable[str]) -> str:
    """Lines as the report writes them: each ends with a newline."""
    return "".join(f"{line}\n" for line in lines)


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


def _row(report: SeriesReport) -> str:
    """`  date  vN  k/N  author: subject  (earlier revisions) [flags, newer]`: the patch list's
    row after the status label."""
    rev = report.revision
    earlier = earlier_revisions(report)
    extra = row_note(report)
    return clean(
        f"  {day(rev.date)}  v{rev.version:<3} {len(rev.patches):>3}/{rev.total:<3}"
        f" {rev.author.name}: {rev.subject}"
        + (f"  ({earlier})" if earlier else "")
        + (f"  [{extra}]" if extra else "")
    )


def _commit_message(period: Period, texts: Mapping[str, MessageText], report: SeriesReport) -> list[str]:
    """What the commit messages' part says of a series: a live one in full, a superseded one
    as the revision that replaced it."""
    if report.status is Status.SUPERSEDED and report.superseded_by:
        return _exist_skip(report)
    if report.is_live:
        return _series_text(period, texts, report)
    return []


def _exist_skip(report: SeriesReport) -> list[str]:
    newer, older = report.superseded_by, report.revision
    assert newer is not None
    return [
        clean(f"Exist: {tag(newer)} {newer.subject}  ({day(newer.date)})"),
        clean(f" Skip: {tag(older)} {older.subject}  ({day(older.date)})"),
        "",
    ]


def _series_text(period: Period, texts: Mapping[str, MessageText], report: SeriesReport) -> list[str]:
    word = "New:  " if report.status is Status.NEW else "Revised:  "
    rev = report.revision
    out = [
        clean(f"{word}{rev.subject}  {revision_history(report)}"),
        clean(f"Link: {revision_url(period, rev)}"),
        clean(f"Message-ID: <{rev.key}>"),
        "",
    ]
    for msg in rev.messages:
        out += _message_text(texts, msg)
    return out + [RULE, ""]


def _message_text(texts: Mapping[str, MessageText], msg: Message) -> list[str]:
    text = texts.get(msg.msgid)
    out = [clean(msg.subject.full), clean(f"Author: {msg.author}"), ""]
    if text and text.description:
        out += [clean(text.description), ""]
    if text and text.diffstat:
        out += ["---", clean(text.diffstat), ""]
    return out


def _footer(digest: Digest, series: int | None = None) -> Iterable[str]:
    """The counts under the report; `series`: how many it lists, when not `digest.series`."""
    yield f"{digest.message_count} messages, {len(digest.series) if series is None else series} series."
    if digest.skipped:
        yield f"{len(digest.skipped)} messages skipped (run with -v to list them)."
    if digest.left_out:
        yield f"{len(digest.left_out)} tagged messages left out: not a patch, cover letter or pull request (-v names them)."


# Shared with the short report (render/short.py), which prints the same tables and footer.
table = _table
person_row = _person
footer = _footer
