"""The people and review tables, built once for Markdown and HTML alike.

Each table is plain text cells (with a link where one helps); the Markdown and HTML
renderers only lay them out, so both show the same numbers under the same headings.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from gitdigest.model import Count, Digest, Reviewer, SeriesReport
from gitdigest.people.identity import RELAY, UNKNOWN
from gitdigest.people.stats import top
from gitdigest.render.common import TOP, day, more_note, tag
from gitdigest.render.links import revision_url


@dataclass(frozen=True)
class Cell:
    """One table cell: text from the digest, not yet escaped, and maybe where it links to."""

    text: str
    link: str = ""


@dataclass(frozen=True)
class Table:
    """A titled table: column headings, which are numbers, rows, and notes under it."""

    key: str
    """A stable id: the HTML anchor and the test handle."""
    title: str
    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


def people_tables(digest: Digest) -> list[Table]:
    """Employers, unmapped domains, first-time contributors, and the bots kept apart."""
    people = digest.people
    out = []
    if people.employers:
        total = sum(e.patches for e in people.employers) or 1
        # The top rows, and the (Unknown) bucket always: it says how much the map misses.
        shown = [e for i, e in enumerate(people.employers) if i < TOP or e.name == UNKNOWN]
        rows = tuple((Cell(str(e.patches)), Cell(percent(e.patches / total)), Cell(str(e.people)), Cell(e.name)) for e in shown)
        more = (more_note(len(people.employers) - len(shown)),) if len(shown) < len(people.employers) else ()
        out.append(Table("employers", "Contributors by employer (patch emails)", ("Patches", "Share", "People", "Employer"),
                         (True, True, True, False), rows, more))
        if people.unmapped:
            out.append(counts("unmapped", f"Domains no employer map names (counted as {UNKNOWN})", "Domain", people.unmapped, "Patches"))
    out.append(_first_timers(digest))
    if people.bots:
        out.append(counts("bots", "Bots and relays, kept apart (messages)", "Sender", people.bots, "Messages",
                           notes=(f"{RELAY}'s messages count for the people it sent them for.",)
                           if any(b.key == RELAY for b in people.bots) else ()))
    return out


def review_tables(digest: Digest) -> list[Table]:
    """Reviewers by kind, reviews by employer, coverage, and the series that need attention."""
    reviews = digest.reviews
    out = [_reviewers(reviews.reviewers, bool(reviews.employers))]
    if reviews.employers:
        out.append(counts("review-employers", "Review trailers by employer", "Employer", reviews.employers, "Trailers"))
    out.append(_coverage(digest))
    out.append(_attention(digest))
    return out


def percent(share: float) -> str:
    """`62%`, or `<1%` for a share too small to round to one."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def duration(span: datetime.timedelta | None) -> str:
    """`3 h 12 min`, `2 d 4 h`, `45 min`: a wait as people say it."""
    if span is None:
        return "none"
    minutes = int(span.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min" if mins else "< 1 min"


def counts(key: str, title: str, column: str, rows: Sequence[Count], unit: str, notes: tuple[str, ...] = ()) -> Table:
    """A Count table with the usual top-N cut, ties at the cut-off kept or counted."""
    table = top(rows, TOP)
    shown = tuple((Cell(str(r.count)), Cell(str(r.person) if r.person else r.key)) for r in table.rows)
    more = (more_note(table.hidden, table.hidden_at),) if table.hidden else ()
    return Table(key, title, (unit, column), (True, False), shown, more + notes)


def _first_timers(digest: Digest) -> Table:
    found = digest.people.first_timers
    if found is None:
        note = "The archive holds nothing before this period, so nobody can be told a first-time contributor."
        return Table("first-timers", "First-time contributors", ("Patches", "Contributor"), (True, False), (), (note,))
    table = counts("first-timers", "First-time contributors (no patch earlier in the archive)", "Contributor", found, "Patches")
    return table if found else Table(table.key, table.title, table.columns, table.numeric, (), ("None in this period.",))


def _reviewers(reviewers: Sequence[Reviewer], employers: bool) -> Table:
    counts = [Count(r.person.email, r.total, r.person) for r in reviewers]
    cut = top(counts, TOP)
    rows = tuple(
        (Cell(str(r.total)), Cell(str(r.reviewed)), Cell(str(r.acked)), Cell(str(r.tested)), Cell(str(r.person)))
        + ((Cell(r.employer or UNKNOWN),) if employers else ())
        for r in reviewers[: len(cut.rows)]
    )
    notes = (more_note(cut.hidden, cut.hidden_at),) if cut.hidden else ()
    columns = ("Trailers", "Reviewed-by", "Acked-by", "Tested-by", "Reviewer") + (("Employer",) if employers else ())
    title = f"Top {TOP} reviewers (trailers given in replies)"
    return Table("reviewers", title, columns, (True, True, True, True, False, False)[: len(columns)], rows,
                 notes or (() if rows else ("Nobody gave a review trailer in a reply in this period.",)))


def _coverage(digest: Digest) -> Table:
    r = digest.reviews
    none = r.series - r.reviewed - r.carried
    rows = tuple(
        (Cell(str(n)), Cell(percent(n / r.series) if r.series else "–"), Cell(what))
        for n, what in ((r.reviewed, "reviewed in a reply"), (r.carried, "carry trailers from an earlier revision"), (none, "no review trailer"))
    )
    note = f"Review coverage: {percent(r.coverage)} of {r.series} series have at least one review trailer (pull requests left out)."
    return Table("coverage", "Review coverage", ("Series", "Share", "Review"), (True, True, False), rows, (note,))


def needs_attention(digest: Digest) -> list[SeriesReport]:
    """The series no person answered; a pull request waits for a merge, not for review."""
    keys = set(digest.stats.unanswered)
    return [r for r in digest.series if r.revision.key in keys and not r.revision.is_pull]


def _attention(digest: Digest) -> Table:
    reports = needs_attention(digest)
    rows = tuple(
        (Cell(day(r.revision.date)), Cell(f"{tag(r.revision)} {r.revision.subject}", revision_url(digest.period, r.revision)), Cell(r.revision.author.name))
        for r in reports
    )
    reviews = digest.reviews
    wait = (f"Median time to first reply: {duration(reviews.median_first_reply)}, over {reviews.replied} revisions"
            " answered by someone other than their author (bots left out).")
    notes = ("A bot's message is no reply; pull requests are left out.", wait) if rows else ("Every series got a reply.", wait)
    return Table("attention", "Needs attention: series with no reply", ("Posted", "Series", "Author"), (False, False, False), rows, notes)
