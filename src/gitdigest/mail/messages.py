"""bytes -> Message: the one adapter that imports b4.

b4 gives the mail semantics (subject parts, trailers, payload choice, header
decoding). Headers are parsed with the `compat32` policy, about 3x faster than
`email.policy.default` here, and b4 is imported lazily because importing it
changes `email.charset` for the whole process and pulls in its network stack.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.header
import email.message
import email.utils
import functools
import re
from collections.abc import Iterable, Iterator
from email.errors import MessageError
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from types import ModuleType
from typing import Any

from gitdigest.mail import diffpaths, senders
from gitdigest.mail.lines import LineStart, without_quoted
from gitdigest.model import (
    MAX_MESSAGE_SIZE,
    Message,
    MessageText,
    Parsed,
    Person,
    RawMessage,
    Skipped,
    Subject,
    Trailer,
)

_PARSER = BytesParser(policy=compat32)
_HEADERS = BytesHeaderParser(policy=compat32)
# A line that ends the feedparser's headers (feedparser.headerRE fails on it).
_ODD_HEADER_LINE = re.compile(rb"\n(?!From |[\041-\071\073-\176]*:|[\t ])")
# The fields read here and by b4 (LoreMessage.get_payload, get_clean_msgid), as they
# start a line; feedparser names a field by what precedes its first `:`.
_USED_FIELDS = (
    b"message-id", b"subject", b"from", b"date", b"in-reply-to", b"references", b"x-original-from",
    b"content-type", b"content-transfer-encoding", b"mime-version", b"list-post", b"list-id",
)
# One of them where a line starts, with its continuation lines (but the last line's end):
# one scan of the header block, where a search for each name took 2.5 times as long.
_USED_FIELD = re.compile(rb"\n((?:" + b"|".join(map(re.escape, _USED_FIELDS)) + rb"):[^\n]*(?:\n[\t ][^\n]*)*)", re.I)
# `Name <local@domain>` with nothing in it that parseaddr reads specially (quotes,
# comments, groups, routes, dots but `. ` in the name): parseaddr gives the same
# two parts, 30 times slower (tests/test_parsing.py). 97% of io-uring's senders.
_PLAIN_ADDRESS = re.compile(
    r"([^\"<>()\[\]\\,;:@.]*(?:\.[ ][^\"<>()\[\]\\,;:@.]*)*)<([^<>()\[\]\\,;:@\s\"]+@[^<>()\[\]\\,;:@\s\"]+)>"
)
_IN_BODY_FROM = re.compile(r"\A\s*From:[ \t]*(.+?)[ \t]*$", re.M)
# Patterns that `(?m)^` anchors are LineStart's: searched newline by newline (see lines.py).
_DIFFSTAT_SUMMARY = LineStart(r" \d+ files? changed(?:, \d+ insertions?\(\+\))?(?:, \d+ deletions?\(-\))?[ \t]*$")
_DIFFSTAT_LINE = re.compile(r"^ .+\|[ \t]+(?:\d+ ?[+-]*|Bin.*)[ \t]*$")
_CHANGE_ID = LineStart(r"change-id:[ \t]*(\S+)", re.I)
_BASE_COMMIT = LineStart(r"base-commit:[ \t]*([0-9a-f]{7,64})\b", re.I)
_KNOWN_TAG = re.compile(r"^(?:v\d+|\d+/\d+|rfc.*|resend.*)$", re.I)
_SEPARATOR = LineStart(r"---[ \t]*$")
_DIFF_START = LineStart(r"diff --git |--- \S|Index: ")
_SIGNATURE = LineStart(r"-- $")
_HUNK = LineStart(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
# git request-pull's body: `... are available in the Git repository at:` and
# `for you to fetch changes up to <sha>:` (builtin/request-pull, git-request-pull.sh).
_TAG_WORD = re.compile(r"[^A-Za-z0-9_.-]+")
_REQUEST_PULL = ("are available in the Git repository at", "for you to fetch changes up to")
# Parts other than text/* that carry patches when they hold a diff: attachments.
_PATCH_TYPES = frozenset(
    {"application/octet-stream", "application/x-patch", "application/x-diff", "application/patch"}
)
_PULL = re.compile(r"\bGIT\s+PULL\b", re.I)
_REFERENCE = re.compile(r"<([^<>\s]+)>")
_MAILTO = re.compile(r"<mailto:[^>]+>")
_MAX_SUBJECT = 2000
MAX_REFERENCES = 100
"""References kept per message: the thread's root and the 99 nearest ancestors."""
_REFERENCES_READ = 64 * 1024
"""Characters of a References header read at its end (an eighth of that at its start)."""
# The patterns of b4's LoreMessage.find_trailers, compiled once (see find_trailers).
# b4's own patterns backtrack (their `[^)]+`, `[^<]+` and `.*\S+` runs cross lines or
# nest), so each is replaced by the head it starts with and linear code for the rest:
# see _join_wrapped_fixes, _join_wrapped_address, _split_comment, _has_address.
_WRAPPED_FIXES_HEAD = re.compile(r"^\S+:\s+[\da-f]+\s+\(", re.M)
_WRAPPED_ADDRESS_HEAD = re.compile(r"^\S+:\s", re.M)
_TRAILER_LINE = re.compile(r"^\s*(\w\S+):\s+(\S.*)", re.I)
_TRAILER_NOTE = re.compile(r"^\s*\[[^]]+]\s*$")
_URL = re.compile(r"https?://")
_FIXES_SHA = re.compile(r"^[0-9a-f]{6,}")
_NOT_TRAILERS = frozenset({"phone", "mail", "email", "e-mail", "prerequisite-message-id"})
_HEADER_NAMES = frozenset({"subject", "date", "from"})
_LINKS = frozenset({"link", "buglink", "closes"})
_NON_PERSON = _LINKS | {"fixes", "subject", "date", "obsoleted-by", "change-id", "base-commit"}
# Trailers that are metadata of a patch, not statements by the replier.
_NOT_GIVEN = frozenset(
    {"from", "author", "cc", "to", "date", "subject", "base-commit", "change-id", "message-id"}
)


@functools.cache
def _diff_re() -> LineStart | re.Pattern[str]:
    """b4's DIFF_RE; while it is `^`-anchored in every line, searched newline by newline (lines.py)."""
    pattern = _b4().DIFF_RE
    if not pattern.pattern.startswith("^") or not pattern.flags & re.M:
        return pattern  # a later b4 changed it: its own, as it stands
    return LineStart(pattern.pattern[1:], pattern.flags)


@functools.cache
def _b4() -> ModuleType:
    """b4, imported once, with its network access off."""
    import b4

    # gitdigest never lets b4 reach the network on its own; online mode asks explicitly.
    b4.can_network = False
    return b4


def parse(raw: RawMessage, limit: int = MAX_MESSAGE_SIZE) -> Message | Skipped:
    """Parse one raw message, or say why it cannot be used."""
    result = parse_full(raw, limit)
    return result.message if isinstance(result, Parsed) else result


def parse_full(raw: RawMessage, limit: int = MAX_MESSAGE_SIZE) -> Parsed | Skipped:
    """Parse one raw message and keep its body, or say why it cannot be used."""
    if raw.removed:
        return Skipped(raw.blob, "removed from the archive", raw.commit)
    if raw.unread:
        return Skipped(raw.blob, raw.unread, raw.commit)
    if not raw.data:
        return Skipped(raw.blob, "blob missing from the archive", raw.commit)
    if len(raw.data) > limit:
        reason = f"too large: {len(raw.data):,} bytes, over digest.maxMessageSize ({limit:,})"
        return Skipped(raw.blob, reason, raw.commit)
    try:
        return _parse(raw)
    except RecursionError:
        # The feedparser recurses once per multipart level; a few hundred levels is hostile.
        return Skipped(raw.blob, "unparsable: MIME parts nested too deeply", raw.commit)
    except (ValueError, LookupError, TypeError, AttributeError, IndexError, MessageError) as err:
        return Skipped(raw.blob, f"unparsable: {type(err).__name__}: {err}", raw.commit)


def _parse(raw: RawMessage) -> Parsed | Skipped:
    b4 = _b4()
    msg = email_of(raw.data)
    msgid = b4.LoreMessage.get_clean_msgid(msg)
    # A control character (NUL, ESC) is never part of an RFC 5322 msg-id: the id is forged.
    if not msgid or not msgid.isprintable():
        return Skipped(raw.blob, "no valid Message-ID", raw.commit)
    raw_subject = header(msg, "Subject")
    subject = parse_subject(raw_subject)
    body = payload(msg)
    if not subject.is_reply and not subject.is_pull and _is_request_pull(subject, body):
        subject = dataclasses.replace(subject, is_pull=True)
    in_body = _in_body_from(body)
    sender = _sender(msg, raw.data, _person(header(msg, "From")), in_body)
    has_diff = bool(_diff_re().search(body))
    # Computed once: a patch's trailers are read from it, and its index row keeps it.
    shown = None if subject.is_reply else description(body)
    references, referenced = _references(msg)
    paths = diffpaths.touched(body) if not subject.is_reply and has_diff else ()
    cuts = (
        f"References: kept {len(references)} of about {referenced:,}" if referenced > len(references) else "",
        f"Subject: first {_MAX_SUBJECT:,} of {len(raw_subject):,} characters" if len(raw_subject) > _MAX_SUBJECT else "",
        f"diff paths: first {diffpaths.MAX_PATHS:,}" if len(paths) >= diffpaths.MAX_PATHS else "",
    )
    message = Message(
        msgid=msgid,
        date=_date(msg, raw.time),
        sender=sender.person,
        author=_author(msg, in_body, sender),
        subject=subject,
        in_reply_to=b4.LoreMessage.get_clean_msgid(msg, "In-Reply-To"),
        references=references,
        has_diff=has_diff,
        diffstat=diffstat(body),
        context=diff_context(body) if has_diff else 3,
        trailers=_trailers(body, subject.is_reply or not has_diff, shown),
        change_id=_first(_CHANGE_ID, body),
        base_commit=_first(_BASE_COMMIT, body),
        blob=raw.blob,
        commit=raw.commit,
        epoch=raw.epoch,
        via=sender.via,
        cut="; ".join(c for c in cuts if c),
    )
    return Parsed(message, body, shown, paths)


def email_of(data: bytes) -> email.message.Message:
    """The message as `BytesParser(policy=compat32).parsebytes` reads it, as far as gitdigest
    and b4 look at it (the fields in `_USED_FIELDS`, the payload), three times as fast.

    A lore mail carries about 80 header lines (Received, DKIM, ARC ...), and the
    feedparser reads them, and a single-part body, one line at a time. When the
    headers are plain (each line a field or its continuation, up to the first empty
    line, no `\r` and no `From ` line but the first) and the message is neither
    multipart nor message/*, the fields used are set as feedparser's
    `_parse_headers` sets them, and the body is attached as the parser attaches it.
    """
    end = data.find(b"\n\n") + 2
    head = data[:end]
    if end < 2 or b"\r" in head or b"\nFrom " in head or _ODD_HEADER_LINE.search(b"\n" + head[:-2]):
        return _PARSER.parsebytes(data)
    msg = email.message.Message(policy=compat32)
    for field in _used_fields(head):
        # header_source_parse joins a field's lines and drops the last line's end; given them
        # joined, without it, it returns the same.
        msg.set_raw(*compat32.header_source_parse([field.decode("ascii", "surrogateescape")]))
    if msg.get_content_maintype() in ("multipart", "message"):
        return _PARSER.parsebytes(data)
    msg.set_payload(data[end:].decode("ascii", "surrogateescape"))
    return msg


def _used_fields(head: bytes) -> list[bytes]:
    """The `_USED_FIELDS` of a header block, each with its continuation lines, in order."""
    return _USED_FIELD.findall(b"\n" + head)


def header(msg: email.message.Message, name: str) -> str:
    """A header's value as text, RFC 2047 words decoded by b4, white space folded."""
    value = msg.get(name)
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        # compat32 hands back raw 8-bit headers as Header objects that decode them as
        # ASCII with U+FFFD; decode their bytes the way mail clients do instead.
        lower = name.lower()
        raw = next((v for k, v in msg.raw_items() if k.lower() == lower), "")
        return _decoded(eight_bit(raw, msg.get_content_charset()))
    return _decoded(str(value))


def headers(msg: email.message.Message, name: str) -> tuple[str, ...]:
    """Every value of a header that may occur more than once (Reply-To, Cc), each decoded."""
    lower = name.lower()
    out = []
    for key, value in msg.raw_items():
        if key.lower() == lower:
            text = value if value.isascii() else eight_bit(value, msg.get_content_charset())
            out.append(_decoded(text))
    return tuple(out)


def eight_bit(raw: str, charset: str | None) -> str:
    """A header read as ASCII with surrogate escapes, decoded as a mail client would: UTF-8
    when its bytes are UTF-8, else the message's charset, else latin-1 (which never fails)."""
    try:
        data = raw.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # already text, not bytes read as ASCII
        return raw
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("latin-1")


def payload(msg: email.message.Message) -> str:
    """The body b4 would read (`LoreMessage.get_payload`), and every diff besides.

    A single part is b4's. Of a multipart message, every part that holds a diff is
    kept, in order: any text/* type but HTML, or an octet-stream or x-patch attachment,
    in any transfer encoding. When the diffs come without a commit message of their
    own, the first text/plain part (the description) is kept before them.
    """
    if not msg.is_multipart():
        return _single_part(msg)
    charset = msg.get_content_charset() or "utf-8"
    first: str | None = None
    diffs: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind == "text/html" or not (kind.startswith("text/") or kind in _PATCH_TYPES):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        if not kind.startswith("text/") and b"\n+++ " not in data and b"GIT binary patch" not in data:
            continue  # a binary attachment (a core dump, an image): not decoded as text at all
        text = _part_text(data, part.get_content_charset() or charset)
        if _diff_re().search(text):
            diffs.append(text)
        elif first is None and kind in ("text/plain", "text/x-patch"):
            first = text
    if not diffs:
        return first or ""
    joined = "\n".join(diffs)
    return f"{first.rstrip()}\n\n{joined}" if first and not description(joined).strip() else joined


def _single_part(msg: email.message.Message) -> str:
    """b4's `LoreMessage.get_payload` of a message that is not multipart, its charset read
    once: b4 reads it twice (for the message, then for its one part, the same), which was a
    tenth of parsing a small message (tests/test_parsing.py holds the two equal). b4 also
    records an unknown charset as UTF-8 in the message; what reads the charset later tries
    UTF-8 first and falls back to latin-1 either way (`eight_bit`)."""
    charset = msg.get_content_charset() or "utf-8"
    kind = msg.get_content_type()
    if "/plain" not in kind and "/x-patch" not in kind:
        return ""
    data = msg.get_payload(decode=True)
    return _part_text(data, charset) if isinstance(data, bytes) else ""


def _part_text(data: bytes, charset: str) -> str:
    """A part's bytes as text, as b4 decodes them: bad bytes replaced, an unknown charset read as UTF-8."""
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _is_request_pull(subject: Subject, body: str) -> bool:
    """A body in git request-pull's shape, under a subject that does not call it a patch."""
    if "PATCH" in tag_words(subject.prefixes) or subject.is_patch:
        return False
    # Older gits wrote `git repository`: the case of that line varies, the other's does not.
    return _REQUEST_PULL[1] in body and _REQUEST_PULL[0].lower() in body.lower()


def _decoded(text: str) -> str:
    """b4's `clean_header`, or the text as it stands when an encoded word is broken.

    With no encoded word (`=?`) clean_header only folds white space, which is what
    `split` and `join` do (tests/test_parsing.py holds them equal)."""
    if "=?" not in text:
        return " ".join(text.split())
    try:
        return _b4().LoreMessage.clean_header(text)
    except MessageError:
        # decode_header raises on bad base64 in one word; the rest is still worth showing.
        return " ".join(text.split())


def parse_subject(text: str) -> Subject:
    """Split a subject into its prefixes, version, counter and flags, as b4 does."""
    return _parse_subject(text[:_MAX_SUBJECT])


@functools.lru_cache(maxsize=4096)
def _parse_subject(text: str) -> Subject:
    """parse_subject of a subject already cut to _MAX_SUBJECT characters (so that what is
    remembered stays small), remembered for the last few thousand (a Subject is frozen): a
    thread's replies repeat its subject, and b4's LoreSubject and the tag fixes cost 0.1 ms."""
    full = " ".join(_decoded(text).split())
    lsub = _b4().LoreSubject(normalise_subject(full))
    prefixes = tuple(p for p in lsub.prefixes if not _KNOWN_TAG.match(p))
    return Subject(
        full=full,
        title=lsub.subject,
        prefixes=prefixes,
        version=lsub.revision,
        counter=lsub.counter,
        total=max(lsub.expected, lsub.counter),
        is_reply=lsub.reply,
        is_patch=lsub.patch,
        rfc=lsub.rfc,
        resend=lsub.resend,
        is_pull=is_pull_tag(lsub.prefixes),
        version_inferred=lsub.revision_inferred,
        counters_inferred=lsub.counters_inferred,
    )


def is_pull_tag(prefixes: list[str]) -> bool:
    """`[GIT PULL]`, `[GIT]`, `[PULL]`, `[PULL nn/mm]`: a pull request; a `[PATCH ...][pull request]`
    is the cover letter of a patch series (netdev's), not one."""
    words = tag_words(prefixes)
    return bool(words & {"GIT", "PULL"}) and "PATCH" not in words


def tag_words(prefixes: Iterable[str]) -> frozenset[str]:
    """The words of a subject's tags, upper-cased: `[PULL|PATCH v3]` has PULL and PATCH."""
    return frozenset(w.upper() for p in prefixes for w in _TAG_WORD.split(p) if w)


# Tag forms that b4's LoreSubject misreads, each rewritten into one it reads right.
# Only the leading tag is touched: brackets inside the title are the title's own.
_TAG_FIXES = (
    (re.compile(r","), " "),  # [PATCH v6,19/24], [net,v2,1/2]
    (re.compile(r"\b(\d{1,4}) of (\d{1,4})\b"), r"\1/\2"),  # Mercurial: [PATCH 1 of 2]
    (re.compile(r"\b(PATCH(?:SET)?|RFC|RESEND)(\d{1,4}/\d{1,4})\b", re.I), r"\1 \2"),  # [PATCH1/8]
    (re.compile(r"\b(RFC|RESEND)[-_]?(v\d+)\b", re.I), r"\1 \2"),  # [RFCv2 PATCH]
    (re.compile(r"\bRESENT\b", re.I), "RESEND"),  # [PATCH v7 RESENT], a typo b4 misses
    # A partial reroll, v5.1, replaces part of v5; `v5.10.y` or `v6.1-rc1` name trees.
    (re.compile(r"\b[vV](\d+)\.\d{1,2}(?![\w.-])"), r"v\1"),
)
_LEADING_TAGS = re.compile(r"^((?:(?:re|aw|fwd?):\s*)*)((?:\[[^\[\]]*\]\s*)+)", re.I)
_BARE_TAG = re.compile(r"^(PATCH(?:\s*v\d+)?\s*\d{1,4}/\d{1,4})\s+(?=\S)")  # PATCH1/8 foo
_UNOPENED_TAG = re.compile(r"^(PATCH\b[^\[\]]{0,40}\])")  # PATCH v2] foo
_UNCLOSED_PULL = re.compile(r"^\[(GIT PULL)\b(?![^\]]*\])", re.I)  # [GIT PULL fixes for 5.5


def normalise_subject(text: str) -> str:
    """The subject with its leading tag rewritten into a form b4 parses right."""
    text = _BARE_TAG.sub(r"[\1] ", text, count=1)
    text = _UNOPENED_TAG.sub(r"[\1", text, count=1)
    text = _UNCLOSED_PULL.sub(r"[\1] ", text, count=1)
    match = _LEADING_TAGS.match(text)
    if not match:
        return text
    tags = match.group(2)
    for pattern, replacement in _TAG_FIXES:
        tags = pattern.sub(replacement, tags)
    return match.group(1) + tags + text[match.end() :]


def _person(value: str) -> Person:
    plain = _PLAIN_ADDRESS.fullmatch(value.strip())
    name, addr = plain.groups() if plain else senders.parseaddr(value)
    name = " ".join(name.split()) or addr
    return Person(name=name, email=addr.strip().lower())


def _in_body_from(body: str) -> Person | None:
    """The `From:` line that opens a body (git format-patch's, for another author), or None."""
    match = _IN_BODY_FROM.match(body[:1000])
    if match:
        person = _person(_decoded(match.group(1)))
        if person.email:
            return person
    return None


def _sender(msg: email.message.Message, data: bytes, sender: Person, in_body: Person | None) -> senders.Sender:
    """The real sender behind From: (see senders.py). Most mail is not munged: its other
    headers are read (all of them, `email_of` reads only the fields it needs) only when it is."""
    post, ident = str(msg.get("List-Post") or "").lower(), str(msg.get("List-Id") or "").lower()
    own = sender.email and (sender.email in post or sender.email.replace("@", ".", 1) in ident)
    if senders.cleaned_name(sender.name) is None and not own:
        return senders.Sender(sender)
    lists = senders.list_addresses(header(msg, "List-Post"), header(msg, "List-Id"))
    if senders.cleaned_name(sender.name) is None and sender.email not in lists:
        return senders.Sender(sender)
    every = _HEADERS.parsebytes(data) if msg.get("Reply-To") is None and msg.get("Cc") is None else msg
    fields = senders.Headers(
        headers(every, "Reply-To"), headers(every, "Cc"), header(msg, "X-Original-From"), lists
    )
    return senders.original(sender, fields, in_body)


def _author(msg: email.message.Message, in_body: Person | None, sender: senders.Sender) -> Person:
    """The in-body From:, then X-Original-From (B4 Relay), then the (unmunged) sender."""
    if in_body is not None:
        return senders.unmunged_author(in_body, sender)
    original = header(msg, "X-Original-From")
    if original:
        person = _person(original)
        if person.email:
            return person
    return sender.person


def _date(msg: email.message.Message, fallback: int) -> datetime.datetime:
    stamp = email.utils.parsedate_tz(header(msg, "Date"))
    when = fallback
    # Real zones run from -12:00 to +14:00: a larger offset is a broken header, not a time.
    if stamp and abs(stamp[9] or 0) <= 14 * 3600:
        try:
            when = int(email.utils.mktime_tz(stamp))
        except (OverflowError, ValueError):
            when = fallback
    try:
        return datetime.datetime.fromtimestamp(when, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return datetime.datetime.fromtimestamp(fallback, tz=datetime.timezone.utc)


def _references(msg: email.message.Message) -> tuple[tuple[str, ...], int]:
    """The References, each once, cut to MAX_REFERENCES: the thread's root and the nearest;
    and how many the header holds (counted by their `<` when it is too long to read whole).

    Only the ends of a long header are read (the first id is the root, the last ones the
    nearest): 300 replies with 30,000 References each cost what 300 ordinary ones do."""
    text = " ".join(str(value) for value in msg.get_all("References", []))
    if len(text) <= _REFERENCES_READ:
        refs = tuple(dict.fromkeys(_REFERENCE.findall(text)))
        count = len(refs)
    else:
        # An id cut in two by a slice has lost its `<` or its `>`: it matches nowhere.
        root = _REFERENCE.search(text, 0, _REFERENCES_READ // 8)
        near = dict.fromkeys(_REFERENCE.findall(text, len(text) - _REFERENCES_READ))
        refs = tuple(dict.fromkeys([*([root.group(1)] if root else []), *near]))
        count = max(text.count("<"), len(refs))
    kept = refs if len(refs) <= MAX_REFERENCES else refs[:1] + refs[1 - MAX_REFERENCES :]
    return kept, count


def _trailers(body: str, is_reply: bool, shown: str | None) -> tuple[Trailer, ...]:
    """Trailers given by this message: a reply's own lines, a patch's commit message
    (`shown`, the body's `description`, there whenever `is_reply` is false)."""
    text = without_quoted(body) if is_reply else shown or ""
    found = find_trailers(text, followup=is_reply)
    return tuple(
        Trailer(t.name, t.value, Person(t.addr[0], t.addr[1].lower()) if t.addr else None)
        for t in found
        if t.lname not in _NOT_GIVEN
    )


def find_trailers(text: str, followup: bool = False) -> list[Any]:
    """b4's `LoreMessage.find_trailers(text, followup)[0]`: the same trailers, faster.

    b4 (0.14 to 0.16) looks for a `# comment` in every trailer value with a regex
    whose time is cubic in the value's length (60 µs for an address), though it can
    only match a value that holds a `#`, and it recompiles its patterns per line.
    This is its loop, line for line, with that search skipped where it cannot match.
    tests/test_parsing.py holds it equal to b4 over every io-uring message.
    """
    body = text.split("\n-- \n", 1)[0].strip() + "\n"
    body = _join_wrapped_fixes(body)
    if "\n<" in body:  # the join's own `\n<`: without it, nothing to join
        body = _join_wrapped_address(body)
    trailers: list[Any] = []
    seen_other = was_trailer = False
    for line in body.split("\n"):
        line = line.strip("\r")
        match = _TRAILER_LINE.match(line)
        if match:
            name, value = match.groups()
            if _ignored_trailer(name.lower(), value, seen_other, followup):
                continue
            value, extinfo = _split_comment(value)
            trailers.append(lore_trailer(name, value, extinfo))
            was_trailer = True
        elif len(line) > 2 and was_trailer and _TRAILER_NOTE.search(line):
            trailers[-1].extinfo = line
            was_trailer = False
        else:
            was_trailer = False
            seen_other = True
    return trailers


def lore_trailer(name: str, value: str, extinfo: str | None = None) -> object:
    r"""`b4.LoreTrailer(name=name, value=value, extinfo=extinfo)`, made in linear time.

    b4 0.16 tests the value with `\S+@\S+\.\S+` (cubic on `a@a@a@...`, quadratic on any
    long word) and splits `Name <addr>` with `^(.*?)\s*<([^>]+)>\s*$`: the same steps
    here, with those two done by _has_address and _angle_address (tests/test_hostile.py
    holds the records equal)."""
    b4 = _b4()
    trailer = b4.LoreTrailer.__new__(b4.LoreTrailer)
    trailer.name, trailer.value, trailer.type = name, value, "unknown"
    if name.lower() in b4.LoreTrailer._utility or "://" in value:
        trailer.type = "utility"
    elif _has_address(value):
        trailer.type = "person"
        if "<mailto:" in value:
            trailer.value = _MAILTO.sub("", value)
        trailer.addr = _angle_address(trailer.value) or senders.parseaddr(trailer.value)
        if trailer.addr[0] or trailer.addr[1]:
            trailer.value = b4.format_addrs([trailer.addr], header_safe=False)
        else:
            trailer.type = "unknown"
    trailer.lname = trailer.name.lower()
    trailer.extinfo = extinfo
    trailer.msg = None
    return trailer


def _angle_address(value: str) -> tuple[str, str] | None:
    r"""`re.match(r'^(.*?)\s*<([^>]+)>\s*$', value)`'s two groups, stripped, or None:
    the value ends with `>`, and its `<` is the first one after the `>` before that."""
    if "\n" in value:
        found = re.match(r"^(.*?)\s*<([^>]+)>\s*$", value)  # never from a trailer line
        return (found.group(1).strip(), found.group(2).strip()) if found else None
    end = len(value.rstrip())
    if not end or value[end - 1] != ">":
        return None
    closing = end - 1
    opening = value.find("<", value.rfind(">", 0, closing) + 1, closing - 1)
    if opening < 0:
        return None
    return value[:opening].strip(), value[opening + 1 : closing].strip()


def _join_wrapped_fixes(body: str) -> str:
    r"""b4's `re.sub(r'^(\S+:\s+[\da-f]+\s+\([^)]+)\n([^\n]+\))', r'\1 \2', body, flags=re.M)`, linear.

    Its `[^)]+` runs from each `Fixes: sha (` to the text's next `)` and backtracks
    over every newline on the way: quadratic in lines like `a: 1 (`. It can only
    join at the last newline before that `)` (the line that holds it), up to the
    last `)` of that line (which may start with one); each position found is reused
    while it still applies.
    """
    out, done, pos = [], 0, 0
    close = _NextFind(body, ")")
    while (head := _WRAPPED_FIXES_HEAD.search(body, pos)) is not None:
        at = head.end()
        shut = close.at(at)
        if shut < 0:
            break  # no `)` after this line, nor after any later one
        cut, last = close.line_of(shut)
        if cut < at + 1 or last < 0:
            pos = head.start() + 1
            continue
        out += [body[done:cut], " ", body[cut + 1 : last + 1]]
        done = pos = last + 1
    return "".join(out) + body[done:] if out else body


def _join_wrapped_address(body: str) -> str:
    r"""b4's `re.sub(r'^(\S+:\s+[^<]+)\n(<[^>]+>)$', r'\1 \2', body, flags=re.M)`, linear.

    Its `[^<]+` runs from each `Name: ` line to the text's next `<` and backtracks over
    every newline on the way. It can only join when that `<` starts a line, at least
    two characters after the `Name:` line's first blank, and its `>` ends a line.
    """
    out, done, pos = [], 0, 0
    opening, closing = _NextFind(body, "<"), _NextFind(body, ">")
    while (head := _WRAPPED_ADDRESS_HEAD.search(body, pos)) is not None:
        blank = head.end() - 1
        less = opening.at(blank)
        if less < 0:
            break
        more = closing.at(less + 1) if body[less - 1] == "\n" and less - 1 >= blank + 2 else -1
        if more < less + 2 or (more + 1 < len(body) and body[more + 1] != "\n"):
            pos = head.start() + 1
            continue
        out += [body[done : less - 1], " ", body[less : more + 1]]
        done = pos = more + 1
    return "".join(out) + body[done:] if out else body


class _NextFind:
    """`text.find(char, start)` for rising starts, each part of the text searched once."""

    def __init__(self, text: str, char: str) -> None:
        self.text, self.char = text, char
        self.start, self.found = -1, -1
        self.lines: dict[int, tuple[int, int]] = {}

    def at(self, start: int) -> int:
        """The first `char` at or after `start`; -1 when none."""
        if self.start < 0 or start < self.start or 0 <= self.found < start:
            self.found = self.text.find(self.char, start)
        self.start = start
        return self.found

    def line_of(self, index: int) -> tuple[int, int]:
        """For the `char` at `index`: the newline before its line (-1 at the top), and the
        last `char` of its line after that line's first character (-1: none); once per index."""
        if index not in self.lines:
            cut = self.text.rfind("\n", 0, index)
            end = self.text.find("\n", index)
            self.lines[index] = (cut, self.text.rfind(self.char, cut + 2, end if end >= 0 else len(self.text)))
        return self.lines[index]


def _split_comment(value: str) -> tuple[str, str | None]:
    r"""b4's `re.search(r'(.*\S+)(\s+#[^#]+)$', value).groups()`, linear (b4's is cubic):
    the value before the blanks ahead of its last `#`, and the comment; or no comment."""
    mark = value.rfind("#")
    if mark < 0 or mark == len(value) - 1:
        return value, None
    cut = mark
    while cut > 0 and value[cut - 1].isspace():
        cut -= 1
    if cut == mark or cut == 0:
        return value, None
    return value[:cut], value[cut:]


def _has_address(value: str) -> bool:
    r"""Whether b4's `re.search(r'\S+@\S+\.\S+', value)` matches, in linear time: a word
    with an `@` after its first character and a `.` at least two after it, not last."""
    for word in value.split():
        at = word.find("@", 1)
        if at > 0 and word.rfind(".", 0, len(word) - 1) >= at + 2:
            return True
    return False


def _ignored_trailer(lname: str, value: str, seen_other: bool, followup: bool) -> bool:
    """Why b4's `find_trailers` passes over a `Name: value` line, in its order."""
    if lname in _NOT_TRAILERS or (seen_other and lname in _HEADER_NAMES):
        return True
    if followup:
        if not lname.isascii():
            return True
        if not _has_address(value) and lname not in _NON_PERSON:
            return True
        if _URL.search(value) and lname not in _LINKS:
            return True
    return lname == "fixes" and not _FIXES_SHA.search(value)


def _first(pattern: LineStart, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def description(body: str) -> str:
    """The text above the `---` line, the diff or the signature: the commit message."""
    ends = [m.start() for p in (_SEPARATOR, _DIFF_START, _SIGNATURE) if (m := p.search(body))]
    text = body[: min(ends)] if ends else body
    return _IN_BODY_FROM.sub("", text, count=1).strip("\n")


def diffstat(body: str) -> str:
    """The diffstat block (file lines and summary) as posted, or ''."""
    match = _DIFFSTAT_SUMMARY.search(body)
    if not match:
        return ""
    lines = body[: match.start()].splitlines()
    start = len(lines)
    while start and _DIFFSTAT_LINE.match(lines[start - 1]):
        start -= 1
    return "\n".join(lines[start:] + [match.group(0).rstrip()])


def diff_context(body: str) -> int:
    """The context size (`-U`) a diff was made with, as its hunks show it; 3 unless more.

    Leading and trailing context are at most U lines, and context between two changes
    of one hunk at most 2U, so the largest of these is a lower bound that is exact
    unless every hunk touches the start or end of its file.
    """
    widest = 0
    for hunk in _HUNK.finditer(body):
        runs = _context_runs(body, hunk.end(), int(hunk.group(1) or 1), int(hunk.group(2) or 1))
        if runs:
            inner = max(runs[1:-1], default=0)
            widest = max(widest, runs[0], runs[-1], (inner + 1) // 2)
    return max(widest, 3)


def _context_runs(body: str, start: int, old: int, new: int) -> list[int]:
    """Lengths of the runs of context in one hunk: leading, between changes, trailing."""
    runs, changed = [0], False
    for line in _lines_after(body, start):
        if old <= 0 and new <= 0:
            break
        kind = line[:1]
        if kind in (" ", ""):  # an empty line is context whose space a mailer ate
            if changed:
                runs.append(0)
            runs[-1], changed = runs[-1] + 1, False
            old, new = old - 1, new - 1
        elif kind in ("-", "+"):
            changed = True
            old, new = (old - 1, new) if kind == "-" else (old, new - 1)
        elif kind != "\\":
            break
    return runs + [0] if changed else runs


def _lines_after(text: str, start: int) -> Iterator[str]:
    """`text[start:].split("\\n")[1:]`, one line at a time: a hunk reads a few lines of a
    long body, and splitting all of it once per hunk cost 0.7 ms a patch."""
    end = text.find("\n", start)
    while end >= 0:
        after = text.find("\n", end + 1)
        yield text[end + 1 : after if after >= 0 else len(text)]
        end = after


def body_of(raw: RawMessage) -> str:
    """The decoded text body of a raw message, chosen the way b4 chooses it."""
    return payload(email_of(raw.data))


def text_of(raw: RawMessage, msgid: str) -> MessageText:
    """The readable parts of a message, for the report."""
    body = body_of(raw)
    return MessageText(msgid=msgid, description=description(body), diffstat=diffstat(body))
