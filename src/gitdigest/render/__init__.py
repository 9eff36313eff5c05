"""Renderers: `render(digest) -> str` for each output format.

Each format's module is imported when it is used: the pre-push hook, which renders
nothing, does not pay for jinja2 and the report's tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from gitdigest.model import Digest, Format
from gitdigest.render.spool import Page, Spool

FORMATS = tuple(sorted(f.value for f in Format))
"""The formats' names, each a module of this package with its own `render(digest) -> str`."""


def render(digest: Digest, fmt: Format | str) -> str:
    """The digest in the given format (a `Format`, or its name)."""
    return importlib.import_module(f"{__name__}.{Format(fmt).value}").render(digest)


def pieces(digest: Digest, fmt: Format | str, spooled: Spool | None = None) -> Iterable[str]:
    """The same text in pieces, written as they come: a format that can be made one series at a
    time (JSON, text) has `chunks(digest, spooled)`; the others come whole. `spooled`: the
    series of a digest that streamed them (see `spooler`), dropped once the last piece is made."""
    module = importlib.import_module(f"{__name__}.{Format(fmt).value}")
    chunks = getattr(module, "chunks", None)
    if chunks is None:
        return (module.render(digest),)
    if spooled is None:
        return chunks(digest)
    return _closing(chunks(digest, spooled), spooled)


def _closing(made: Iterable[str], spooled: Spool) -> Iterator[str]:
    with spooled:
        yield from made


def spooler(fmt: Format | str) -> Callable[[Page], Sequence[str]] | None:
    """How a format that writes its series one at a time writes one (`series_parts`), for the
    spool that keeps them while a digest streams them (pipeline.stream); None for a format
    that needs them all at once."""
    parts: Callable[[Page], Sequence[str]] | None = getattr(importlib.import_module(f"{__name__}.{Format(fmt).value}"), "series_parts", None)
    return parts
