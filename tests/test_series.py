"""The series stage: postings, topics and statuses, over the corpus and real archives."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from archives import build_v2, make_mail, read_mbox
from click.testing import CliRunner
from conftest import loaded

from gitdigest import cli, pipeline
from gitdigest.index import codec
from gitdigest.mail import archive, messages
from gitdigest.model import Message, RawMessage, Revision, SeriesReport, Status
from gitdigest.series import classify, grouping, topics

CORPUS = Path(__file__).parent / "data" / "series"
CASES = sorted(p.stem for p in CORPUS.glob("*.mbox"))


def load_mbox(path: Path) -> tuple[Message, ...]:
    """An mbox's messages parsed, each diff with its patch-id, as the pipeline does."""
    return pipeline.load(RawMessage(data, hashlib.sha1(data).hexdigest()) for data in read_mbox(path)).messages


def posting_record(rev: Revision) -> dict:
    return {
        "key": rev.key,
        "version": rev.version,
        "total": rev.total,
        "rfc": rev.rfc,
        "resend": rev.resend,
        "pull": rev.is_pull,
        "messages": [m.msgid for m in rev.messages],
    }


def status_record(report: SeriesReport) -> dict:
    return {
        "status": report.status.value,
        "superseded_by": report.superseded_by.key if report.superseded_by else None,
        "history": [r.key for r in report.history],
    }


def test_corpus_has_at_least_30_cases() -> None:
    assert len(CASES) >= 30
    readme = (CORPUS / "README.md").read_text()
    assert all(f"`{name}.mbox`" in readme for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_corpus_case(name: str) -> None:
    expected = json.loads((CORPUS / f"{name}.json").read_text())
    revisions = grouping.postings(load_mbox(CORPUS / f"{name}.mbox"))
    assert [posting_record(r) for r in revisions] == expected["postings"]
    found = grouping.topics(revisions)
    assert [[r.key for r in t.revisions] for t in found] == expected["topics"]
    reports = classify.classify(found, lambda rev: True)
    assert {r.revision.key: status_record(r) for r in reports} == expected["statuses"]


@pytest.mark.parametrize("name", CASES)
def test_corpus_case_json(name: str) -> None:
    """The same split, versions, statuses (and links, where declared) through
    `git digest --mbox FILE --format json`."""
    expected = json.loads((CORPUS / f"{name}.json").read_text())
    result = CliRunner().invoke(cli.report, ["--mbox", str(CORPUS / f"{name}.mbox"), "--format", "json"])
    assert result.exit_code == 0, result.output
    series = {s["msgid"]: s for s in json.loads(result.stdout)["series"]}
    assert [series[p["key"]]["date"] for p in expected["postings"]] == sorted(
        s["date"] for s in series.values()
    ), "one series per posting, oldest first"
    for posting in expected["postings"]:
        found = series[posting["key"]]
        messages = [found["cover_msgid"]] if found["cover_msgid"] else []
        assert messages + [p["msgid"] for p in found["patches"]] == posting["messages"]
        assert (found["version"], found["total"], found["rfc"], found["pull"]) == (
            posting["version"], posting["total"], posting["rfc"], posting["pull"]
        )
        status = expected["statuses"][posting["key"]]
        assert found["status"] == status["status"]
        assert (found["superseded_by"] or {}).get("msgid") == status["superseded_by"]
        assert [h["msgid"] for h in found["history"]] == status["history"]
        if "in_reply_to" in expected:
            assert found["in_reply_to"] == expected["in_reply_to"].get(posting["key"])
    if "links" in expected:
        links = {(one["earlier"], one["later"], one["signal"]) for s in series.values() for one in s["links"]}
        assert links == {tuple(link) for link in expected["links"]}


def test_sends_of_one_version_are_numbered_in_the_text_report() -> None:
    """Three sends of v1 on 2025-03-03: the live one reads `v1, resend 2`, its history the two before."""
    mbox = CORPUS / "duplicate-sent-three-times.mbox"
    result = CliRunner().invoke(cli.report, ["--mbox", str(mbox), "--format", "text", "--no-pager"])
    assert result.exit_code == 0, result.output
    assert "Revised:  poll: wakeup fixes  v1, resend 2 (v1, resend 1 2025-03-03, v1 2025-03-03)" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("superseded")]
    assert len(rows) == 2 and all(line.endswith("[resent 2025-03-03]") for line in rows)
    data = CliRunner().invoke(cli.report, ["--mbox", str(mbox), "--format", "json"]).stdout
    assert sorted(s["resend_number"] for s in json.loads(data)["series"]) == [0, 1, 2]


def test_links_survive_the_index(tmp_path: Path) -> None:
    """Topics cached in the index keep their links and the reply's Supersedes: a second
    run, reading the cached topics, reports what the first did."""
    mails = read_mbox(CORPUS / "supersedes-in-reply.mbox")
    top = build_v2(tmp_path / "arch", mails)
    args = ["--archive", str(top), "--index", str(tmp_path / "i.sqlite"), "--format", "json", "HEAD"]
    runs = [CliRunner().invoke(cli.report, args) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0], runs[0].output
    first, second = (json.loads(r.stdout)["series"] for r in runs)
    assert first == second
    v6 = next(s for s in first if s["msgid"] == "supersedes-in-reply.v6.0@example.org")
    assert [(one["earlier"], one["signal"]) for one in v6["links"]] == [("supersedes-in-reply.v5.0@example.org", "supersedes")]
    assert "in a reply" in v6["links"][0]["evidence"]
    # The codec stores them as they are (a record it cannot store is a TypeError).
    found = grouping.topics(grouping.postings(load_mbox(CORPUS / "supersedes-in-reply.mbox")))
    rows = {m.msgid: n for n, m in enumerate(m for t in found for r in t.revisions for m in r.messages)}
    by_row = {n: m for t in found for r in t.revisions for m in r.messages for n in [rows[m.msgid]]}
    decode = codec.topic_decoder(by_row)
    assert [decode(codec.encode_topic(t, lambda m: rows[m.msgid])[0]) for t in found] == list(found)
    assert any(t.links for t in found)


def test_corpus_patches_are_real_diffs() -> None:
    """Every patch of the corpus has a patch-id: its diff is one git accepts."""
    for name in CASES:
        for message in load_mbox(CORPUS / f"{name}.mbox"):
            if message.is_patch:
                assert message.patch_id, (name, message.msgid)


@pytest.mark.parametrize(
    ("subject", "version", "counter", "total", "rfc", "prefixes"),
    [
        ("[PATCH v6,19/24] io_uring: foo", 6, 19, 24, False, ("PATCH",)),
        ("[net,v2,1/2] net: foo", 2, 1, 2, False, ("net",)),
        ("PATCH1/8 ring: foo", 1, 1, 8, False, ("PATCH",)),
        ("[PATCH1/8] ring: foo", 1, 1, 8, False, ("PATCH",)),
        ("[RFCv2 PATCH 1/3] foo", 2, 1, 3, True, ("PATCH",)),
        ("[PATCH RFC-v3 0/3] foo", 3, 0, 3, True, ("PATCH",)),
        ("[PATCH 1 of 2] foo", 1, 1, 2, False, ("PATCH",)),
        ("[PATCH v5.1 3/7] foo", 5, 3, 7, False, ("PATCH",)),
        ("[PATCH -next v2] foo", 2, 1, 1, False, ("PATCH", "-next")),
        ("[kvm-unit-tests PATCH v8 1/6] foo", 8, 1, 6, False, ("kvm-unit-tests", "PATCH")),
        ("[PATCH liburing v2 2/3] foo", 2, 2, 3, False, ("PATCH", "liburing")),
        ("PATCH v2] io_uring/kbuf: foo", 2, 1, 1, False, ("PATCH",)),
        # Not partial rerolls: a stable tree and a release candidate keep their names.
        ("[PATCH v5.10.y 1/1] foo", 1, 1, 1, False, ("PATCH", "v5.10.y")),
        ("[PATCH v6.1-rc1] foo", 1, 1, 1, False, ("PATCH", "v6.1-rc1")),
    ],
)
def test_subject_forms_b4_misreads(
    subject: str, version: int, counter: int, total: int, rfc: bool, prefixes: tuple[str, ...]
) -> None:
    parsed = messages.parse_subject(subject)
    assert (parsed.version, parsed.counter, parsed.total, parsed.rfc) == (
        version,
        counter,
        total,
        rfc,
    )
    assert parsed.prefixes == prefixes
    assert parsed.full == subject, "the subject as posted is kept for display"


def test_subject_normalisation_leaves_the_title_alone() -> None:
    parsed = messages.parse_subject("Re: [PATCH v2,1/2] net: handle [a,b] and 1 of 2 cases")
    assert parsed.is_reply and parsed.version == 2
    assert parsed.title == "net: handle [a,b] and 1 of 2 cases"


def test_unclosed_git_pull_is_a_pull() -> None:
    parsed = messages.parse_subject("[GIT PULL io_uring fixes for 5.5-rc2")
    assert parsed.is_pull and parsed.title == "io_uring fixes for 5.5-rc2"


def _series_mails(label: str, version: int, day: int, reply_to: str | None = None) -> list[bytes]:
    """A cover and one patch of `ring: resize` vN, posted on 2025-03-<day>."""
    tag = f"PATCH v{version}" if version > 1 else "PATCH"
    date = f"Mon, {day:02d} Mar 2025 10:00:00 +0000"
    cover = make_mail(
        f"{label}.0@example.org", f"[{tag} 0/1] ring: resize", date=date, in_reply_to=reply_to
    )
    body = (
        "Resize the ring.\n\nSigned-off-by: A U Thor <author@example.org>\n---\n"
        " src/ring.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
        "diff --git a/src/ring.c b/src/ring.c\nindex 1111111..2222222 100644\n"
        f"--- a/src/ring.c\n+++ b/src/ring.c\n@@ -1,2 +1,3 @@\n int a;\n+int resize_v{version};\n int b;\n"
    )
    patch = make_mail(
        f"{label}.1@example.org",
        f"[{tag} 1/1] ring: add resize",
        date=date.replace(":00 +", ":01 +"),
        body=body,
        in_reply_to=f"{label}.0@example.org",
    )
    return [cover, patch]


def _noise(day: int) -> bytes:
    return make_mail(
        f"noise.{day}@example.org",
        "io_uring: a question",
        date=f"Mon, {day:02d} Mar 2025 12:00:00 +0000",
    )


def _digest(top: Path, spec: str) -> tuple[SeriesReport, ...]:
    """Statuses of the revisions in `spec`, seen against the whole archive, as the pipeline does."""
    inside = {m.msgid for m in loaded(top, spec)}
    revisions = grouping.postings(loaded(top))
    return classify.classify(
        grouping.topics(revisions), lambda rev: any(m.msgid in inside for m in rev.messages)
    )


def test_revised_with_history_from_before_the_range(tmp_path: Path) -> None:
    mails = [
        *_series_mails("v1", 1, 3),
        _noise(4),
        *_series_mails("v2", 2, 10, "v1.0@example.org"),
        _noise(11),
        *_series_mails("v3", 3, 17, "v2.0@example.org"),
    ]
    top = build_v2(tmp_path / "arch", mails)
    commits = archive.select_range(archive.open_archive(top), "HEAD").commits[0].commits
    start = commits[5]  # the noise of day 11: v1 and v2 lie before the range
    (report,) = _digest(top, f"{start}..{commits[-1]}")
    assert report.revision.key == "v3.0@example.org" and report.status is Status.REVISED
    assert [r.key for r in report.history] == ["v2.0@example.org", "v1.0@example.org"]
    assert report.superseded_by is None


def test_superseded_by_a_revision_after_the_range(tmp_path: Path) -> None:
    mails = [
        *_series_mails("v1", 1, 3),
        *_series_mails("v2", 2, 10, "v1.0@example.org"),
        _noise(11),
        *_series_mails("v3", 3, 17, "v2.0@example.org"),
    ]
    top = build_v2(tmp_path / "arch", mails)
    commits = archive.select_range(archive.open_archive(top), "HEAD").commits[0].commits
    (report,) = _digest(top, f"{commits[1]}..{commits[4]}")  # v2 and the noise only
    assert report.revision.key == "v2.0@example.org" and report.status is Status.SUPERSEDED
    assert report.superseded_by is not None and report.superseded_by.key == "v3.0@example.org"
    assert report.superseded_by.version == 3
    assert [r.key for r in report.history] == ["v1.0@example.org"]


def test_hyperv_v2_and_v3_superseded_by_v4(kvm_archive: Path) -> None:
    reports = _digest(kvm_archive, "HEAD")
    hyperv = [
        r
        for r in reports
        if r.revision.subject == "hw/hyperv: remove duplication compilation units"
    ]
    by_version = {r.revision.version: r for r in hyperv}
    assert set(by_version) >= {2, 3, 4}
    for version in (2, 3):
        assert by_version[version].status is Status.SUPERSEDED
        assert by_version[version].superseded_by is not None
        assert by_version[version].superseded_by.version == 4
    assert by_version[4].status is Status.REVISED
    assert [r.version for r in by_version[4].history][:2] == [3, 2]


@pytest.mark.slow
def test_iouring_linked_topics(iouring_history) -> None:
    """The hand-checked sample: each topic's revisions, and the signal of every link."""
    sample = json.loads((CORPUS / "iouring-linked-topics.json").read_text())
    revisions = grouping.postings(iouring_history.messages)
    by_key = {t.revisions[0].key: t for t in grouping.topics(revisions)}
    evidence = {(link.earlier, link.later, link.signal): link.evidence for link in topics.links(revisions)}
    for topic in sample["topics"]:
        found = by_key[topic["revisions"][0]]
        assert [r.key for r in found.revisions] == topic["revisions"], topic["title"]
        for link in topic["links"]:
            assert (link["earlier"], link["later"], link["signal"]) in evidence, link
