"""Which series a maintainer wants to see: by the paths they touch, their author, their status.

Pure: the paths come from whoever calls (the index's `touched` table, or the parsed
mailbox), and a MAINTAINERS section is anything that says whether it covers a path.
A series is judged by the revision the report shows, and kept whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from gitdigest.errors import GitDigestError
from gitdigest.model import Message, SeriesReport, Status
from gitdigest.series import pathspec
from gitdigest.series.pathspec import Pathspec

PathsOf = Callable[[Iterable[str]], Mapping[str, tuple[str, ...]]]
"""The paths each of these messages' diffs touch, by message-id."""


class FilterError(GitDigestError):
    """A filter that cannot be used: an unknown status, an author pattern that is no regex."""


class Covers(Protocol):
    """A MAINTAINERS section, as far as choosing series goes."""

    @property
    def name(self) -> str: ...

    def covers(self, path: str) -> bool: ...


@dataclass(frozen=True)
class Filter:
    """What the user narrowed the digest to; empty: everything."""

    pathspecs: tuple[Pathspec, ...] = ()
    sections: tuple[Covers, ...] = ()
    authors: tuple[str, ...] = ()
    """Regexes searched, in any case, in `Name <address>` of the series' author."""
    statuses: tuple[Status, ...] = ()

    @property
    def active(self) -> bool:
        """Something is filtered."""
        return bool(self.pathspecs or self.sections or self.authors or self.statuses)

    @property
    def by_path(self) -> bool:
        """Series are chosen by the paths they touch."""
        return bool(self.pathspecs or self.sections)

    def describe(self) -> str:
        """The filter as the command line gives it: `-- io_uring/ :!io_uring/net.c; --author axboe`."""
        parts = [
            "-- " + " ".join(s.text for s in self.pathspecs) if self.pathspecs else "",
            *(f"--maintainer {s.name}" for s in self.sections),
            *(f"--author {a}" for a in self.authors),
            "--status " + ",".join(s.value for s in self.statuses) if self.statuses else "",
        ]
        return "; ".join(p for p in parts if p)

    def key(self) -> str:
        """A stable name of this filter set, for remembering where its last digest ended."""
        parts = {
            "paths": sorted(s.text for s in self.pathspecs),
            "sections": sorted(s.name for s in self.sections),
            "authors": sorted(self.authors),
            "statuses": sorted(s.value for s in self.statuses),
        }
        return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()


EVERYTHING = Filter()
"""No filter: every series."""


def make(paths: Sequence[str] = (), sections: Sequence[Covers] = (), authors: Sequence[str] = (), statuses: Sequence[str] = ()) -> Filter:
    """A filter from the command line's words; a FilterError names what is wrong."""
    for pattern in authors:
        try:
            re.compile(pattern)
        except re.error as err:
            raise FilterError(f"--author {pattern!r}: not a regular expression ({err})") from err
    return Filter(tuple(pathspec.parse(p) for p in paths), tuple(sections), tuple(authors), parse_statuses(statuses))


def parse_statuses(words: Iterable[str]) -> tuple[Status, ...]:
    """`new,revised` (repeatable) as statuses; an error lists the known ones."""
    known = {s.value: s for s in Status}
    found: dict[Status, None] = {}
    for word in (w.strip().lower() for text in words for w in text.split(",")):
        if not word:
            continue
        if word not in known:
            raise FilterError(f"--status {word!r}: not a status (one of {', '.join(known)})")
        found[known[word]] = None
    return tuple(found)


def narrow(reports: Sequence[SeriesReport], chosen: Filter, paths_of: PathsOf) -> tuple[SeriesReport, ...]:
    """The reports the filter keeps, in order; the paths of all their patches asked for at once."""
    if not chosen.active:
        return tuple(reports)
    paths = paths_of({m.msgid for r in reports for m in r.revision.patches}) if chosen.by_path else {}
    return tuple(r for r in reports if keeps(chosen, r, paths))


def keeps(chosen: Filter, report: SeriesReport, paths: Mapping[str, tuple[str, ...]]) -> bool:
    """The filter keeps this series: every kind of filter given agrees."""
    if chosen.statuses and report.status not in chosen.statuses:
        return False
    author = str(report.revision.author)
    if chosen.authors and not any(re.search(p, author, re.IGNORECASE) for p in chosen.authors):
        return False
    if chosen.by_path:
        touched = (p for m in report.revision.patches for p in paths.get(m.msgid, ()))
        return any(selected(chosen, p) for p in touched)
    return True


def selected(chosen: Filter, path: str) -> bool:
    """A path the filter wants: a section covers it or a pathspec names it (with only
    exclusions, any path), and no exclusion names it."""
    positive = [s for s in chosen.pathspecs if not s.exclude]
    if any(pathspec.matches(s, path) for s in chosen.pathspecs if s.exclude):
        return False
    if not positive and not chosen.sections:
        return True
    return any(pathspec.matches(s, path) for s in positive) or any(s.covers(path) for s in chosen.sections)


def related(inside: Sequence[Message], kept: Sequence[SeriesReport]) -> tuple[Message, ...]:
    """The period's messages that belong to the kept series: their patch emails, and the
    replies that answer one of them. What the tables count once a filter has chosen."""
    ids = {m.msgid for r in kept for rev in (r.revision, *r.history) for m in rev.messages}
    ids.update(m.msgid for r in kept if r.superseded_by for m in r.superseded_by.messages)
    return tuple(m for m in inside if m.msgid in ids or not ids.isdisjoint(m.answers))
