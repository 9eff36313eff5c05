"""A mailmap joins an author's revisions sent from two addresses; it never joins a look-alike.

Jane sends v1 of a series from her old address and, after moving, v2 from her new one:
no thread, no change-id, new patch-ids, so only the same-author rules (same title from
the same person) can join them. Mallory then posts a `v3` under Jane's display name from
his own address. Every expectation follows from how the archive is built: without a
mailmap, three series; with one naming both of Jane's addresses, v2 revises v1 (one
series, two revisions), and Mallory's v3 stays a series of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from archives import build_v2, make_mail
from conftest import digest_json, git

DAY = "Mon, {:02d} Mar 2025 10:00:00 +0000"
DIFF = "---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n a\n+{}\n"
OLD, NEW, MALLORY = "Jane Doe <jane@old.example>", "Jane Doe <jane@new.example>", "Jane Doe <mallory@evil.example>"


def posting(tag: str, sender: str, day: int, line: str) -> list[bytes]:
    """A cover letter and two patches of "foo: make bar faster", unthreaded to anything earlier."""
    version = f" {tag}" if tag else ""
    cover = make_mail(f"{line}-0@x", f"[PATCH{version} 0/2] foo: make bar faster", sender, DAY.format(day), "Two patches.\n")
    patches = [
        make_mail(f"{line}-{n}@x", f"[PATCH{version} {n}/2] foo: step {n}", sender, DAY.format(day),
                  f"Step {n}.\n\nSigned-off-by: {sender}\n" + DIFF.format(f"{line}{n}"), in_reply_to=f"{line}-0@x")
        for n in (1, 2)
    ]
    return [cover, *patches]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    mails = posting("", OLD, 3, "one") + posting("v2", NEW, 10, "two") + posting("v3", MALLORY, 12, "three")
    return build_v2(tmp_path / "list", mails)


PERIOD = ("--since", "2025-03-08", "--until", "2025-03-20")


def series(report: dict) -> dict[str, tuple[str, str, list[int]]]:
    """Each series' first message: its status, its author, and the versions of its history."""
    return {s["msgid"]: (s["status"], s["author"]["email"], [h["version"] for h in s["history"]]) for s in report["series"]}


def test_without_a_mailmap_a_new_address_is_a_new_series(archive: Path, tmp_path: Path) -> None:
    report, _ = digest_json("--archive", archive, "--index", tmp_path / "i.sqlite3", *PERIOD)
    assert series(report) == {
        "two-0@x": ("new", "jane@new.example", []),
        "three-0@x": ("new", "mallory@evil.example", []),
    }


@pytest.mark.parametrize("how", ["digest.mailmap", "tree"])
def test_a_mailmap_joins_her_two_addresses_and_not_the_look_alike(archive: Path, tmp_path: Path, how: str) -> None:
    text = "Jane Doe <jane@new.example> <jane@old.example>\n"
    args: tuple[str | Path, ...] = ()
    if how == "digest.mailmap":
        (tmp_path / "mailmap").write_text(text)
        git("config", "--global", "digest.mailmap", str(tmp_path / "mailmap"))
    else:
        tree = tmp_path / "tree"
        git("init", "-q", str(tree))
        (tree / ".mailmap").write_text(text)
        git("add", ".mailmap", cwd=tree)
        git("commit", "-qm", "mailmap", cwd=tree)
        args = ("--tree", tree)
    index = tmp_path / "i.sqlite3"
    for _run in ("first", "cached"):  # the index's topics are the archive's; the mailmap joins them at digest time
        report, _ = digest_json("--archive", archive, "--index", index, *args, *PERIOD)
        assert series(report) == {
            "two-0@x": ("revised", "jane@new.example", [1]),
            "three-0@x": ("new", "mallory@evil.example", []),
        }
        (joined,) = (s for s in report["series"] if s["msgid"] == "two-0@x")
        assert [(link["earlier"], link["later"], link["signal"]) for link in joined["links"]] == [
            ("one-0@x", "two-0@x", "patch-titles"),  # the same two patch titles from one person (rule 5)
            ("one-0@x", "two-0@x", "subject"),  # the same series title from one person (rule 6)
        ]


def test_the_mailmap_joins_the_same_in_an_mbox(archive: Path, tmp_path: Path) -> None:
    """The mbox path groups from scratch with the same rule: the same series as the archive's."""
    import mailbox

    (tmp_path / "mailmap").write_text("Jane Doe <jane@new.example> <jane@old.example>\n")
    git("config", "--global", "digest.mailmap", str(tmp_path / "mailmap"))
    box = mailbox.mbox(tmp_path / "list.mbox")
    for line, sender, day, tag in (("one", OLD, 3, ""), ("two", NEW, 10, "v2"), ("three", MALLORY, 12, "v3")):
        for data in posting(tag, sender, day, line):
            box.add(data)
    box.flush()
    from_archive, _ = digest_json("--archive", archive, "--index", tmp_path / "i.sqlite3", *PERIOD)
    from_mbox, _ = digest_json("--mbox", tmp_path / "list.mbox", *PERIOD)
    assert series(from_mbox) == series(from_archive)


@pytest.mark.parametrize("mapped", [False, True])
def test_the_hook_joins_her_addresses_through_the_tree_mailmap(archive: Path, tmp_path: Path, mapped: bool) -> None:
    """Jane pushes her v1 patch (applied from her old address): through the tree's .mailmap
    the hook knows that her v2, from the new address, supersedes it; without it, it cannot."""
    import subprocess

    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git("init", "-q", "--bare", str(remote))
    git("init", "-q", str(work))
    (work / "a.c").write_text("a\n")
    if mapped:
        (work / ".mailmap").write_text("Jane Doe <jane@new.example> <jane@old.example>\n")
    git("add", ".", cwd=work)
    git("commit", "-qm", "base", cwd=work)
    git("remote", "add", "origin", str(remote), cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/master", cwd=work)
    (work / "a.c").write_text("a\none1\n")  # v1's patch 1, as its diff says
    git("commit", "-qam", "foo: step 1", "--author", OLD, cwd=work)
    git("config", "digest.archive", str(archive), cwd=work)
    git("config", "digest.index", str(tmp_path / "i.sqlite3"), cwd=work)
    git("digest", "hook", "install", cwd=work)
    done = subprocess.run(["git", "push", "origin", "HEAD:refs/heads/topic"], cwd=work, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "foo: make bar faster" in done.stderr, done.stderr
    assert ("superseded by v2" in done.stderr) is mapped, done.stderr


def test_a_gitdm_alias_of_a_name_never_joins_a_series(tmp_path: Path) -> None:
    """gitdm's aliases may map a display name to an address (QEMU's map does, for `via`
    senders). The same-author rules look up addresses only: a `v2` sent as "Jane Doe" with no
    address, or from another address, stays a series of its own, while the address alias
    joins her own v2."""
    gitdm = tmp_path / "gitdm"
    gitdm.mkdir()
    (gitdm / "aliases").write_text('"Jane Doe" jane@new.example\njane@old.example jane@new.example\n')
    (gitdm / "domain-map").write_text("new.example New Corp\n")
    git("config", "--global", "digest.orgmap", str(gitdm))
    mails = posting("", OLD, 3, "one") + posting("v2", NEW, 10, "two") + posting("v3", '"Jane Doe"', 12, "three")
    top = build_v2(tmp_path / "list", mails)
    report, _ = digest_json("--archive", top, "--index", tmp_path / "i.sqlite3", *PERIOD)
    got = series(report)
    assert got["two-0@x"] == ("revised", "jane@new.example", [1])
    assert got["three-0@x"] == ("new", "jane doe", [])  # `From: "Jane Doe"`: the parser keeps the name as its address


def test_a_series_split_over_two_lists_keeps_every_patch_under_a_mailmap(tmp_path: Path) -> None:
    """v2's cover and patch 1 go to one list (with v1), patch 2 to the other: the digest of
    both lists joins v2 whole, and the mailmap's regrouping, which joins it to v1 and also
    finds the second list's lone patch as a topic of its own there, keeps it whole and once."""
    v1, v2 = posting("", OLD, 3, "one"), posting("v2", NEW, 10, "two")
    first = build_v2(tmp_path / "a", [*v1, v2[0], v2[1]])
    second = build_v2(tmp_path / "b", [v2[2]])
    patches = lambda report: {s["msgid"]: [p["msgid"] for p in s["patches"]] for s in report["series"]}
    plain, _ = digest_json("--archive", first, "--archive", second, *PERIOD)
    assert patches(plain) == {"two-0@x": ["two-1@x", "two-2@x"]}
    (tmp_path / "mailmap").write_text("Jane Doe <jane@new.example> <jane@old.example>\n")
    git("config", "--global", "digest.mailmap", str(tmp_path / "mailmap"))
    mapped, _ = digest_json("--archive", first, "--archive", second, *PERIOD)
    assert patches(mapped) == {"two-0@x": ["two-1@x", "two-2@x"]}
    assert series(mapped) == {"two-0@x": ("revised", "jane@new.example", [1])}
