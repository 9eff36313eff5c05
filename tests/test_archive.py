"""Reading archives: v2 epochs, ranges across epochs, v1, dates, mailboxes, bundles."""

from __future__ import annotations

import datetime
import mailbox
from pathlib import Path

import pytest
from archives import EpochWriter, build_v1, build_v2, make_mail
from conftest import git

from gitdigest.errors import NotAnArchiveError, RangeError
from gitdigest.mail import archive


def mails(count: int, start_day: int = 1) -> list[bytes]:
    """`count` messages, one a day from March `start_day`, 2025."""
    return [
        make_mail(f"m{i}@example.org", f"[PATCH] change {i}", date=f"Sat, {start_day + i:02d} Mar 2025 10:00:00 +0000")
        for i in range(count)
    ]


def msgids(raws) -> list[str]:
    return [raw.data.split(b"Message-ID: <")[1].split(b">")[0].decode() for raw in raws]


def tips(top: Path) -> list[list[str]]:
    """Every epoch's commits, oldest first."""
    return [git("rev-list", "--reverse", "HEAD", cwd=e).split() for e in sorted((top / "git").iterdir())]


def test_v2_top_directory_reads_every_epoch(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(7), per_epoch=3)
    arch = archive.open_archive(top)
    assert [e.number for e in arch.epochs] == [0, 1, 2]
    assert msgids(archive.read(archive.select_range(arch, "HEAD"))) == [f"m{i}@example.org" for i in range(7)]


def test_single_epoch_directory(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(3))
    arch = archive.open_archive(top / "git" / "0.git")
    assert arch.layout == 2 and len(arch.epochs) == 1
    assert len(list(archive.read(archive.select_range(arch, "HEAD")))) == 3


def test_range_is_git_range_semantics(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(5))
    commits = tips(top)[0]
    arch = archive.open_archive(top)
    picked = archive.read(archive.select_range(arch, f"{commits[1]}..{commits[3]}"))
    assert msgids(picked) == ["m2@example.org", "m3@example.org"]
    assert msgids(archive.read(archive.select_range(arch, "HEAD~2..HEAD"))) == ["m3@example.org", "m4@example.org"]


def test_range_across_epochs(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(9), per_epoch=3)
    epochs = tips(top)
    arch = archive.open_archive(top)
    selection = archive.select_range(arch, f"{epochs[0][1]}..{epochs[2][0]}")
    assert msgids(archive.read(selection)) == [f"m{i}@example.org" for i in (2, 3, 4, 5, 6)]


def test_range_that_does_not_resolve(tmp_path: Path) -> None:
    arch = archive.open_archive(build_v2(tmp_path / "list", mails(2)))
    with pytest.raises(RangeError, match="unknown revision"):
        archive.select_range(arch, "nosuch..HEAD")


@pytest.mark.parametrize("spec", ["--upload-pack=touch /tmp/x", "HEAD..--output=x", "a b..HEAD", ""])
def test_option_like_ranges_are_rejected(tmp_path: Path, spec: str) -> None:
    arch = archive.open_archive(build_v2(tmp_path / "list", mails(2)))
    with pytest.raises(RangeError):
        archive.select_range(arch, spec)


def test_removed_message_is_marked(tmp_path: Path) -> None:
    writer = EpochWriter(tmp_path / "list" / "git" / "0.git")
    first, second = mails(2)
    writer.add(first)
    writer.add(second)
    writer.remove(first)
    raws = list(archive.read(archive.select_range(archive.open_archive(tmp_path / "list"), "HEAD")))
    assert [r.removed for r in raws] == [False, False, True]


def test_dates_select_by_message_date(tmp_path: Path) -> None:
    arch = archive.open_archive(build_v2(tmp_path / "list", mails(6), per_epoch=4))
    since = datetime.datetime(2025, 3, 3, tzinfo=datetime.timezone.utc)
    until = datetime.datetime(2025, 3, 6, tzinfo=datetime.timezone.utc)
    assert msgids(archive.read(archive.select_dates(arch, since, until))) == ["m2@example.org", "m3@example.org", "m4@example.org"]


def test_v1_archive(tmp_path: Path) -> None:
    arch = archive.open_archive(build_v1(tmp_path / "v1.git", mails(4)))
    assert arch.layout == 1
    assert msgids(archive.read(archive.select_range(arch, "HEAD~1..HEAD"))) == ["m3@example.org"]
    assert len(list(archive.read(archive.select_range(arch, "HEAD")))) == 4


def test_mbox_and_maildir(tmp_path: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "x.mbox"))
    folder = mailbox.Maildir(str(tmp_path / "md"))
    for data in mails(3):
        box.add(data)
        folder.add(data)
    box.close()
    assert msgids(archive.read_mailbox(tmp_path / "x.mbox")) == [f"m{i}@example.org" for i in range(3)]
    assert sorted(msgids(archive.read_mailbox(tmp_path / "md"))) == [f"m{i}@example.org" for i in range(3)]


@pytest.mark.parametrize("maker", ["empty-dir", "code-repo", "missing"])
def test_not_an_archive(tmp_path: Path, maker: str) -> None:
    path = tmp_path / "x"
    if maker != "missing":
        path.mkdir()
    if maker == "code-repo":
        git("init", "-q", cwd=path)
        (path / "README").write_text("hi\n")
        git("add", "README", cwd=path)
        git("commit", "-qm", "init", cwd=path)
    with pytest.raises(NotAnArchiveError):
        archive.open_archive(path)


def test_bundle_is_cloned_once_into_the_cache(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(3))
    bundle = tmp_path / "mylist-0.bundle"
    git("bundle", "create", str(bundle), "master", cwd=top / "git" / "0.git")
    before = bundle.read_bytes()
    arch = archive.open_archive(bundle, tmp_path / "cache")
    again = archive.open_archive(bundle, tmp_path / "cache")
    assert arch.top == again.top and arch.top.is_relative_to(tmp_path / "cache")
    assert len(list(archive.read(archive.select_range(arch, "HEAD")))) == 3
    assert archive.list_name(arch) == "mylist"
    assert bundle.read_bytes() == before
