"""`git digest show`: one series' story in text, Markdown, HTML or JSON.

Each revision with its date, version, patches, author, lore link, the review trailers
it received and what of it landed; between consecutive revisions, the links that joined
them (signal and evidence) and each patch added, dropped, changed or kept.
"""

from __future__ import annotations

import json
from typing import Any

from gitdigest.model import Match, Period
from gitdigest.render.common import clean, day, flags
from gitdigest.render.links import LORE, lore_list, message_url
from gitdigest.series.story import Change, Chapter, Story

FORMATS = ("text", "markdown", "html", "json")
_MARK = {Change.ADDED: "+", Change.DROPPED: "-", Change.CHANGED: "~", Change.KEPT: "="}


def render(told: Story, fmt: str) -> str:
    """The story in the named format (`short` is text: a story has no long form)."""
    if fmt in ("text", "short"):
        return text(told)
    if fmt == "markdown":
        return markdown(told)
    if fmt == "html":
        return html(told)
    if fmt == "json":
        return json.dumps(as_dict(told), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def _period(told: Story) -> Period:
    return Period(list_name=told.list_name, tree_web=told.tree_web)


def heading(told: Story) -> str:
    """`<newest title>: 3 revisions, v1 2025-02-01 to v3 2025-03-07`."""
    first, last = told.topic.revisions[0], told.topic.revisions[-1]
    count = len(told.topic.revisions)
    span = f"v{first.version} {day(first.date)}" + (f" to v{last.version} {day(last.date)}" if count > 1 else "")
    return f"{last.subject}: {count} revision{'s' if count > 1 else ''}, {span}"


def revision_line(chapter: Chapter) -> str:
    """`v2  2025-03-07  3/3  Alice A <alice@a.example>  [RFC]`."""
    rev = chapter.revision
    marks = flags(rev)
    return f"v{rev.version}  {day(rev.date)}  {len(rev.patches)}/{rev.total}  {rev.author}" + (f"  [{marks}]" if marks else "")


def landed(chapter: Chapter) -> list[tuple[str, str]]:
    """(commit cut to 12, patch title) for each of the revision's patches found in the tree."""
    titles = {m.msgid: m.subject.title for m in chapter.revision.patches}
    return [(m.commits[0].commit[:12], titles.get(m.msgid, "")) for m in chapter.merged if m.commits]


def text(told: Story) -> str:
    """The story as plain text."""
    out = [clean(heading(told)), clean(f"List: {told.list_name}") if told.list_name else ""]
    if told.tree:
        out.append(clean(f"Tree: {told.tree}"))
    out.append("")
    for i, chapter in enumerate(told.chapters):
        if i:
            step = told.steps[i - 1]
            out.append(f"  v{step.older.version} -> v{step.newer.version}:")
            out += [clean(f"    linked by {link.signal}: {link.evidence}") for link in step.links]
            out += [clean(f"    {_MARK[c.change]} {c.change.value:<8} {c.title}") for c in step.changes]
            out.append("")
        rev = chapter.revision
        out += [clean(revision_line(chapter)), clean(f"    {rev.subject}"), clean(f"    {message_url(_period(told), rev.key)}"),
                clean(f"    b4 am {rev.key}")]
        out += [clean(f"    {g.name}: {g.person}  (on {g.target})") for g in chapter.received]
        out += [clean(f"    in tree: {commit}  {title}") for commit, title in landed(chapter)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _cell(value: str) -> str:
    return clean(value).replace("|", "\\|").replace("\n", " ")


def markdown(told: Story) -> str:
    """The story as Markdown: a section per revision, a table per step."""
    out = [f"# {_cell(heading(told))}", ""]
    if told.tree:
        out += [f"Tree: `{_cell(told.tree)}`", ""]
    for i, chapter in enumerate(told.chapters):
        if i:
            step = told.steps[i - 1]
            out += [f"### v{step.older.version} → v{step.newer.version}", ""]
            out += [f"- linked by **{_cell(link.signal)}**: `{_cell(link.evidence)}`" for link in step.links]
            out += ["", "| change | patch |", "| --- | --- |"]
            out += [f"| {c.change.value} | {_cell(c.title)} |" for c in step.changes]
            out.append("")
        rev = chapter.revision
        out += [f"## [{_cell(revision_line(chapter))}]({message_url(_period(told), rev.key)})", "", f"**{_cell(rev.subject)}** · `b4 am {_cell(rev.key)}`", ""]
        out += [f"- {_cell(g.name)}: {_cell(str(g.person))} (on {_cell(g.target)})" for g in chapter.received]
        out += [f"- in tree: `{commit}` {_cell(title)}" for commit, title in landed(chapter)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def as_dict(told: Story) -> dict[str, Any]:
    """The story as plain data."""
    period = _period(told)
    return {
        "topic": told.topic.key,
        "list": told.list_name,
        "tree": told.tree or None,
        "revisions": [
            {
                "version": c.revision.version,
                "msgid": c.revision.key,
                "subject": c.revision.subject,
                "date": c.revision.date.isoformat(),
                "author": {"name": c.revision.author.name, "email": c.revision.author.email},
                "total": c.revision.total,
                "patches": [{"msgid": m.msgid, "counter": m.subject.counter, "subject": m.subject.title, "patch_id": m.patch_id}
                            for m in c.revision.patches],
                "url": message_url(period, c.revision.key),
                "trailers": [{"name": g.name, "person": {"name": g.person.name, "email": g.person.email}, "on": g.target, "msgid": g.msgid}
                             for g in c.received],
                "merged": [_merged(m) for m in c.merged],
            }
            for c in told.chapters
        ],
        "steps": [
            {
                "from": s.older.version,
                "to": s.newer.version,
                "links": [{"signal": link.signal, "evidence": link.evidence} for link in s.links],
                "changes": [{"change": c.change.value, "subject": c.title, "before": c.before.msgid if c.before else None,
                             "after": c.after.msgid if c.after else None} for c in s.changes],
            }
            for s in told.steps
        ],
    }


def _merged(found: Match) -> dict[str, Any]:
    return {"msgid": found.msgid, "commits": [{"commit": hit.commit, "how": hit.how.value} for hit in found.commits]}


def html(told: Story) -> str:
    """The story as one self-contained HTML page (no script, nothing fetched)."""
    from gitdigest.render.html import environment

    env = environment()
    period = _period(told)
    chapters = [
        {
            "line": revision_line(c),
            "subject": c.revision.subject,
            "url": message_url(period, c.revision.key),
            "key": c.revision.key,
            "received": c.received,
            "landed": landed(c),
            "step": _step(told, i),
        }
        for i, c in enumerate(told.chapters)
    ]
    return env.get_template("story.html.j2").render(
        heading=heading(told), lore=f"{LORE}/{lore_list(period)}/", tree=told.tree, chapters=chapters, marks=_MARK
    )


def _step(told: Story, index: int) -> dict[str, Any] | None:
    if index == 0:
        return None
    step = told.steps[index - 1]
    counts = {kind: sum(1 for c in step.changes if c.change is kind) for kind in Change}
    return {
        "title": f"v{step.older.version} → v{step.newer.version}",
        "links": step.links,
        "changes": step.changes,
        "summary": ", ".join(f"{n} {kind.value}" for kind, n in counts.items() if n),
    }

