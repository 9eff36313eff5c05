"""Topics -> one status per revision posted in the period: new, revised or superseded.

A topic holds every revision found anywhere in what was given (before the period,
inside it and after it), so "superseded" also sees a newer revision posted after
the period's end, and "revised" sees revisions from before its start. Merged and
partially merged are decided against a tree, by another stage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence

from gitdigest.model import Link, Revision, SeriesReport, Status, Topic


def classify(
    topics: Sequence[Topic], in_period: Callable[[Revision], bool]
) -> tuple[SeriesReport, ...]:
    """One SeriesReport per revision inside the period, newest first: new / revised / superseded,
    with superseded_by (the newest later revision of the topic, anywhere in what was given) and
    history (earlier revisions, newest first)."""
    reports = [report for topic in topics for report in _reports(topic, in_period)]
    return tuple(sorted(reports, key=lambda r: (r.revision.date, r.revision.key), reverse=True))


def _reports(topic: Topic, in_period: Callable[[Revision], bool]) -> Iterator[SeriesReport]:
    revisions = topic.revisions
    links: dict[str, list[Link]] = {}
    for link in topic.links:
        links.setdefault(link.earlier, []).append(link)
        links.setdefault(link.later, []).append(link)
    for index, rev in enumerate(revisions):
        if in_period(rev):
            found = report(topic.key, revisions[:index], rev, revisions[index + 1 :])
            mine = tuple(links.get(rev.key, ()))
            yield dataclasses.replace(found, links=mine) if mine else found


def report(
    topic: str, earlier: Sequence[Revision], rev: Revision, later: Sequence[Revision]
) -> SeriesReport:
    """The status of `rev`, given the revisions of its topic before and after it."""
    history = tuple(reversed(earlier))
    if later:
        return SeriesReport(topic, rev, Status.SUPERSEDED, superseded_by=later[-1], history=history)
    status = Status.REVISED if history else Status.NEW
    return SeriesReport(topic, rev, status, history=history)
