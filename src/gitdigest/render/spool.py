"""The series of a digest that streamed them, kept in a temporary file until the report is written.

A whole archive's digest hands its series over as it makes them, a few topics at a time
and in no useful order (pipeline.stream); the report lists them newest first, after the
tables that only the last of them completes. Each series' parts (`parts(page)`: the JSON
report has one, the text report one for each place the series shows in it) go to a
temporary file as they come, and what is held of a series is its date, its key and
where its parts lie.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

from gitdigest.model import MessageText, Period, SeriesReport


@dataclass(frozen=True)
class Page:
    """One series of a digest that streams them (pipeline.stream), with what a report prints
    of it beyond the series itself. Kept here, not in model.py, which the index's fingerprint
    covers: a record only reports read changes no index."""

    report: SeriesReport
    period: Period
    """The digest's period as far as a series needs it (the list its links name)."""
    texts: Mapping[str, MessageText]
    """The texts of the messages the report prints in full (Request.texts), by message-id."""


_CODEC = ("utf-8", "surrogatepass")
"""Text from mail may hold what the mail's bytes did not decode to: it comes back as it went."""


class Spool:
    """Series' parts, `parts(page)` each, read back newest first (as `classify` orders them)."""

    def __init__(self) -> None:
        # Not a `with`: the file lives until the report has read it back (`close`, or the spool dropped).
        self.files = [tempfile.TemporaryFile()]  # noqa: SIM115
        self.where: list[tuple[datetime.datetime, str, int, tuple[int, ...], int]] = []
        """Each series' date, key, where its parts start and where each ends, and in which file."""
        self._at = 0

    def write(self, pages: Iterable[Page], parts: Callable[[Page], Sequence[str]]) -> None:
        """Add each page's series, `parts(page)`, to the spool's own file."""
        file = self.files[0]
        for page in pages:
            start, ends = self._at, []
            for part in parts(page):
                data = part.encode(*_CODEC)
                file.write(data)
                self._at += len(data)
                ends.append(self._at)
            self.where.append((page.report.revision.date, page.report.revision.key, start, tuple(ends), 0))
        file.flush()

    def join(self, other: Spool) -> None:
        """Take over the series of `other` (another process wrote them: `where` says where), and its files."""
        self.where.extend((date, key, start, ends, len(self.files) + file) for date, key, start, ends, file in other.where)
        self.files.extend(other.files)
        other.files = []

    @property
    def count(self) -> int:
        """How many series the spool holds."""
        return len(self.where)

    def texts(self, part: int = 0) -> Iterator[str]:
        """Each series' `part`, newest first."""
        return (text for _key, text in self.keyed(part))

    def keyed(self, part: int = 0) -> Iterator[tuple[str, str]]:
        """Each series' key and `part`, newest first."""
        for _date, key, start, ends, number in sorted(self.where, reverse=True):
            begin = ends[part - 1] if part else start
            file = self.files[number]
            file.seek(begin)
            yield key, file.read(ends[part] - begin).decode(*_CODEC)

    def close(self) -> None:
        """Drop the files (the spool reads nothing after)."""
        for file in self.files:
            file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()
