"""The Markdown report: the same content as the text, as tables for wikis and CI."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gitdigest.model import Count, Digest, SeriesReport, Status
from gitdigest.people.stats import top
from gitdigest.render.common import (
    TOP,
    clean,
    day,
    header_notes,
    label,
    lists_note,
    merged_commits,
    merged_how,
    more_note,
    revision_history,
    row_note,
    tag,
    title,
)
from gitdigest.render.tables import Cell, Table, people_tables, review_tables


def render(digest: Digest) -> str:
    """The whole Markdown report."""
    parts = [
        f"# {_cell(title(digest))}",
        "",
        *([f"Tree: {_cell(digest.period.tree)}", ""] if digest.period.tree else []),
        *(line for note in header_notes(digest) for line in (_cell(note), "")),
        *_table(f"Top {TOP} contributor email domains", "Domain", digest.stats.domains, lambda r: r.key),
        *_table(f"Top {TOP} contributors", "Contributor", digest.stats.contributors, lambda r: str(r.person)),
        *_rich(people_tables(digest)),
        "## Patch list",
        "",
        *_patch_list(digest.series, bool(digest.period.tree), digest),
        "## Patch commit messages",
        "",
        *_commit_messages(digest),
        *_rich(review_tables(digest)),
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


def _table(heading: str, column: str, rows: Sequence[Count], name: Callable[[Count], str]) -> list[str]:
    table = top(rows, TOP)
    out = [f"## {heading}", "", f"| Count | {column} |", "| ---: | :--- |"]
    out += [f"| {r.count} | {_cell(name(r))} |" for r in table.rows]
    if table.hidden:
        out.append(f"| | {more_note(table.hidden, table.hidden_at)} |")
    return out + [""]


def _patch_list(reports: Sequence[SeriesReport], with_tree: bool = False, digest: Digest | None = None) -> list[str]:
    out = ["| Status | Date | Revision | Patches | Author | Subject |", "| :--- | :--- | :--- | ---: | :--- | :--- |"]
    if with_tree:
        out = [out[0] + " Merged |", out[1] + " :--- |"]
    for r in reports:
        rev = r.revision
        note = "; ".join(x for x in (row_note(r), lists_note(digest, r) if digest else "") if x)
        out.append(
            f"| {label(r)} | {day(rev.date)} | {_cell(revision_history(r))} | {len(rev.patches)}/{rev.total}"
            f" | {_cell(rev.author.name)} | {_cell(rev.subject)}{' (' + _cell(note) + ')' if note else ''} |"
            + (f" {_merged_cell(r)} |" if with_tree else "")
        )
    return out + [""]


def _merged_cell(report: SeriesReport) -> str:
    """The commits that carry the patches and how they were found, or '' when none."""
    if not report.merged:
        return ""
    return " ".join(f"`{c}`" for c in merged_commits(report)) + f" ({_cell(merged_how(report))})"


def _commit_messages(digest: Digest) -> list[str]:
    out: list[str] = []
    for report in digest.series:
        rev = report.revision
        if report.status is Status.SUPERSEDED and report.superseded_by:
            newer = report.superseded_by
            out += [f"- Exist: `{_code(tag(newer))}` {_cell(newer.subject)}",
                    f"- Skip: `{_code(tag(rev))}` {_cell(rev.subject)}", ""]
        elif report.is_live:
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


def _rich(tables: Sequence[Table]) -> list[str]:
    """The people and review tables (render/tables.py, shared with HTML), notes under each."""
    out: list[str] = []
    for table in tables:
        out += [f"## {_cell(table.title)}", ""]
        if table.rows:
            out.append("| " + " | ".join(table.columns) + " |")
            out.append("| " + " | ".join("---:" if n else ":---" for n in table.numeric) + " |")
            out += ["| " + " | ".join(_linked(c) for c in row) + " |" for row in table.rows]
            out.append("")
        out += [line for note in table.notes for line in (f"_{_cell(note)}_", "")]
    return out


def _linked(cell: Cell) -> str:
    # `<...>` keeps a `)` in a Message-ID from ending the link.
    return f"[{_cell(cell.text)}](<{cell.link}>)" if cell.link else _cell(cell.text)
