"""The errors a user can act on. Core code raises them; only the shells print them."""

from __future__ import annotations


class GitDigestError(Exception):
    """Something the user can fix; its message is one line that says what and where."""


class NotAnArchiveError(GitDigestError):
    """A path that holds no public-inbox archive."""


class RangeError(GitDigestError):
    """A revision range or a date that does not resolve."""


class EmptyPeriodError(GitDigestError):
    """A range or period that holds no messages."""


class GitError(GitDigestError):
    """A git command that failed where it should not."""
