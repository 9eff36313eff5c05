"""Who really sent a message: undoing the From: rewriting of lists (DMARC munging).

Mailman and Google Groups rewrite `From:` for senders whose domain publishes a strict
DMARC policy: `Jane Doe via Foo-devel <foo-devel@lists.example.org>` (Mailman),
`'Jane Doe' via Foo <foo@googlegroups.com>` (Google Groups), `Jane Doe via
<list@...>` or a bare trailing ` via` (a list with no name), and the original sender
goes to `Reply-To:`, `Cc:` or `X-Original-From:`. B4 Relay sends the same way
(`Name via B4 Relay <devnull+...@kernel.org>`, X-Original-From). The rule is
patchwork's (`parser.get_original_sender`): X-Original-From when present; else the
Reply-To or Cc address whose display name is the cleaned name; else the in-body
`From:` line; else the munged address, kept with the cleaned name.

A From: with no `via` is munged too when its address is the list's own (List-Post,
List-Id) and a Reply-To or Cc carries the same display name with another address.

The same rule applies to a tree commit whose author is such a munged sender (`git am`
of a munged mail): `ListSenders` holds the list addresses seen munged in an archive,
with the real addresses behind them by name. Pure functions, linear-time parsing.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gitdigest.model import Message, Person

_VIA = " via "
_MAX_ADDRESSES = 200
"""Reply-To and Cc addresses looked at: a hostile Cc of thousands is cut, not scanned."""
MAX_ADDRESS = 500
"""Characters of one address value the parser reads (a real `Name <address>` is far shorter)."""
MAX_ADDRESS_LIST = 64 * 1024
"""Characters of an address-list header (Reply-To, Cc) the parser reads."""


def parseaddr(value: str) -> tuple[str, str]:
    """`email.utils.parseaddr` of a value from mail, with its cost bounded: the standard library
    recurses once per stray comma and joins lists quadratically, so only the first
    MAX_ADDRESS characters are read, and a value it still cannot read is no address."""
    try:
        return email.utils.parseaddr(value[:MAX_ADDRESS])
    except RecursionError:
        return "", ""


def getaddresses(values: Iterable[str]) -> list[tuple[str, str]]:
    """`email.utils.getaddresses` of headers from mail, bounded as `parseaddr` is."""
    try:
        return email.utils.getaddresses([v[:MAX_ADDRESS_LIST] for v in values])
    except RecursionError:
        return []


@dataclass(frozen=True)
class Headers:
    """The decoded header fields the rule reads, besides From:."""

    reply_to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    original_from: str = ""
    """X-Original-From, or ''."""
    list_addresses: frozenset[str] = frozenset()
    """The list's own addresses, from List-Post and List-Id, in lower case."""


@dataclass(frozen=True)
class Sender:
    """The real sender of a message, and the list address From: carried when it was munged."""

    person: Person
    via: str = ""
    """The munged From: address (a list's, or B4 Relay's), '' when From: was the sender's own."""


def cleaned_name(name: str) -> str | None:
    """The sender's own name in a munged display name (`'Jane Doe' via Foo` -> `Jane Doe`), else None."""
    if _VIA in name:
        stripped = name[: name.rfind(_VIA)]
    elif name.endswith(" via"):
        stripped = name[: -len(" via")]
    else:
        return None
    return stripped.strip().strip("'\"").strip() or None


def original(sender: Person, headers: Headers, in_body: Person | None = None) -> Sender:
    """The real sender behind a `From:` header, as patchwork's `get_original_sender` finds it."""
    name = cleaned_name(sender.name)
    if name is None:
        if sender.email not in headers.list_addresses:
            return Sender(sender)
        found = _named(sender.name, headers)
        return Sender(found, sender.email) if found else Sender(sender)
    if headers.original_from:
        person = parse_address(headers.original_from)
        if person.email:
            return Sender(Person(name, person.email), sender.email)
    found = _named(name, headers)
    if found is None and in_body is not None and in_body.email and in_body.email != sender.email:
        found = Person(name, in_body.email)
    return Sender(found or Person(name, sender.email), sender.email)


def unmunged_author(person: Person, sender: Sender) -> Person:
    """An in-body `From:` that is itself munged (a patch `git am`-ed from a munged mail, sent on):
    the cleaned name, with the real sender's address when that is the same person."""
    name = cleaned_name(person.name)
    if name is None:
        return person
    if sender.via and _folded(sender.person.name) == _folded(name):
        return sender.person
    return Person(name, person.email)


def _named(name: str, headers: Headers) -> Person | None:
    """The first Reply-To, then Cc, address whose display name is `name` (case and spaces aside)."""
    wanted = _folded(name)
    seen = 0
    for value in (*headers.reply_to, *headers.cc):
        for addr_name, addr in getaddresses([value]):
            seen += 1
            if seen > _MAX_ADDRESSES:
                return None
            addr = addr.strip().lower()
            if addr and addr not in headers.list_addresses and _folded(addr_name) == wanted:
                return Person(name, addr)
    return None


def list_addresses(list_post: str, list_id: str) -> frozenset[str]:
    """The list's addresses: List-Post's `<mailto:...>`, and List-Id's `<foo.lists.example.org>` as
    `foo@lists.example.org` (Mailman's id is the posting address with `@` made a `.`)."""
    found = set()
    post = list_post.strip()
    start = post.find("mailto:")
    if start >= 0:
        end = post.find(">", start)
        found.add(post[start + 7 : end if end >= 0 else len(post)].split("?", 1)[0].strip().lower())
    ident = list_id.strip()
    start, end = ident.rfind("<"), ident.rfind(">")
    if 0 <= start < end:
        local, dot, domain = ident[start + 1 : end].strip().lower().partition(".")
        if dot and local and domain:
            found.add(f"{local}@{domain}")
    return frozenset(a for a in found if "@" in a)


def parse_address(value: str) -> Person:
    """`Name <addr>` (or a bare address) as a Person, address in lower case."""
    name, addr = parseaddr(value)
    addr = addr.strip().lower()
    return Person(" ".join(name.split()) or addr, addr)


def _folded(name: str) -> str:
    return " ".join(name.strip("'\" ").casefold().split())


@dataclass(frozen=True)
class ListSenders:
    """The list addresses an archive's From: headers were seen munged with, and who was behind them."""

    addresses: frozenset[str] = frozenset()
    real: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(list address, folded cleaned name) -> the real address found for that sender."""

    def person(self, person: Person) -> Person:
        """A tree commit author as the archive's rule gives them: unmunged when the address is a
        list address seen munged and the name has the `via` form; anyone else unchanged."""
        if person.email.lower() not in self.addresses:
            return person
        name = cleaned_name(person.name)
        if name is None:
            return person
        address = person.email.lower()
        return Person(name, self.real.get((address, _folded(name)), address))


NO_LIST_SENDERS = ListSenders()


def seen(pairs: Iterable[tuple[str, Person]]) -> ListSenders:
    """The ListSenders of (munged From: address, real sender) pairs; a name with two real
    addresses behind one list keeps the first."""
    addresses: set[str] = set()
    real: dict[tuple[str, str], str] = {}
    for via, person in pairs:
        addresses.add(via)
        if person.email and person.email != via:
            real.setdefault((via, _folded(person.name)), person.email)
    return ListSenders(frozenset(addresses), real)


def of_messages(messages: Iterable[Message]) -> ListSenders:
    """The ListSenders of parsed messages: each munged one's list address and real sender."""
    return seen((m.via, m.sender) for m in messages if m.via)
