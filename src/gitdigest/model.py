"""The records that flow between the stages of the pipeline.

Every record is a frozen dataclass: stages take records and return new ones,
and nothing is a positional tuple.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Person:
    """A name and a lower-cased address."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        """The part of the address after the last `@`, or '' when there is none."""
        return self.email.rpartition("@")[2] if "@" in self.email else ""

    @property
    def identities(self) -> tuple[str, ...]:
        """The address, and the full name (two words or more, case and spacing aside):
        on io-uring seven authors moved address mid-series."""
        name = " ".join(self.name.casefold().split())
        return (self.email, name) if " " in name else (self.email,)

    def same_as(self, other: Person) -> bool:
        """The same address, or the same full name (people change employers)."""
        return bool(self.email) and self.email == other.email or not set(self.identities[1:]).isdisjoint(other.identities[1:])

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else f"<{self.email}>"


@dataclass(frozen=True)
class RawMessage:
    """One message as stored in an archive: bytes, not yet parsed."""

    data: bytes
    blob: str
    """Object id of the message blob (for an mbox, a sha1 of the bytes)."""
    commit: str = ""
    """Archive commit that added the message ('' for an mbox)."""
    epoch: int = 0
    """Epoch number of a v2 archive (0 for v1 and mbox)."""
    removed: bool = False
    """The commit removed this message (a v2 `d` blob, a v1 deletion)."""
    time: int = 0
    """The archive commit's author time (the message date public-inbox recorded)."""
    unread: str = ""
    """Why `data` was not read though the commit names it: over the size cap, damaged."""


@dataclass(frozen=True, slots=True)
class Subject:
    """A subject line split into its parts, as b4 reads it."""

    full: str
    """The decoded subject with folded white space."""
    title: str
    """The subject without its bracketed prefixes."""
    prefixes: tuple[str, ...] = ()
    """Every bracketed word except version, counter, RFC and RESEND (`PATCH`, `net-next`)."""
    version: int = 1
    counter: int = 1
    total: int = 1
    is_reply: bool = False
    is_patch: bool = False
    """A `PATCH` prefix is present."""
    rfc: bool = False
    resend: bool = False
    is_pull: bool = False
    """A pull request: `[GIT PULL]`, `[GIT]`, `[PULL]`, `[PULL nn/mm]`, or (set by the parser) a
    body in git request-pull's shape; never a `[PATCH ...]`."""
    version_inferred: bool = True
    counters_inferred: bool = True

    @property
    def tag(self) -> str:
        """The bracketed prefix as it would be rebuilt: `[PATCH v4 1/7]`."""
        words = list(self.prefixes) or ["PATCH"]
        if self.rfc:
            words.insert(0, "RFC")
        if self.resend:
            words.append("RESEND")
        if not self.version_inferred:
            words.append(f"v{self.version}")
        if not self.counters_inferred:
            width = len(str(self.total))
            words.append(f"{self.counter:0{width}d}/{self.total}")
        return "[" + " ".join(words) + "]"


@dataclass(frozen=True, slots=True)
class Trailer:
    """One `Name: value` trailer line from a message body."""

    name: str
    value: str
    person: Person | None = None

    @property
    def lname(self) -> str:
        """The trailer name in lower case, for comparisons."""
        return self.name.lower()

    @property
    def kind(self) -> ReviewKind | None:
        """The review this trailer gives, or None when it gives none (`Signed-off-by`)."""
        return ReviewKind.of(self.name)


class Format(str, enum.Enum):
    """An output format: `--format` and `digest.format`; each a module of `render`."""

    TEXT = "text"
    SHORT = "short"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"

    @property
    def prints_texts(self) -> bool:
        """The report quotes the live revisions' descriptions (the digest must read them)."""
        return self in (Format.TEXT, Format.MARKDOWN, Format.HTML)


class ReviewKind(str, enum.Enum):
    """A review trailer's kind, named as the trailer spells it."""

    REVIEWED = "Reviewed-by"
    ACKED = "Acked-by"
    TESTED = "Tested-by"

    @classmethod
    def of(cls, name: str) -> ReviewKind | None:
        """The kind a trailer name (any case) gives, or None for other trailers."""
        return _REVIEW_KINDS.get(name.lower())


_REVIEW_KINDS = {kind.value.lower(): kind for kind in ReviewKind}
REVIEW_TRAILERS = frozenset(_REVIEW_KINDS)
LORE_EPOCH = 2**31 - 1
"""The `epoch` of a message that online mode fetched from lore: the local archive lacks it.
It sorts after every real epoch, so a message the archive gains later is read from the archive."""

CLOCK_SKEW = datetime.timedelta(days=1)
"""How far a commit's or a message's clock may be wrong: a commit found by subject, or
re-diffed for an email, is not committed before the email was posted, give or take this."""
MAX_MESSAGE_SIZE = 10 * 1024 * 1024
"""Messages larger than this (`digest.maxMessageSize`, default 10 MiB) are skipped, not read."""
DEFAULT_LORE_URL = "https://lore.kernel.org/all"
"""Where b4 looks by default (`b4.midmask` is `https://lore.kernel.org/all/%s`)."""

@dataclass(frozen=True)
class LoreConfig:
    """Which public-inbox server online mode asks, and how long it waits."""

    url: str = DEFAULT_LORE_URL
    """The inbox URL that message-ids and searches go under: `https://lore.kernel.org/all`."""
    timeout: float | None = None
    """Seconds to connect and to wait for each answer (`digest.onlineTimeout`); None: liblore's
    own (`lore.requestTimeout`, else 5 s to connect and 30 s to read)."""
    limit: int = 100
    """Requests one run may make (`digest.onlineLimit`): the newest series are asked about first."""



@dataclass(frozen=True, slots=True)
class Message:
    """One parsed email: what every later stage needs, and no body text."""

    msgid: str
    date: datetime.datetime
    """Timezone-aware; UTC when the message had no usable zone."""
    sender: Person
    """The From: header, unmunged (see `via`)."""
    author: Person
    """The in-body From:, then X-Original-From, then the (unmunged) sender."""
    subject: Subject
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    has_diff: bool = False
    diffstat: str = ""
    """The diffstat block as posted, lines joined by newlines."""
    trailers: tuple[Trailer, ...] = ()
    change_id: str | None = None
    base_commit: str | None = None
    patch_id: str | None = None
    """`git patch-id --stable` of the body; set by the patchid stage."""
    context: int = 3
    """The diff's context size (`-U`), read from its hunks: 3 unless they show more."""
    blob: str = ""
    commit: str = ""
    epoch: int = 0
    """The archive epoch it was read from; LORE_EPOCH when online mode fetched it from lore."""
    via: str = ""
    """The list (or relay) address From: carried when the list rewrote it (DMARC munging);
    `sender` is then the real sender, found as `mail/senders.py` says. '' when not munged."""
    cut: str = ""
    """What the parser cut to keep its cost bounded (References past MAX_REFERENCES, a subject
    past its cap, diff paths past theirs), said as `-v` names it; '' when nothing was cut."""

    @property
    def from_lore(self) -> bool:
        """Fetched from lore by online mode: the local archive does not hold it."""
        return self.epoch == LORE_EPOCH

    @property
    def is_cover(self) -> bool:
        """A `0/N` message that opens a series."""
        return (
            not self.subject.is_reply
            and not self.subject.counters_inferred
            and self.subject.counter == 0
        )

    @property
    def is_patch(self) -> bool:
        """A message that carries a diff and is not a reply."""
        return self.has_diff and not self.subject.is_reply

    @property
    def is_contribution(self) -> bool:
        """A patch email: a patch or a cover letter, counted in the statistics."""
        return (self.is_patch or self.is_cover) and not self.subject.is_pull

    @property
    def review_trailers(self) -> tuple[Trailer, ...]:
        """Reviewed-by, Acked-by and Tested-by given by this message."""
        return tuple(t for t in self.trailers if t.lname in REVIEW_TRAILERS)

    @property
    def answers(self) -> frozenset[str]:
        """The message-ids this message replies to (References, In-Reply-To); none for a patch email."""
        # A later revision in the thread is no reply. `Re:` messages are never patch emails.
        if self.is_contribution:
            return frozenset()
        return frozenset((*self.references, self.in_reply_to) if self.in_reply_to else self.references)


def replies_by_parent(messages: Iterable[Message]) -> dict[str, list[Message]]:
    """Replies by the message-ids they answer, each message once (a later revision is no reply)."""
    out: dict[str, list[Message]] = {}
    for msg in unique(messages):
        for target in msg.answers:
            out.setdefault(target, []).append(msg)
    return out


def unique(messages: Iterable[Message]) -> tuple[Message, ...]:
    """One message per Message-ID, the first seen: archives carry duplicates, which must not count twice."""
    seen: dict[str, Message] = {}
    for msg in messages:
        seen.setdefault(msg.msgid, msg)
    return tuple(seen.values())


@dataclass(frozen=True)
class Skipped:
    """A message that could not be parsed, and why."""

    blob: str
    reason: str
    commit: str = ""


@dataclass(frozen=True)
class Revision:
    """One posting of a series: vN with its cover letter and patches."""

    key: str
    """Message-id of the cover letter, or of the first patch when there is none."""
    version: int
    subject: str
    """The series title: the cover letter's, else the first patch's."""
    author: Person
    date: datetime.datetime
    cover: Message | None
    patches: tuple[Message, ...]
    total: int
    """The N of `k/N` (0 for a single unnumbered patch is given as 1)."""
    rfc: bool = False
    resend: bool = False
    is_pull: bool = False
    prefixes: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    """Message-ids named by `Supersedes:` in replies to this posting (its own messages' lines
    are read from them); a reply can only retire a posting by the same author."""
    answers: str | None = None
    """Key of the posting whose thread this one was sent in (an unlabeled diff in reply to a
    series), or None."""

    @property
    def messages(self) -> tuple[Message, ...]:
        """The cover letter, if any, then the patches in order."""
        return ((self.cover,) if self.cover else ()) + self.patches


class Status(str, enum.Enum):
    """What a series' revision is, seen from the digest's period."""

    NEW = "new"
    REVISED = "revised"
    SUPERSEDED = "superseded"
    MERGED = "merged"
    PARTIALLY_MERGED = "partially-merged"


class Signal(str, enum.Enum):
    """Why two postings are revisions of one series, strongest first."""

    CHANGE_ID = "change-id"
    SUPERSEDES = "supersedes"
    REPLY = "reply"
    PATCH_ID = "patch-id"
    PATCH_TITLES = "patch-titles"
    RESEND = "resend"
    """The same posting (title, version, author's address) sent again."""
    SUBJECT = "subject"


@dataclass(frozen=True)
class Link:
    """One reason why two revisions belong to one series."""

    earlier: str
    """Key of the earlier revision."""
    later: str
    signal: Signal
    evidence: str
    """What proves it: the change-id, the message-id replied to or superseded, the
    patch-id and both patches' message-ids, the shared patch titles, or the
    normalised title and author."""


@dataclass(frozen=True)
class Topic:
    """All revisions of one series, oldest first."""

    key: str
    revisions: tuple[Revision, ...]
    links: tuple[Link, ...] = ()
    """The links that joined its revisions, strongest signal first."""


class How(str, enum.Enum):
    """How a tree commit was found for a posted patch, strongest evidence first."""

    LINK = "link"
    """A `Link:` or `Message-ID:` trailer names the patch (or its cover letter)."""
    PATCH_ID = "patch-id"
    SUBJECT = "subject"
    """The same normalised subject and author, and no other candidate."""


@dataclass(frozen=True)
class TreeCommit:
    """A non-merge commit of the code tree, as merged-detection sees it."""

    id: str
    subject: str
    author: Person
    """After the tree's `.mailmap`."""
    date: datetime.datetime
    """The committer date."""
    msgids: tuple[str, ...] = ()
    """Message-ids its `Link:` and `Message-ID:` trailers name."""
    patch_id: str | None = None
    """`git patch-id --stable` of its diff with git's default context; None without a diff."""


@dataclass(frozen=True)
class CommitMatch:
    """One tree commit that carries a patch, and how it was found."""

    commit: str
    how: How


@dataclass(frozen=True)
class Match:
    """The tree commits that carry one posted patch: several for backports and cherry-picks."""

    msgid: str
    commits: tuple[CommitMatch, ...]
    """Strongest evidence first, then in the tree's order."""


@dataclass(frozen=True)
class SeriesReport:
    """One revision inside the period, with its status and history."""

    topic: str
    revision: Revision
    status: Status
    superseded_by: Revision | None = None
    history: tuple[Revision, ...] = ()
    """Earlier revisions of the same topic, newest first."""
    merged: tuple[Match, ...] = ()
    """The revision's patches that have a commit in the tree, in patch order."""
    links: tuple[Link, ...] = ()
    """The links between this revision and others of its topic."""

    @property
    def is_live(self) -> bool:
        """New or revised: the report prints this revision's messages in full."""
        return self.status in (Status.NEW, Status.REVISED)

    def match_of(self, msgid: str) -> Match | None:
        """The tree commits of one of this revision's patches, or None."""
        return next((m for m in self.merged if m.msgid == msgid), None)

    @property
    def merged_count(self) -> int:
        """How many of the announced patches 1..N have a commit; an extra `11/10` is not one."""
        found = {m.msgid for m in self.merged}
        rev = self.revision
        return len({p.subject.counter for p in rev.patches if p.msgid in found and p.subject.counter <= rev.total})


@dataclass(frozen=True)
class Count:
    """A row of a statistics table."""

    key: str
    count: int
    person: Person | None = None


@dataclass(frozen=True)
class Stats:
    """Contributor, domain and reviewer counts over the period, sorted by count."""

    contributors: tuple[Count, ...]
    domains: tuple[Count, ...]
    reviewers: tuple[Count, ...]
    unanswered: tuple[str, ...] = ()
    """Keys of revisions that got no reply at all (a bot's, such as kernel test robot's, is none)."""


@dataclass(frozen=True)
class Employer:
    """One employer's part of the period, as gitdm counts it."""

    name: str
    patches: int
    """Patch emails (patches and cover letters) its people sent."""
    people: int
    """How many different people sent them."""


@dataclass(frozen=True)
class People:
    """Who the period's contributors are: employers, newcomers, and the bots kept apart."""

    employers: tuple[Employer, ...] = ()
    """By patch emails, `(Unknown)` among them; empty without an employer map."""
    unmapped: tuple[Count, ...] = ()
    """Domains of the patch emails no employer map names, by patch emails."""
    first_timers: tuple[Count, ...] | None = None
    """Contributors with no patch earlier in the archive; None when it holds nothing earlier."""
    bots: tuple[Count, ...] = ()
    """Messages from bots (kernel test robot, syzbot ...) and relayed by B4 Relay, by name."""


@dataclass(frozen=True)
class Reviewer:
    """The review trailers one person gave in replies during the period, by kind."""

    person: Person
    reviewed: int = 0
    acked: int = 0
    tested: int = 0
    employer: str = ""
    on_behalf: int = 0
    """Of those, the trailers someone else sent naming this person (b4 `-S`: given on their behalf)."""

    @property
    def total(self) -> int:
        """Every review trailer given."""
        return self.reviewed + self.acked + self.tested


@dataclass(frozen=True)
class Reviews:
    """How the period's series were received: trailers, coverage, replies."""

    reviewers: tuple[Reviewer, ...] = ()
    employers: tuple[Count, ...] = ()
    """Review trailers by the reviewer's employer; empty without an employer map."""
    series: int = 0
    """Series (topics) with a revision in the period, pull requests left out."""
    reviewed: int = 0
    """Of those, the series that a reply gave a review trailer."""
    carried: int = 0
    """Of the rest, the series whose patches carry trailers given to an earlier revision."""
    replied: int = 0
    """Revisions (not pull requests) that someone other than their author answered."""
    median_first_reply: datetime.timedelta | None = None
    """The median time from a revision to its first reply by someone else; None without any."""

    @property
    def coverage(self) -> float:
        """The share of series with at least one review trailer, given or carried."""
        return (self.reviewed + self.carried) / self.series if self.series else 0.0


@dataclass(frozen=True)
class MessageText:
    """The readable parts of one message, loaded only for what a report shows."""

    msgid: str
    description: str
    """The commit message or cover letter text, above the `---` line."""
    diffstat: str


@dataclass(frozen=True)
class Period:
    """What the digest covers."""

    start: str = ""
    end: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    list_name: str = ""
    tree: str = ""
    """The code tree merged-detection looked at, with its range; '' when none."""
    gaps: tuple[str, ...] = ()
    """What the archive lacks, so that the report may be incomplete: missing epochs, shallow history."""
    tree_web: str = ""
    """`digest.treeWeb`: a commit's web page, `%s` standing for its id; '' when none."""
    lore: str = ""
    """The lore (or mirror) URL online mode asked; '' when the digest ran offline."""
    fetched: int = 0
    """Messages online mode fetched from lore in this run (earlier runs' are in the index)."""
    offline: str = ""
    """Why part of the digest is offline-only (lore unreachable, timed out ...); '' when none is."""
    filter: str = ""
    """What the digest was narrowed to (pathspecs, MAINTAINERS sections, authors, statuses); '' when nothing."""


@dataclass(frozen=True)
class Digest:
    """Everything a renderer needs, and nothing it must compute."""

    period: Period
    series: tuple[SeriesReport, ...]
    stats: Stats
    texts: dict[str, MessageText] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()
    message_count: int = 0
    people: People = field(default_factory=People)
    reviews: Reviews = field(default_factory=Reviews)
    left_out: tuple[Message, ...] = ()
    """The period's tagged mail (`[...]`, not a reply) that no series holds: neither a patch,
    a cover letter nor a pull request. Counted in the report, named by `-v`, never dropped unseen."""
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """By revision key, the lists a series went to, when the digest spans several; else empty."""
    cut: tuple[Message, ...] = ()
    """The period's messages the parser cut (`Message.cut`): named by `-v`."""


@dataclass(frozen=True)
class Parsed:
    """A parsed message with its decoded body, which the patch-id stage needs once."""

    message: Message
    body: str
    description: str | None
    """The commit message or cover letter text (`description(body)`); None for a reply."""
    paths: tuple[str, ...] = ()
    """The paths its diff touches (none for a reply: a quoted diff is not a patch)."""


@dataclass(frozen=True)
class Span:
    """The commits one update sends that the remote lacks, as `git rev-list` names them."""

    tip: str
    """What the local side reaches: the local oid (a tag is peeled to its commit)."""
    hide: tuple[str, ...]
    """What the remote ref already holds: its old oid, when this repository has that object."""
    remotes: str | None
    """Whose remote-tracking refs the remote already holds: `--remotes=<remote>`; None: every remote's."""
