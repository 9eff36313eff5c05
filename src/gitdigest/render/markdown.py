"""The Markdown report: the same content as the text, as tables for wikis and CI."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Count, Digest, SeriesReport, Status
from ..stats import top
from .common import TOP, clean, day, flags, label, live, revision_history, superseded_note, tag, title


def render(digest: Digest) -> str:
    """The whole Markdown report."""
    parts = [
        f"# {_cell(title(digest))}",
        "",
        *_table(f"Top {TOP} contributor email domains", "Domain", digest.stats.domains, lambda r: r.key),
        *_table(f"Top {TOP} contributors", "Contributor", digest.stats.contributors, lambda r: str(r.person)),
        "## Patch list",
        "",
        *_patch_list(digest.series),
        "## Patch commit messages",
        "",
        *_commit_messages(digest),
        *_table(f"Top {TOP} reviewers", "Reviewer", digest.stats.reviewers, lambda r: str(r.person)),
        *_unanswered(digest),
        f"_{digest.message_count} messages, {len(digest.series)} series"
        + (f", {len(digest.skipped)} skipped_" if digest.skipped else "_"),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    """Text safe inside a table cell or a heading: no pipes, no markup, no control codes."""
    out = clean(text).replace("\\", "\\\\")
    for char in "|*_`[]<>#":
        out = out.replace(char, "\\" + char)
    return out


def _table(heading: str, column: str, rows: Sequence[Count], name) -> list[str]:
    table = top(rows, TOP)
    out = [f"## {heading}", "", f"| Count | {column} |", "| ---: | :--- |"]
    out += [f"| {r.count} | {_cell(name(r))} |" for r in table.rows]
    if table.hidden:
        at = f" with {table.hidden_at} each" if table.hidden_at else ""
        out.append(f"| | … and {table.hidden} more{at} |")
    return out + [""]


def _patch_list(reports: Sequence[SeriesReport]) -> list[str]:
    out = ["| Status | Date | Revision | Patches | Author | Subject |", "| :--- | :--- | :--- | ---: | :--- | :--- |"]
    for r in reports:
        rev = r.revision
        note = " ".join(x for x in (flags(rev), superseded_note(r)) if x)
        out.append(
            f"| {label(r)} | {day(rev.date)} | {_cell(revision_history(r))} | {len(rev.patches)}/{rev.total}"
            f" | {_cell(rev.author.name)} | {_cell(rev.subject)}{' (' + _cell(note) + ')' if note else ''} |"
        )
    return out + [""]


def _commit_messages(digest: Digest) -> list[str]:
    out: list[str] = []
    for report in digest.series:
        rev = report.revision
        if report.status is Status.SUPERSEDED and report.superseded_by:
            newer = report.superseded_by
            out += [f"- Exist: `{_code(tag(newer))}` {_cell(newer.subject)}",
                    f"- Skip: `{_code(tag(rev))}` {_cell(rev.subject)}", ""]
        elif report in live(digest):
            word = "New" if report.status is Status.NEW else "Revised"
            out += [f"### {word}: {_cell(rev.subject)} ({_cell(revision_history(report))})", ""]
            for msg in rev.messages:
                text = digest.texts.get(msg.msgid)
                out += [f"**{_cell(msg.subject.full)}**  ", f"Author: {_cell(str(msg.author))}", ""]
                body = "\n".join(x for x in (text.description, "---\n" + text.diffstat if text.diffstat else "") if x) if text else ""
                out += ["```", clean(body).replace("```", "'''"), "```", ""]
    return out


def _code(text: str) -> str:
    return clean(text).replace("`", "'")


def _unanswered(digest: Digest) -> list[str]:
    keys = set(digest.stats.unanswered)
    rows = [r for r in digest.series if r.revision.key in keys]
    if not rows:
        return []
    return ["## Series with no reply yet", ""] + [
        f"- {day(r.revision.date)} `{_code(tag(r.revision))}` {_cell(r.revision.subject)}" for r in rows
    ] + [""]
