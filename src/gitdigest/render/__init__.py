"""Renderers: `render(digest) -> str` for each output format.

Each format's module is imported when it is used: the pre-push hook, which renders
nothing, does not pay for jinja2 and the report's tables.
"""

from __future__ import annotations

import importlib

from gitdigest.model import Digest

FORMATS = ("html", "json", "markdown", "short", "text")
"""The formats, each a module of this package with its own `render(digest) -> str`."""


def render(digest: Digest, fmt: str) -> str:
    """The digest in the named format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return importlib.import_module(f"{__name__}.{fmt}").render(digest)
