"""The `git digest` command: a thin click shell over the pipeline.

Only this module (and hook.py) turns errors into exit codes and messages.
"""

from __future__ import annotations

import enum
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from gitdigest import __version__, settings
from gitdigest.errors import GitDigestError
from gitdigest.mail import archive as archive_mod
from gitdigest.model import Format
from gitdigest.render import FORMATS, terminal
from gitdigest.render.common import clean

if TYPE_CHECKING:
    from gitdigest.series import select

# The pipeline (digest) and the renderers are imported by the commands that use them:
# the pre-push hook, run on every push, needs neither.


class Exit(enum.IntEnum):
    """The exit codes `git digest` uses."""

    OK = 0
    ERROR = 1
    USAGE = 2
    BLOCKED = 3
    """The pre-push hook refuses a push on its findings: the only status its stub passes on."""
    INTERNAL = 70


class Failure(click.ClickException):
    """A library error, shown as one line: `git-digest: error: ...`."""

    exit_code = Exit.ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"git-digest: error: {self.format_message()}", err=True, file=file)


class Refused(click.ClickException):
    """The pre-push hook's findings refuse the push (digest.hook.block)."""

    exit_code = Exit.BLOCKED

    def show(self, file: IO[Any] | None = None) -> None:
        _tell(f"git-digest: push refused: {self.format_message()}")


class Progress:
    """Progress on stderr when it is a terminal: rate and time left, on one line."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.start
        if not self.enabled or elapsed < 1.0:
            return
        rate = done / elapsed if elapsed else 0.0
        left = f", {(total - done) / rate:.0f} s left" if rate and total > done else ""
        click.echo(f"\r{stage}: {done}/{total} messages ({rate:.0f}/s{left})   ", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        """End the progress line so the next output starts clean."""
        if self.shown:
            click.echo("\r" + " " * 72 + "\r", err=True, nl=False)


class DigestGroup(click.Group):
    """`git digest A..B` runs the report; a known first word runs that subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["report", *_pathspecs(args, self.commands["report"])]
        # As in git, a bare `--color` means always, and WHEN is only ever given as `--color=WHEN`.
        args = ["--color=always" if arg == "--color" else arg for arg in args]
        return super().parse_args(ctx, args)


class ReportCommand(click.Command):
    """The report: its help ends with the other commands, so that `git digest -h` shows them all."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        group = ctx.parent.command if ctx.parent else None
        if isinstance(group, click.Group):
            rows = [(name, cmd.get_short_help_str(60)) for name, cmd in group.commands.items() if name != "report"]
            with formatter.section("Commands (git digest COMMAND -h)"):
                formatter.write_dl(rows)
        super().format_epilog(ctx, formatter)


@click.group(cls=DigestGroup, context_settings={"help_option_names": ["-h", "--help"]})
def digest_command() -> None:
    """Digest a mailing list's public-inbox archive."""


@digest_command.command(cls=ReportCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("range_", metavar="[A..B]", required=False)
@click.option("--archive", type=click.Path(path_type=Path), multiple=True, help="The public-inbox archive; more than once, one digest over several lists (default: digest.archive, else the current directory).")
@click.option("--since", help="Start of the period (a date, or git's '2 weeks ago'); 'last': where the previous digest of these archives and filters ended.")
@click.option("--until", help="End of the period (exclusive).")
@click.option("--mbox", type=click.Path(path_type=Path), help="Read an mbox file or maildir instead of an archive.")
@click.option("--tree", type=click.Path(path_type=Path), help="The code tree to find merged patches in (default: digest.tree; in a tree, A..B are its commits).")
@click.option("--tree-range", metavar="X..Y", help="Only these tree commits count as merged (default: what HEAD and digest.treeRefs reach).")
@click.option("--online/--offline", default=None, help="Fetch from lore what the archive lacks: the rest of a series, newer revisions; with no archive, the series of a tree's commits (default: digest.online, else offline).")
@click.option("--index", "index_path", type=click.Path(path_type=Path, dir_okay=False), help="The index file (default: digest.index, else one per archive under $XDG_CACHE_HOME/gitdigest).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default: text).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--list-name", default="", help="The list's name in titles (default: digest.listName, else from the archive).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), metavar="[=WHEN]", help="Colour the text report: auto (a terminal), always or never (default: color.digest, then color.ui).")
@click.option("--no-color", is_flag=True, help="Never colour (--color=never).")
@click.option("--no-pager", is_flag=True, help="Do not page the report through git's pager on a terminal.")
@click.option("--author", "authors", multiple=True, metavar="PATTERN", help="Keep the series whose author's name or address matches PATTERN (a regex, any case; repeatable).")
@click.option("--status", "statuses", multiple=True, metavar="S[,S...]", help="Keep the series of these statuses: new, revised, superseded, merged, partially-merged.")
@click.option("--maintainer", "sections", multiple=True, metavar="SECTION", help="Keep the series touching this MAINTAINERS section of the tree (repeatable; default: digest.maintainer).")
@click.option("--pathspec", "pathspecs", multiple=True, hidden=True, help="What `-- PATH...` gives.")
@click.option("-v", "--verbose", is_flag=True, help="Name each skipped message and why.")
@click.option("--traceback", "show_traceback", is_flag=True, help="Show a traceback on internal errors.")
@click.version_option(__version__, "--version", prog_name="git-digest")
def report(
    range_: str | None, archive: tuple[Path, ...], since: str | None, until: str | None, mbox: Path | None,
    tree: Path | None, tree_range: str | None, online: bool | None, index_path: Path | None, fmt: str | None,
    output: Path | None, list_name: str, color: str | None, no_color: bool, no_pager: bool,
    authors: tuple[str, ...], statuses: tuple[str, ...], sections: tuple[str, ...], pathspecs: tuple[str, ...],
    verbose: bool, show_traceback: bool,
) -> None:
    """Digest the patches posted to a mailing list between A and B.

    A..B are commits of the list's public-inbox archive; inside a code tree, with the
    archive named, they are tree commits and the report says what was merged.
    --since/--until take dates instead, and --mbox reads a mailbox. `-- PATH...` keeps
    the series whose patches touch those paths (git's pathspecs). `git digest --help`
    opens the manual.
    """
    try:
        config = settings.load(Path.cwd())  # a bad setting is named even before usage
    except (GitDigestError, OSError) as err:
        raise Failure(str(err)) from err
    if not (range_ or since or until or mbox):
        raise click.UsageError("give a range A..B, or --since/--until, or --mbox")
    from gitdigest import pipeline
    from gitdigest.render import pieces, spooler

    out_format = Format(fmt) if fmt else config.format
    progress = Progress(sys.stderr.isatty())
    try:
        tops = _archives(archive, config)
        request = pipeline.Request(
            archive=tops[0] if tops else None,
            archives=tops if len(tops) > 1 else (),
            since_last=since == "last",
            range=range_,
            since=settings.parse_date(since) if since and since != "last" else None,
            until=settings.parse_date(until) if until else None,
            mbox=mbox,
            list_name=list_name or config.list_name,
            cache=settings.cache_dir(),
            tree=tree or config.tree,
            tree_range=tree_range,
            tree_refs=config.tree_refs,
            workdir=Path.cwd(),
            max_message_size=config.max_message_size,
            index=index_path or config.index,
            mailmap=config.mailmap,
            orgmap=config.orgmap,
            tree_web=config.tree_web,
            online=config.lore if (config.online if online is None else online) else None,
            filter=_filter(pathspecs, sections or config.maintainers, authors, statuses, tree or config.tree),
            texts=out_format.prints_texts,
        )
        parts = spooler(out_format)
        if parts is not None:  # a whole archive's series are written as they are made, never held
            result, spooled = pipeline.stream(request, parts, progress, _note)
        else:
            result, spooled = pipeline.run(request, progress, _note), None
    except (GitDigestError, OSError, UnicodeError) as err:
        raise Failure(str(err)) from err
    finally:
        progress.close()
    for gap in result.period.gaps:
        click.echo(f"git-digest: warning: {gap}", err=True)
    if result.period.offline:
        click.echo(clean(f"git-digest: warning: {result.period.offline}"), err=True)
    if verbose:
        for skip in result.skipped:
            # A reason may quote the mail (an exception's text): no control sequence reaches the terminal.
            click.echo(clean(f"skipped {skip.blob[:12]} ({skip.commit[:12] or 'mbox'}): {skip.reason}"), err=True)
        for msg in result.left_out:
            click.echo(clean(f"left out <{msg.msgid}>: {msg.subject.full}: not a patch, cover letter or pull request"), err=True)
        for msg in result.cut:
            click.echo(clean(f"cut <{msg.msgid}>: {msg.cut}"), err=True)
    try:
        _show(pieces(result, out_format, spooled), out_format, output, "never" if no_color else color, not no_pager)
    except (GitDigestError, OSError) as err:
        raise Failure(str(err)) from err


@digest_command.command("show", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("asked", metavar="MSGID|LORE-URL|SUBJECT-WORDS", nargs=-1, required=True)
@click.option("--archive", type=click.Path(path_type=Path), help="The public-inbox archive (default: digest.archive, else the current directory).")
@click.option("--tree", type=click.Path(path_type=Path), help="The code tree to find the merged patches in (default: digest.tree).")
@click.option("--index", "index_path", type=click.Path(path_type=Path, dir_okay=False), help="The index file (default: digest.index).")
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "html", "json")), default=None, help="Output format (default: text).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the story to FILE instead of stdout.")
@click.option("--list-name", default="", help="The list's name in links (default: digest.listName, else from the archive).")
@click.option("--no-pager", is_flag=True, help="Do not page the story through git's pager on a terminal.")
def show_command(
    asked: tuple[str, ...], archive: Path | None, tree: Path | None, index_path: Path | None, fmt: str | None,
    output: Path | None, list_name: str, no_pager: bool,
) -> None:
    """One series' story: its revisions, what changed between them, who reviewed which, what landed."""
    from gitdigest import pipeline
    from gitdigest.render import story

    progress = Progress(sys.stderr.isatty())
    try:
        config = settings.load(Path.cwd())
        request = pipeline.Request(
            archive=_archive(archive, config),
            list_name=list_name or config.list_name,
            cache=settings.cache_dir(),
            tree=tree or config.tree,
            tree_refs=config.tree_refs,
            max_message_size=config.max_message_size,
            index=index_path or config.index,
            tree_web=config.tree_web,
        )
        told = pipeline.show(request, " ".join(asked), progress, _note)
    except (GitDigestError, OSError, UnicodeError) as err:
        raise Failure(str(err)) from err
    finally:
        progress.close()
    fmt = fmt or ("text" if config.format in (Format.SHORT, Format.TEXT) else config.format.value)
    try:
        _show(story.render(told, fmt), None, output, "never", not no_pager)
    except (GitDigestError, OSError) as err:
        raise Failure(str(err)) from err


@digest_command.command("maintainers", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("word", required=False, default="")
@click.option("--tree", type=click.Path(path_type=Path), help="The code tree whose MAINTAINERS to read (default: digest.tree, else the current directory).")
def maintainers_command(word: str, tree: Path | None) -> None:
    """List the MAINTAINERS sections whose name holds WORD, with their F:, X: and N: lines."""
    from gitdigest.tree import maintainers

    try:
        config = settings.load(Path.cwd())
        found = maintainers.find(maintainers.read(tree or config.tree or Path.cwd()), word)
    except (GitDigestError, OSError) as err:
        raise Failure(str(err)) from err
    if not found:
        raise Failure(f"no MAINTAINERS section's name holds {word!r}")
    for section in found:
        click.echo(clean(section.name))
        for kind, values in (("F", section.given_files), ("X", section.given_excludes), ("N", section.regexes)):
            for value in values:
                click.echo(clean(f"\t{kind}:\t{value}"))


@digest_command.command("index", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--archive", type=click.Path(path_type=Path), help="The public-inbox archive (default: digest.archive, else the current directory).")
@click.option("--index", "index_path", type=click.Path(path_type=Path, dir_okay=False), help="The index file (default: digest.index, else one per archive under $XDG_CACHE_HOME/gitdigest).")
def index_command(archive: Path | None, index_path: Path | None) -> None:
    """Bring the archive's index up to date: parse what is new since the last run."""
    from gitdigest import pipeline

    progress = Progress(sys.stderr.isatty())
    try:
        config = settings.load(Path.cwd())
        request = pipeline.Request(
            archive=_archive(archive, config),
            cache=settings.cache_dir(),
            max_message_size=config.max_message_size,
            index=index_path or config.index,
        )
        path, done = pipeline.update_index(request, progress, _note)
    except (GitDigestError, OSError, UnicodeError) as err:
        raise Failure(str(err)) from err
    finally:
        progress.close()
    click.echo(
        f"{path}: {done.added:,} messages added, {done.skipped:,} skipped, {done.dropped:,} dropped"
        f" in {done.seconds:.1f} s; {done.total:,} indexed"
    )


@digest_command.group("hook", context_settings={"help_option_names": ["-h", "--help"]})
def hook_group() -> None:
    """The pre-push hook: what a push sends, in mailing-list terms."""


@hook_group.command("install")
@click.option("--force", is_flag=True, help="Replace a pre-push hook that is not git-digest's.")
def hook_install(force: bool) -> None:
    """Install the pre-push hook where git looks for hooks (core.hooksPath, worktrees)."""
    from gitdigest.hook import prepush  # only the hook commands need it

    try:
        click.echo(f"installed {prepush.install(Path.cwd(), force)}")
    except (GitDigestError, OSError) as err:
        raise Failure(str(err)) from err


@hook_group.command("uninstall")
def hook_uninstall() -> None:
    """Remove the pre-push hook, if it is git-digest's."""
    from gitdigest.hook import prepush

    try:
        path = prepush.uninstall(Path.cwd())
    except (GitDigestError, OSError) as err:
        raise Failure(str(err)) from err
    click.echo(f"removed {path}" if path else "no pre-push hook to remove")


@hook_group.command("pre-push", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def hook_pre_push(args: tuple[str, ...]) -> None:
    """Run by git before a push (REMOTE URL, refs on stdin): summarise what it sends.

    Exits 3 only on findings that digest.hook.block or digest.hook.blockUnposted name;
    its own failures (a crash, digest.hook.timeout, an unwritable stderr) are at most a
    warning line, and it exits 0.
    """
    say = lambda text: _tell(clean(f"git-digest: {text}"))
    try:
        from gitdigest.hook import prepush

        outcome = prepush.pre_push(args, say)
        _tell(outcome.text, nl=False)
    except Exception as err:  # a broken hook never blocks a push
        say(f"warning: no pre-push summary: {type(err).__name__}: {err}; the push goes on")
        return
    if outcome.verdict:
        raise Refused(f"{outcome.reason}; `git push --no-verify` pushes anyway")


def _pathspecs(args: list[str], command: click.Command) -> list[str]:
    """`[A..B] -- PATH...` as git log has it: after `--` come pathspecs (`--pathspec PATH`).
    With no period before `--` (no range, --since, --until, --mbox), the first word after
    it is still the range, as `git digest -- A..B` always read it."""
    if "--" not in args:
        return args
    cut = args.index("--")
    before, after = args[:cut], args[cut + 1 :]
    if after and not _has_period(before, command):
        before, after = [*before, "--", after[0]], after[1:]
    return [*before, *(word for path in after for word in ("--pathspec", path))]


def _has_period(args: list[str], command: click.Command) -> bool:
    """The words before `--` give a range or a period option."""
    valued = {opt for p in command.params if isinstance(p, click.Option) and not p.is_flag for opt in p.opts}
    words = iter(args)
    for word in words:
        name = word.split("=", 1)[0]
        if name in ("--since", "--until", "--mbox"):
            return True
        if word in valued:
            next(words, None)
        elif not word.startswith("-"):
            return True
    return False


def _filter(
    paths: tuple[str, ...], names: tuple[str, ...], authors: tuple[str, ...], statuses: tuple[str, ...], tree: Path | None,
) -> select.Filter:
    """The series filter the options ask for; MAINTAINERS read from the tree only when a section is named."""
    from gitdigest.series import select
    from gitdigest.tree import maintainers

    sections = maintainers.named(maintainers.read(tree or Path.cwd()), names) if names else ()
    return select.make(paths, sections, authors, statuses)
def _tell(text: str, nl: bool = True) -> None:
    """Write to stderr for the hook; a closed or full stderr is no reason to fail."""
    try:
        click.echo(text, err=True, nl=nl, color=True)
        sys.stderr.flush()
    except (OSError, ValueError):
        # Python flushes stderr once more at exit and exits 120 if that fails: nothing more goes there.
        sys.stderr = None


def _note(text: str) -> None:
    """Tell the user something worth knowing that is not an error (an index rebuilt)."""
    click.echo(clean(f"git-digest: note: {text}"), err=True)


def _show(text: str | Iterable[str], fmt: Format | None, output: Path | None, color: str | None, pager: bool) -> None:
    """Write the report to FILE, or to stdout: on a terminal through git's pager, in colour as git decides.
    A report given in pieces is written piece by piece (to a file, a pipe or the pager)."""
    parts = (text,) if isinstance(text, str) else text
    cwd = Path.cwd()
    tty = output is None and sys.stdout.isatty()
    if fmt in (Format.TEXT, Format.SHORT) and terminal.color_wanted(color, cwd, tty):
        from gitdigest.render.color import painting

        parts = painting(parts)
    command = terminal.pager_command(cwd) if tty and pager else None
    if output:
        rest = iter(parts)
        # The first piece (JSON: every table) is made before the file is opened: a report
        # that cannot be made leaves FILE as it was.
        first = next(rest, "")
        with output.open("w", encoding="utf-8") as out:
            out.write(first)
            out.writelines(rest)
    elif command:
        terminal.page(parts, command)
    else:
        for part in parts:
            click.echo(part, nl=False, color=True)


def _archives(given: tuple[Path, ...], config: settings.Settings) -> tuple[Path, ...]:
    """Every --archive, else none when the current directory is an archive, else every digest.archive."""
    if given or archive_mod.is_archive(Path.cwd()):
        return given
    return config.archives


def _archive(given: Path | None, config: settings.Settings) -> Path | None:
    """--archive, else the current directory when it is an archive, else digest.archive."""
    if given is not None or archive_mod.is_archive(Path.cwd()):
        return given
    return config.archive


def main(argv: list[str] | None = None) -> int:
    """Run the command; map every error to one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    try:
        digest_command.main(args, prog_name="git digest", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        click.echo("git-digest: interrupted", err=True)
        return Exit.ERROR
    except click.UsageError as err:
        click.echo(f"git-digest: usage: {err.format_message()} (see git digest -h)", err=True)
        return Exit.USAGE
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except Exception as err:
        if "--traceback" in args:
            import traceback  # imported on the way out: every run would pay 10 ms for it

            traceback.print_exc()
        else:
            click.echo(f"git-digest: internal error: {type(err).__name__}: {err} (run with --traceback)", err=True)
        return Exit.INTERNAL
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
