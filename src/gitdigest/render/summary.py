"""The pre-push hook's summary: a push in mailing-list terms, sized for a terminal.

One block per posted revision the push carries (its commits, in patch order, a few at
most), one for the commits never posted. Colour, when asked for, only marks the words
a reader scans for: the series, `superseded`, `never posted`, trailers missing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from gitdigest.model import ReviewKind, Revision, TreeCommit
from gitdigest.render.color import BOLD, GREEN, RED, RESET, YELLOW
from gitdigest.render.common import clean
from gitdigest.tree.provenance import Origin, Provenance, PushedSeries, Review

SHOWN = 8
"""Commits listed per block; the rest are counted."""
# Line breaks and tabs in mail text each become one space, as ever; `clean` keeps only
# tab and newline of the C0 controls, so the other breaks are made newlines before it.
_BREAKS = str.maketrans("\r\v\f", "\n\n\n")
_SPACES = str.maketrans("\t\n", "  ")

Paint = Callable[[str, str], str]
"""Wraps text in a colour, or leaves it as it is."""


@dataclass(frozen=True)
class Target:
    """Where the push goes, for the first line."""

    remote: str
    refs: tuple[str, ...]
    """Each ref as shown: `topic (new branch)`, `v1.2 (new tag)`, `master (forced)`."""
    commits: int
    more: bool = False
    """More commits than were looked at."""


def render(target: Target, found: Provenance, width: int | None = None, color: bool = False) -> str:
    """The summary as lines for stderr; `width` cuts long lines, `color` adds ANSI colours."""
    paint = _painter(color)
    lines = [paint(BOLD, _headline(target))]
    for series in found.series:
        lines += _series(series, paint)
    if found.unposted:
        count = len(found.unposted)
        lines.append(paint(YELLOW, f"  never posted to the list: {count} commit{'s' * (count != 1)}"))
        lines += _commits((("", c) for c in found.unposted), count)
    return "".join(_fit(line, width) + "\n" for line in lines)


def _headline(target: Target) -> str:
    many = "more than " if target.more else ""
    noun = "commit" if target.commits == 1 and not target.more else "commits"
    return f"git-digest: pushing {many}{target.commits} {noun} to {_remote(target.remote)}: {', '.join(target.refs)}"


def _series(series: PushedSeries, paint: Paint) -> list[str]:
    """A revision's block: title, author, what replaced it, its trailers, its commits."""
    rev = series.revision
    lines = [f"  {paint(BOLD, '[' + _version(rev) + '] ' + _clean(rev.subject))}"]
    got = len({o.patch.subject.counter for o in series.origins})
    lines.append(f"    {_clean(rev.author.name or rev.author.email)}, posted {_day(rev.date)}; {got} of {rev.total} patches")
    if series.newer is not None:
        newer = series.newer
        # The newer revision first and its message-id last: a cut line loses the least.
        lines.append(
            "    " + paint(RED, f"superseded by {_version(newer)}") + f", posted {_day(newer.date)}: {_clean(newer.key)}"
        )
    if series.on_list or series.carried:
        lines.append("    " + _trailers(series, paint))
    missing = series.missing
    if missing:
        names = ", ".join(f"{r.kind.value}: {_clean(r.person.name or r.person.email)}" for r in missing)
        lines.append("    " + paint(YELLOW, "not in the commits:") + " " + names)
    lines += _commits(((_counter(o, rev), o.commit) for o in series.origins), len(series.origins), series.origins)
    return lines


def _trailers(series: PushedSeries, paint: Paint) -> str:
    """`trailers: on the list 2 Reviewed-by, 1 Tested-by; in the commits 2 Reviewed-by`."""
    on_list, carried = _counts(series.on_list), _counts(series.carried)
    listed = _kinds(on_list) or "none"
    kept = _kinds(carried) or "none"
    done = paint(GREEN, "trailers:") if not series.missing else "trailers:"
    return f"{done} on the list {listed}; in the commits {kept}"


def _counts(reviews: Iterable[Review]) -> Counter[ReviewKind]:
    return Counter(r.kind for r in reviews)


def _kinds(counts: Counter[ReviewKind]) -> str:
    return ", ".join(f"{counts[k]} {k.value}" for k in ReviewKind if counts[k])


def _commits(rows: Iterable[tuple[str, TreeCommit]], count: int, origins: Sequence[Origin] = ()) -> list[str]:
    """A few commit lines: `1/7 1234abcd5678 subject`, then how many are not shown."""
    how = {o.commit.id: o.how.value for o in origins}
    lines = []
    for n, (label, commit) in enumerate(rows):
        if n == SHOWN and count > SHOWN + 1:
            lines.append(f"      ... and {count - SHOWN} more")
            break
        evidence = f"  [{how[commit.id]}]" if commit.id in how else ""
        lines.append(f"      {label + ' ' if label else ''}{commit.id[:12]} {_clean(commit.subject)}{evidence}")
    return lines


def _counter(origin: Origin, rev: Revision) -> str:
    subject = origin.patch.subject
    return f"{subject.counter}/{subject.total}" if not subject.counters_inferred else f"1/{rev.total}"


def _version(rev: Revision) -> str:
    """`v3`, `RFC v1`, `v2 RESEND`."""
    return " ".join([*(["RFC"] if rev.rfc else []), f"v{rev.version}", *(["RESEND"] if rev.resend else [])])


def _day(when: datetime.datetime) -> str:
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _remote(text: str) -> str:
    """The remote as git named it, a URL without its password (`https://user:secret@host`)."""
    scheme, sep, rest = text.partition("://")
    if sep:
        auth, at, host = rest.partition("@")
        if at and "/" not in auth and ":" in auth:
            rest = auth.split(":", 1)[0] + "@" + host
    return _clean(scheme + sep + rest)


def _clean(text: str) -> str:
    """Mail text as one line with no control characters: nothing it holds reaches the terminal.

    `render.common.clean` strips whole escape sequences and C0 and C1 controls; the line
    breaks and tabs it keeps become spaces.
    """
    return clean(text.translate(_BREAKS)).translate(_SPACES)


def _fit(line: str, width: int | None) -> str:
    """A line cut to `width` visible columns (colour escapes take none)."""
    if width is None or _visible(line) <= width:
        return line
    out, seen, escape = [], 0, False
    for char in line:
        if char == "\x1b":
            escape = True
        if escape:
            out.append(char)
            escape = char != "m"
            continue
        if seen == width - 1:
            out.append("…")
            break
        out.append(char)
        seen += 1
    return "".join(out) + (RESET if "\x1b" in line else "")


def _visible(line: str) -> int:
    length, escape = 0, False
    for char in line:
        if char == "\x1b":
            escape = True
        elif escape:
            escape = char != "m"
        else:
            length += 1
    return length


def _painter(color: bool) -> Paint:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    return paint
