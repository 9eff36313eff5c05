"""Topics kept in the index, brought up to date as messages arrive or leave.

The grouping (series/) is defined over the whole archive, and a whole-archive pass
costs the whole archive in time and memory. Here each message the grouping looks at
keeps, in `series` and `series_keys`, its sender, date, topic and the keys of
series/reach.py. An update marks what it adds (and what sat near what it removes) as
pending; `refresh` starts from the pending messages, follows the keys, the sender's
window and the topics they are in until nothing new is reached, and regroups those
messages alone with the same `grouping.postings` and `grouping.topics` that a
whole-archive digest runs. What it reaches is closed under every way the grouping
joins messages, so its topics are the ones a whole-archive pass gives, and the
topics it does not reach are unchanged by the new messages. The cost is that of the
new messages and the topics they touch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence

from gitdigest.index import codec
from gitdigest.index.schema import json_list
from gitdigest.model import Message
from gitdigest.series import grouping, reach

Load = Callable[[Iterable[int]], dict[int, Message]]
"""Records by row, in archive order, without those a `d` commit removed (Index.by_rows)."""
_IN = "(SELECT value FROM json_each(?))"


def add(db: sqlite3.Connection, first: int, rows: Sequence[codec.Row]) -> None:
    """Keep what the topics and `authors_before` need of rows `first`, `first + 1`, ...;
    what they add, and what a `d` among them removes, is pending."""
    numbered = list(enumerate(rows, first))
    db.executemany(
        "INSERT INTO series VALUES (?, ?, ?, NULL, 1)",
        ((seq, r.series.sender, r.series.date) for seq, r in numbered if r.series),
    )
    db.executemany(
        "INSERT INTO series_keys VALUES (?, ?)",
        ((key, seq) for seq, r in numbered if r.series for key in r.series.keys),
    )
    db.executemany(
        "INSERT INTO contributions VALUES (?, ?, ?)",
        ((r.contributor, r.time, seq) for seq, r in numbered if r.contributor),
    )
    removed = [r.blob for r in rows if r.removed]
    if removed:
        db.execute(
            f"UPDATE series SET pending = 1 WHERE seq IN (SELECT seq FROM messages WHERE blob IN {_IN})",
            (json_list(removed),),
        )


def forget(db: sqlite3.Connection, seqs: Sequence[int]) -> None:
    """Before rows `seqs` are deleted: what they were grouped with is pending, their topics go;
    a message that a `d` among them removed is back, and pending."""
    gone = json_list(seqs)
    db.execute(
        "UPDATE series SET pending = 1 WHERE seq IN (SELECT seq FROM messages WHERE blob IN"
        f" (SELECT blob FROM messages WHERE removed AND seq IN {_IN}))",
        (gone,),
    )
    mine = [s for (s,) in db.execute(f"SELECT seq FROM series WHERE seq IN {_IN}", (gone,))]
    if mine:
        near = reached(db, mine)
        db.execute(f"UPDATE series SET pending = 1 WHERE seq IN {_IN}", (json_list(near),))
        db.execute(f"DELETE FROM topics WHERE ordinal IN (SELECT topic FROM series WHERE seq IN {_IN})", (gone,))
    for table in ("series", "series_keys", "contributions"):
        db.execute(f"DELETE FROM {table} WHERE seq IN {_IN}", (gone,))


def pending(db: sqlite3.Connection) -> int:
    """How many messages wait for their topics."""
    return db.execute("SELECT count(*) FROM series WHERE pending").fetchone()[0]


def refresh(db: sqlite3.Connection, load: Load) -> int:
    """Regroup what the pending messages reach; how many messages were regrouped."""
    seeds = [s for (s,) in db.execute("SELECT seq FROM series WHERE pending")]
    if not seeds:
        return 0
    members = reached(db, seeds)
    _regroup(db, members, load)
    return len(members)


def reached(db: sqlite3.Connection, seeds: Iterable[int]) -> set[int]:
    """The series messages that `seeds` reach: through a shared key, the sender's window,
    or a topic, and so on from each one reached."""
    window = reach.WINDOW.total_seconds()
    members = set(seeds)
    frontier = set(members)
    queries = (
        f"SELECT b.seq FROM series_keys a JOIN series_keys b ON b.key = a.key WHERE a.seq IN {_IN}",
        f"SELECT b.seq FROM series a JOIN series b ON b.topic = a.topic WHERE a.seq IN {_IN} AND a.topic IS NOT NULL",
        (f"SELECT b.seq FROM series a JOIN series b ON b.sender = a.sender AND b.date BETWEEN a.date - {window}"
         f" AND a.date + {window} WHERE a.seq IN {_IN}"),
    )
    while frontier:
        given = json_list(frontier)
        found = {s for query in queries for (s,) in db.execute(query, (given,))}
        frontier = found - members
        members |= frontier
    return members


def _regroup(db: sqlite3.Connection, members: set[int], load: Load) -> None:
    """Group `members` (with every copy of their message-ids, which decide which copy counts)
    as a whole-archive pass would, and store their topics in place of the old ones."""
    given = json_list(members)
    copies = f"SELECT seq FROM messages WHERE msgid IN (SELECT msgid FROM messages WHERE seq IN {_IN})"
    loaded = load(s for (s,) in db.execute(copies, (given,)))
    found = grouping.topics(grouping.postings(list(loaded.values())))
    db.execute(f"DELETE FROM topics WHERE ordinal IN (SELECT topic FROM series WHERE seq IN {_IN})", (given,))
    db.execute(f"UPDATE series SET topic = NULL, pending = 0 WHERE seq IN {_IN}", (given,))
    row_of = {id(message): row for row, message in loaded.items()}
    placed: list[tuple[int | None, int]] = []
    for topic in found:
        data, named = codec.encode_topic(topic, lambda m: row_of[id(m)])
        cursor = db.execute(
            "INSERT INTO topics (key, date, data, rows) VALUES (?, ?, ?, ?)",
            (topic.key, topic.revisions[0].date.timestamp(), data, json_list(named)),
        )
        placed.extend((cursor.lastrowid, row) for row in named)
    db.executemany("UPDATE series SET topic = ? WHERE seq = ?", placed)
