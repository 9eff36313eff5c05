"""The fast paths of messages.py read what the slow ones they replace read.

`email_of` against `BytesParser(policy=compat32)`, and `find_trailers` against b4's
own `LoreMessage.find_trailers`: on every io-uring message, and on generated mail
built from the awkward cases (odd header lines, wrapped and commented trailers).
"""

from __future__ import annotations

import email.utils
import re
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitdigest.mail import archive, messages
from gitdigest.mail.lines import LineStart

FIELDS = (
    "message-id", "subject", "from", "date", "in-reply-to", "references", "x-original-from",
    "content-type", "content-transfer-encoding", "mime-version",
)
FULL = BytesParser(policy=compat32)


def b4():
    return messages._b4()


def read_alike(data: bytes) -> None:
    """email_of(data) gives what the full parse gives, for every field and call used."""
    fast, full = messages.email_of(data), FULL.parsebytes(data)
    for name in FIELDS:
        assert fast.get_all(name) == full.get_all(name), name
        assert [v for n, v in fast.raw_items() if n.lower() == name] == [v for n, v in full.raw_items() if n.lower() == name]
    assert fast.get_content_charset() == full.get_content_charset()
    if not full.is_multipart():
        assert messages.payload(fast) == b4().LoreMessage.get_payload(full)[0]
    assert b4().LoreMessage.get_payload(fast) == b4().LoreMessage.get_payload(full)


def trailers_alike(text: str, followup: bool) -> None:
    """find_trailers(text) finds what b4 finds, field for field."""
    ours = messages.find_trailers(text, followup=followup)
    theirs, _others = b4().LoreMessage.find_trailers(text, followup=followup)
    as_tuples = lambda found: [(t.name, t.value, t.extinfo, t.addr, t.type) for t in found]
    assert as_tuples(ours) == as_tuples(theirs)


@pytest.mark.slow
def test_every_iouring_message_reads_alike(iouring: Path) -> None:
    arch = archive.open_archive(iouring)
    seen = 0
    for raw in archive.read(archive.select_range(arch, "HEAD")):
        if not raw.data:
            continue
        read_alike(raw.data)
        body = b4().LoreMessage.get_payload(messages.email_of(raw.data))[0]
        trailers_alike(messages.description(body), followup=False)
        trailers_alike(re.sub(r"^[ \t]*>.*\n?", "", body, flags=re.M), followup=True)
        lines_alike(body)
        seen += 1
    assert seen == 33495


_PLAIN = {
    name: re.compile(f"^(?:{pattern})", re.M | flags)
    for name, pattern, flags in (
        ("_SEPARATOR", r"---[ \t]*$", 0), ("_DIFF_START", r"diff --git |--- \S|Index: ", 0), ("_SIGNATURE", r"-- $", 0),
        ("_HUNK", r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", 0), ("_CHANGE_ID", r"change-id:[ \t]*(\S+)", re.I),
        ("_BASE_COMMIT", r"base-commit:[ \t]*([0-9a-f]{7,64})\b", re.I),
        ("_DIFFSTAT_SUMMARY", r" \d+ files? changed(?:, \d+ insertions?\(\+\))?(?:, \d+ deletions?\(-\))?[ \t]*$", 0),
    )
}


def lines_alike(body: str) -> None:
    """Every line-anchored pattern of the parser finds in `body` what `(?m)^` finds, and the
    quoted lines go as the multiline pattern takes them."""
    from gitdigest.mail.lines import without_quoted

    for name, plain in [*_PLAIN.items(), ("DIFF_RE", b4().DIFF_RE)]:
        ours = messages._diff_re() if name == "DIFF_RE" else getattr(messages, name)
        assert [(m.start(), m.end(), m.groups()) for m in ours.finditer(body)] == [
            (m.start(), m.end(), m.groups()) for m in plain.finditer(body)
        ], name
    assert without_quoted(body) == re.sub(r"^[ \t]*>.*\n?", "", body, flags=re.M)


HEADER_LINES = st.sampled_from([
    "From: Ann Dev <ann@dev.org>", "Subject: [PATCH v2 1/3] a: b", "Subject: =?utf-8?q?Caf=C3=A9?= bar",
    "Date: Mon, 03 Mar 2025 10:00:00 +0000", "Message-ID: <a@x>", "Message-Id: <b@x> (comment)",
    "In-Reply-To: <p@x>", "References: <p@x>", "\t<q@x>", " continued", "X-Original-From: Bob <bob@x>",
    "Content-Type: text/plain; charset=iso-8859-1", "Content-Type: multipart/mixed; boundary=zz",
    "Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable",
    "Content-Type: text/plain; charset=x-no-such", "Content-Type: text/html; charset=utf-8", "Content-Type: text/x-patch",
    "Content-Type: application/octet-stream", "Content-Type: text/plain; charset*=utf-8''x", "Content-Type: TEXT/PLAIN; CHARSET=\"UTF-8\"",
    "Content-Transfer-Encoding: 8bit", "Content-Transfer-Encoding: x-uuencode",
    "MIME-Version: 1.0", "Received: from a by b", "X-Odd line without a colon", "From someone Mon Mar  3 2025",
    ":empty name", "SUBJECT: shouting", "subject:no space", "X-Eight-Bit: caf\udce9", "Subject : before the colon",
    "\tSubject: a continuation", "X-Subject: not it", "Content-Type:text/plain;charset=latin1",
])
BODY_LINES = st.sampled_from(["Hello.", "", "--zz", "--zz--", "Content-Type: text/plain", "aGVsbG8K", "caf=C3=A9",
                              "From nobody", "diff --git a/a b/a", "\r", "caf\udce9", "begin 644 a.txt", "#86)C", "`", "end"])


@settings(max_examples=400, deadline=None)
@given(st.lists(HEADER_LINES, max_size=12), st.lists(BODY_LINES, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_generated_mail_reads_alike(headers: list[str], body: list[str], newline: str) -> None:
    text = newline.join(headers) + newline + newline + newline.join(body)
    read_alike(text.encode("utf-8", "surrogateescape"))


TRAILER_LINES = st.sampled_from([
    "Reviewed-by: Rev Iewer <rev@corp.com>", "Signed-off-by: Ann Dev", "<ann@dev.org>", "Acked-by: a@b.c # v5.10",
    "Cc: stable@vger.kernel.org # 5.10+", "Fixes: 1234567890ab (\"a: b", "c d\")", "Fixes: not-a-sha (x)",
    "Link: https://lore.kernel.org/r/a@x", "Tested-by: https://example.org", "From: Ann Dev <ann@dev.org>",
    "Subject: a thing", "[for the io_uring bits]", "  [indented note]", "Some prose: with a colon", "prose",
    "", "   ", "-- ", "deadbeef", "(foo", "bar)", "Fixes:", "Phone: 12345", "Reviewé-by: x@y.z", "x: #a#b",
    "Suggested-by: A <a@b.c> # thanks", "Link: <https://a.b/c>", "\r",
])


@settings(max_examples=600, deadline=None)
@given(st.lists(TRAILER_LINES, max_size=14), st.booleans())
def test_generated_trailers_are_found_alike(lines: list[str], followup: bool) -> None:
    trailers_alike("\n".join(lines), followup)


def person_by_parseaddr(value: str) -> tuple[str, str]:
    name, addr = email.utils.parseaddr(value)
    return " ".join(name.split()) or addr, addr.strip().lower()


# Anything, and text plain enough to take the fast path.
ADDRESS_TEXT = st.one_of(
    st.text(alphabet="aZé .,;:<>()\"'[]\\@-_+\t\x1c\u00a0=?", max_size=12),
    st.text(alphabet="aZé .-'+_\t\u00a0", max_size=12),
)


@settings(max_examples=1500, deadline=None)
@given(ADDRESS_TEXT, ADDRESS_TEXT, ADDRESS_TEXT, st.sampled_from(["{0} <{1}@{2}>", "{0}<{1}@{2}>", " {0} <{1}@{2}> ", "{0}{1}{2}"]))
def test_plain_addresses_read_as_parseaddr_reads_them(name: str, local: str, domain: str, form: str) -> None:
    value = form.format(name, local, domain)
    person = messages._person(value)
    assert (person.name, person.email) == person_by_parseaddr(value)


_LINE_WORDS = st.sampled_from(["change-id:", "Change-Id:", "CHANGE-ID:", "base-commit:", "Base-Commit:",
                               "ba\u017fe-commit:", "change-\u0131d:", " ", "\t", "\n", "x", "abc1234", "0123456789abcdef", "-", ":"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE_WORDS, max_size=30).map("".join))
def test_line_start_fields_match_the_multiline_patterns(text: str) -> None:
    """change-id and base-commit are found as `(?m)^...` finds them, case folded as re folds
    it (the long s and the dotless i included), from a pattern pair that never tries mid-line."""
    change = re.search(r"^change-id:[ \t]*(\S+)", text, re.M | re.I)
    base = re.search(r"^base-commit:[ \t]*([0-9a-f]{7,64})\b", text, re.M | re.I)
    assert messages._first(messages._CHANGE_ID, text) == (change.group(1) if change else None)
    assert messages._first(messages._BASE_COMMIT, text) == (base.group(1) if base else None)


def test_remembered_subjects_equal_fresh_ones() -> None:
    """parse_subject remembers its answers; each equals one worked out afresh."""
    subjects = ["[PATCH v2 3/5] io_uring: fix", "Re: [PATCH v2 3/5] io_uring: fix", "[PATCH,v3 1 of 2] x", "plain"]
    for text in subjects * 2:
        assert messages.parse_subject(text) == messages._parse_subject.__wrapped__(text)
    # What is remembered is the subject cut to 2,000 characters, not a 10 MB header.
    messages._parse_subject.cache_clear()
    long = "[PATCH] " + "y" * 50_000
    messages.parse_subject(long)
    hits = messages._parse_subject.cache_info().hits
    messages._parse_subject(long[:2000])
    assert messages._parse_subject.cache_info().hits == hits + 1


_LINE_TEXT = st.lists(
    st.sampled_from(["\n", " ", "\t", "\r", ">", "\t>", " \t>", "\n---", "\n@@ -1 +1 @@", "-", "---", "-- ", "@@ -1,2 +3,4 @@", "@@ -7 +8 @@", "diff --git ", "Index: ",
                     " 2 files changed, 3 insertions(+)", "x", "K", "\u212a", "\u0131", "0"]),
    max_size=40,
).map("".join)
_ANCHORED = [
    (r"---[ \t]*$", 0), (r"diff --git |--- \S|Index: ", 0), (r"-- $", 0), (r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", 0),
    (r" \d+ files? changed(?:, \d+ insertions?\(\+\))?[ \t]*$", 0), (r"k[ \t]*(\S+)", re.I),
]


def _spans(matches: object) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(_LINE_TEXT, st.data())
def test_line_start_patterns_match_as_multiline_caret_does(text: str, data: st.DataObject) -> None:
    """LineStart finds what `(?m)^pattern` finds, from any position (a line start among them
    when there is one), and iterates alike."""
    from gitdigest.mail.lines import LineStart

    starts = [at + 1 for at, char in enumerate(text) if char == "\n"]
    pos = data.draw(st.sampled_from(starts) if starts and data.draw(st.booleans()) else st.integers(0, len(text) + 1))
    for pattern, flags in _ANCHORED:
        plain = re.compile(f"^(?:{pattern})", re.M | flags)
        ours = LineStart(pattern, flags)
        assert _spans([ours.search(text, pos)] if ours.search(text, pos) else []) == _spans(
            [plain.search(text, pos)] if plain.search(text, pos) else []
        )
        assert _spans(ours.finditer(text)) == _spans(plain.finditer(text))


@settings(max_examples=300, deadline=None)
@given(_LINE_TEXT)
def test_quoted_lines_go_as_the_multiline_pattern_takes_them(text: str) -> None:
    from gitdigest.mail.lines import without_quoted

    assert without_quoted(text) == re.sub(r"^[ \t]*>.*\n?", "", text, flags=re.M)


@settings(max_examples=300, deadline=None)
@given(_LINE_TEXT)
def test_b4_diff_pattern_searched_line_by_line_finds_what_b4_finds(text: str) -> None:
    text = text.replace("x", "diff --git a/x b/x").replace("0", "GIT binary patch").replace("K", "--- a\n+++ b")
    ours = messages._diff_re()
    assert isinstance(ours, LineStart)
    found, theirs = ours.search(text), b4().DIFF_RE.search(text)
    assert (found.span() if found else None) == (theirs.span() if theirs else None)


_SPACES = st.sampled_from([" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\u3000", "\u200b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_SPACES, st.sampled_from(["a", "Ann", "<a@b.c>", "=", "?", "é"])), max_size=30).map("".join))
def test_headers_without_encoded_words_fold_as_b4_folds_them(text: str) -> None:
    """Without `=?`, clean_header only folds white space: the fast path folds it the same."""
    if "=?" in text:
        return
    assert messages._decoded(text) == b4().LoreMessage.clean_header(text)
