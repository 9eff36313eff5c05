"""`git digest show`: one series' story, on a topic built here with three revisions.

v1 -> v2: alpha kept (same diff), beta changed (same title, new diff), gamma dropped,
delta added; v2 -> v3: alpha, beta and delta kept, epsilon added. Each revision gets one
review trailer in a reply, and the tree carries v3's alpha (a Link: trailer names it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archives import build_v2, make_mail
from conftest import git
from test_browser import browse, chromium

from gitdigest import cli

DIFF = "diff --git a/{f} b/{f}\nindex 1111111..2222222 100644\n--- a/{f}\n+++ b/{f}\n@@ -1 +1,2 @@\n a\n+{body}\n"
ANN, REV, ACK, TEST = "Ann Dev <ann@dev.example>", "Rev R <rev@r.example>", "Ack K <ack@k.example>", "Test T <test@t.example>"
CHANGE_ID = "20250301-topic-0123456789ab"
# (version, day, patches as (title, file, diff body)); the expectations below follow from these.
REVISIONS = (
    (1, "03", (("x: alpha", "a.c", "alpha"), ("x: beta", "b.c", "beta one"), ("x: gamma", "c.c", "gamma"))),
    (2, "05", (("x: alpha", "a.c", "alpha"), ("x: beta", "b.c", "beta two"), ("x: delta", "d.c", "delta"))),
    (3, "07", (("x: alpha", "a.c", "alpha"), ("x: beta", "b.c", "beta two"), ("x: delta", "d.c", "delta"), ("x: epsilon", "e.c", "eps"))),
)


def prefix(version: int, n: int, total: int) -> str:
    return f"[PATCH{'' if version == 1 else f' v{version}'} {n}/{total}]"


def mails() -> list[bytes]:
    out = []
    for version, day, patches in REVISIONS:
        date, total, cover = f"Mon, {day} Mar 2025 10:00:00 +0000", len(patches), f"v{version}-0@x"
        body = f"The topic, take {version}.\n\n---\nchange-id: {CHANGE_ID}\n"
        out.append(make_mail(cover, f"{prefix(version, 0, total)} x: topic", ANN, date, body))
        for n, (title, name, text) in enumerate(patches, 1):
            patch_body = f"{title}.\n\nSigned-off-by: {ANN}\n---\n" + DIFF.format(f=name, body=text)
            out.append(make_mail(f"v{version}-{n}@x", f"{prefix(version, n, total)} {title}", ANN, date, patch_body, in_reply_to=cover))
    reply = lambda msgid, to, subject, who, day, trailer: make_mail(
        msgid, f"Re: {subject}", who, f"Mon, {day} Mar 2025 12:00:00 +0000", f"> quoted\n\n{trailer}: {who}\n", in_reply_to=to,
        references=[to.split("-")[0] + "-0@x", to])
    out.append(reply("r1@x", "v1-1@x", "[PATCH 1/3] x: alpha", REV, "03", "Reviewed-by"))
    out.append(make_mail("r2@x", "Re: [PATCH v2 0/3] x: topic", ACK, "Mon, 05 Mar 2025 12:00:00 +0000", f"> quoted\n\nAcked-by: {ACK}\n", in_reply_to="v2-0@x"))
    out.append(reply("r3@x", "v3-2@x", "[PATCH v3 2/4] x: beta", TEST, "07", "Tested-by"))
    return out


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    return build_v2(tmp_path / "list", mails())


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A code tree that took v3's alpha, its commit naming the posting by Link:."""
    top = tmp_path / "tree"
    git("init", "-q", str(top))
    (top / "a.c").write_text("a\nalpha\n")
    git("add", ".", cwd=top)
    env = {"GIT_COMMITTER_DATE": "2025-03-10T12:00:00Z", "GIT_AUTHOR_DATE": "2025-03-07T10:00:00Z"}
    git("commit", "-q", "-m", "x: alpha\n\nLink: https://lore.kernel.org/r/v3-1@x\n", cwd=top, env=env)
    return top


def story(lists: Path, *args: str, fmt: str = "json") -> str:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli.show_command, ["--archive", str(lists), "--format", fmt, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def changes(step: dict) -> list[tuple[str, str]]:
    return [(c["change"], c["subject"]) for c in step["changes"]]


def test_show_tells_revisions_changes_trailers_and_what_landed(lists: Path, tree: Path) -> None:
    told = json.loads(story(lists, "--tree", str(tree), "v2-2@x"))
    assert [r["version"] for r in told["revisions"]] == [1, 2, 3]
    assert [r["msgid"] for r in told["revisions"]] == ["v1-0@x", "v2-0@x", "v3-0@x"]
    assert [len(r["patches"]) for r in told["revisions"]] == [3, 3, 4]
    assert changes(told["steps"][0]) == [("kept", "x: alpha"), ("changed", "x: beta"), ("added", "x: delta"), ("dropped", "x: gamma")]
    assert changes(told["steps"][1]) == [("kept", "x: alpha"), ("kept", "x: beta"), ("kept", "x: delta"), ("added", "x: epsilon")]
    # Every revision carries the change-id: that is the strongest link the steps name.
    assert told["steps"][0]["links"][0] == {"signal": "change-id", "evidence": CHANGE_ID}
    received = [[(t["name"], t["person"]["email"], t["on"]) for t in r["trailers"]] for r in told["revisions"]]
    assert received == [
        [("Reviewed-by", "rev@r.example", "x: alpha")],
        [("Acked-by", "ack@k.example", "x: topic")],
        [("Tested-by", "test@t.example", "x: beta")],
    ]
    assert [m["msgid"] for m in told["revisions"][2]["merged"]] == ["v3-1@x"]
    assert told["revisions"][2]["merged"][0]["commits"][0]["how"] == "link"
    assert told["revisions"][0]["merged"] == [] and told["revisions"][1]["merged"] == []


@pytest.mark.parametrize("asked", ["v1-0@x", "<v3-4@x>", "https://lore.kernel.org/list/v2-0@x/T/#u", "x: topic", "r3@x"])
def test_show_finds_the_topic_by_msgid_url_words_or_a_reply(lists: Path, asked: str) -> None:
    told = json.loads(story(lists, asked))
    assert [r["msgid"] for r in told["revisions"]] == ["v1-0@x", "v2-0@x", "v3-0@x"]


def test_show_as_text_and_markdown(lists: Path) -> None:
    text = story(lists, "v1-1@x", fmt="text")
    assert text.splitlines()[0] == "x: topic: 3 revisions, v1 2025-03-03 to v3 2025-03-07"
    assert "    ~ changed  x: beta" in text and "    - dropped  x: gamma" in text and "    + added    x: epsilon" in text
    assert "    b4 am v3-0@x" in text and "    Tested-by: Test T <test@t.example>  (on x: beta)" in text
    md = story(lists, "v1-1@x", fmt="markdown")
    assert "### v1 → v2" in md and "| changed | x: beta |" in md and "| dropped | x: gamma |" in md


def test_show_of_nothing_is_one_error_line(lists: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["show", "--archive", str(lists), "no-such@x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("git-digest: error: no-such@x: no series") and len(err.splitlines()) == 1


ARTIFACTS = Path(__file__).parent / "artifacts"


def test_chromium_renders_the_story(lists: Path, tree: Path, tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "story.html"
    story(lists, "--tree", str(tree), "-o", str(page), "x: topic", fmt="html")
    dom = browse(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<script" not in dom.stdout
    assert dom.stdout.count('class="revision"') == 3 and dom.stdout.count('class="step"') == 2
    for kind in ("added", "dropped", "changed", "kept"):
        assert f"change change-{kind}" in dom.stdout, kind
    assert 'href="https://lore.kernel.org/list/v3-0@x/"' in dom.stdout
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "story.png"
    result = browse(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 10_000
