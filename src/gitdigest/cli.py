"""The `git digest` command: a thin click shell over the pipeline.

Only this module (and hook.py) turns errors into exit codes and messages.
"""

from __future__ import annotations

import enum
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__, digest, settings
from .errors import GitDigestError
from .render import FORMATS, render


class Exit(enum.IntEnum):
    """The exit codes `git digest` uses."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERNAL = 70


class Failure(click.ClickException):
    """A library error, shown as one line: `git-digest: error: ...`."""

    exit_code = Exit.ERROR

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"git-digest: error: {self.format_message()}", err=True, file=file)


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
            args = ["report", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DigestGroup, context_settings={"help_option_names": ["-h", "--help"]})
def digest_command() -> None:
    """Digest a mailing list's public-inbox archive."""


@digest_command.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("range_", metavar="[A..B]", required=False)
@click.option("--archive", type=click.Path(path_type=Path), help="The public-inbox archive (default: digest.archive, else the current directory).")
@click.option("--since", help="Start of the period (a date, or git's '2 weeks ago').")
@click.option("--until", help="End of the period (exclusive).")
@click.option("--mbox", type=click.Path(path_type=Path), help="Read an mbox file or maildir instead of an archive.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None, help="Output format (default: text).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--list-name", default="", help="The list's name in titles (default: digest.listName, else from the archive).")
@click.option("-v", "--verbose", is_flag=True, help="Name each skipped message and why.")
@click.option("--traceback", "show_traceback", is_flag=True, help="Show a traceback on internal errors.")
@click.version_option(__version__, "--version", prog_name="git-digest")
def report(range_, archive, since, until, mbox, fmt, output, list_name, verbose, show_traceback) -> None:
    """Digest the patches posted to a mailing list between A and B.

    A..B are commits of the list's public-inbox archive; --since/--until take dates
    instead, and --mbox reads a mailbox. `git digest --help` opens the manual.
    """
    config = settings.load(Path.cwd())
    if not (range_ or since or until or mbox):
        raise click.UsageError("give a range A..B, or --since/--until, or --mbox")
    progress = Progress(sys.stderr.isatty())
    try:
        request = digest.Request(
            archive=archive or config.archive,
            range=range_,
            since=settings.parse_date(since) if since else None,
            until=settings.parse_date(until) if until else None,
            mbox=mbox,
            list_name=list_name or config.list_name,
            cache=settings.cache_dir(),
        )
        result = digest.run(request, progress)
    except (GitDigestError, OSError, UnicodeError) as err:
        raise Failure(str(err)) from err
    finally:
        progress.close()
    if verbose:
        for skip in result.skipped:
            click.echo(f"skipped {skip.blob[:12]} ({skip.commit[:12] or 'mbox'}): {skip.reason}", err=True)
    _write(render(result, fmt or config.format), output)


def _write(text: str, output: Path | None) -> None:
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


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
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if "--traceback" in args:
            traceback.print_exc()
        else:
            click.echo(f"git-digest: internal error: {type(err).__name__}: {err} (run with --traceback)", err=True)
        return Exit.INTERNAL
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
