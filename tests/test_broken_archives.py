"""Archives with parts missing or repeated: each gets a clear report, and the digest goes on.

A missing blob, a shallow clone, an epoch missing in the middle, a `d` removal inside
the range, the same Message-ID added twice. Every archive is real (built with
pygit2 or cloned with git in a tmp dir) and every run goes through the command line.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from archives import DIFF, EpochWriter, build_v2, make_mail
from conftest import digest_json, git, invoke

from gitdigest.people import stats
from gitdigest.series import grouping

PEOPLE = ["Ann", "Bob", "Cid", "Dan", "Eve", "Fay"]


def patch(n: int) -> bytes:
    """Patch n, by its own author, posted on 1+n March 2025."""
    who = PEOPLE[n]
    return make_mail(
        f"p{n}@x", f"[PATCH] a: thing {n}", f"{who} Dev <{who.lower()}@dev.org>",
        f"Mon, 0{n + 1} Mar 2025 10:00:00 +0000", f"Thing {n}.\n\nSigned-off-by: {who}\n" + DIFF.format(n=n),
    )


@pytest.fixture(autouse=True)
def outside_any_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a directory that is no code tree, so `A..B` always names archive commits."""
    monkeypatch.chdir(tmp_path)


def authors(report: dict) -> list[str]:
    return sorted(c["email"] for c in report["contributors"])


def test_missing_blob_is_skipped_by_name_and_the_rest_is_read(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", [patch(n) for n in range(3)])
    epoch = top / "git" / "0.git"
    blob, commit = git("rev-parse", "HEAD~1:m", "HEAD~1", cwd=epoch).split()
    (epoch / "objects" / blob[:2] / blob[2:]).unlink()
    report, _ = digest_json("--archive", top, "HEAD")
    assert authors(report) == ["ann@dev.org", "cid@dev.org"]
    assert report["skipped"] == [{"blob": blob, "commit": commit, "reason": "blob missing from the archive"}]
    verbose = invoke("--archive", top, "-v", "HEAD")
    assert verbose.stderr == f"skipped {blob[:12]} ({commit[:12]}): blob missing from the archive\n"
    assert "1 messages skipped (run with -v to list them)." in verbose.stdout


@pytest.fixture
def shallow(tmp_path: Path) -> Path:
    """A clone with only the newest two of six messages, made by `git clone --depth 2`."""
    full = build_v2(tmp_path / "full", [patch(n) for n in range(6)])
    top = tmp_path / "shallow"
    git("clone", "-q", "--bare", "--depth", "2", f"file://{full}/git/0.git", str(top / "git" / "0.git"))
    return top


def test_shallow_clone_reads_what_it_has_and_says_so(shallow: Path) -> None:
    report, stderr = digest_json("--archive", shallow, "HEAD")
    assert authors(report) == ["eve@dev.org", "fay@dev.org"]
    assert stderr == (
        f"git-digest: warning: {shallow}/git/0.git: a shallow clone; messages before its first commit are not read\n"
    )


def test_range_beyond_a_shallow_clone_names_the_cause(shallow: Path) -> None:
    result = invoke("--archive", shallow, "HEAD~4..HEAD")
    assert result.exit_code == 1
    assert result.stderr == (
        f"git-digest: error: HEAD~4: unknown revision in the archive {shallow}"
        " (a shallow clone: older commits are not there)\n"
    )


@pytest.mark.parametrize("damage", ["removed", "not-a-repository"])
def test_epoch_missing_in_the_middle_is_named_and_the_others_read(tmp_path: Path, damage: str) -> None:
    top = build_v2(tmp_path / "list", [patch(n) for n in range(6)], per_epoch=2)
    first = git("rev-list", "--max-parents=0", "HEAD", cwd=top / "git" / "0.git").strip()
    shutil.rmtree(top / "git" / "1.git")
    if damage == "not-a-repository":
        (top / "git" / "1.git").mkdir()
    warning = (
        f"git-digest: warning: {top}: git/1.git is missing or not a git repository; only epochs 0, 2 are read\n"
    )
    for spec in ("HEAD", f"{first}..HEAD"):
        report, stderr = digest_json("--archive", top, spec)
        assert stderr == warning
    assert authors(report) == ["bob@dev.org", "eve@dev.org", "fay@dev.org"]
    # The report itself says so too: it may be read far from the terminal that ran it.
    gap = f"{top}: git/1.git is missing or not a git repository; only epochs 0, 2 are read"
    assert report["gaps"] == [gap]
    for fmt in ("text", "markdown", "html"):
        out = invoke("--archive", top, "--format", fmt, "HEAD").stdout
        assert f"Note: incomplete archive: {gap}" in out.replace("\\", ""), fmt


def test_message_removed_by_a_d_commit_is_not_counted(tmp_path: Path) -> None:
    writer = EpochWriter(tmp_path / "list" / "git" / "0.git")
    spam = patch(1).replace(b"a: thing 1", b"BUY NOW")
    for data in (patch(0), spam, patch(2)):
        writer.add(data)
    removal = writer.remove(spam)
    report, _ = digest_json("--archive", tmp_path / "list", "HEAD")
    assert authors(report) == ["ann@dev.org", "cid@dev.org"] and report["messages"] == 2
    assert all("BUY NOW" not in s["subject"] for s in report["series"])
    assert [(s["commit"], s["reason"]) for s in report["skipped"]] == [(removal, "removed from the archive")]
    # Run for a range that ends before the removal: what was removed later still does not count.
    before, _ = digest_json("--archive", tmp_path / "list", "HEAD~1")
    assert authors(before) == ["ann@dev.org", "cid@dev.org"] and before["skipped"] == []


def test_same_message_id_added_twice_counts_once(tmp_path: Path) -> None:
    again = patch(0).replace(b"From: ", b"Received: by relay2.example\nFrom: ", 1)
    top = build_v2(tmp_path / "list", [patch(0), again, patch(0), patch(1)])
    report, _ = digest_json("--archive", top, "HEAD")
    assert report["messages"] == 2
    assert [(c["email"], c["count"]) for c in report["contributors"]] == [("ann@dev.org", 1), ("bob@dev.org", 1)]
    assert sorted(p["msgid"] for s in report["series"] for p in s["patches"]) == ["p0@x", "p1@x"]


@pytest.mark.slow
def test_iouring_duplicate_message_ids_count_once(iouring_history) -> None:
    """The real archive delivered 55 Message-IDs more than once: 118 copies, 63 extra."""
    copies = Counter(m.msgid for m in iouring_history.messages)
    repeated = {msgid: n for msgid, n in copies.items() if n > 1}
    assert (len(repeated), sum(repeated.values())) == (55, 118)
    contributions = [m.msgid for m in iouring_history.messages if m.is_contribution]
    table = stats.compute(iouring_history.messages, ())
    # Issue 14 finds diffs in attachments: 20211209193457.a3qdaxk6dwsi5xuf@p51 ("possible bug
    # with unix sockets", 2021-12-09) carries its diff in a text/x-diff part, and is now a
    # one-patch posting of its own (13,184 and 13,133 before).
    assert (len(contributions), len(set(contributions))) == (13_185, 13_134)
    assert "20211209193457.a3qdaxk6dwsi5xuf@p51" in contributions
    # Less one: kernel test robot's `[RFC PATCH] fs: __alloc_page_buffers() can be static`
    # (2022-02-15) is a bot's patch, kept apart from the people.
    assert sum(c.count for c in table.contributors) == 13_134 - 1
    patches = [m.msgid for rev in grouping.postings(iouring_history.messages) for m in rev.messages]
    assert len(patches) == len(set(patches))
