"""`digest.*` settings from git config, read once into a frozen record."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

import git

from .errors import RangeError


@dataclass(frozen=True)
class Settings:
    """What git config says, with git's own include and scope rules."""

    archive: Path | None = None
    """`digest.archive`: where the list archive is when not given on the command line."""
    list_name: str = ""
    """`digest.listName`: the list's name for titles and lore links."""
    format: str = "text"
    """`digest.format`: the default output format."""


def load(cwd: Path) -> Settings:
    """Read `digest.*` as git would in `cwd` (repository, global and system config)."""
    values = _config(cwd)
    archive = values.get("digest.archive")
    return Settings(
        archive=Path(archive).expanduser() if archive else None,
        list_name=values.get("digest.listname", ""),
        format=values.get("digest.format", "text"),
    )


def _config(cwd: Path) -> dict[str, str]:
    try:
        out = git.Git(str(cwd)).config("--null", "--get-regexp", r"^digest\.")
    except git.GitCommandError:
        # Exit status 1 means no such keys; anything else is a broken config git reports itself.
        return {}
    values: dict[str, str] = {}
    for item in out.split("\0"):
        key, _, value = item.partition("\n")
        if key:
            values[key.lower()] = value
    return values


def parse_date(text: str) -> datetime.datetime:
    """An ISO date, or anything git's approxidate takes (`2 weeks ago`), as an aware datetime."""
    try:
        when = datetime.datetime.fromisoformat(text)
        return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        pass
    if text.startswith("-"):
        raise RangeError(f"{text!r}: not a date")
    out = git.Git().rev_parse(f"--since={text}")
    match = re.fullmatch(r"--max-age=(\d+)", out.strip())
    if not match:
        raise RangeError(f"{text!r}: not a date")
    return datetime.datetime.fromtimestamp(int(match.group(1)), tz=datetime.timezone.utc)


def cache_dir() -> Path:
    """gitdigest's own cache: `$XDG_CACHE_HOME/gitdigest`, else `~/.cache/gitdigest`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gitdigest"
