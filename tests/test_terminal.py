"""Terminal output like git's: colour by color.digest / color.ui / --color, and git's pager on a TTY."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from archives import build_v2, make_mail
from click.testing import CliRunner
from conftest import git
from hypothesis import given
from hypothesis import strategies as st

from gitdigest import cli
from gitdigest.render.color import paint, painting
from gitdigest.render.common import clean

ESC = "\x1b["


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    diff = "---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n a\n+b\n"
    return build_v2(tmp_path / "list", [make_mail("p@x", "[PATCH] a: add b", "Ann Dev <ann@dev.example>", body="B.\n" + diff)])


def report(archive: Path, *args: str) -> str:
    result = CliRunner().invoke(cli.digest_command, ["--archive", str(archive), *args, "HEAD"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("config,args,coloured", [
    ({}, (), False),  # not a terminal, no setting: git's auto
    ({}, ("--color",), True),  # a bare --color is always, as in git
    ({}, ("--color=always",), True),
    ({}, ("--color=auto",), False),
    ({"color.ui": "always"}, (), True),
    ({"color.ui": "always", "color.digest": "never"}, (), False),  # color.digest before color.ui
    ({"color.digest": "always"}, ("--color=never",), False),
    ({"color.digest": "always"}, ("--no-color",), False),
    ({"color.ui": "never"}, ("--color=always",), True),
])
def test_colour_follows_the_option_then_color_digest_then_color_ui(archive: Path, config: dict[str, str], args: tuple[str, ...], coloured: bool) -> None:
    for key, value in config.items():
        git("config", "--global", key, value)
    out = report(archive, *args)
    assert (ESC in out) is coloured
    if coloured:
        assert f"{ESC}32mnew{ESC}m" in out and "Ann Dev <ann@dev.example>" in clean(out)


def test_colour_is_for_the_text_report_only(archive: Path) -> None:
    for fmt in ("markdown", "json", "html"):
        assert ESC not in report(archive, "--format", fmt, "--color=always")


REPORT = (
    "From 2025-03-01 to 2025-03-08\nKVM digest\n\nTop 15 contributors (by patch author)\n\n      3  Ann\n\n"
    "===== Patch list in this time period =====\n\nnew         2025-03-03  v1    2/2   Ann: a: add\n"
    "superseded  2025-03-02  v1    1/1   Ann: b\n\n===== Patch Commit Messages ====\n\n"
    "New:  a: add  v1\n[PATCH 1/2] a: add\nTop 15 looks like a heading\n===== Patch list =====\n"
    "Exist: [PATCH v2] b\n Skip: [PATCH] b\n\nTop 15 reviewers (Reviewed-by)\n\n      1  Rev\n\n"
    "Series with no reply yet\n\n  2025-03-03  [PATCH 0/2] a: add\n\n3 messages, 2 series.\n"
)


@given(st.lists(st.integers(min_value=0, max_value=len(REPORT)), max_size=12))
def test_a_report_painted_in_pieces_is_painted_whole(cuts: list[int]) -> None:
    """A streamed report is painted as its pieces come (to the pager, a file): the same bytes,
    wherever the pieces end, even inside a line."""
    ends = [0, *sorted(cuts), len(REPORT)]
    pieces = [REPORT[a:b] for a, b in zip(ends, ends[1:])]
    whole = paint(REPORT)
    assert "".join(painting(pieces)) == whole
    # what the report's own lines get: headings bold, statuses and series words coloured, mail text never
    assert f"{ESC}1mTop 15 contributors (by patch author){ESC}m" in whole and f"{ESC}32mnew{ESC}m" in whole
    assert f"{ESC}31msuperseded{ESC}m" in whole and "\nTop 15 looks like a heading\n" in whole
    assert f"{ESC}1m{ESC}31m Skip:{ESC}m" in whole and f"{ESC}1mTop 15 reviewers (Reviewed-by){ESC}m" in whole


def run_on_a_tty(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run a command with stdout on a pseudo-terminal, as a user at a terminal would."""
    main, child = pty.openpty()
    proc = subprocess.Popen(args, stdout=child, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    os.close(child)
    out = b""
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(main)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return out.decode("utf-8", "replace")


@pytest.fixture
def fake_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that records what it was given and its LESS; and where it writes."""
    record = tmp_path / "paged"
    script = tmp_path / "pager.sh"
    script.write_text(f'#!/bin/sh\necho "LESS=$LESS" > {record}.env\ncat > {record}\necho PAGED\n')
    script.chmod(0o755)
    return str(script), record


def tty_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm", **extra}
    env.pop("LESS", None)
    return env


def test_a_terminal_pages_through_git_var_git_pager_with_less_frx(archive: Path, fake_pager: tuple[str, Path], tmp_path: Path) -> None:
    pager, record = fake_pager
    shown = run_on_a_tty([sys.executable, "-m", "gitdigest.cli", "--archive", str(archive), "HEAD"], tty_env(GIT_PAGER=pager), tmp_path)
    assert "PAGED" in shown
    assert "Ann Dev <ann@dev.example>" in clean(record.read_text())
    assert ESC in record.read_text()  # a terminal behind the pager: auto colour is on
    assert Path(f"{record}.env").read_text().strip() == "LESS=FRX"


def test_core_pager_and_a_users_less_are_respected(archive: Path, fake_pager: tuple[str, Path], tmp_path: Path) -> None:
    pager, record = fake_pager
    git("config", "--global", "core.pager", pager)
    run_on_a_tty([sys.executable, "-m", "gitdigest.cli", "--archive", str(archive), "HEAD"], {**tty_env(), "LESS": "R"}, tmp_path)
    assert Path(f"{record}.env").read_text().strip() == "LESS=R"


@pytest.mark.parametrize("how", ["--no-pager", "pager.digest=false", "GIT_PAGER=cat"])
def test_no_pager(archive: Path, fake_pager: tuple[str, Path], tmp_path: Path, how: str) -> None:
    pager, record = fake_pager
    args = [sys.executable, "-m", "gitdigest.cli", "--archive", str(archive), "HEAD"]
    env = tty_env(GIT_PAGER=pager)
    if how == "--no-pager":
        args.insert(3, how)
    elif how == "pager.digest=false":
        git("config", "--global", "pager.digest", "false")
    else:
        env["GIT_PAGER"] = "cat"
    shown = run_on_a_tty(args, env, tmp_path)
    assert "Ann Dev <ann@dev.example>" in clean(shown) and "PAGED" not in shown
    assert not record.exists()


def test_a_pipe_is_never_paged(archive: Path, fake_pager: tuple[str, Path], tmp_path: Path) -> None:
    pager, record = fake_pager
    result = subprocess.run([sys.executable, "-m", "gitdigest.cli", "--archive", str(archive), "HEAD"],
                            capture_output=True, text=True, env=tty_env(GIT_PAGER=pager), cwd=tmp_path)
    assert result.returncode == 0 and "Ann Dev" in result.stdout and ESC not in result.stdout
    assert not record.exists()


@pytest.mark.parametrize("raw,shown", [
    ("a\x1b[31mred\x1b[0m b", "ared b"),  # CSI
    ("t\x1b]0;evil title\x07x", "tx"),  # OSC ended by BEL
    ("t\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "tlink"),  # OSC 8 hyperlink ended by ST
    ("c1 \x9b31mred \x9d0;t\x9cz", "c1 red z"),  # 8-bit CSI and OSC
    ("dcs \x1bPq#0\x1b\\ ok", "dcs  ok"),
    ("g0 \x1b(0lqk\x1b(B", "g0 lqk"),
    ("bell\x07 cr\r bs\x08 del\x7f", "bell cr bs del"),
    ("keep\ttab\nand newline", "keep\ttab\nand newline"),
    ("unterminated \x1b]0;title\nnext", "unterminated \nnext"),
    ("Clément Léger — ok", "Clément Léger — ok"),
])
def test_clean_strips_terminal_control_sequences(raw: str, shown: str) -> None:
    assert clean(raw) == shown
