"""The HTML report in a real browser: headless Chromium loads it offline and draws its charts.

The screenshot lands in tests/artifacts/report.png (gitignored), for a human to look at.
"""

from __future__ import annotations

import html.parser
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import git

from gitdigest import cli

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
CHARTS = ("chart-contributors", "chart-employers", "chart-status", "chart-coverage")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")


def browse(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with nothing that reaches the network or a desktop."""
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}",
    ]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=120)


class Figures(html.parser.HTMLParser):
    """The elements inside each chart figure of a DOM, by the figure's id."""

    def __init__(self) -> None:
        super().__init__()
        self.inside: list[str] = []
        self.depth = 0
        self.found: dict[str, list[str]] = {}
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        ident = dict(attrs).get("id") or ""
        if tag == "figure" and ident.startswith("chart-"):
            self.inside.append(ident)
            self.found[ident] = []
        elif self.inside:
            self.found[self.inside[-1]].append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self.inside:
            self.inside.pop()


def test_chromium_renders_the_charts_of_the_sample_report(kvm_archive: Path, tmp_path: Path) -> None:
    browser = chromium()
    git("config", "--global", "digest.orgmap", str(Path(__file__).parent / "data" / "kvm-sample" / "gitdm"))
    page = tmp_path / "report.html"
    result = CliRunner().invoke(cli.report, ["--archive", str(kvm_archive), "--list-name", "KVM", "--format", "html", "-o", str(page), "HEAD"])
    assert result.exit_code == 0, result.output

    dom = browse(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    figures = Figures()
    figures.feed(dom.stdout)
    assert figures.scripts == 0
    assert set(CHARTS) <= figures.found.keys()
    for chart in CHARTS:
        assert "svg" in figures.found[chart], chart
    assert figures.found["chart-contributors"].count("rect") == 10  # the top ten of sixteen
    assert figures.found["chart-status"].count("circle") >= 2  # the track and at least one status
    assert "Pierrick Bouvier" in dom.stdout and "Linaro" in dom.stdout

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    done = browse(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
