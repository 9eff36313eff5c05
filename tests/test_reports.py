"""People and review statistics, end to end: a gitdm map, a mailmap, bots, newcomers, escaping.

The archive is built here, so every number below is known by construction.
"""

from __future__ import annotations

import datetime
import email.utils
import html.parser
import json
import mailbox
from pathlib import Path

import pytest
from archives import build_v2, make_mail
from click.testing import CliRunner
from conftest import git

from gitdigest import cli

DIFF = "---\n {f} | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/{f} b/{f}\nindex 1111111..2222222 100644\n--- a/{f}\n+++ b/{f}\n@@ -1 +1,2 @@\n a\n+{f}\n"

# QEMU's contrib/gitdm/domain-map format, written for this test: Jane changed employer on 1 June.
DOMAIN_MAP = """\
#
# This maps email domains to nice easy to read company names
#

corp.example      Corp Inc
intel.com         Intel
jane@example.org  Old Corp < 2024-06-01
jane@example.org  New Corp
"""


def when(text: str) -> str:
    return email.utils.format_datetime(datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc))


def patch(msgid: str, subject: str, sender: str, date: str, name: str, **kw: object) -> bytes:
    return make_mail(msgid, subject, sender, when(date), f"Change {name}.\n\nSigned-off-by: {sender}\n" + DIFF.format(f=name), **kw)


def reply(msgid: str, to: str, subject: str, sender: str, date: str, body: str) -> bytes:
    return make_mail(msgid, f"Re: {subject}", sender, when(date), f"> quoted\n\n{body}\n", in_reply_to=to)


JANE, BOB_HOME, BOB_WORK = "Jane Roe <jane@example.org>", "Bob <bob@home.example>", "Bob Dev <bob@work.example>"
OLD, NEWBIE = "Old Timer <old@corp.example>", "Newbie <newbie@gmail.example>"


def mails() -> list[bytes]:
    """Before the period, one patch by Old Timer; in May and June 2024, seven series."""
    out = [patch("m0@x", "[PATCH] old: first", OLD, "2024-01-10T10:00", "o0")]
    out.append(make_mail("s1@x", "[PATCH 0/2] j: two things", JANE, when("2024-05-20T10:00"), "Cover.\n"))
    out += [patch(f"s1-{n}@x", f"[PATCH {n}/2] j: thing {n}", JANE, f"2024-05-20T10:0{n}", f"j{n}", in_reply_to="s1@x") for n in (1, 2)]
    out.append(patch("s2@x", "[PATCH] j: after the move", JANE, "2024-06-10T10:00", "j3"))
    out.append(patch("s3a@x", "[PATCH] b: one", BOB_HOME, "2024-05-21T10:00", "b1"))
    out.append(patch("s3b@x", "[PATCH] b: two", BOB_WORK, "2024-05-22T10:00", "b2"))
    out.append(patch("s4@x", "[PATCH] old: again", OLD, "2024-05-15T10:00", "o1"))
    out.append(patch("s5@x", "[PATCH] n: hello", NEWBIE, "2024-05-25T10:00", "n1"))
    out.append(patch("s6@x", "[PATCH] r: relayed", "Relay Dev via B4 Relay <devnull+relay.dev.example@kernel.org>",
                     "2024-05-28T10:00", "r1", extra_headers=[("X-Original-From", "Relay Dev <relay@dev.example>")]))
    out.append(reply("r1@x", "s1-1@x", "[PATCH 1/2] j: thing 1", "Rev Iewer <rev@corp.example>", "2024-05-20T12:01",
                     "Reviewed-by: Rev Iewer <rev@corp.example>"))
    out.append(reply("r2@x", "s1@x", "[PATCH 0/2] j: two things", "Ack Er <acker@intel.com>", "2024-05-21T10:00",
                     "Acked-by: Ack Er <acker@intel.com>"))
    out.append(reply("r3@x", "s3a@x", "[PATCH] b: one", "Test Er <tester@corp.example>", "2024-05-22T10:00",
                     "Tested-by: Test Er <tester@corp.example>"))
    out.append(reply("r4@x", "s5@x", "[PATCH] n: hello", "kernel test robot <lkp@intel.com>", "2024-05-25T11:00",
                     "Hi Newbie,\n\nkernel test robot noticed the following build errors."))
    out.append(make_mail("z1@x", "[syzbot] KASAN: slab-use-after-free in thing", "syzbot <syzbot+abc123@syzkaller.appspotmail.com>",
                         when("2024-05-27T10:00"), "Hello,\n\nsyzbot found the following issue.\n"))
    return out


@pytest.fixture
def people_archive(tmp_path: Path) -> Path:
    return build_v2(tmp_path / "list", mails())


@pytest.fixture
def orgmap(tmp_path: Path) -> Path:
    maps = tmp_path / "contrib" / "gitdm"
    maps.mkdir(parents=True)
    (maps / "domain-map").write_text(DOMAIN_MAP)
    (maps / "aliases").write_text("# secondary addresses\n")
    return maps


@pytest.fixture
def code_tree(tmp_path: Path) -> Path:
    """A code tree whose .mailmap merges Bob's two addresses."""
    tree = tmp_path / "tree"
    git("init", "-q", str(tree))
    (tree / ".mailmap").write_text("Bob Dev <bob@work.example> <bob@home.example>\n")
    git("add", ".mailmap", cwd=tree)
    git("commit", "-q", "-m", "mailmap", cwd=tree)
    return tree


def run(*args: str) -> str:
    result = CliRunner().invoke(cli.report, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def section(markdown: str, title: str) -> list[list[str]]:
    """The rows of a Markdown table under `## title`, as cells."""
    block = markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in block.splitlines() if line.startswith("| ")][2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


PERIOD = ("--since", "2024-05-01", "--until", "2024-07-01")


@pytest.mark.parametrize("mailmap_from", ["tree", "digest.mailmap"])
def test_employers_end_dates_and_a_mailmap(people_archive: Path, orgmap: Path, code_tree: Path, tmp_path: Path, mailmap_from: str) -> None:
    git("config", "--global", "digest.orgmap", str(orgmap))
    if mailmap_from == "tree":
        args = ("--tree", str(code_tree))
    else:
        (tmp_path / "people.mailmap").write_text((code_tree / ".mailmap").read_text())
        git("config", "--global", "digest.mailmap", str(tmp_path / "people.mailmap"))
        args = ()
    out = run("--archive", str(people_archive), "--format", "markdown", *PERIOD, *args)
    # Jane's three mails of 20 May are Old Corp's, her 10 June patch New Corp's (the map's end date).
    assert section(out, "Contributors by employer (patch emails)") == [
        ["4", "44%", "3", "(Unknown)"], ["3", "33%", "1", "Old Corp"], ["1", "11%", "1", "Corp Inc"], ["1", "11%", "1", "New Corp"],
    ]
    assert section(out, "Domains no employer map names (counted as (Unknown))") == [["2", "work.example"], ["1", "dev.example"], ["1", "gmail.example"]]
    # The mailmap makes Bob's two addresses one contributor.
    assert section(out, "Top 15 contributors") [:2] == [["4", r"Jane Roe \<jane@example.org\>"], ["2", r"Bob Dev \<bob@work.example\>"]]


def test_first_timers_reviewers_coverage_bots_and_attention(people_archive: Path, orgmap: Path, code_tree: Path) -> None:
    git("config", "--global", "digest.orgmap", str(orgmap))
    out = run("--archive", str(people_archive), "--format", "markdown", "--tree", str(code_tree), *PERIOD)
    # Old Timer sent a patch in January: not new. B4 Relay's patch counts for its real author.
    assert section(out, "First-time contributors (no patch earlier in the archive)") == [
        ["4", r"Jane Roe \<jane@example.org\>"], ["2", r"Bob Dev \<bob@work.example\>"],
        ["1", r"Newbie \<newbie@gmail.example\>"], ["1", r"Relay Dev \<relay@dev.example\>"],
    ]
    assert section(out, "Top 15 reviewers (trailers given in replies)") == [
        ["1", "0", "1", "0", r"Ack Er \<acker@intel.com\>", "Intel"],
        ["1", "1", "0", "0", r"Rev Iewer \<rev@corp.example\>", "Corp Inc"],
        ["1", "0", "0", "1", r"Test Er \<tester@corp.example\>", "Corp Inc"],
    ]
    assert section(out, "Review trailers by employer") == [["2", "Corp Inc"], ["1", "Intel"]]
    assert section(out, "Review coverage")[0] == ["2", "29%", "reviewed in a reply"]
    assert "Review coverage: 29% of 7 series" in out
    assert section(out, "Bots and relays, kept apart (messages)") == [["1", "B4 Relay"], ["1", "kernel test robot"], ["1", "syzbot"]]
    # The robot's build report is no reply: Newbie's patch still needs attention.
    attention = [row[1] for row in section(out, "Needs attention: series with no reply")]
    assert len(attention) == 5 and any("n: hello" in a for a in attention)
    assert "https://lore.kernel.org/list/s5@x/" in out
    assert "Median time to first reply: 2 h 1 min, over 2 revisions" in out


def test_json_leaves_bots_out_of_contributors_and_counts_a_robot_reply_as_none(people_archive: Path) -> None:
    data = json.loads(run("--archive", str(people_archive), "--format", "json", *PERIOD))
    assert not any("lkp@" in c["email"] or "syzbot" in c["email"] for c in data["contributors"] + data["reviewers"])
    assert "s5@x" in data["unanswered"]


def test_json_carries_the_people_and_review_tables(people_archive: Path, orgmap: Path, code_tree: Path) -> None:
    git("config", "--global", "digest.orgmap", str(orgmap))
    data = json.loads(run("--archive", str(people_archive), "--format", "json", "--tree", str(code_tree), *PERIOD))
    people, reviews = data["people"], data["reviews"]
    assert [(e["employer"], e["patches"], e["people"]) for e in people["employers"]] == [
        ("(Unknown)", 4, 3), ("Old Corp", 3, 1), ("Corp Inc", 1, 1), ("New Corp", 1, 1),
    ]
    assert [(d["domain"], d["count"]) for d in people["unmapped_domains"]] == [("work.example", 2), ("dev.example", 1), ("gmail.example", 1)]
    assert [(c["email"], c["count"]) for c in people["first_timers"]] == [
        ("jane@example.org", 4), ("bob@work.example", 2), ("newbie@gmail.example", 1), ("relay@dev.example", 1),
    ]
    assert [(b["name"], b["count"]) for b in people["bots"]] == [("B4 Relay", 1), ("kernel test robot", 1), ("syzbot", 1)]
    assert [(r["email"], r["reviewed"], r["acked"], r["tested"], r["employer"]) for r in reviews["reviewers"]] == [
        ("acker@intel.com", 0, 1, 0, "Intel"), ("rev@corp.example", 1, 0, 0, "Corp Inc"), ("tester@corp.example", 0, 0, 1, "Corp Inc"),
    ]
    assert [(e["employer"], e["count"]) for e in reviews["employers"]] == [("Corp Inc", 2), ("Intel", 1)]
    assert (reviews["series"], reviews["reviewed"]) == (7, 2) and reviews["coverage"] == round(2 / 7, 4)
    assert reviews["median_first_reply_seconds"] == 2 * 3600 + 60


def test_first_timers_from_an_mbox_and_none_without_history(tmp_path: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "list.mbox"))
    for data in mails():
        box.add(data)
    box.close()
    out = run("--mbox", str(tmp_path / "list.mbox"), "--format", "markdown", *PERIOD)
    assert [r[1] for r in section(out, "First-time contributors (no patch earlier in the archive)")][0] == r"Jane Roe \<jane@example.org\>"
    out = run("--mbox", str(tmp_path / "list.mbox"), "--format", "markdown", "--since", "2024-01-01")
    assert "The archive holds nothing before this period" in out


HOSTILE_SUBJECT = '[PATCH] x: <script>alert("pwned")</script> & <b>bold</b>'
HOSTILE_NAME = '"Tom \\"T\\" & Jerry" <tom@x.example>'
ANSI_SUBJECT = "[PATCH] y: \x1b[31mred\x1b[0m \x1b]0;owned title\x07done"


@pytest.fixture
def hostile_archive(tmp_path: Path) -> Path:
    return build_v2(tmp_path / "hostile", [
        patch("h1@x", HOSTILE_SUBJECT, HOSTILE_NAME, "2024-05-20T10:00", "h1"),
        patch("h2@x", ANSI_SUBJECT, "Ansi <ansi@x.example>", "2024-05-20T11:00", "h2"),
    ])


class _Texts(html.parser.HTMLParser):
    """Every text node and every element of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_mail_content_is_text_in_html(hostile_archive: Path) -> None:
    page = run("--archive", str(hostile_archive), "--format", "html", "HEAD")
    assert "<script" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page
    assert "Tom &#34;T&#34; &amp; Jerry" in page
    parsed = _Texts()
    parsed.feed(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert any('<script>alert("pwned")</script>' in t for t in parsed.text)
    assert any('Tom "T" & Jerry' in t for t in parsed.text)
    assert "\x1b" not in page and "owned title" not in page


def test_terminal_sequences_are_stripped_from_text_and_markdown(hostile_archive: Path) -> None:
    for fmt in ("text", "markdown"):
        out = run("--archive", str(hostile_archive), "--format", fmt, "--color=never", "HEAD")
        assert "\x1b" not in out and "\x07" not in out and "owned title" not in out
        assert "y: red done" in out


def test_html_links_patches_to_lore_and_merged_commits_to_tree_web(people_archive: Path, tmp_path: Path) -> None:
    tree = tmp_path / "code"
    git("init", "-q", str(tree))
    for name in ("j1", "j2"):
        (tree / name).write_text("a\n")
    git("add", ".", cwd=tree)
    git("commit", "-q", "-m", "base", cwd=tree)
    by_id = {m.split(b"Message-ID: <", 1)[1].split(b">", 1)[0].decode(): m for m in mails()}
    for msgid in ("s1-1@x", "s1-2@x"):
        (tmp_path / "one.mail").write_bytes(by_id[msgid])
        git("am", "-q", str(tmp_path / "one.mail"), cwd=tree)
    commits = git("log", "--format=%H", "-2", cwd=tree).split()
    git("config", "--global", "digest.treeWeb", "https://git.example/tree.git/commit/?id=%s")
    page = run("--archive", str(people_archive), "--format", "html", "--tree", str(tree), "--list-name", "Test-List", *PERIOD)
    for commit in commits:
        assert f'<a href="https://git.example/tree.git/commit/?id={commit}"><code>{commit[:12]}</code></a>' in page
    assert '<a href="https://lore.kernel.org/test-list/s1@x/">j: two things</a>' in page
    assert '<span class="status merged">merged</span>' in page
    assert '<h4><a href="https://lore.kernel.org/test-list/s5@x/">[PATCH] n: hello</a></h4>' in page


def test_first_timers_agree_on_a_first_and_a_cached_run(tmp_path: Path) -> None:
    # Twenty patches in January, two in May: the second run reads only May's topics (a short
    # period, cached topics), and must still know who posted before.
    earlier = [patch(f"e{n}@x", f"[PATCH] e: change {n}", f"Dev {n % 4} <dev{n % 4}@corp.example>", f"2024-01-{n + 1:02d}T10:00", f"e{n}") for n in range(20)]
    late = [patch("l1@x", "[PATCH] e: later", "Dev 1 <dev1@corp.example>", "2024-05-02T10:00", "l1"),
            patch("l2@x", "[PATCH] n: first", NEWBIE, "2024-05-03T10:00", "l2")]
    archive = build_v2(tmp_path / "list", earlier + late)
    outputs = [run("--archive", str(archive), "--format", "markdown", *PERIOD) for _ in range(2)]
    assert outputs[0] == outputs[1]
    assert section(outputs[0], "First-time contributors (no patch earlier in the archive)") == [["1", r"Newbie \<newbie@gmail.example\>"]]


def test_markdown_and_html_show_the_same_tables(people_archive: Path, orgmap: Path) -> None:
    git("config", "--global", "digest.orgmap", str(orgmap))
    markdown = run("--archive", str(people_archive), "--format", "markdown", *PERIOD)
    page = run("--archive", str(people_archive), "--format", "html", *PERIOD)
    tables = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    tables = [t for t in tables if t not in ("Patch list", "Patch commit messages")]
    assert len(tables) == 10
    for title in tables:
        assert f"<h3>{title}</h3>" in page, title
    for rows in (section(markdown, "Review coverage"), section(markdown, "Top 15 reviewers (trailers given in replies)")):
        for row in rows:
            assert all(cell.replace("\\", "").replace("<", "&lt;").replace(">", "&gt;") in page for cell in row)
