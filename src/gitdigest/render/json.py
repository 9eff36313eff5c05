"""The JSON report: the contract other tools rely on (DESIGN.md, schema 1)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from json.encoder import encode_basestring as _string
from typing import Any

from gitdigest.model import (
    Count,
    Digest,
    Link,
    Match,
    Message,
    People,
    Person,
    Reviews,
    Revision,
    SeriesReport,
)
from gitdigest.render.common import resend_number
from gitdigest.render.spool import Page, Spool

SCHEMA = 1


def render(digest: Digest) -> str:
    """The digest as one JSON object, keys in a stable order."""
    return "".join(chunks(digest))


_HOLE = "@@gitdigest-series@@"
"""Stands for the series in the dumped frame: a quote never follows `series` inside a JSON string."""


def chunks(digest: Digest, spooled: Spool | None = None) -> Iterator[str]:
    """`render`'s text in pieces, one series at a time: a whole-archive report is written as it
    is made, never held whole as data or as text. `spooled`: the series (`series_parts`)
    of a digest that streamed them (its own `series` are then empty).
    The bytes equal one `json.dumps` of `as_dict`."""
    frame = dumps(as_dict(digest, series=False))
    head, hole, tail = frame.partition(f'"series": "{_HOLE}"')
    assert hole, "the frame holds the series' place"
    each = spooled.texts() if spooled is not None else (_text(_entry(digest, r)) for r in digest.series)
    first = next(each, None)
    if first is None:
        yield f'{head}"series": []{tail}\n'
        return
    yield f'{head}"series": [\n    '
    yield first
    for text in each:
        yield f",\n    {text}"
    yield f"\n  ]{tail}\n"


def series_parts(page: Page) -> tuple[str]:
    """One series of a single list's report, as `chunks` writes it."""
    return (_text(_series(page.report)),)


def _text(entry: dict[str, Any]) -> str:
    """One series as the report writes it, two levels deep."""
    return dumps(entry, "    ")


def dumps(value: Any, indent: str = "") -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)` of JSON's own types, at
    `indent`, twice as fast: with `indent`, the json module runs its pure-Python encoder."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        items = f",\n{inner}".join([f"{_string(k) if type(k) is str else _key(k)}: {dumps(v, inner)}" for k, v in value.items()])
        return f"{{\n{inner}{items}\n{indent}}}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = indent + "  "
        items = f",\n{inner}".join([dumps(v, inner) for v in value])
        return f"[\n{inner}{items}\n{indent}]"
    if kind is int:
        return int.__repr__(value)
    return _other(value, indent)


def _other(value: Any, indent: str) -> str:
    """`dumps` of what is not exactly a str, dict, list, tuple or int: the constants,
    floats, and subclasses of JSON's types (an enum made of str or int)."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, dict):
        return dumps(dict(value), indent)
    if isinstance(value, (list, tuple)):
        return dumps(list(value), indent)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: object) -> str:
    """A key as json writes it: a string, or a number, true, false or null made one."""
    if isinstance(key, str):
        return _string(key)
    if key is None or isinstance(key, (int, float)):
        return _string(json.dumps(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def as_dict(digest: Digest, series: bool = True) -> dict[str, Any]:
    """The digest as plain data, following the schema (without `series`: a placeholder)."""
    period = digest.period
    return {
        "schema": SCHEMA,
        "list": period.list_name,
        "range": {
            "from": period.start,
            "to": period.end,
            "since": _iso(period.since),
            "until": _iso(period.until),
        },
        "messages": digest.message_count,
        "tree": period.tree or None,
        "gaps": list(period.gaps),
        "online": {"url": period.lore, "fetched": period.fetched, "offline": period.offline or None} if period.lore else None,
        "series": [_entry(digest, r) for r in digest.series] if series else _HOLE,
        "contributors": [_count(c) for c in digest.stats.contributors],
        "domains": [{"domain": c.key, "count": c.count} for c in digest.stats.domains],
        "reviewers": [_count(c) for c in digest.stats.reviewers],
        "unanswered": list(digest.stats.unanswered),
        "people": _people(digest.people),
        "reviews": _reviews(digest.reviews),
        "skipped": [{"blob": s.blob, "commit": s.commit, "reason": s.reason} for s in digest.skipped],
        "left_out": [{"msgid": m.msgid, "subject": m.subject.full} for m in digest.left_out],
    }


def _entry(digest: Digest, report: SeriesReport) -> dict[str, Any]:
    """One series, with the lists it went to when the digest spans several."""
    return _series(report) | ({"lists": list(digest.lists.get(report.revision.key, ()))} if digest.lists else {})


def _iso(when: datetime.datetime | None) -> str | None:
    return when.isoformat() if when else None


def _person(person: Person) -> dict[str, str]:
    return {"name": person.name, "email": person.email}


def _count(row: Count) -> dict[str, Any]:
    assert row.person is not None
    return {**_person(row.person), "count": row.count}


def _series(report: SeriesReport) -> dict[str, Any]:
    rev = report.revision
    return {
        "topic": report.topic,
        "msgid": rev.key,
        "subject": rev.subject,
        "version": rev.version,
        "status": report.status.value,
        "author": _person(rev.author),
        "date": _iso(rev.date),
        "cover_msgid": rev.cover.msgid if rev.cover else None,
        "total": rev.total,
        "rfc": rev.rfc,
        "resend": rev.resend,
        "pull": rev.is_pull,
        "superseded_by": _newer(report.superseded_by),
        "history": [{"version": r.version, "msgid": r.key, "date": _iso(r.date)} for r in report.history],
        "patches": [_patch(m, report.match_of(m.msgid)) for m in rev.patches],
        "resend_number": resend_number(report),
        "in_reply_to": rev.answers,
        "links": [_link(link) for link in report.links],
    }


def _link(link: Link) -> dict[str, str]:
    """Why this revision and another are one series: the signal and what proves it."""
    return {"earlier": link.earlier, "later": link.later, "signal": link.signal.value, "evidence": link.evidence}


def _newer(rev: Revision | None) -> dict[str, Any] | None:
    if rev is None:
        return None
    lore_only = all(m.from_lore for m in rev.messages)
    return {"version": rev.version, "msgid": rev.key, "date": _iso(rev.date), "on_lore": lore_only}


def _patch(msg: Message, found: Match | None) -> dict[str, Any]:
    return {
        "msgid": msg.msgid,
        "counter": msg.subject.counter,
        "total": msg.subject.total,
        "subject": msg.subject.title,
        "author": _person(msg.author),
        "patch_id": msg.patch_id,
        "merged": _merged(found),
    }


def _merged(found: Match | None) -> dict[str, Any] | None:
    """The first commit and how it was found, then every commit (backports, cherry-picks)."""
    if found is None:
        return None
    commits = [{"commit": hit.commit, "how": hit.how.value} for hit in found.commits]
    return {**commits[0], "commits": commits}


def _people(people: People) -> dict[str, Any]:
    """Employers (with a gitdm map), first-time contributors, and the bots kept apart."""
    return {
        "employers": [{"employer": e.name, "patches": e.patches, "people": e.people} for e in people.employers],
        "unmapped_domains": [{"domain": c.key, "count": c.count} for c in people.unmapped],
        "first_timers": None if people.first_timers is None else [_count(c) for c in people.first_timers],
        "bots": [{"name": c.key, "count": c.count} for c in people.bots],
    }


def _reviews(reviews: Reviews) -> dict[str, Any]:
    """Review trailers by reviewer and by employer, coverage, and the time to a first reply."""
    first = reviews.median_first_reply
    return {
        "reviewers": [
            {**_person(r.person), "reviewed": r.reviewed, "acked": r.acked, "tested": r.tested, "employer": r.employer or None,
             "on_behalf": r.on_behalf}
            for r in reviews.reviewers
        ],
        "employers": [{"employer": c.key, "count": c.count} for c in reviews.employers],
        "series": reviews.series,
        "reviewed": reviews.reviewed,
        "carried": reviews.carried,
        "replied": reviews.replied,
        "coverage": round(reviews.coverage, 4),
        "median_first_reply_seconds": None if first is None else int(first.total_seconds()),
    }
