"""A maintainer's filters: pathspecs, MAINTAINERS sections, authors, statuses.

The archive is built here; which series each filter keeps is known by construction
(each series touches the paths written below), and pathspec matching is checked
against `git log -- PATHSPEC` itself.
"""

from __future__ import annotations

import json
import mailbox
import subprocess
from pathlib import Path

import pytest
from archives import build_v2, make_mail
from conftest import digest_json, git

from gitdigest import cli
from gitdigest.mail import diffpaths
from gitdigest.series import pathspec
from gitdigest.tree import maintainers

DIFF = "diff --git a/{f} b/{f}\nindex 1111111..2222222 100644\n--- a/{f}\n+++ b/{f}\n@@ -1 +1,2 @@\n a\n+{n}\n"
ALICE, BOB, CAROL = "Alice A <alice@a.example>", "Bob B <bob@b.example>", "Carol C <carol@c.example>"
DAN, EVE = "Dan D <dan@d.example>", "Eve E <eve@e.example>"
REV, ACK = "Rev R <rev@r.example>", "Ack K <ack@k.example>"


def patch(msgid: str, subject: str, sender: str, day: str, files: tuple[str, ...], **kw: object) -> bytes:
    diff = "".join(DIFF.format(f=f, n=msgid) for f in files)
    body = f"Change {subject}.\n\nSigned-off-by: {sender}\n---\n\n{diff}"
    return make_mail(msgid, subject, sender, f"{day} 10:00:00 +0000", body, **kw)


def reply(msgid: str, to: str, subject: str, sender: str, day: str, trailer: str) -> bytes:
    return make_mail(msgid, f"Re: {subject}", sender, f"{day} 12:00:00 +0000", f"> quoted\n\n{trailer}\n", in_reply_to=to)


# Which series touches what: the expectations below are read off this table.
SERIES = {
    "A": ("alice-0@x", ALICE, ("io_uring/rw.c", "include/linux/io_uring.h")),
    "B": ("bob@x", BOB, ("io_uring/net.c",)),
    "C": ("carol@x", CAROL, ("fs/iomap/buffered.c",)),
    "D": ("dan@x", DAN, ("tools/testing/uring_test.c",)),
    "E": ("eve-2@x", EVE, ("Documentation/io.rst",)),
}


def mails() -> list[bytes]:
    """Five series in 3-7 March 2025 (E a v2 of a February v1), and two reviews."""
    out = [patch("eve-1@x", "[PATCH] docs: explain io", EVE, "Sat, 01 Feb 2025", ("Documentation/io.rst",))]
    out.append(make_mail("alice-0@x", "[PATCH 0/2] io_uring: faster rw", ALICE, "Mon, 03 Mar 2025 09:00:00 +0000", "Cover.\n"))
    out.append(patch("alice-1@x", "[PATCH 1/2] io_uring: rw", ALICE, "Mon, 03 Mar 2025", ("io_uring/rw.c",), in_reply_to="alice-0@x"))
    out.append(patch("alice-2@x", "[PATCH 2/2] io_uring: header", ALICE, "Mon, 03 Mar 2025", ("include/linux/io_uring.h",), in_reply_to="alice-0@x"))
    out.append(reply("rev-1@x", "alice-1@x", "[PATCH 1/2] io_uring: rw", REV, "Mon, 03 Mar 2025", f"Reviewed-by: {REV}"))
    out.append(patch("bob@x", "[PATCH] io_uring/net: fix", BOB, "Tue, 04 Mar 2025", ("io_uring/net.c",)))
    out.append(reply("ack-1@x", "bob@x", "[PATCH] io_uring/net: fix", ACK, "Tue, 04 Mar 2025", f"Acked-by: {ACK}"))
    out.append(patch("carol@x", "[PATCH] iomap: tweak", CAROL, "Wed, 05 Mar 2025", ("fs/iomap/buffered.c",)))
    out.append(patch("dan@x", "[PATCH] selftests: uring test", DAN, "Thu, 06 Mar 2025", ("tools/testing/uring_test.c",)))
    out.append(patch("eve-2@x", "[PATCH v2] docs: explain io", EVE, "Fri, 07 Mar 2025", ("Documentation/io.rst",)))
    return out


KERNEL_MAINTAINERS = """\
List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

\tM: *Mail* patches to: FullName <address@domain>
\tF: *Files* and directories wildcard patterns.

Maintainers List
----------------

IO_URING
M:\tJens Axboe <axboe@kernel.dk>
L:\tio-uring@vger.kernel.org
S:\tMaintained
F:\tio_uring/
F:\tinclude/linux/io_uring.h
X:\tio_uring/net.c
N:\turing

NETWORKING [IO_URING]
M:\tNet Dev <net@example.org>
F:\tio_uring/net.c
"""

QEMU_MAINTAINERS = """\
QEMU Maintainers
================

The intention of this file is not to establish who owns what portions of the
code base, but to provide a set of names that developers can consult when they
have a question about a particular subset and also to provide a set of names
to be CC'd when submitting a patch to obtain appropriate review.

General Project Administration
------------------------------
M: Peter Maydell <peter.maydell@linaro.org>

Documentation
-------------
Build system architecture
M: Paolo Bonzini <pbonzini@redhat.com>
S: Odd Fixes
F: Documentation/

Block layer core
M: Kevin Wolf <kwolf@redhat.com>
S: Supported
F: fs/iomap
F: fs/*.c
"""


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    return build_v2(tmp_path / "list", mails())


@pytest.fixture
def kernel_tree(tmp_path: Path) -> Path:
    return _tree(tmp_path / "linux", KERNEL_MAINTAINERS)


@pytest.fixture
def qemu_tree(tmp_path: Path) -> Path:
    return _tree(tmp_path / "qemu", QEMU_MAINTAINERS)


def _tree(top: Path, text: str) -> Path:
    """A code tree with its MAINTAINERS and the directories the series touch."""
    git("init", "-q", str(top))
    (top / "MAINTAINERS").write_text(text)
    for name in ("io_uring/rw.c", "fs/iomap/buffered.c", "Documentation/io.rst"):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("a\n")
    git("add", ".", cwd=top)
    git("commit", "-q", "-m", "base", cwd=top)
    return top


PERIOD = ("--since", "2025-03-01", "--until", "2025-03-10")


def kept(archive: Path, *args: str) -> set[str]:
    """The series a digest keeps, by their letters in SERIES."""
    report, _err = digest_json("--archive", str(archive), *PERIOD, *args)
    letter = {key: name for name, (key, _who, _paths) in SERIES.items()}
    return {letter[s.get("cover_msgid") or s["patches"][0]["msgid"]] for s in report["series"]}


def paths(*specs: str) -> tuple[str, ...]:
    return tuple(word for spec in specs for word in ("--pathspec", spec))


def test_no_filter_keeps_every_series(lists: Path) -> None:
    assert kept(lists) == set(SERIES)


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (("io_uring",), {"A", "B"}),  # a directory
        (("io_uring/",), {"A", "B"}),
        (("*.h",), {"A"}),  # a glob, whose * crosses directories
        (("fs/*/buffered.c",), {"C"}),
        ((":(glob)*.h",), set()),  # under glob magic, * stops at /
        ((":(glob)**/*.h",), {"A"}),
        (("io_uring", ":(exclude)io_uring/net.c"), {"A"}),  # an exclusion
        ((":!io_uring",), {"A", "C", "D", "E"}),  # exclusions alone: A also touches include/
        ((":^io_uring/", ":!include"), {"C", "D", "E"}),
        (("Documentation/io.rst",), {"E"}),
    ],
)
def test_pathspecs_keep_the_series_touching_them(lists: Path, specs: tuple[str, ...], expected: set[str]) -> None:
    assert kept(lists, *paths(*specs)) == expected


def test_a_kept_series_is_whole_and_the_tables_count_only_it(lists: Path) -> None:
    report, _err = digest_json("--archive", str(lists), *PERIOD, *paths("io_uring/net.c"))
    assert [s["subject"] for s in report["series"]] == ["io_uring/net: fix"]
    assert [c["email"] for c in report["contributors"]] == ["bob@b.example"]
    assert [r["email"] for r in report["reviewers"]] == ["ack@k.example"]
    assert report["messages"] == 2  # Bob's patch and Ack's reply
    report, _err = digest_json("--archive", str(lists), *PERIOD, *paths("io_uring/rw.c"))
    # Series A is kept whole: its cover and both patches, though only 1/2 touches rw.c.
    assert [p["msgid"] for p in report["series"][0]["patches"]] == ["alice-1@x", "alice-2@x"]
    assert report["series"][0]["cover_msgid"] == "alice-0@x"
    assert report["contributors"] == [{"name": "Alice A", "email": "alice@a.example", "count": 3}]
    assert [r["email"] for r in report["reviewers"]] == ["rev@r.example"]


def test_a_pathspec_after_double_dash_on_the_command_line(lists: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--archive", str(lists), *PERIOD, "--format", "json", "--", "io_uring", ":(exclude)io_uring/net.c"])
    assert code == 0
    assert [s["subject"] for s in json.loads(capsys.readouterr().out)["series"]] == ["io_uring: faster rw"]


def test_kernel_maintainers_section_with_f_x_and_n(lists: Path, kernel_tree: Path) -> None:
    # F: io_uring/ and include/linux/io_uring.h take A; X: io_uring/net.c drops B; N: uring takes D.
    assert kept(lists, "--tree", str(kernel_tree), "--maintainer", "IO_URING") == {"A", "D"}
    assert kept(lists, "--tree", str(kernel_tree), "--maintainer", "networking [io_uring]") == {"B"}
    assert kept(lists, "--tree", str(kernel_tree), "--maintainer", "IO_URING", "--maintainer", "NETWORKING [IO_URING]") == {"A", "B", "D"}


def test_maintainer_from_git_config(lists: Path, kernel_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git("config", "digest.maintainer", "IO_URING", cwd=kernel_tree)
    git("config", "digest.archive", str(lists), cwd=kernel_tree)
    monkeypatch.chdir(kernel_tree)
    assert kept(lists, "--tree", str(kernel_tree)) == {"A", "D"}


def test_qemu_maintainers_sections_and_a_directory_without_slash(lists: Path, qemu_tree: Path) -> None:
    # Headings with underlines are not sections; the name is the line above the fields.
    names = [s.name for s in maintainers.read(qemu_tree)]
    assert names == ["General Project Administration", "Build system architecture", "Block layer core"]
    assert kept(lists, "--tree", str(qemu_tree), "--maintainer", "Build system architecture") == {"E"}
    # `F: fs/iomap` names a directory of the tree, so it takes fs/iomap/buffered.c;
    # `F: fs/*.c` only takes files at its own depth (get_maintainer.pl), not fs/iomap/buffered.c.
    assert kept(lists, "--tree", str(qemu_tree), "--maintainer", "Block layer core") == {"C"}
    block = maintainers.named(maintainers.read(qemu_tree), ["Block layer core"])[0]
    assert block.covers("fs/inode.c") and not block.covers("fs/ext4/inode.c")


def test_maintainer_without_the_directory_in_the_tree(lists: Path, tmp_path: Path) -> None:
    # The same QEMU entry in a tree that has no fs/iomap directory: the pattern stays at its depth.
    tree = tmp_path / "bare-tree"
    git("init", "-q", str(tree))
    (tree / "MAINTAINERS").write_text(QEMU_MAINTAINERS)
    git("add", ".", cwd=tree)
    git("commit", "-q", "-m", "base", cwd=tree)
    assert kept(lists, "--tree", str(tree), "--maintainer", "Block layer core") == set()


def test_an_unknown_section_is_one_error_line(lists: Path, kernel_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--archive", str(lists), *PERIOD, "--tree", str(kernel_tree), "--maintainer", "URING"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("git-digest: error: no MAINTAINERS section named 'URING'; did you mean: 'IO_URING'")
    assert len(err.splitlines()) == 1


def test_maintainers_lists_sections_by_word(kernel_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["maintainers", "uring", "--tree", str(kernel_tree)]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if not line.startswith("\t")] == ["IO_URING", "NETWORKING [IO_URING]"]
    assert "\tX:\tio_uring/net.c" in out and "\tN:\turing" in out


@pytest.mark.parametrize(
    ("authors", "expected"),
    [(("alice",), {"A"}), (("b.example", "Carol"), {"B", "C"}), (("^Dan D <dan@",), {"D"}), (("nobody",), set())],
)
def test_authors(lists: Path, authors: tuple[str, ...], expected: set[str]) -> None:
    assert kept(lists, *(w for a in authors for w in ("--author", a))) == expected


def test_statuses(lists: Path) -> None:
    assert kept(lists, "--status", "revised") == {"E"}
    assert kept(lists, "--status", "new") == {"A", "B", "C", "D"}
    assert kept(lists, "--status", "new,revised") == set(SERIES)
    assert kept(lists, "--status", "merged") == set()


def test_filters_combine(lists: Path) -> None:
    assert kept(lists, "--status", "new", "--author", "alice|bob", *paths("io_uring/net.c")) == {"B"}


def test_the_report_says_what_it_was_narrowed_to(lists: Path, kernel_tree: Path) -> None:
    from conftest import invoke

    result = invoke("--archive", str(lists), *PERIOD, "--tree", str(kernel_tree),
                    "--maintainer", "IO_URING", "--status", "new", *paths("io_uring", ":!io_uring/net.c"))
    assert result.exit_code == 0, result.output
    assert "Filter: -- io_uring :!io_uring/net.c; --maintainer IO_URING; --status new (the tables count only these series)" in result.stdout


def test_an_unknown_status_is_a_usage_error(lists: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--archive", str(lists), *PERIOD, "--status", "landed"]) == 1
    assert "not a status (one of new, revised, superseded, merged, partially-merged)" in capsys.readouterr().err


def test_an_mbox_is_filtered_by_its_own_diffs(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "list.mbox")
    for data in mails():
        box.add(data)
    box.flush()
    report, _err = digest_json("--mbox", str(tmp_path / "list.mbox"), *PERIOD, *paths("fs"))
    assert [s["subject"] for s in report["series"]] == ["iomap: tweak"]


def test_the_index_stores_touched_paths(lists: Path, tmp_path: Path) -> None:
    from gitdigest import index
    from gitdigest.index import ingest
    from gitdigest.mail import archive

    arch = archive.open_archive(lists)
    with index.open_index(tmp_path / "i.sqlite3", arch, 10**7) as idx:
        ingest.update(idx, arch)
        found = idx.paths_of(["alice-1@x", "alice-2@x", "alice-0@x", "rev-1@x"])
    assert found == {"alice-1@x": ("io_uring/rw.c",), "alice-2@x": ("include/linux/io_uring.h",)}


def test_diff_paths_renames_modes_and_plain_diffs() -> None:
    body = (
        "diff --git a/old/name.c b/new/name.c\nsimilarity index 100%\nrename from old/name.c\nrename to new/name.c\n"
        "diff --git a/tools/run.sh b/tools/run.sh\nold mode 100644\nnew mode 100755\n"
        "--- linux.orig/mm/slab.c\t2025-01-01 10:00:00\n+++ linux/mm/slab.c\t2025-01-01 10:00:00\n@@ -1 +1 @@\n-a\n+b\n"
        "diff --git a/gone.c b/gone.c\ndeleted file mode 100644\n--- a/gone.c\n+++ /dev/null\n"
    )
    assert diffpaths.touched(body) == ("old/name.c", "new/name.c", "tools/run.sh", "mm/slab.c", "gone.c")


GIT_FILES = (
    "fs/io_uring/rw.c", "fs/io_uring/net.c", "fs/io_uring/sub/deep.h", "fs/iomap.c", "include/linux/io_uring.h",
    "Documentation/io.rst", "io_uring/x.c", "io_uringx/y.c", "README", "tools/a.c", "tools/b.h", "sp ace/f.c",
)
GIT_SPECS = (
    "fs/io_uring", "fs/io_uring/", "*.c", "fs/*.c", "fs/io_urin?", ":(glob)fs/*.c", ":(glob)fs/**/*.h",
    ":(glob)**/io_uring.h", "io_uring", ":!fs", ":(exclude)fs/io_uring/net.c", "Doc*", "[fi]*/io*",
    ":(icase)readme", ":(literal)*.c", "f?/iomap.c", "tools/[!a]*", ":^tools", ":/fs/iomap.c", "./README",
    "sp ace", ":(glob)tools/*", ":(glob)fs/**", "fs/io_uring/sub/", "*", "tools/?.[ch]", ":(icase)FS/IO*",
)


def test_pathspecs_agree_with_git_log(tmp_path: Path) -> None:
    """The oracle: one commit per file, named by its path; `git log -- SPEC` names the files SPEC selects."""
    repo = tmp_path / "oracle"
    git("init", "-q", str(repo))
    for name in GIT_FILES:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(name)
        git("add", name, cwd=repo)
        git("commit", "-q", "-m", name, cwd=repo)
    for spec in GIT_SPECS:
        out = subprocess.run(["git", "log", "--format=%s", "--", spec], cwd=repo, capture_output=True, text=True, check=True).stdout
        mine = {name for name in GIT_FILES if pathspec.selects([pathspec.parse(spec)], [name])}
        assert mine == set(out.splitlines()), spec
