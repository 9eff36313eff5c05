"""Renderers: `render(digest) -> str` for each output format."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Digest
from . import html, json, markdown, text

FORMATS: dict[str, Callable[[Digest], str]] = {
    "text": text.render,
    "markdown": markdown.render,
    "html": html.render,
    "json": json.render,
}


def render(digest: Digest, fmt: str) -> str:
    """The digest in the named format."""
    return FORMATS[fmt](digest)
