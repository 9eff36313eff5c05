"""The malformed-mail corpus (tests/data/fuzz): every case parsed or skipped with a reason.

None may crash, and none may hang: each runs under a SIGALRM guard (`bounded`), the
one place where these tests watch the clock. Cases with a specific expectation (the
README's table) get their own test; the whole corpus is also digested through the
command line, as an archive and as an mbox.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import email
import hashlib
import importlib.util
import json
import mailbox
import signal
from collections import Counter
from collections.abc import Iterator
from email.policy import compat32
from pathlib import Path
from types import FrameType, ModuleType

import pytest
from archives import build_v2, make_mail
from conftest import git, git_patch_id, invoke

from gitdigest import pipeline
from gitdigest.mail import archive, messages
from gitdigest.model import Message, RawMessage, Skipped
from gitdigest.series import grouping

CORPUS = Path(__file__).parent / "data" / "fuzz"
BOUND = 5
"""Seconds any one case may take; the slowest takes well under one."""
ARCHIVE_TIME = 1_700_000_000
"""The time the archive recorded for a message: where a date that cannot be right falls back."""
MiB = 1024 * 1024

SKIPPED = {
    "binary-garbage": "no valid Message-ID",
    "blank": "no valid Message-ID",
    "msgid-empty": "no valid Message-ID",
    "msgid-missing": "no valid Message-ID",
    "msgid-no-brackets": "no valid Message-ID",
    "msgid-nul": "no valid Message-ID",
    "multipart-nested-2000": "unparsable: MIME parts nested too deeply",
}
WITHOUT_DIFF = {
    "base64-broken", "base64-truncated", "charset-utf16-declared",
    "headers-only-no-body", "html-only", "multipart-empty", "multipart-no-boundary",
    "references-10000", "references-self", "trailers-10000", "winmail-dat",
}
"""Parsed cases in which no diff is seen; every other parsed case has its diff found."""


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_generate", CORPUS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()
CASES = sorted(path.stem for path in CORPUS.glob("*.eml"))


class Hang(BaseException):
    """A case still running at its bound (a BaseException, so no parser's `except` takes it)."""


@contextlib.contextmanager
def bounded(seconds: int = BOUND) -> Iterator[None]:
    """Fail, rather than hang, when the block runs longer than `seconds`."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def raw(name: str) -> RawMessage:
    """A corpus case as the archive reader would hand it over."""
    data = (CORPUS / f"{name}.eml").read_bytes()
    return RawMessage(data, hashlib.sha1(data).hexdigest(), time=ARCHIVE_TIME)


def parsed(name: str) -> Message:
    """A case that must parse."""
    with bounded():
        result = messages.parse(raw(name))
    assert isinstance(result, Message), result
    return result


def loaded(*names: str) -> tuple[Message, ...]:
    """Cases through `pipeline.load`: parsed, with patch-ids from git."""
    with bounded():
        result = pipeline.load([raw(name) for name in names])
    assert not result.skipped, result.skipped
    return result.messages


def texts(value: object) -> Iterator[str]:
    """Every string inside a record, its nested records and tuples included."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            yield from texts(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from texts(item)


def test_corpus_files_are_what_generate_writes() -> None:
    written = GENERATE.cases()
    assert sorted(written) == CASES
    for name, data in written.items():
        assert (CORPUS / f"{name}.eml").read_bytes() == data, f"{name}.eml differs: rerun generate.py"


def test_readme_lists_every_case() -> None:
    readme = (CORPUS / "README.md").read_text()
    assert [name for name in CASES if f"`{name}.eml`" not in readme] == []
    assert len(CASES) == 55


@pytest.mark.parametrize("name", CASES)
def test_case_is_parsed_or_skipped_with_a_reason(name: str) -> None:
    with bounded():
        result = messages.parse(raw(name))
    if name in SKIPPED:
        assert isinstance(result, Skipped) and result.reason == SKIPPED[name]
        return
    assert isinstance(result, Message), result
    assert result.has_diff == (name not in WITHOUT_DIFF)
    assert result.msgid.isprintable() and result.date.tzinfo is not None
    assert len(result.subject.full) <= 2000
    for text in texts(result):
        text.encode("utf-8")  # no lone surrogates: every field can be printed and stored


def test_crlf_diff_has_the_patch_id_git_gives() -> None:
    crlf, lf = loaded("diff-crlf", "charset-unknown")
    assert crlf.patch_id == git_patch_id((CORPUS / "diff-crlf.eml").read_bytes())
    assert crlf.patch_id == lf.patch_id


@pytest.mark.parametrize("name", ["attachment-x-patch", "attachment-x-patch-base64", "attachment-x-diff"])
def test_diff_in_an_x_patch_attachment_is_found(name: str) -> None:
    (message,) = loaded(name)
    mail = email.message_from_bytes((CORPUS / f"{name}.eml").read_bytes(), policy=compat32)
    (part,) = [p for p in mail.walk() if p.get_content_type() in ("text/x-patch", "text/x-diff")]
    assert message.is_patch
    assert message.patch_id == git_patch_id(part.get_payload(decode=True))


def test_absurd_hunk_header_and_nul_in_a_diff_do_not_stop_patch_ids() -> None:
    bogus, nul = loaded("diff-bogus-hunk-header", "body-nul")
    assert bogus.has_diff and nul.has_diff


def test_long_subject_is_cut_and_its_tag_still_read() -> None:
    subject = parsed("subject-5000-chars").subject
    assert (subject.version, subject.counter, subject.total) == (3, 2, 5)
    assert len(subject.full) == 2000 and subject.title.startswith("fuzz: long long")
    assert subject.tag == "[PATCH v3 2/5]"


def test_ten_thousand_references_are_cut_to_the_root_and_the_nearest() -> None:
    message = parsed("references-10000")
    assert message.references == ("r00000@x", *(f"r{n:05d}@x" for n in range(9_901, 10_000)))
    assert message.in_reply_to == "r09999@x"


def test_threads_that_loop_end() -> None:
    found = loaded("references-loop-a", "references-loop-b", "references-self")
    with bounded():
        revisions = grouping.postings(found)
        topics = grouping.topics(revisions)
    assert found[2].references == (found[2].msgid,)
    assert sorted(m.msgid for rev in revisions for m in rev.patches) == [
        "references-loop-a@fuzz.example", "references-loop-b@fuzz.example",
    ]
    assert sum(len(t.revisions) for t in topics) == len(revisions)


@pytest.mark.parametrize(
    "name", ["date-year-99999", "date-negative", "date-unparsable", "date-missing", "date-zone-huge"]
)
def test_date_that_cannot_be_right_falls_back_to_the_archive_time(name: str) -> None:
    assert parsed(name).date == datetime.datetime.fromtimestamp(ARCHIVE_TIME, datetime.timezone.utc)


def test_february_30_is_calendar_arithmetic() -> None:
    assert parsed("date-feb-30").date == datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.timezone.utc)


def test_message_ids_doubled_or_huge() -> None:
    assert parsed("msgid-duplicated-header").msgid == "msgid-duplicated-header@fuzz.example"
    huge = parsed("msgid-1000-chars").msgid
    assert len(huge) == 998 and huge.endswith("@fuzz.example")


def test_header_bytes_and_broken_words_keep_the_message() -> None:
    assert "caf" in parsed("header-invalid-utf8").subject.full
    assert "nul" in parsed("header-nul").subject.full
    broken = parsed("encoded-word-unknown-charset")
    assert broken.sender.email == "fuzz@example.org" and broken.subject.is_patch


def test_review_flood_is_read_whole() -> None:
    assert len(parsed("trailers-10000").review_trailers) == 10_000


@pytest.fixture(scope="module")
def twenty_mb() -> bytes:
    """A patch mail with a 20 MiB attachment (about 27 MB once base64-encoded)."""
    return GENERATE.big_attachment(20 * MiB)


def test_20_mb_attachment_is_skipped_by_the_size_cap(twenty_mb: bytes) -> None:
    with bounded():
        result = messages.parse(RawMessage(twenty_mb, "big"))
    assert isinstance(result, Skipped)
    assert result.reason == f"too large: {len(twenty_mb):,} bytes, over digest.maxMessageSize ({10 * MiB:,})"


def test_20_mb_attachment_parses_under_a_raised_cap(twenty_mb: bytes) -> None:
    with bounded():
        result = pipeline.load([RawMessage(twenty_mb, "big")], limit=64 * MiB)
    (message,) = result.messages
    assert message.is_patch and message.patch_id == git_patch_id(GENERATE.PATCH.encode())


def test_size_cap_comes_from_git_config_and_the_skip_is_reported(tmp_path: Path) -> None:
    small = make_mail("small@x", "[PATCH] small", body="Small.\n" + GENERATE.DIFF)
    large = make_mail("large@x", "[PATCH] large", body="Large.\n" + "x" * 5000 + "\n" + GENERATE.DIFF)
    top = build_v2(tmp_path / "list", [small, large])
    git("config", "--global", "digest.maxMessageSize", "4k")
    result = invoke("--archive", str(top), "-v", "HEAD")
    assert result.exit_code == 0, result.output
    assert f"too large: {len(large):,} bytes, over digest.maxMessageSize (4,096)" in result.stderr
    assert "1 messages skipped" in result.stdout


def test_size_cap_that_is_not_a_size_is_a_one_line_error(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", [make_mail("m@x", "[PATCH] m")])
    git("config", "--global", "digest.maxMessageSize", "lots")
    result = invoke("--archive", str(top), "HEAD")
    assert result.exit_code == 1
    assert result.stderr == "git-digest: error: digest.maxMessageSize: 'lots' is not a size (write it as 10485760, 512k or 10m)\n"


def corpus_mails() -> list[bytes]:
    return [(CORPUS / f"{name}.eml").read_bytes() for name in CASES]


def test_whole_corpus_as_an_archive_through_the_cli(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "fuzz", corpus_mails())
    with bounded(60):
        text = invoke("--archive", str(top), "-v", "HEAD")
        data = invoke("--archive", str(top), "--format", "json", "HEAD")
    assert text.exit_code == 0 and data.exit_code == 0, text.output + data.output
    skips = [line for line in text.stderr.splitlines() if line.startswith("skipped ")]
    assert sorted(line.split(": ", 1)[1] for line in skips) == sorted(SKIPPED.values())
    assert "\x1b" not in text.stdout and "\x00" not in text.stdout
    report = json.loads(data.stdout)
    assert report["messages"] == len(CASES) - len(SKIPPED)
    assert sorted(s["reason"] for s in report["skipped"]) == sorted(SKIPPED.values())


def test_whole_corpus_as_an_mbox_through_the_cli(tmp_path: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "fuzz.mbox"))
    for data in corpus_mails():
        box.add(data)
    box.close()
    with bounded(60):
        result = invoke("--mbox", str(tmp_path / "fuzz.mbox"), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["messages"] + len(report["skipped"]) == len(CASES)


def test_an_archive_hands_over_the_time_it_recorded(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", [make_mail("m@x", "[PATCH] m", date="Mon, 03 Mar 2025 10:00:00 +0000")])
    arch = archive.open_archive(top)
    (read,) = archive.read(archive.select_range(arch, "HEAD"))
    assert read.time == int(datetime.datetime(2025, 3, 3, 10, tzinfo=datetime.timezone.utc).timestamp())
    undated = dataclasses.replace(read, data=read.data.replace(b"Mon, 03 Mar 2025", b"the day after"))
    message = messages.parse(undated)
    assert isinstance(message, Message) and message.date.timestamp() == read.time


@pytest.mark.slow
def test_whole_iouring_archive_parses_with_skips_by_reason(iouring_history) -> None:
    """All 33,495 io-uring messages: none crashes; 4 skipped, all for want of a valid Message-ID."""
    skipped = iouring_history.skipped
    reasons = Counter(s.reason for s in skipped)
    for reason, count in reasons.most_common():
        print(f"{count:6d}  {reason}")
        for skip in (s for s in skipped if s.reason == reason):
            print(f"        blob {skip.blob[:12]} commit {skip.commit[:12]}")
    assert len(iouring_history.messages) + len(skipped) == 33_495
    assert dict(reasons) == {"no valid Message-ID": 4}
    # The one message that could not be recovered is a stub: read, and counted as nothing.
    (stub,) = [m for m in iouring_history.messages if m.msgid == "unavailable-1@example.invalid"]
    assert not stub.is_contribution and stub.date.year == 2024
