"""The series of a digest that streamed them, kept in a temporary file until the report is written.

A whole archive's digest hands its series over as it makes them, a few topics at a time
and in no useful order (pipeline.stream); the report lists them newest first, after the
tables that only the last of them completes. Each series' text goes to a temporary file
as it comes, and what is held of it is its date, its key and where its text lies.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator

from gitdigest.model import SeriesReport


class Spool:
    """Series' texts, `text(report)` each, read back newest first (as `classify` orders them)."""

    def __init__(self, reports: Iterable[SeriesReport], text: Callable[[SeriesReport], str]) -> None:
        # Not a `with`: the file lives until `texts` has read it back (or the spool is dropped).
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.where: list[tuple[datetime.datetime, str, int, int]] = []
        at = 0
        for report in reports:
            data = text(report).encode()
            self.where.append((report.revision.date, report.revision.key, at, len(data)))
            self.file.write(data)
            at += len(data)

    def texts(self) -> Iterator[str]:
        """The texts, newest first; the file is closed after the last."""
        with self.file:
            self.file.flush()
            for _date, _key, at, size in sorted(self.where, reverse=True):
                self.file.seek(at)
                yield self.file.read(size).decode()
