"""The HTML report: one self-contained page, no JavaScript, charts drawn as inline SVG.

The templates (`templates/*.html.j2`) only lay out what this module prepares: every
number, label and chart geometry is computed here, and jinja2's autoescaping makes
every piece of mail text inert. Links go to lore and to the tree's web pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitdigest.model import Count, Digest, Message, SeriesReport, Status
from gitdigest.render.common import (
    TOP,
    clean,
    day,
    header_notes,
    label,
    lists_note,
    merged_how,
    merged_ids,
    revision_history,
    row_note,
    tag,
    title,
)
from gitdigest.render.links import (
    LORE,
    commit_url,
    lore_list,
    message_url,
    revision_url,
)
from gitdigest.render.tables import (
    counts,
    duration,
    needs_attention,
    people_tables,
    percent,
    review_tables,
)

if TYPE_CHECKING:
    import jinja2

BAR_WIDTH = 360.0
"""The length of the longest bar in a bar chart, in SVG units."""
ROW = 22.0
BARS = 10
"""The rows a bar chart shows."""
STATUS_ORDER = (Status.NEW, Status.REVISED, Status.SUPERSEDED, Status.PARTIALLY_MERGED, Status.MERGED)


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart, placed."""

    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class Segment:
    """One part of a whole (a status, a kind of review), placed on a stacked bar and a donut."""

    key: str
    label: str
    value: int
    share: str
    dash: float
    """The segment's length on the donut's circumference (100 units)."""
    offset: float


@dataclass(frozen=True)
class Chart:
    """A chart with its id, title, and either bars or segments."""

    key: str
    title: str
    bars: tuple[Bar, ...] = ()
    segments: tuple[Segment, ...] = ()
    height: float = 0.0
    center: str = ""
    """The figure in the middle of a donut."""
    note: str = ""


def environment() -> jinja2.Environment:
    """The templates' environment: escaped, strict, with mail text cleaned by `clean`."""
    import jinja2  # here, not at the top: every other format starts 70 ms sooner without it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gitdigest.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clean"] = clean
    return env


def render(digest: Digest) -> str:
    """The whole HTML page."""
    env = environment()
    return env.get_template("report.html.j2").render(**page(digest))


def page(digest: Digest) -> dict[str, object]:
    """What the template shows, computed: the context of `report.html.j2`."""
    return {
        "title": title(digest),
        "dates": f"Messages dated {day(digest.period.since)} to {day(digest.period.until)}",
        "lore": f"{LORE}/{lore_list(digest.period)}/",
        "digest": digest,
        "cards": _cards(digest),
        "charts": charts(digest),
        "patch_list": [_patch_row(digest, r) for r in digest.series],
        "with_tree": bool(digest.period.tree),
        "notes": header_notes(digest),
        "people": [counts("domains", f"Top {TOP} contributor email domains", "Domain", digest.stats.domains, "Patches"),
                   counts("contributors", f"Top {TOP} contributors", "Contributor", digest.stats.contributors, "Patches"),
                   *people_tables(digest)],
        "reviews": review_tables(digest),
        "series": [_series(digest, r) for r in digest.series if r.status in (Status.NEW, Status.REVISED, Status.SUPERSEDED)],
    }


def charts(digest: Digest) -> list[Chart]:
    """Top contributors, top employers (else domains), series by status, review coverage."""
    people = digest.people
    if people.employers:
        orgs = bars("employers", "Top employers (patch emails)", [Count(e.name, e.patches) for e in people.employers])
    else:
        orgs = bars("domains", "Top email domains (patch emails)", digest.stats.domains)
    return [
        bars("contributors", "Top contributors (patch emails)", digest.stats.contributors),
        orgs,
        status_chart(digest),
        coverage_chart(digest),
    ]


def bars(key: str, heading: str, rows: Sequence[Count]) -> Chart:
    """A horizontal bar chart of the first BARS rows, the longest bar BAR_WIDTH long."""
    shown = rows[:BARS]
    most = max((r.count for r in shown), default=0) or 1
    placed = tuple(
        Bar(r.person.name if r.person and r.person.name else r.key, r.count, i * ROW, max(r.count / most * BAR_WIDTH, 2.0))
        for i, r in enumerate(shown)
    )
    note = "" if shown else "none in this period"
    return Chart(key, heading, bars=placed, height=max(len(placed), 1) * ROW, note=note)


def status_chart(digest: Digest) -> Chart:
    """Series (revisions in the period) by status."""
    found = Counter(r.status for r in digest.series)
    parts = [(s.value, s.value.replace("-", " "), found[s]) for s in STATUS_ORDER if found[s]]
    return Chart("status", "Series by status", segments=_segments(parts), center=str(len(digest.series)))


def coverage_chart(digest: Digest) -> Chart:
    """Series with a review trailer given in a reply, carried from an earlier revision, or none."""
    r = digest.reviews
    parts = [("reviewed", "reviewed in a reply", r.reviewed), ("carried", "carried from earlier", r.carried),
             ("unreviewed", "no review trailer", r.series - r.reviewed - r.carried)]
    return Chart("coverage", "Review coverage", segments=_segments([p for p in parts if p[2]]),
                 center=percent(r.coverage), note="" if r.series else "no series in this period")


def _segments(parts: Sequence[tuple[str, str, int]]) -> tuple[Segment, ...]:
    total = sum(n for _k, _l, n in parts) or 1
    out, done = [], 0
    for key, text, n in parts:
        out.append(Segment(key, text, n, percent(n / total), n / total * 100, -done / total * 100))
        done += n
    return tuple(out)


def _cards(digest: Digest) -> list[tuple[str, str]]:
    """The headline figures: (value, what it counts)."""
    r, people = digest.reviews, digest.people
    first = "–" if people.first_timers is None else str(len(people.first_timers))
    return [
        (str(digest.message_count), "messages"),
        (str(len(digest.series)), "series"),
        (str(len(digest.stats.contributors)), "contributors"),
        (first, "first-time contributors"),
        (percent(r.coverage), "review coverage"),
        (duration(r.median_first_reply), "median time to first reply"),
        (str(len(needs_attention(digest))), "series with no reply"),
    ]


def _patch_row(digest: Digest, report: SeriesReport) -> dict[str, object]:
    rev = report.revision
    return {
        "status": report.status.value,
        "label": label(report),
        "date": day(rev.date),
        "revision": revision_history(report),
        "patches": f"{len(rev.patches)}/{rev.total}",
        "author": rev.author.name,
        "subject": rev.subject,
        "link": revision_url(digest.period, rev),
        "note": "; ".join(x for x in (row_note(report), lists_note(digest, report)) if x),
        "merged": [(c, commit_url(digest, c)) for c in merged_ids(report)],
        "how": merged_how(report),
    }


def _series(digest: Digest, report: SeriesReport) -> dict[str, object]:
    rev, newer = report.revision, report.superseded_by
    return {
        "status": report.status.value,
        "subject": rev.subject,
        "history": revision_history(report),
        "link": revision_url(digest.period, rev),
        "tag": tag(rev),
        "newer": {"tag": tag(newer), "subject": newer.subject, "date": day(newer.date), "link": revision_url(digest.period, newer)} if newer else None,
        "messages": [_message(digest, m) for m in rev.messages] if report.status is not Status.SUPERSEDED else [],
    }


def _message(digest: Digest, msg: Message) -> dict[str, object]:
    text = digest.texts.get(msg.msgid)
    return {
        "subject": msg.subject.full,
        "author": str(msg.author),
        "link": message_url(digest.period, msg.msgid),
        "description": text.description if text else "",
        "diffstat": text.diffstat if text else "",
    }
