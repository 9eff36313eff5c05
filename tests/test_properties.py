"""Property tests (hypothesis) over the message parser and the subject parser.

The laws: any bytes give a Message or a Skipped, never an exception; a mail built
from known parts parses back to those parts; a subject tag built from prefix, version,
counter and total reads back as those parts and rebuilds the same; normalising a
subject twice changes nothing more than once.

CI runs the `ci` profile, deterministic and a few seconds in all. A longer, random run:

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import datetime
import email.utils
import os
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitdigest.mail import messages
from gitdigest.model import Message, RawMessage, Skipped

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DIFF = (
    "---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n"
    "@@ -1 +1,2 @@\n a\n+b\n"
)
PREFIXES = ["net-next", "kvm-unit-tests", "liburing", "for-next", "qemu"]
WORD = st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=1, max_size=10)
TITLE_WORDS = st.one_of(WORD, st.sampled_from(["x86:", "io_uring/net:", "fix", "foo()", "a,b", "(v2)", "1/2", "v3"]))
TITLE = st.lists(TITLE_WORDS, min_size=1, max_size=8).map(" ".join)
# Pieces of real tags and of the ways they go wrong, for texts a tag fixer might trip on.
TAG_PIECES = st.sampled_from(
    ["[", "]", "PATCH", "PATCHSET", " v2", "v5.1", " 1/2", "3/12", ",", " of ", "RFC", "RESEND",
     "GIT PULL", "Re: ", "AW:", "Fwd: ", "1", " ", "  ", "x", "net-next", "-", "_", ".", "v", "\t"]
)
SUBJECTISH = st.one_of(st.text(), st.lists(TAG_PIECES, max_size=14).map("".join))
HEADERS = ["From", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Content-Type",
           "Content-Transfer-Encoding", "X-Original-From"]


def outcome(data: bytes) -> Message | Skipped:
    """Parse, and check the result is one of the two answers a caller handles."""
    result = messages.parse(RawMessage(data, "0" * 40))
    assert isinstance(result, (Message, Skipped))
    if isinstance(result, Skipped):
        assert result.reason
    return result


@PROFILE
@given(st.binary(max_size=4096))
def test_any_bytes_parse_or_skip(data: bytes) -> None:
    outcome(data)


@PROFILE
@given(st.lists(st.binary(max_size=64), min_size=1, max_size=6), st.binary(max_size=512))
def test_mail_shaped_bytes_parse_or_skip(lines: list[bytes], body: bytes) -> None:
    outcome(b"Message-ID: <m@x>\n" + b"\n".join(lines) + b"\n\n" + body)


@PROFILE
@given(st.dictionaries(st.sampled_from(HEADERS), st.text(max_size=120)), st.text(max_size=300))
def test_any_header_values_parse_or_skip(values: dict[str, str], body: str) -> None:
    head = "".join(f"{name}: {value}\n" for name, value in values.items())
    # surrogatepass turns the lone surrogates hypothesis draws into invalid UTF-8 bytes.
    result = outcome(f"Message-ID: <m@x>\n{head}\n{body}".encode("utf-8", "surrogatepass"))
    if isinstance(result, Message):
        assert result.date.tzinfo is not None


@st.composite
def tags(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """`[RFC net-next PATCH RESEND v3 02/12]` and the parts it was built from."""
    prefixes = draw(st.lists(st.sampled_from(PREFIXES), max_size=2, unique=True)) + ["PATCH"]
    rfc, resend = draw(st.booleans()), draw(st.booleans())
    version = draw(st.one_of(st.none(), st.integers(1, 99)))
    total = draw(st.one_of(st.none(), st.integers(1, 999)))
    counter = draw(st.integers(0, total)) if total else None
    words = (["RFC"] if rfc else []) + prefixes + (["RESEND"] if resend else [])
    if version is not None:
        words.append(f"v{version}")
    if total is not None:
        words.append(f"{counter:0{len(str(total))}d}/{total}")
    parts = {"rfc": rfc, "resend": resend, "version": version, "counter": counter, "total": total}
    return "[" + " ".join(words) + "]", parts


@PROFILE
@given(tags(), TITLE)
def test_subject_built_from_parts_parses_back_to_them(tag: tuple[str, dict[str, object]], title: str) -> None:
    text, parts = tag
    subject = messages.parse_subject(f"{text} {title}")
    assert subject.title == title and subject.tag == text
    assert (subject.rfc, subject.resend) == (parts["rfc"], parts["resend"])
    assert subject.version == (parts["version"] or 1)
    assert subject.version_inferred == (parts["version"] is None)
    if parts["total"] is not None:
        assert (subject.counter, subject.total) == (parts["counter"], parts["total"])
    assert subject.is_patch and not subject.is_reply


@PROFILE
@given(SUBJECTISH)
def test_normalise_subject_is_idempotent(text: str) -> None:
    once = messages.normalise_subject(text)
    assert messages.normalise_subject(once) == once


@PROFILE
@given(SUBJECTISH)
def test_a_parsed_subject_reparses_to_itself(text: str) -> None:
    subject = messages.parse_subject(text)
    assert messages.parse_subject(subject.full) == subject


BODY = st.text(alphabet=string.ascii_letters + string.digits + " .,:!?\n", max_size=400)
MSGID = st.from_regex(r"[a-z0-9][a-z0-9.+_-]{0,30}@[a-z0-9]{1,12}\.[a-z]{2,4}", fullmatch=True)
WHEN = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2099, 12, 31),
    timezones=st.just(datetime.timezone.utc),
).map(lambda when: when.replace(microsecond=0))


@PROFILE
@given(tags(), TITLE, MSGID, WHEN, BODY, st.booleans())
def test_mail_built_from_parts_parses_back_to_them(
    tag: tuple[str, dict[str, object]], title: str, msgid: str, when: datetime.datetime, body: str, with_diff: bool
) -> None:
    text = body + "\n" + DIFF if with_diff else body
    data = (
        f"From: Ann Dev <ann@dev.org>\nSubject: {tag[0]} {title}\nDate: {email.utils.format_datetime(when)}\n"
        f"Message-ID: <{msgid}>\nContent-Type: text/plain; charset=utf-8\n\n{text}"
    ).encode()
    message = outcome(data)
    assert isinstance(message, Message)
    assert (message.msgid, message.date, message.sender.email) == (msgid, when, "ann@dev.org")
    assert message.subject.title == title and message.subject.tag == tag[0]
    assert message.has_diff == with_diff
