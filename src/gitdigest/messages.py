"""bytes -> Message: the one adapter that imports b4.

b4 gives the mail semantics (subject parts, trailers, payload choice, header
decoding). Headers are parsed with the `compat32` policy, about 3x faster than
`email.policy.default` here, and b4 is imported lazily because importing it
changes `email.charset` for the whole process and pulls in its network stack.
"""

from __future__ import annotations

import datetime
import email.header
import email.message
import email.utils
import functools
import re
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import compat32
from types import ModuleType

from .model import Message, MessageText, Person, RawMessage, Skipped, Subject, Trailer

_PARSER = BytesParser(policy=compat32)
_IN_BODY_FROM = re.compile(r"\A\s*From:[ \t]*(.+?)[ \t]*$", re.M)
_DIFFSTAT_SUMMARY = re.compile(
    r"^ \d+ files? changed(?:, \d+ insertions?\(\+\))?(?:, \d+ deletions?\(-\))?[ \t]*$", re.M
)
_DIFFSTAT_LINE = re.compile(r"^ .+\|[ \t]+(?:\d+ ?[+-]*|Bin.*)[ \t]*$")
_CHANGE_ID = re.compile(r"^change-id:[ \t]*(\S+)", re.M | re.I)
_BASE_COMMIT = re.compile(r"^base-commit:[ \t]*([0-9a-f]{7,64})\b", re.M | re.I)
_QUOTED = re.compile(r"^[ \t]*>.*\n?", re.M)
_SEPARATOR = re.compile(r"^---[ \t]*$", re.M)
_DIFF_START = re.compile(r"^(?:diff --git |--- \S|Index: )", re.M)
_SIGNATURE = re.compile(r"^-- $", re.M)
_PULL = re.compile(r"\bGIT\s+PULL\b", re.I)
_MAX_SUBJECT = 2000
# Trailers that are metadata of a patch, not statements by the replier.
_NOT_GIVEN = frozenset(
    {"from", "author", "cc", "to", "date", "subject", "base-commit", "change-id", "message-id"}
)


@functools.cache
def _b4() -> ModuleType:
    """b4, imported once, with its network access off."""
    import b4

    # gitdigest never lets b4 reach the network on its own; online mode asks explicitly.
    b4.can_network = False
    return b4


@dataclass(frozen=True)
class Parsed:
    """A parsed message with its decoded body, which the patch-id stage needs once."""

    message: Message
    body: str


def parse(raw: RawMessage) -> Message | Skipped:
    """Parse one raw message, or say why it cannot be used."""
    result = parse_full(raw)
    return result.message if isinstance(result, Parsed) else result


def parse_full(raw: RawMessage) -> Parsed | Skipped:
    """Parse one raw message and keep its body, or say why it cannot be used."""
    if raw.removed:
        return Skipped(raw.blob, "removed from the archive", raw.commit)
    if not raw.data:
        return Skipped(raw.blob, "blob missing from the archive", raw.commit)
    try:
        return _parse(raw)
    except (ValueError, LookupError, TypeError, AttributeError, IndexError) as err:
        return Skipped(raw.blob, f"unparsable: {type(err).__name__}: {err}", raw.commit)


def _parse(raw: RawMessage) -> Parsed | Skipped:
    b4 = _b4()
    msg = _PARSER.parsebytes(raw.data)
    msgid = b4.LoreMessage.get_clean_msgid(msg)
    if not msgid:
        return Skipped(raw.blob, "no valid Message-ID", raw.commit)
    subject = parse_subject(header(msg, "Subject"))
    body, _charset = b4.LoreMessage.get_payload(msg)
    sender = _person(header(msg, "From"))
    has_diff = bool(b4.DIFF_RE.search(body))
    message = Message(
        msgid=msgid,
        date=_date(msg, raw.time),
        sender=sender,
        author=_author(msg, body, sender),
        subject=subject,
        in_reply_to=b4.LoreMessage.get_clean_msgid(msg, "In-Reply-To"),
        references=_references(msg),
        has_diff=has_diff,
        diffstat=diffstat(body),
        trailers=_trailers(body, subject.is_reply or not has_diff),
        change_id=_first(_CHANGE_ID, body),
        base_commit=_first(_BASE_COMMIT, body),
        blob=raw.blob,
        commit=raw.commit,
        epoch=raw.epoch,
    )
    return Parsed(message, body)


def header(msg: email.message.Message, name: str) -> str:
    """A header's value as text, RFC 2047 words decoded by b4, white space folded."""
    value = msg.get(name)
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        # compat32 hands back undecodable 8-bit headers as Header objects.
        value = str(email.header.make_header(email.header.decode_header(value)))
    return _b4().LoreMessage.clean_header(str(value))


def parse_subject(text: str) -> Subject:
    """Split a subject into its prefixes, version, counter and flags, as b4 does."""
    lsub = _b4().LoreSubject(text[:_MAX_SUBJECT])
    known = re.compile(r"^(?:v\d+|\d+/\d+|rfc.*|resend.*)$", re.I)
    prefixes = tuple(p for p in lsub.prefixes if not known.match(p))
    return Subject(
        full=lsub.full_subject,
        title=lsub.subject,
        prefixes=prefixes,
        version=lsub.revision,
        counter=lsub.counter,
        total=max(lsub.expected, lsub.counter),
        is_reply=lsub.reply,
        is_patch=lsub.patch,
        rfc=lsub.rfc,
        resend=lsub.resend,
        is_pull=bool(_PULL.search(" ".join(lsub.prefixes))),
        version_inferred=lsub.revision_inferred,
        counters_inferred=lsub.counters_inferred,
    )


def _person(value: str) -> Person:
    name, addr = email.utils.parseaddr(value)
    name = " ".join(name.split()) or addr
    return Person(name=name, email=addr.strip().lower())


def _author(msg: email.message.Message, body: str, sender: Person) -> Person:
    """The in-body From:, then X-Original-From (B4 Relay), then the sender."""
    match = _IN_BODY_FROM.match(body[:1000])
    if match:
        person = _person(_b4().LoreMessage.clean_header(match.group(1)))
        if person.email:
            return person
    original = header(msg, "X-Original-From")
    if original:
        person = _person(original)
        if person.email:
            return person
    return sender


def _date(msg: email.message.Message, fallback: int) -> datetime.datetime:
    stamp = email.utils.parsedate_tz(header(msg, "Date"))
    when = fallback
    if stamp:
        try:
            when = int(email.utils.mktime_tz(stamp))
        except (OverflowError, ValueError):
            when = fallback
    try:
        return datetime.datetime.fromtimestamp(when, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return datetime.datetime.fromtimestamp(fallback, tz=datetime.timezone.utc)


def _references(msg: email.message.Message) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in msg.get_all("References", []):
        for ref in re.findall(r"<([^<>\s]+)>", str(value)):
            seen.setdefault(ref, None)
    return tuple(seen)


def _trailers(body: str, is_reply: bool) -> tuple[Trailer, ...]:
    """Trailers given by this message: a reply's own lines, a patch's commit message."""
    text = _QUOTED.sub("", body) if is_reply else description(body)
    found, _others = _b4().LoreMessage.find_trailers(text, followup=is_reply)
    return tuple(
        Trailer(t.name, t.value, Person(t.addr[0], t.addr[1].lower()) if t.addr else None)
        for t in found
        if t.lname not in _NOT_GIVEN
    )


def _first(pattern: re.Pattern[str], text: str) -> str | None:
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


def body_of(raw: RawMessage) -> str:
    """The decoded text body of a raw message, chosen the way b4 chooses it."""
    return _b4().LoreMessage.get_payload(_PARSER.parsebytes(raw.data))[0]


def text_of(raw: RawMessage, msgid: str) -> MessageText:
    """The readable parts of a message, for the report."""
    body = body_of(raw)
    return MessageText(msgid=msgid, description=description(body), diffstat=diffstat(body))
