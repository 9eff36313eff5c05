"""What the index caches besides messages: topics, tree-commit patch-ids, lore's answers.

Each belongs to the open index it came from and shares its connection and its lock.
A cache write never waits for a writer: it is skipped, to be made by a later run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitdigest.index import codec
from gitdigest.index.file import guarded
from gitdigest.index.schema import json_list

if TYPE_CHECKING:
    from gitdigest.index.store import Index


@dataclass(frozen=True)
class StoredTopic:
    """A cached topic as stored: its encoded record and the message rows it names."""

    data: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class CachedTopic:
    """A topic as the index caches it."""

    key: str
    data: str
    """As `codec.encode_topic` writes it."""
    msgids: tuple[str, ...]
    """The message-ids of its revisions' messages: how a period finds its topics."""
    rows: tuple[int, ...]
    """The message rows it names."""


class Topics:
    """The topics of the index's messages, cached for one generation of them and one code."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def fresh(self, code: str) -> bool:
        """The cached topics belong to these messages and to this code."""
        with guarded(self.index.path):
            return self.index.meta("topics") == f"{self.index.meta('generation')}:{code}"

    def data(self, msgids: Iterable[str] | None = None) -> list[StoredTopic]:
        """The cached topics, each with the rows it names: all, or those holding `msgids`."""
        query, params = "SELECT data, rows FROM topics ORDER BY ordinal", tuple[str, ...]()
        if msgids is not None:
            query = (
                "SELECT data, rows FROM topics WHERE ordinal IN (SELECT ordinal FROM topic_members"
                " WHERE msgid IN (SELECT value FROM json_each(?))) ORDER BY ordinal"
            )
            params = (json_list(msgids),)
        with guarded(self.index.path), codec.bulk():
            return [StoredTopic(data, tuple(json.loads(named))) for data, named in self.index.db.execute(query, params)]

    def store(self, code: str, generation: int, topics: Sequence[CachedTopic]) -> bool:
        """Cache the topics of `generation`'s messages, unless a writer is busy or the messages
        changed meanwhile; says whether it did."""
        with self.index.lock.held(wait=False) as mine, guarded(self.index.path):
            if not mine:
                return False
            with self.index.writing():
                if self.index.meta("generation") != str(generation):
                    return False
                self.index.db.execute("DELETE FROM topics")
                self.index.db.execute("DELETE FROM topic_members")
                self.index.db.executemany(
                    "INSERT INTO topics VALUES (?, ?, ?, ?)",
                    ((i, t.key, t.data, json_list(t.rows)) for i, t in enumerate(topics)),
                )
                members = ((m, i) for i, t in enumerate(topics) for m in t.msgids)
                self.index.db.executemany("INSERT OR IGNORE INTO topic_members VALUES (?, ?)", members)
                self.index.db.execute("INSERT OR REPLACE INTO meta VALUES ('topics', ?)", (f"{generation}:{code}",))
            return True


class LoreAnswers:
    """The message-ids lore answered each query with, so that a later run need not ask."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def asked(self, query: str) -> tuple[str, ...] | None:
        """The message-ids lore answered `query` with in an earlier run; None when never asked."""
        with guarded(self.index.path):
            row = self.index.db.execute("SELECT msgids FROM lore_asked WHERE query = ?", (query,)).fetchone()
        return tuple(json.loads(row[0])) if row else None

    def remember(self, query: str, msgids: Iterable[str]) -> None:
        """Note what lore answered `query` with, so that the next run need not ask again."""
        with self.index.lock.held(), guarded(self.index.path), self.index.writing():
            self.index.db.execute(
                "INSERT OR REPLACE INTO lore_asked VALUES (?, ?, ?)", (query, int(time.time()), json_list(msgids))
            )


class TreePatchIds:
    """Patch-ids of code-tree commits by commit id and context size: `tree.PatchIdCache`."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def get(self, commits: Sequence[str], context: int) -> dict[str, str | None]:
        """The ids known for `commits` (None: the commit has no diff); unknown ones are left out."""
        query = (
            "SELECT commit_id, patch_id FROM tree_patch_ids"
            " WHERE context = ? AND commit_id IN (SELECT value FROM json_each(?))"
        )
        with guarded(self.index.path):
            return dict(self.index.db.execute(query, (context, json_list(commits))))

    def put(self, ids: Mapping[str, str | None], context: int) -> None:
        """Remember ids just computed; skipped (it is a cache) while another process writes."""
        with self.index.lock.held(wait=False) as mine, guarded(self.index.path):
            if mine:
                with self.index.writing():
                    self.index.db.executemany(
                        "INSERT OR REPLACE INTO tree_patch_ids VALUES (?, ?, ?)",
                        ((commit, context, pid) for commit, pid in ids.items()),
                    )
