"""The short text report: one line a series, where to read it and how to apply it, the tables.

For a maintainer who reads the digest every day: no commit messages, and under each
series the lore link and the `b4 am` command that fetches it.
"""

from __future__ import annotations

from collections.abc import Sequence

from gitdigest.model import Digest, SeriesReport
from gitdigest.render import text
from gitdigest.render.common import (
    TOP,
    clean,
    day,
    label,
    lists_note,
    merged_commits,
    row_note,
)
from gitdigest.render.links import revision_url


def render(digest: Digest) -> str:
    """The whole short report."""
    parts = [
        *text.header(digest),
        "",
        *_series(digest, digest.series),
        "",
        *text.table(f"Top {TOP} contributors (by patch author)", digest.stats.contributors, text.person_row),
        *text.table(f"Top {TOP} reviewers (Reviewed-by, Acked-by, Tested-by in replies)", digest.stats.reviewers, text.person_row),
        *text.footer(digest),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def _series(digest: Digest, reports: Sequence[SeriesReport]) -> list[str]:
    if not reports:
        return ["(no series in this period)"]
    width = max(len(label(r)) for r in reports)
    out: list[str] = []
    for report in reports:
        out += [line(report, width), f"    {clean(revision_url(digest.period, report.revision))}", f"    b4 am {clean(report.revision.key)}"]
        if digest.lists:
            out.append(f"    {clean(lists_note(digest, report))}")
    return out


def line(report: SeriesReport, width: int) -> str:
    """`status  date-or-commit  vN  k/N  author: title  [flags]`."""
    rev = report.revision
    landed = merged_commits(report)
    when = landed[0] + (f" +{len(landed) - 1}" if len(landed) > 1 else "") if landed else day(rev.date)
    extra = row_note(report)
    return clean(
        f"{label(report):<{width}}  {when:<10}  v{rev.version:<3} {len(rev.patches):>3}/{rev.total:<3}"
        f" {rev.author.name or rev.author.email}: {rev.subject}" + (f"  [{extra}]" if extra else "")
    )
