"""The pre-push hook: what a push sends, in mailing-list terms. A thin shell, like cli.py.

`git push` runs `hooks/pre-push`, a few lines of sh that exec `git-digest hook pre-push`
with the remote's name and URL, and the refs on stdin. This reads those lines once,
finds the commits the remote lacks, matches them against the list archive
(`digest.archive`) through its index, and prints a summary on stderr. It blocks a push
only on findings, and only when `digest.hook.block` (or `digest.hook.blockUnposted`) is
true: its own failures print one warning line and let the push go.
"""

from __future__ import annotations

import contextlib
import enum
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import git
import pygit2

from gitdigest import pipeline, settings
from gitdigest.errors import GitDigestError
from gitdigest.hook import push
from gitdigest.hook.stub import MARKER, STUB
from gitdigest.model import Span
from gitdigest.render import summary, terminal
from gitdigest.tree import codetree, provenance

LIMIT = 500
"""The newest commits of a push that are looked at; a first push of a whole tree has more."""
CHAIN = (
    "to run both, call git-digest from your hook with the same stdin, for example:\n"
    '    refs=$(cat); printf "%s\\n" "$refs" | git-digest hook pre-push "$@" || exit 1\n'
    '  and give "$refs" to the rest of your hook; or use the pre-commit framework'
    " (.pre-commit-hooks.yaml, stages: [pre-push])"
)


class Verdict(enum.IntEnum):
    """The hook's exit codes. Git refuses a push on any other than 0, so the installed
    stub turns every status but BLOCK into 0: a crash (1), a signal, a missing program."""

    PASS = 0
    BLOCK = 3


class HookError(GitDigestError):
    """`hook install` or `hook uninstall` cannot do what was asked."""


class OverBudget(GitDigestError):
    """The hook ran longer than digest.hook.timeout."""


@dataclass(frozen=True)
class Outcome:
    """What the hook found and decided."""

    verdict: Verdict
    text: str
    """The summary for stderr ('' when there is nothing to say)."""
    reason: str = ""
    """Why the push is refused, when it is."""


Say = Callable[[str], None]
"""Prints one line to stderr: `warning: ...` or `note: ...`."""


def pre_push(args: Sequence[str], say: Say, stdin_text: str | None = None) -> Outcome:
    """The whole hook over what git gave it (stdin is read here unless given); any
    failure of its own is one warning line and a pass."""
    try:
        # Under the pre-commit framework, pre-commit has read git's lines already.
        given = push.from_pre_commit(os.environ)
        if given is None:
            given = push.parse(read_stdin() if stdin_text is None else stdin_text)
        return _run(args, given, say)
    except (GitDigestError, OSError, UnicodeError, git.GitError, pygit2.GitError) as err:
        # pygit2: for one, a SHA-256 repository that this libgit2 cannot open.
        say(f"warning: no pre-push summary: {err}; the push goes on")
    except Exception as err:
        say(f"warning: no pre-push summary: internal error: {type(err).__name__}: {err}; the push goes on")
    return Outcome(Verdict.PASS, "")


def read_stdin() -> str:
    """Git's lines, read once; stdin is then /dev/null, so no child process can read it.
    A terminal is not read (a hand-run `hook pre-push` with no lines has nothing to do)."""
    tty = sys.stdin is None or sys.stdin.isatty()
    data = b"" if tty else sys.stdin.buffer.read()
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(devnull, 0)
    finally:
        os.close(devnull)
    return data.decode("utf-8", "surrogateescape")


def _run(args: Sequence[str], given: push.Push, say: Say) -> Outcome:
    for line in given.unreadable:
        say(f"warning: not a pre-push line, ignored: {line[:80]!r}")
    remote = args[0] if args else os.environ.get("PRE_COMMIT_REMOTE_NAME", "")
    updates = [u for u in given.updates if not u.deletes]
    if not updates:
        return Outcome(Verdict.PASS, "")
    cwd = _repository_dir()
    config = settings.load(cwd)
    with _budget(config.hook_timeout):
        return _summarise(cwd, config, remote, updates, say)


def _repository_dir() -> Path:
    """Where the pushing repository is: `GIT_DIR` when git was given one (`git --git-dir=...
    push` or GIT_DIR run from elsewhere, where the current directory is no repository),
    else the current directory."""
    gitdir = os.environ.get("GIT_DIR")
    return (Path.cwd() / gitdir).resolve() if gitdir else Path.cwd()


@contextlib.contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget in this (main) thread after `seconds`; the stub's watchdog stops
    the process a little later in case it is stuck where Python cannot stop it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def over(_signum: int, _frame: object) -> None:
        raise OverBudget(f"over digest.hook.timeout ({seconds:g} s)")

    previous = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _summarise(cwd: Path, config: settings.Settings, remote: str, updates: Sequence[push.RefUpdate], say: Say) -> Outcome:
    """The summary of what `updates` send, and the verdict on it."""
    if config.archive is None and not config.online:
        say("warning: no pre-push summary: digest.archive is not set (git config digest.archive PATH)")
        return Outcome(Verdict.PASS, "")
    code = codetree.open_tree(cwd)
    refs, spans = _refs(code, remote, updates)
    ids, more = codetree.sent(code, spans, LIMIT)
    if not ids:
        return Outcome(Verdict.PASS, "")
    found = pipeline.trace_push(code, config, ids, say)
    if found is None:
        return Outcome(Verdict.PASS, "")
    width, color = _terminal(cwd)
    text = summary.render(summary.Target(remote, refs, len(ids), more), found, width, color)
    return _verdict(config, found, text)


def _refs(code: codetree.CodeTree, remote: str, updates: Sequence[push.RefUpdate]) -> tuple[tuple[str, ...], list[Span]]:
    """The refs as the summary names them, and the commits each sends."""
    remotes = codetree.remote_names(code)
    spans, refs = [], []
    for update in updates:
        if not codetree.has_commit(code, update.local_oid):
            continue  # a tag of a tree or a blob: no commits
        known = not update.creates and codetree.has_commit(code, update.remote_oid)
        spans.append(push.span(update, remote, remotes, known))
        refs.append(update.name + _state(code, update, known))
    return tuple(refs), spans


def _state(code: codetree.CodeTree, update: push.RefUpdate, known: bool) -> str:
    if update.creates:
        return f" (new {update.kind.value})"
    if known and codetree.rewrites(code, update.remote_oid, update.local_oid):
        return " (forced)"
    return ""


def _verdict(config: settings.Settings, found: provenance.Provenance, text: str) -> Outcome:
    """Refuse the push only on findings, and only when the settings say so."""
    stale = sum(len(s.origins) for s in found.superseded)
    if config.hook_block and stale:
        reason = f"{stale} commit{'s' * (stale != 1)} come from a superseded revision (digest.hook.block)"
        return Outcome(Verdict.BLOCK, text, reason)
    if config.hook_block_unposted and found.unposted:
        count = len(found.unposted)
        reason = f"{count} commit{'s' * (count != 1)} never posted to the list (digest.hook.blockUnposted)"
        return Outcome(Verdict.BLOCK, text, reason)
    return Outcome(Verdict.PASS, text)


def _terminal(cwd: Path) -> tuple[int | None, bool]:
    """The width to cut lines to and whether to colour: stderr is what the user sees."""
    tty = sys.stderr.isatty()
    color = terminal.color_wanted(None, cwd, tty)
    if not tty:
        columns = os.environ.get("COLUMNS", "")
        return (int(columns) if columns.isdigit() and int(columns) > 20 else None), color
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns, color
    except OSError:
        return 80, color


def hooks_dir(cwd: Path) -> Path:
    """Where git looks for hooks: `git rev-parse --git-path hooks` (core.hooksPath, worktrees)."""
    try:
        repo = git.Repo(cwd, search_parent_directories=True)
        where = repo.git.rev_parse("--git-path", "hooks")
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError) as err:
        raise HookError(f"{cwd}: not in a git repository") from err
    # git prints the path relative to where it ran: the top of the work tree, or the git dir.
    base = Path(repo.working_tree_dir or repo.git_dir)
    return (base / Path(where).expanduser()).resolve()


def install(cwd: Path, force: bool = False) -> Path:
    """Write the pre-push hook; another program's hook is left alone unless `force`."""
    path = hooks_dir(cwd) / "pre-push"
    if path.exists() and not force and not _ours(path):
        raise HookError(f"{path} exists and is not git-digest's; --force replaces it, or {CHAIN}")
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(".pre-push.git-digest")
    scratch.write_text(STUB, encoding="utf-8")
    scratch.chmod(0o755)
    scratch.replace(path)
    return path


def uninstall(cwd: Path) -> Path | None:
    """Remove the pre-push hook if it is git-digest's; None when there is none."""
    path = hooks_dir(cwd) / "pre-push"
    if not path.exists():
        return None
    if not _ours(path):
        raise HookError(f"{path} is not git-digest's pre-push hook; left as it is")
    path.unlink()
    return path


def _ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
