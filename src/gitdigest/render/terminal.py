"""Terminal output the way git does it: its pager, its colour rules.

The shell (cli.py) asks here whether to colour and which pager to start, and hands the
report to `page`. Git's own rules decide, through git itself: `git var GIT_PAGER`
(GIT_PAGER, core.pager, PAGER, then less), `pager.digest`, and `git config
--get-colorbool` (color.digest, then color.ui; `auto` colours a terminal or git's pager).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

import git

from gitdigest.errors import GitDigestError

# What git's pager.c puts in the pager's environment, unless the user set it (PAGER_ENV).
PAGER_ENV = {"LESS": "FRX", "LV": "-c"}
_FALSE = {"false", "no", "off", "0"}
_TRUE = {"true", "yes", "on", "1", ""}
_SHELL_CHARS = set("|&;<>()$`\\\"' \t\n*?[#~=%")  # git's run-command.c


def color_wanted(choice: str | None, cwd: Path, tty: bool) -> bool:
    """`--color=always|never` decide; `auto` and no choice follow git's colour rules."""
    if choice in ("always", "never"):
        return choice == "always"
    # `-c color.digest=auto` makes --color=auto win over the config, as in git.
    override = ["-c", "color.digest=auto"] if choice == "auto" else []
    try:
        out = git.Git(str(cwd)).execute(
            ["git", *override, "config", "--get-colorbool", "color.digest", "true" if tty else "false"]
        )
    except git.GitCommandError:
        return False  # a config git cannot read: no colour, and git reports the config itself
    return str(out).strip() == "true"


def pager_command(cwd: Path) -> str | None:
    """The pager git would start for `git digest`, or None for none (`cat`, `pager.digest=false`)."""
    runner = git.Git(str(cwd))
    try:
        configured = str(runner.config("--get", "pager.digest")).strip()
    except git.GitCommandError:
        configured = None  # unset: git's default is to page
    if configured is not None and configured.lower() in _FALSE:
        return None
    if configured is not None and configured.lower() not in _TRUE:
        return configured
    try:
        command = str(runner.var("GIT_PAGER")).strip()
    except git.GitCommandError:
        return None
    return None if command in ("", "cat") else command


def page(text: str | Iterable[str], command: str) -> None:
    """Show `text` (or its pieces, written as they come) through the pager as git starts one,
    with LESS=FRX unless LESS is set."""
    env = {**PAGER_ENV, **os.environ}
    env["GIT_PAGER_IN_USE"] = "true"
    # git's run-command: a command with shell metacharacters (`less -R`) runs through
    # `sh -c`, as core.pager's documentation says; a bare program name runs directly.
    argv = ["sh", "-c", command] if any(c in _SHELL_CHARS for c in command) else [command]
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError as err:
        raise GitDigestError(f"cannot start the pager {command!r}: {err.strerror or err}") from err
    stdin = pager.stdin
    assert stdin is not None
    try:
        for piece in (text,) if isinstance(text, str) else text:
            stdin.write(piece.encode("utf-8", "replace"))
    except BrokenPipeError:
        pass  # the user quit the pager before the end: not an error (nothing more is made)
    with contextlib.suppress(BrokenPipeError):
        stdin.close()
    while True:
        try:
            pager.wait()
            return
        except KeyboardInterrupt:
            continue  # ^C reaches the pager too; it decides when to end, as under git
