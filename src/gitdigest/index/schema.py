"""The index's tables."""

from __future__ import annotations

import json
from collections.abc import Iterable


def json_list(values: Iterable[object]) -> str:
    """A list as SQLite's json_each reads it: one parameter however long the list."""
    return json.dumps(list(values))


SCHEMA_VERSION = 8
APPLICATION_ID = 0x67446967  # "gDig"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE epochs (epoch INTEGER PRIMARY KEY, last_commit TEXT NOT NULL);
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,      -- archive order within an epoch
    epoch INTEGER NOT NULL,
    commit_id TEXT NOT NULL,
    blob TEXT NOT NULL,
    time INTEGER NOT NULL,        -- the commit's author time: what --since/--until select
    msgid TEXT,                   -- NULL when skipped
    removed INTEGER NOT NULL,     -- a `d` commit: the message it names is gone
    skipped TEXT,                 -- why the message could not be used
    record TEXT,                  -- the Message as codec.encode writes it (fields in order)
    description TEXT,             -- the text a report prints for a patch or cover letter
    patch_id TEXT,                -- these three, of the record, for the look-ups (LOOKUPS)
    title TEXT,                   -- its subject's title in lower case
    via TEXT                      -- the list address of a munged From: (Message.via), else NULL
);
CREATE INDEX messages_msgid ON messages (msgid);
CREATE INDEX messages_removed ON messages (blob) WHERE removed;
CREATE INDEX messages_blob ON messages (blob);  -- read by updates: the rows a `d` commit removes
CREATE INDEX messages_via ON messages (via) WHERE via IS NOT NULL;  -- the list addresses seen munged
CREATE TABLE answers (target TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE topics (
    ordinal INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    date REAL NOT NULL,           -- its first revision's: topics are listed by (date, key)
    data TEXT NOT NULL,           -- as codec.encode_topic writes it
    rows TEXT NOT NULL            -- JSON: the message rows it names
);
CREATE INDEX topics_order ON topics (date, key);
CREATE TABLE series (             -- the messages the grouping looks at (series/reach.py)
    seq INTEGER PRIMARY KEY,
    sender TEXT NOT NULL,
    date REAL NOT NULL,           -- the Date header, as grouping compares them
    window INTEGER NOT NULL,      -- reach.Window: which of its sender's messages it meets by time
    topic INTEGER,                -- the topic it is in (NULL: none, a dropped duplicate)
    pending INTEGER NOT NULL      -- added (or touched) since the topics were last brought up to date
);
CREATE INDEX series_sender ON series (sender, window, date);
CREATE INDEX series_topic ON series (topic);
CREATE INDEX series_pending ON series (seq) WHERE pending;
CREATE TABLE series_keys (        -- a message's keys (reach.keys), each once: looked up both ways
    key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE INDEX series_keys_seq ON series_keys (seq);
CREATE TABLE contributions (      -- patches and cover letters: who was an author before a date
    email TEXT NOT NULL, time INTEGER NOT NULL, seq INTEGER NOT NULL
);
CREATE INDEX contributions_seq ON contributions (seq);
CREATE TABLE list_senders (       -- each munged From:'s list address and the real sender behind it
    via TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
    first INTEGER NOT NULL,       -- the first row it is on (senders.seen keeps a name's first address)
    rows INTEGER NOT NULL,        -- how many rows it is on: it goes with the last of them
    PRIMARY KEY (via, name, email)
) WITHOUT ROWID;
CREATE TABLE tree_patch_ids (
    commit_id TEXT NOT NULL, context INTEGER NOT NULL, patch_id TEXT,
    PRIMARY KEY (commit_id, context)
) WITHOUT ROWID;
CREATE TABLE touched (            -- the paths each patch's diff touches: what pathspecs select by
    msgid TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (msgid, path)
) WITHOUT ROWID;
CREATE TABLE last_digest (        -- where the previous digest of an archive and filter set ended (--since last)
    key TEXT PRIMARY KEY, seq INTEGER NOT NULL, time INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE lore_asked (         -- online mode: what lore was asked, and the message-ids it answered
    query TEXT PRIMARY KEY, time INTEGER NOT NULL, msgids TEXT NOT NULL
) WITHOUT ROWID;
"""

LOOKUPS = {
    "messages_epoch": "CREATE INDEX IF NOT EXISTS messages_epoch ON messages (epoch)",
    "messages_commit": "CREATE INDEX IF NOT EXISTS messages_commit ON messages (commit_id)",
    "messages_time": "CREATE INDEX IF NOT EXISTS messages_time ON messages (time)",
    "answers_target": "CREATE INDEX IF NOT EXISTS answers_target ON answers (target)",
    # A pushed commit is looked up by patch-id and title (in any case): columns the parser
    # fills (codec.Row). The title is lowered by Python, as the titles asked for are:
    # SQLite's lower() folds ASCII letters alone.
    "messages_patch_id": "CREATE INDEX IF NOT EXISTS messages_patch_id ON messages (patch_id)",
    "messages_title": "CREATE INDEX IF NOT EXISTS messages_title ON messages (title)",
    "contributions_email": "CREATE INDEX IF NOT EXISTS contributions_email ON contributions (email, time)",
}
"""The indexes that reports look up by and no update reads (`Index.build_lookups`). A new
index has none of them: its first update, which stores the whole archive, builds them at
its end, sorting each column once, instead of placing each new row at a random place in
each of them (at 502,425 messages, 141 and 139 s instead of 151 and 153 s). Every
update ends by building those that are missing, so an update killed half-way leaves them
to the next."""
