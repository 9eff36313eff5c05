"""Message records <-> the rows the index keeps: plain tuples of text and numbers.

The fields of a `Message` that the index queries by (message-id, commit, blob,
epoch) get columns of their own, and the whole record travels as one compact JSON
list in the order of the dataclass fields, each converted by its type hint, so a
field added to `Message` is stored without a change here (a change of `model.py`
changes the index's parser fingerprint, and the index is rebuilt). Decoding 33,000
of them takes a quarter of a second: a positional list, shared `Person`s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import gc
import hashlib
import importlib.metadata
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from gitdigest.mail.messages import Parsed
from gitdigest.model import Message, Person, Revision, Skipped, Subject, Topic, Trailer
from gitdigest.series import reach

_FIELDS = dataclasses.fields(Message)
_SUBJECT_FIELDS = tuple(f.name for f in dataclasses.fields(Subject))
_PREFIXES = _SUBJECT_FIELDS.index("prefixes")
_REVISION_FIELDS = dataclasses.fields(Revision)
_TOPIC_FIELDS = dataclasses.fields(Topic)
_UTC = datetime.timezone.utc
_T = TypeVar("_T")


@dataclass(frozen=True)
class Row:
    """One archive message as the index stores it, built in whichever process parsed it."""

    epoch: int
    commit: str
    blob: str
    time: int
    """The archive commit's author time: what `--since/--until` select by."""
    msgid: str | None
    """None when the message could not be used."""
    removed: bool
    skipped: str | None
    """Why the message could not be used, or None."""
    record: str | None
    """The other fields of its `Message`, as JSON (see `encode`)."""
    description: str | None
    """The commit message or cover letter text, for what a report prints in full."""
    answers: tuple[str, ...]
    """The message-ids it replies to or references."""
    contributor: str | None = None
    """The author's address, when the message is a patch or a cover letter (`Message.is_contribution`)."""
    series: SeriesFacts | None = None
    """For a message the grouping looks at: what the index finds it by (see series/reach.py)."""


@dataclass(frozen=True)
class SeriesFacts:
    """What the incremental topics keep of a patch, cover letter or pull request."""

    sender: str
    date: float
    keys: tuple[str, ...]


def parsed_row(parsed: Parsed, time: int) -> Row:
    """The row of a parsed message, with the text a report may print (its `description`)."""
    message = parsed.message
    answers = tuple(dict.fromkeys(((message.in_reply_to,) if message.in_reply_to else ()) + message.references))
    facts = SeriesFacts(message.sender.email, message.date.timestamp(), reach.keys(message)) if reach.relevant(message) else None
    return Row(
        message.epoch, message.commit, message.blob, time, message.msgid, False, None,
        encode(message), parsed.description, answers, message.author.email if message.is_contribution else None, facts,
    )


def skipped_row(skip: Skipped, epoch: int, time: int, removed: bool) -> Row:
    """The row of a message that could not be used, or that a `d` commit removed."""
    return Row(epoch, skip.commit, skip.blob, time, None, removed, skip.reason, None, None, ())


def fingerprint(limit: int) -> str:
    """What decides the rows: the size limit, b4's version, and gitdigest's own code."""
    try:
        b4 = importlib.metadata.version("b4")
    except importlib.metadata.PackageNotFoundError:
        b4 = "?"
    return hashlib.sha1(f"{limit}:{b4}:{code_fingerprint()}".encode()).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of every module of the package, by path and content.

    Rows and cached topics belong to the code that made them. Hashing the whole
    package, not a list of parser files, means that moving code into a new module
    can never serve rows made by other code.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Build many small records without the cycle collector walking them over and over."""
    # Records hold no cycles; collecting while 33,000 of them are built costs more
    # than building them (measured: 0.26 s against 1.7 s to decode their JSON).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def encode(message: Message) -> str:
    """Every field of `message`, in order, as a JSON list."""
    return json.dumps([_ENCODERS[f.type](getattr(message, f.name)) for f in _FIELDS], ensure_ascii=False)


def decoder() -> Callable[[str], Message]:
    """A function from a stored record to its Message; equal people become one `Person`."""
    person = _people()

    def trailers(items: list[list[Any]]) -> tuple[Trailer, ...]:
        return tuple(Trailer(name, value, person(p) if p else None) for name, value, p in items)

    message = _builder(Message, _FIELDS, {**_DECODERS, "Person": person, "tuple[Trailer, ...]": trailers})

    def decode(record: str) -> Message:
        return message(json.loads(record))

    return decode


def _people() -> Callable[[list[str]], Person]:
    """A function from a stored `[name, email]` to its `Person`: one `Person` for equal pairs."""
    people: dict[tuple[str, str], Person] = {}

    def person(pair: list[str]) -> Person:
        key = (pair[0], pair[1])
        found = people.get(key)
        if found is None:
            found = people[key] = Person(pair[0], pair[1])
        return found

    return person


def _builder(
    make: Callable[..., _T], fields: Sequence[dataclasses.Field], kinds: Mapping[str, Callable[[Any], Any]]
) -> Callable[[list[Any]], _T]:
    """A function from stored field values, in the order of `fields`, to `make(*values)`;
    each value not None whose field's type hint `kinds` names is converted first (in place)."""
    steps = [(i, kinds[f.type]) for i, f in enumerate(fields) if f.type in kinds]

    def build(values: list[Any]) -> _T:
        for i, convert in steps:
            if values[i] is not None:
                values[i] = convert(values[i])
        return make(*values)

    return build


def encode_topic(topic: Topic, row_of: Callable[[Message], int]) -> tuple[str, list[int]]:
    """A topic as JSON, its messages named by their rows; and the rows it names."""
    named: list[int] = []

    def row(message: Message) -> int:
        named.append(row_of(message))
        return named[-1]

    def revision(rev: Revision) -> list[Any]:
        return [_topic_part(f.type, getattr(rev, f.name), row) for f in _REVISION_FIELDS]

    def field(kind: str, value: Any) -> Any:
        if kind == "tuple[Revision, ...]":
            return [revision(r) for r in value]
        return _topic_part(kind, value, row)

    data = [field(f.type, getattr(topic, f.name)) for f in _TOPIC_FIELDS]
    return json.dumps(data, ensure_ascii=False), named


def topic_decoder(messages: Mapping[int, Message]) -> Callable[[str], Topic]:
    """A function from `encode_topic`'s JSON to the topic, its messages taken from `messages`."""
    kinds: dict[str, Callable[[Any], Any]] = {
        "Person": _people(),
        "datetime.datetime": _DECODERS["datetime.datetime"],
        "Message | None": lambda row: messages[row],
        "tuple[Message, ...]": lambda rows: tuple(messages[r] for r in rows),
        "tuple[str, ...]": tuple,
    }
    revision = _builder(Revision, _REVISION_FIELDS, kinds)

    def decode(data: str) -> Topic:
        values = json.loads(data)
        return Topic(*(
            tuple(map(revision, v)) if f.type == "tuple[Revision, ...]" else v
            for f, v in zip(_TOPIC_FIELDS, values)
        ))

    return decode


def _topic_part(kind: str, value: Any, row: Callable[[Message], int]) -> Any:
    """One field of a Revision as JSON; a type this does not know is refused, not guessed."""
    if value is None or kind in ("str", "int", "bool"):
        return value
    if kind == "Message | None":
        return row(value)
    if kind == "tuple[Message, ...]":
        return [row(m) for m in value]
    if kind in ("Person", "datetime.datetime", "tuple[str, ...]"):
        return _ENCODERS[kind](value)
    raise TypeError(f"rows.encode_topic cannot store a Revision field of type {kind}")


def _subject(values: list[Any]) -> Subject:
    values[_PREFIXES] = tuple(values[_PREFIXES])
    return Subject(*values)


def _trailers(trailers: Iterable[Trailer]) -> list[Any]:
    return [[t.name, t.value, [t.person.name, t.person.email] if t.person else None] for t in trailers]


def _same(value: Any) -> Any:
    return value


# By the field's type hint as written in model.py (its annotations are strings).
_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "datetime.datetime": lambda when: when.timestamp(),
    "Person": lambda person: [person.name, person.email],
    "Subject": lambda subject: [getattr(subject, name) for name in _SUBJECT_FIELDS],
    "tuple[Trailer, ...]": _trailers,
}
_DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime.datetime": lambda stamp: datetime.datetime.fromtimestamp(stamp, tz=_UTC),
    "Subject": _subject,
    "tuple[str, ...]": tuple,
}
for _field in _FIELDS:
    _ENCODERS.setdefault(_field.type, _same)
