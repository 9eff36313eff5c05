"""Series: messages -> postings -> topics -> one status per revision.

Takes `Message` records; gives the postings that were sent together (`postings`),
the revisions linked into topics (`topics`, driven by `grouping`), and the status of
each revision posted in a period (`classify`). Pure: no I/O.
"""
