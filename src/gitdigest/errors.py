"""The errors a user can act on. Core code raises them; only the shells print them."""

from __future__ import annotations


class GitDigestError(Exception):
    """Something the user can fix; its message is one line that says what and where."""


class NotAnArchiveError(GitDigestError):
    """A path that holds no public-inbox archive."""


class NotATreeError(GitDigestError):
    """A path that holds no git repository to look for merged patches in."""


class RangeError(GitDigestError):
    """A revision range or a date that does not resolve."""


class EmptyPeriodError(GitDigestError):
    """A range or period that holds no messages."""


class GitError(GitDigestError):
    """A git command that failed where it should not."""

    @classmethod
    def failed(cls, what: str, stderr: str, status: object) -> GitError:
        """`<what> failed: <git's own last line>`, or its exit status when it said nothing."""
        lines = stderr.strip().splitlines()
        return cls(f"{what} failed: {lines[-1] if lines else f'exit code {status}'}")


class ConfigError(GitDigestError):
    """A `digest.*` setting that cannot be used as it is written."""


class IndexBusyError(GitDigestError):
    """Another process holds the index's writer lock, and the caller would not wait for it."""


class DamagedIndexError(GitDigestError):
    """The index file broke while in use; removing it makes the next run rebuild it."""


class NoSpaceError(GitDigestError):
    """The disk that holds the index is full: the user frees space or puts the index elsewhere."""


class IndexPathError(GitDigestError):
    """An index path that holds something not gitdigest's: it is never replaced."""
