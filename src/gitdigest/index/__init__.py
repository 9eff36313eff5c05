"""The SQLite index: parsed messages, topics and tree patch-ids, kept between runs.

The only package that touches SQLite. One file per archive, under the XDG cache
(`digest.index` or `--index` move it), in WAL mode so that readers never wait
for the writer. The writer holds an `flock` on `<index>.lock` for a whole
update, and so two updates never interleave: the second finds the work done.

    schema.py   the tables, and where a stored record keeps what queries look at
    file.py     where the file lives, whether it can be trusted, the writer's lock
    store.py    the open index: updating it, and reading periods and messages
    caches.py   topics, tree-commit patch-ids and lore's answers, kept beside them
    incremental.py  topics brought up to date as messages arrive, never over the whole archive
    codec.py    Message and Topic records <-> stored rows, and the code fingerprint
    ingest.py   archive commits -> rows: what is new, parsed on every core
    corpus.py   what a digest reads: the period's messages, their topics, replies
    union.py    several lists' corpora as one, each message once by Message-ID
"""

from gitdigest.index.caches import LoreAnswers, Topics, TreePatchIds
from gitdigest.index.file import WriteLock, default_path, discard
from gitdigest.index.schema import APPLICATION_ID, SCHEMA_VERSION
from gitdigest.index.store import Index, Note, Progress, Rows, Update, open_index

__all__ = [
    "APPLICATION_ID", "SCHEMA_VERSION", "Index", "LoreAnswers", "Note", "Progress",
    "Rows", "Topics", "TreePatchIds", "Update", "WriteLock", "default_path", "discard", "open_index",
]
