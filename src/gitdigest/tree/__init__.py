"""Tree: the code tree's commits, and which posted patches they carry.

`codetree` reads the tree (ranges, commits, trailers, authors, patch-ids: the only
I/O here); `match` is pure: posted patches x `TreeCommit` records -> `Match`;
`maintainers` reads the tree's MAINTAINERS into sections, as get_maintainer.pl does.
"""
