"""Series: messages -> postings -> topics -> one status per revision.

Takes `Message` records; gives the postings that were sent together (`postings`),
the revisions linked into topics (`topics`, driven by `grouping`), and the status of
each revision posted in a period (`classify`); which series a maintainer keeps
(`select`, with git's pathspecs in `pathspec`); one topic's story for `git digest
show` (`story`). Pure: no I/O.
"""
