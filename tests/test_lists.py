"""Several lists in one digest, and `--since last`, on archives built here.

Two lists share a cross-posted series (the same messages in both archives): it is one
series, naming both lists, and its messages count once. `--since last` remembers,
per archive set and filter set, what the previous digest had seen.
"""

from __future__ import annotations

import datetime
import email.utils
import json
from pathlib import Path

import pytest
from archives import EpochWriter, build_v2, make_mail
from conftest import digest_json, invoke

from gitdigest import cli

DIFF = "diff --git a/{f} b/{f}\nindex 1111111..2222222 100644\n--- a/{f}\n+++ b/{f}\n@@ -1 +1,2 @@\n a\n+{f}\n"
PAT, KIM, MIA = "Pat P <pat@p.example>", "Kim K <kim@k.example>", "Mia M <mia@m.example>"
REV, ACK = "Rev R <rev@r.example>", "Ack A <ack@a.example>"


def patch(msgid: str, subject: str, sender: str, date: str, name: str, **kw: object) -> bytes:
    return make_mail(msgid, subject, sender, date, f"{subject}.\n\nSigned-off-by: {sender}\n---\n" + DIFF.format(f=name), **kw)


def review(msgid: str, to: str, subject: str, who: str, date: str, trailer: str) -> bytes:
    return make_mail(msgid, f"Re: {subject}", who, date, f"> quoted\n\n{trailer}: {who}\n", in_reply_to=to, references=["p-0@x", to])


DAY = "Tue, 04 Mar 2025 {}:00:00 +0000"
CROSS = [
    make_mail("p-0@x", "[PATCH 0/2] kvm: arm: shared", PAT, DAY.format(10), "Cover.\n"),
    patch("p-1@x", "[PATCH 1/2] kvm: one", PAT, DAY.format(10), "virt/kvm/one.c", in_reply_to="p-0@x"),
    patch("p-2@x", "[PATCH 2/2] arm64: two", PAT, DAY.format(10), "arch/arm64/kvm/two.c", in_reply_to="p-0@x"),
]
KVM = [*CROSS, patch("k@x", "[PATCH] kvm: x86 only", KIM, DAY.format(11), "arch/x86/kvm/x.c"),
       review("r1@x", "p-1@x", "[PATCH 1/2] kvm: one", REV, DAY.format(12), "Reviewed-by")]
KVMARM = [*CROSS, patch("m@x", "[PATCH] arm64: arm only", MIA, DAY.format(11), "arch/arm64/kvm/m.c"),
          review("r2@x", "p-2@x", "[PATCH 2/2] arm64: two", ACK, DAY.format(13), "Acked-by")]
PERIOD = ("--since", "2025-03-01", "--until", "2025-03-10")


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    return build_v2(tmp_path / "kvm", KVM), build_v2(tmp_path / "kvmarm", KVMARM)


def test_two_archives_count_a_cross_posted_series_once(two: tuple[Path, Path]) -> None:
    kvm, kvmarm = two
    report, _err = digest_json("--archive", str(kvm), "--archive", str(kvmarm), *PERIOD)
    by_subject = {s["subject"]: s for s in report["series"]}
    assert sorted(by_subject) == ["arm64: arm only", "kvm: arm: shared", "kvm: x86 only"]
    assert by_subject["kvm: arm: shared"]["lists"] == ["kvm", "kvmarm"]
    assert by_subject["kvm: x86 only"]["lists"] == ["kvm"]
    assert by_subject["arm64: arm only"]["lists"] == ["kvmarm"]
    assert report["list"] == "kvm + kvmarm"
    # Seven messages: the cross-posted three once, one patch on each list, one review on each.
    assert report["messages"] == 7
    assert {c["email"]: c["count"] for c in report["contributors"]} == {"pat@p.example": 3, "kim@k.example": 1, "mia@m.example": 1}
    assert {r["email"] for r in report["reviewers"]} == {"rev@r.example", "ack@a.example"}


def test_two_archives_from_git_config_and_in_text(two: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import git

    kvm, kvmarm = two
    git("config", "--global", "--add", "digest.archive", str(kvm))
    git("config", "--global", "--add", "digest.archive", str(kvmarm))
    monkeypatch.chdir(tmp_path)
    result = invoke(*PERIOD, "--format", "short")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    shared = lines.index(next(line for line in lines if "kvm: arm: shared" in line))
    assert lines[shared + 3] == "    lists: kvm, kvmarm"


def test_two_archives_in_markdown_and_html_name_the_lists(two: tuple[Path, Path]) -> None:
    kvm, kvmarm = two
    for fmt in ("markdown", "html"):
        result = invoke("--archive", str(kvm), "--archive", str(kvmarm), *PERIOD, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "lists: kvm, kvmarm" in result.stdout and "lists: kvmarm" in result.stdout, fmt


def test_a_range_with_two_archives_is_refused(two: tuple[Path, Path]) -> None:
    result = invoke("--archive", str(two[0]), "--archive", str(two[1]), "HEAD")
    assert result.exit_code == 1 and "give several archives a period" in result.output


def ago(days: float) -> str:
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    return email.utils.format_datetime(when)


def subjects(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = cli.main([*args, "--format", "json"])
    captured = capsys.readouterr()
    series = [s["subject"] for s in json.loads(captured.out)["series"]] if code == 0 else []
    return code, sorted(series), captured.err


def test_since_last_across_runs_with_new_mail_between(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = build_v2(tmp_path / "list", [
        patch("old@x", "[PATCH] a: ten days ago", KIM, ago(10), "a.c"),
        patch("s1@x", "[PATCH] a: two days ago", KIM, ago(2), "b.c"),
    ])
    args = ["--archive", str(top), "--since", "last"]
    # The first time: no earlier digest, so the last week, and it says so.
    code, series, err = subjects(args, capsys)
    assert code == 0 and series == ["a: two days ago"]
    assert "no earlier digest of these archives and filters: this one covers the last week" in err
    # New mail arrives, one of it dated before the first run (it reached the archive late).
    writer = EpochWriter(top / "git" / "0.git")
    writer.add(patch("s2@x", "[PATCH] a: arrived late", MIA, ago(3), "c.c"))
    writer.add(patch("s3@x", "[PATCH] a: just now", PAT, ago(0.01), "d.c"))
    code, series, err = subjects(args, capsys)
    assert code == 0 and series == ["a: arrived late", "a: just now"]
    assert "no earlier digest" not in err
    # Nothing new: one error line that says since when.
    code, _series, err = subjects(args, capsys)
    assert code == 1 and "since the last digest (" in err and len(err.splitlines()) == 1
    # Another filter set keeps its own memory: the first time again.
    code, series, err = subjects([*args, "--author", "kim"], capsys)
    assert code == 0 and series == ["a: two days ago"] and "no earlier digest" in err


def test_json_written_in_pieces_equals_one_dump(two: tuple[Path, Path], tmp_path: Path) -> None:
    """The JSON report is written a series at a time; its bytes equal one `json.dumps` of the
    whole report, with several series and lists, with hostile text, and with no series at all."""
    import dataclasses
    import json

    from gitdigest import pipeline, settings
    from gitdigest.render import json as render_json

    kvm, kvmarm = two
    since, until = (settings.parse_date(d) for d in PERIOD[1::2])
    request = pipeline.Request(archives=(kvm, kvmarm), since=since, until=until, cache=tmp_path / "cache", texts=False)
    digest = pipeline.run(request)
    assert len(digest.series) == 3 and digest.lists
    whole = lambda d: json.dumps(render_json.as_dict(d), indent=2, ensure_ascii=False) + "\n"
    assert render_json.render(digest) == whole(digest)
    odd = dataclasses.replace(digest, period=dataclasses.replace(digest.period, list_name='a", "series": "@@gitdigest-series@@\n\u202e'))
    assert render_json.render(odd) == whole(odd)
    empty = dataclasses.replace(digest, series=(), lists={})
    assert render_json.render(empty) == whole(empty)
    assert json.loads(render_json.render(empty))["series"] == []
    pieces = list(render_json.chunks(digest))
    assert len(pieces) == 2 + len(digest.series)
