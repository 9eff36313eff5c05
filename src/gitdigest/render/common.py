"""What every renderer words the same way: titles, labels, rows of the patch list."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence

from gitdigest.model import Digest, Revision, SeriesReport, Status

TOP = 15
# Terminal control sequences in mail must never reach a terminal (ECMA-48): string
# sequences (OSC `ESC ] ... BEL`, DCS, SOS, PM, APC) with their text up to the terminator
# or the line's end, CSI with its parameters, other escapes, then any C0 or C1 control
# left, in their 7-bit and 8-bit forms. Tab and newline stay.
_C0 = r"\x00-\x08\x0b-\x1f\x7f"
"""The C0 controls and DEL but tab and newline, as a character class's ranges."""
_CONTROL = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
    rf"|[{_C0}\x80-\x9f]"
)


# Unicode's format characters (category Cf: bidi controls such as U+202E and U+2066,
# zero-width U+200B, U+FEFF ...) can reorder or hide what a line shows (CVE-2021-42574,
# "Trojan Source"): shown as `<U+202E>`. The class is Unicode 15's; tests/test_hostile.py
# holds it equal to unicodedata's category Cf.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


# What either pattern above can act on: every sequence _CONTROL removes starts with a C0 or C1
# control but tab and newline. Text with none of these (nearly every line of mail) is left as it
# is without running the two substitutions (ten times the cost of this search on a whole-archive
# report's commit messages); in ASCII text only the C0 controls and DEL can occur.
_ACTED_ON = re.compile(rf"[{_C0}\x80-\x9f" + _FORMAT.pattern[1:])
_ASCII_ACTED_ON = re.compile(rf"[{_C0}]")


def clean(text: str) -> str:
    """Text from mail with terminal control sequences and control characters removed,
    and format characters (bidi, zero-width) shown as `<U+XXXX>`."""
    if (_ASCII_ACTED_ON if text.isascii() else _ACTED_ON).search(text) is None:
        return text
    return _FORMAT.sub(_shown, _CONTROL.sub("", text))


def _shown(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group(0)):04X}>"


def one_line(text: str) -> str:
    """`clean` text with its line breaks and tabs made spaces: a name, a list name."""
    return " ".join(clean(text).split())


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
    name = one_line(digest.period.list_name) or "Mailing"
    return f"{name} mailing list update {span(digest)}"


def label(report: SeriesReport) -> str:
    """The status as the patch list prints it: `partially-merged 3/10` with its count."""
    if report.status is Status.PARTIALLY_MERGED:
        return f"{report.status.value} {report.merged_count}/{report.revision.total}"
    return report.status.value


def merged_ids(report: SeriesReport) -> list[str]:
    """The full ids of the tree commits that carry the revision's patches, each once, in patch order."""
    return list(dict.fromkeys(hit.commit for m in report.merged for hit in m.commits))


def merged_commits(report: SeriesReport) -> list[str]:
    """The tree commits that carry the revision's patches, cut to 12, each once, in patch order."""
    return list(dict.fromkeys(commit[:12] for commit in merged_ids(report)))


def merged_how(report: SeriesReport) -> str:
    """`link 4, patch-id 1`: how many patches were found each way (by their best evidence)."""
    counts = Counter(m.commits[0].how.value for m in report.merged)
    return ", ".join(f"{how} {n}" for how, n in counts.items())


def tag(rev: Revision) -> str:
    """`[PATCH v4 0/7]`, rebuilt from the revision's first message."""
    return rev.messages[0].subject.tag if rev.messages else "[PATCH]"


def earlier_revisions(report: SeriesReport) -> str:
    """`v3 2025-03-05, v2 2025-02-20`: the earlier revisions, or '' when there are none."""
    history = report.history
    return ", ".join(
        f"{version_label(r, history[n + 1 :])} {day(r.date)}" for n, r in enumerate(history)
    )


def revision_history(report: SeriesReport) -> str:
    """`v4 (v3 2025-03-05, v2 2025-02-20)`: this revision and the earlier ones; a send again
    of the same version is told apart as `v1, resend 3`."""
    earlier = earlier_revisions(report)
    label = version_label(report.revision, report.history)
    return label + (f" ({earlier})" if earlier else "")


def version_label(rev: Revision, older: Sequence[Revision]) -> str:
    """`v2`, or `v2, resend 3` for the fourth posting of v2 among `rev` and the `older` ones."""
    again = _sends_before(rev, older)
    return f"v{rev.version}" + (f", resend {again}" if again else "")


def resend_number(report: SeriesReport) -> int:
    """How many earlier postings of its topic have this revision's version: 0 for a first send."""
    return _sends_before(report.revision, report.history)


def _sends_before(rev: Revision, older: Sequence[Revision]) -> int:
    return sum((r.version, r.rfc) == (rev.version, rev.rfc) for r in older)


def flags(rev: Revision) -> str:
    """RFC, RESEND and PULL markers, so they are labelled and never miscounted."""
    words = [w for w, on in (("RFC", rev.rfc), ("RESEND", rev.resend), ("PULL", rev.is_pull)) if on]
    return " ".join(words)


def superseded_note(report: SeriesReport) -> str:
    """`by v4 2025-03-06` for a superseded revision (`... on lore` when only lore has it), `resent
    2025-03-06` when the same version was sent again, else ''."""
    newer = report.superseded_by
    if newer is None:
        return ""
    where = " on lore" if all(m.from_lore for m in newer.messages) else ""
    rev = report.revision
    if (newer.version, newer.rfc) == (rev.version, rev.rfc):
        return f"resent {day(newer.date)}{where}"
    return f"by v{newer.version} {day(newer.date)}{where}"


def row_note(report: SeriesReport) -> str:
    """`RFC by v4 2025-03-06`: the flags and the superseded note of a patch-list row, or ''."""
    return " ".join(x for x in (flags(report.revision), superseded_note(report)) if x)


def lists_note(digest: Digest, report: SeriesReport) -> str:
    """`lists: kvm, kvmarm` when the digest spans several lists, else ''."""
    names = digest.lists.get(report.revision.key, ())
    return f"lists: {', '.join(names)}" if names else ""


def more_note(hidden: int, hidden_at: int = 0, dots: str = "…") -> str:
    """`… and 4 more with 2 each`: the rows a table leaves out (`dots` is `...` in plain text)."""
    return f"{dots} and {hidden} more" + (f" with {hidden_at} each" if hidden_at else "")


def header_notes(digest: Digest) -> list[str]:
    """What a reader must know before trusting the report: online mode, and what the archive lacks."""
    note = online_note(digest)
    narrowed = [f"Filter: {digest.period.filter} (the tables count only these series)"] if digest.period.filter else []
    return narrowed + ([note] if note else []) + [f"Note: incomplete archive: {gap}" for gap in digest.period.gaps]


def online_note(digest: Digest) -> str:
    """What online mode did, for the header: the server asked, or why part is offline-only; '' offline."""
    period = digest.period
    if period.offline:
        return f"Note: {period.offline}"
    if period.lore:
        return f"Online: {period.lore} ({period.fetched} messages fetched)"
    return ""


