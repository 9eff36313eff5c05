"""Topics kept in the index, brought up to date as messages arrive or leave.

The grouping (series/) is defined over the whole archive, and a whole-archive pass
costs the whole archive in time and memory. Here each message the grouping looks at
keeps, in `series` and `series_keys`, its sender, date, window kind, topic and the
keys of series/reach.py. An update marks what it adds (and what sat near what it
removes) as pending; `refresh` starts from the pending messages, follows the keys, the
sender's window (between the kinds of message that meet there) and the topics they are
in until nothing new is reached, and regroups those messages alone with the same
`grouping.postings` and `grouping.topics` that a whole-archive digest runs. What it
reaches is closed under every way the grouping joins messages, so its topics are the
ones a whole-archive pass gives, and the topics it does not reach are unchanged by the
new messages. The cost is that of the new messages and the topics they touch.
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
        "INSERT INTO series VALUES (?, ?, ?, ?, NULL, 1)",
        ((seq, r.series.sender, r.series.date, r.series.window) for seq, r in numbered if r.series),
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


def refresh(db: sqlite3.Connection, load: Load, spread: float | None = None) -> int | None:
    """Regroup what the pending messages reach; how many messages were regrouped.

    With `spread` (the calls a long update makes on its way), nothing is regrouped when the
    pending messages reach more than `spread` times their number, and the answer is None:
    they sit in one dense cluster (a flood of one sender's numbered patches) that a later call must
    take whole again, so it is regrouped once the update has more of it, or at its end."""
    seeds = [s for (s,) in db.execute("SELECT seq FROM series WHERE pending")]
    if not seeds:
        return 0
    members = reached(db, seeds)
    if spread is not None and len(members) > spread * len(seeds):
        return None
    _regroup(db, members, load)
    return len(members)


def reached(db: sqlite3.Connection, seeds: Iterable[int]) -> set[int]:
    """The series messages that `seeds` reach: through a shared key, the sender's window
    (to the kinds of message a seed's kind meets there, `reach.meets`), or a topic, and so on
    from each one reached.

    Linear in what is reached: each round asks for the frontier's keys, topics and senders'
    time spans first, and then for their messages once each, never for every pair. 20,000
    patches of one sender in an hour share one span: joining the frontier to it message by
    message gave 400 million rows (277 s to index them)."""
    members = set(seeds)
    frontier = set(members)
    keys_seen: set[str] = set()
    topics_seen: set[int] = set()
    while frontier:
        given = json_list(frontier)
        keys = {k for (k,) in db.execute(f"SELECT DISTINCT key FROM series_keys WHERE seq IN {_IN}", (given,))}
        topics = {t for (t,) in db.execute(f"SELECT DISTINCT topic FROM series WHERE topic IS NOT NULL AND seq IN {_IN}", (given,))}
        keys, topics = keys - keys_seen, topics - topics_seen
        keys_seen |= keys
        topics_seen |= topics
        found = {s for (s,) in db.execute(f"SELECT seq FROM series_keys WHERE key IN {_IN}", (json_list(keys),))}
        found |= {s for (s,) in db.execute(f"SELECT seq FROM series WHERE topic IN {_IN}", (json_list(topics),))}
        for kind in reach.Window:
            met = ", ".join(str(int(k)) for k in reach.meets(kind))
            if not met:
                continue
            spans = db.execute(f"SELECT sender, date FROM series WHERE seq IN {_IN} AND window = ? ORDER BY sender, date",
                               (given, kind))
            for sender, start, end in _spans(spans, reach.WINDOW.total_seconds()):
                found |= {s for (s,) in db.execute(
                    f"SELECT seq FROM series WHERE sender = ? AND window IN ({met}) AND date BETWEEN ? AND ?",
                    (sender, start, end))}
        frontier = found - members
        members |= frontier
    return members


def _spans(rows: Iterable[tuple[str, float]], window: float) -> list[tuple[str, float, float]]:
    """Each sender's times, sorted, as the fewest spans that hold every `date ± window`."""
    spans: list[tuple[str, float, float]] = []
    for sender, date in rows:
        if spans and spans[-1][0] == sender and date - window <= spans[-1][2]:
            spans[-1] = (sender, spans[-1][1], date + window)
        else:
            spans.append((sender, date - window, date + window))
    return spans


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
