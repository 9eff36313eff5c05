"""Mail: an archive's bytes -> `Message` records.

Takes a public-inbox archive, an mbox or a maildir; gives `RawMessage` (bytes, read
with pygit2: `archive`), then `Message` (parsed through b4, the one adapter that
imports it: `messages`), with stable patch-ids (`patchid`).
"""
