"""Message records <-> the rows the index keeps: plain tuples of text and numbers.

The fields of a `Message` that the index queries by (message-id, commit, blob,
epoch) get columns of their own, and the whole record travels as one compact JSON
list in the order of the dataclass fields, each converted by its type hint, so a
field added to `Message` is stored without a change here (a change of `model.py`
changes the index's parser fingerprint, and the index is rebuilt). SQL reads a field
where `record_path` says. A list, not an object by field name: io-uring's 33,491 records
decode in 0.41 s instead of 0.67 s and take 781 bytes instead of 1,199.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import gc
import hashlib
import importlib.util
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from gitdigest.errors import DamagedIndexError
from gitdigest.model import (
    Link,
    Message,
    Parsed,
    Person,
    Revision,
    Signal,
    Skipped,
    Subject,
    Topic,
    Trailer,
)
from gitdigest.series import reach

_FIELDS = dataclasses.fields(Message)
_SUBJECT_FIELDS = tuple(f.name for f in dataclasses.fields(Subject))
_PERSON_FIELDS = tuple(f.name for f in dataclasses.fields(Person))
_FIELD_NAMES = tuple(f.name for f in _FIELDS)
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
    paths: tuple[str, ...] = ()
    """The paths its diff touches (the `touched` table: what pathspec filters query)."""
    contributor: str | None = None
    """The author's address, when the message is a patch or a cover letter (`Message.is_contribution`)."""
    series: SeriesFacts | None = None
    """For a message the grouping looks at: what the index finds it by (see series/reach.py)."""
    munged: tuple[str, str, str] | None = None
    """For a From: a list rewrote (`Message.via`): the list's address, the real sender's name and address."""
    patch_id: str | None = None
    """The patch's patch-id (`Message.patch_id`), for the pushed commits looked up by it."""
    title: str | None = None
    """Its subject's title in lower case, for the pushed commits looked up by it."""


@dataclass(frozen=True)
class SeriesFacts:
    """What the incremental topics keep of a patch, cover letter or pull request."""

    sender: str
    date: float
    window: reach.Window
    keys: tuple[str, ...]


def parsed_row(parsed: Parsed, time: int) -> Row:
    """The row of a parsed message, with the text a report may print (its `description`)."""
    message = parsed.message
    answers = tuple(dict.fromkeys(((message.in_reply_to,) if message.in_reply_to else ()) + message.references))
    facts = (
        SeriesFacts(message.sender.email, message.date.timestamp(), reach.window(message), reach.keys(message))
        if reach.relevant(message) else None
    )
    return Row(
        message.epoch, message.commit, message.blob, time, message.msgid, False, None,
        encode(message), parsed.description, answers, parsed.paths,
        message.author.email if message.is_contribution else None, facts,
        (message.via, message.sender.name, message.sender.email) if message.via else None,
        message.patch_id, message.subject.title.lower(),
    )


def skipped_row(skip: Skipped, epoch: int, time: int, removed: bool) -> Row:
    """The row of a message that could not be used, or that a `d` commit removed."""
    return Row(epoch, skip.commit, skip.blob, time, None, removed, skip.reason, None, None, ())


def fingerprint(limit: int) -> str:
    """What decides the rows: the size limit, b4's code, and gitdigest's own code."""
    return hashlib.sha1(f"{limit}:{b4_fingerprint()}:{code_fingerprint()}".encode()).hexdigest()


def b4_fingerprint() -> str:
    """A hash of b4's `__init__`: its mail semantics and its `__VERSION__` live there.

    Found, not imported (b4's import costs a quarter of a second, which a run that parses
    nothing never pays), and not asked of `importlib.metadata` either (30 ms of each hook run).
    """
    spec = importlib.util.find_spec("b4")
    if spec is None or spec.origin is None:
        return "?"
    return hashlib.sha1(Path(spec.origin).read_bytes()).hexdigest()


READERS = ("render/", "pipeline.py", "streaming.py", "cli.py", "hook/", "people/stats.py", "people/reviews.py", "people/tally.py")
"""The modules (paths in the package) that read the index and what comes of it, and make
nothing it keeps: reports, the shells, the people tables. None of the other modules
imports them (tests/test_layout.py), so a change to them leaves the index as it is."""


@functools.cache
def code_fingerprint() -> str:
    """A hash of every module of the package but the `READERS`, by path and content.

    Rows and cached topics belong to the code that made them. Hashing the whole
    package but what provably cannot make them, not a list of parser files, means that
    moving code into a new module can never serve rows made by other code, while a
    release that changes only reports keeps the index (a large list's takes minutes).
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for source in sorted(package.rglob("*.py")):
        name = source.relative_to(package).as_posix()
        if name.startswith(READERS):
            continue
        digest.update(name.encode() + b"\0")
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


def settle() -> None:
    """Leave every object built so far out of the cycle collector's later walks (`gc.freeze`).

    For a run that keeps a whole archive's records to its end: they hold no cycles (so
    freeing them is reference counting's work alone), and each full collection walked all
    of them again, a sixth of a whole-archive digest at 500,000 messages."""
    gc.freeze()


def encode(message: Message) -> str:
    """Every field of `message`, in order, as a JSON list (a value JSON cannot hold is a TypeError)."""
    return json.dumps([_ENCODERS[str(f.type)](getattr(message, f.name)) for f in _FIELDS], ensure_ascii=False)


def record_path(field: str, part: str | None = None) -> str:
    """Where SQL's json_extract finds a field of a stored record (a part of a subject or a
    person): `record_path('subject', 'is_reply')`. Taken from model.py's field order."""
    path = f"$[{_FIELD_NAMES.index(field)}]"
    if part is not None:
        parts = {"Subject": _SUBJECT_FIELDS, "Person": _PERSON_FIELDS}[str(_FIELDS[_FIELD_NAMES.index(field)].type)]
        path += f"[{parts.index(part)}]"
    return path


def decoder() -> Callable[[str], Message]:
    """A function from a stored record to its Message; equal people become one `Person`."""
    person = _people()

    def trailers(items: list[list[Any]]) -> tuple[Trailer, ...]:
        return tuple(Trailer(name, value, person(who) if who else None) for name, value, who in items)

    # Equal strings and prefix lists are kept once: a thread's replies all name its root and
    # parents, and most subjects carry one of a few prefix lists.
    shared: dict[Any, Any] = {}
    once = lambda value: shared.setdefault(value, value)
    ids = lambda values: once(tuple(once(v) for v in values))

    kinds = {**_DECODERS, "Person": person, "tuple[Trailer, ...]": trailers, "tuple[str, ...]": ids, "str | None": once,
             "Subject": lambda values: _subject(values, ids)}
    message = _positional(Message, _FIELDS, kinds)

    def decode(record: str) -> Message:
        try:
            return message(json.loads(record))
        except (ValueError, TypeError, KeyError, IndexError) as err:
            raise _wrong_shape(err) from err

    return decode


def _wrong_shape(err: Exception) -> DamagedIndexError:
    """A stored row that does not decode: the index is damaged, and is rebuilt."""
    return DamagedIndexError(f"an index row of the wrong shape ({type(err).__name__}: {str(err)[:100]})")


def _people() -> Callable[[list[str]], Person]:
    """A function from a stored person to its `Person`: one `Person` for equal ones."""
    people: dict[tuple[str, str], Person] = {}

    def person(stored: list[str]) -> Person:
        name, email = stored
        found = people.get((name, email))
        if found is None:
            found = people[name, email] = Person(name, email)
        return found

    return person


def _positional(
    make: Callable[..., _T], fields: Sequence[dataclasses.Field[Any]], kinds: Mapping[str, Callable[[Any], Any]]
) -> Callable[[list[Any]], _T]:
    """A function from stored field values in order to `make(*values)`; each value not None
    whose field's type hint `kinds` names is converted first (in place). A list of another
    length is a ValueError (a damaged row), never a record that takes defaults."""
    steps = [(i, kinds[f.type]) for i, f in enumerate(fields) if isinstance(f.type, str) and f.type in kinds]
    count = len(fields)

    def build(values: list[Any]) -> _T:
        if len(values) != count:
            raise ValueError(f"{len(values)} fields, not {count}")
        for i, convert in steps:
            if values[i] is not None:
                values[i] = convert(values[i])
        return make(*values)

    return build


def _builder(
    make: Callable[..., _T], fields: Sequence[dataclasses.Field[Any]], kinds: Mapping[str, Callable[[Any], Any]]
) -> Callable[[dict[str, Any]], _T]:
    """A function from stored field values by name to `make(**values)`; each value not None
    whose field's type hint `kinds` names is converted first (in place)."""
    steps = [(f.name, kinds[f.type]) for f in fields if isinstance(f.type, str) and f.type in kinds]

    def build(values: dict[str, Any]) -> _T:
        for name, convert in steps:
            if values.get(name) is not None:
                values[name] = convert(values[name])
        return make(**values)

    return build


def encode_topic(topic: Topic, row_of: Callable[[Message], int]) -> tuple[str, list[int]]:
    """A topic as JSON, its messages named by their rows; and the rows it names."""
    named: list[int] = []

    def row(message: Message) -> int:
        named.append(row_of(message))
        return named[-1]

    def revision(rev: Revision) -> dict[str, Any]:
        return {f.name: _topic_part(str(f.type), getattr(rev, f.name), row) for f in _REVISION_FIELDS}

    def field(kind: str, value: Any) -> Any:
        if kind == "tuple[Revision, ...]":
            return [revision(r) for r in value]
        if kind == "tuple[Link, ...]":
            return [{"earlier": link.earlier, "later": link.later, "signal": link.signal.value, "evidence": link.evidence} for link in value]
        return _topic_part(kind, value, row)

    data = {f.name: field(str(f.type), getattr(topic, f.name)) for f in _TOPIC_FIELDS}
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

    def part(kind: str, value: Any) -> Any:
        if kind == "tuple[Revision, ...]":
            return tuple(map(revision, value))
        if kind == "tuple[Link, ...]":
            return tuple(Link(link["earlier"], link["later"], Signal(link["signal"]), link["evidence"]) for link in value)
        return value

    def decode(data: str) -> Topic:
        try:
            values = json.loads(data)
            return Topic(**{f.name: part(str(f.type), values[f.name]) for f in _TOPIC_FIELDS})
        except (ValueError, TypeError, KeyError, IndexError) as err:
            raise _wrong_shape(err) from err

    return decode


def _topic_part(kind: str, value: Any, row: Callable[[Message], int]) -> Any:
    """One field of a Revision as JSON; a type this does not know is refused, not guessed."""
    if value is None or kind in ("str", "int", "bool", "str | None"):
        return value
    if kind == "Message | None":
        return row(value)
    if kind == "tuple[Message, ...]":
        return [row(m) for m in value]
    if kind in ("Person", "datetime.datetime", "tuple[str, ...]"):
        return _ENCODERS[kind](value)
    raise TypeError(f"codec.encode_topic cannot store a Revision field of type {kind}")


def _subject(values: list[Any], prefixes: Callable[[Any], Any]) -> Subject:
    if len(values) != len(_SUBJECT_FIELDS):
        raise ValueError(f"a subject of {len(values)} fields")
    values[_PREFIXES] = prefixes(values[_PREFIXES])
    return Subject(*values)


def _person(person: Person) -> list[str]:
    return [person.name, person.email]


def _trailers(trailers: Iterable[Trailer]) -> list[list[Any]]:
    return [[t.name, t.value, _person(t.person) if t.person else None] for t in trailers]


def _same(value: Any) -> Any:
    return value


# By the field's type hint as written in model.py (its annotations are strings).
_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "datetime.datetime": lambda when: when.timestamp(),
    "Person": _person,
    "Subject": lambda subject: [getattr(subject, name) for name in _SUBJECT_FIELDS],
    "tuple[Trailer, ...]": _trailers,
}
_DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime.datetime": lambda stamp: datetime.datetime.fromtimestamp(stamp, tz=_UTC),
}
"""Decoders that need no state; `decoder()` adds those that share what they build."""
for _field in _FIELDS:
    _ENCODERS.setdefault(str(_field.type), _same)
