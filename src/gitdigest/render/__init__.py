"""Renderers: `render(digest) -> str` for each output format.

Each format's module is imported when it is used: the pre-push hook, which renders
nothing, does not pay for jinja2 and the report's tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from gitdigest.model import Digest, Format

FORMATS = tuple(sorted(f.value for f in Format))
"""The formats' names, each a module of this package with its own `render(digest) -> str`."""


def render(digest: Digest, fmt: Format | str) -> str:
    """The digest in the given format (a `Format`, or its name)."""
    return importlib.import_module(f"{__name__}.{Format(fmt).value}").render(digest)


def pieces(digest: Digest, fmt: Format | str) -> Iterable[str]:
    """The same text in pieces, written as they come: a format that can be made one series at a
    time (JSON) has `chunks(digest)`; the others come whole."""
    module = importlib.import_module(f"{__name__}.{Format(fmt).value}")
    chunks = getattr(module, "chunks", None)
    return chunks(digest) if chunks is not None else (module.render(digest),)
