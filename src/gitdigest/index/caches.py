"""What the index caches besides messages: topics, tree-commit patch-ids, lore's answers.

Each belongs to the open index it came from and shares its connection and its lock.
A cache write never waits for a writer: it is skipped, to be made by a later run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitdigest.index import codec
from gitdigest.index.file import guarded
from gitdigest.index.schema import json_list

if TYPE_CHECKING:
    from gitdigest.index.store import Index


@dataclass(frozen=True)
class StoredTopic:
    """A topic as stored: its encoded record and the message rows it names."""

    data: str
    rows: tuple[int, ...]


class Topics:
    """The topics of the index's messages, kept up to date with them (see incremental.py)."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def data(self, msgids: Iterable[str] | None = None) -> list[StoredTopic]:
        """The topics, oldest first, each with the rows it names: all, or those holding `msgids`."""
        query, params = "SELECT data, rows FROM topics ORDER BY date, key", tuple[str, ...]()
        if msgids is not None:
            query = (
                "SELECT data, rows FROM topics WHERE ordinal IN (SELECT s.topic FROM messages m JOIN series s"
                " ON s.seq = m.seq WHERE m.msgid IN (SELECT value FROM json_each(?))) ORDER BY date, key"
            )
            params = (json_list(msgids),)
        with guarded(self.index.path), codec.bulk():
            return [StoredTopic(data, tuple(json.loads(named))) for data, named in self.index.db.execute(query, params)]


    def each(self) -> Iterator[StoredTopic]:
        """Every topic, oldest first, read as it is used (call within `Index.reading`)."""
        with guarded(self.index.path):
            for data, named in self.index.db.execute("SELECT data, rows FROM topics ORDER BY date, key"):
                yield StoredTopic(data, tuple(json.loads(named)))

    def sharing(self, keys: Iterable[str]) -> list[StoredTopic]:
        """The topics holding a message that has any of `keys` (series/reach.py), oldest first."""
        query = (
            "SELECT data, rows FROM topics WHERE ordinal IN (SELECT s.topic FROM series_keys k JOIN series s"
            " ON s.seq = k.seq WHERE k.key IN (SELECT value FROM json_each(?))) ORDER BY date, key"
        )
        with guarded(self.index.path), codec.bulk():
            return [StoredTopic(data, tuple(json.loads(named))) for data, named in self.index.db.execute(query, (json_list(keys),))]


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
