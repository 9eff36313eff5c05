"""The sample period rebuilt as an archive: the report's tables equal the user's sample.

`tests/data/kvm-sample/` reconstructs the period of `../shared/seed/kvm-update-sample.txt`;
its domain and contributor tables must give the sample's numbers, in text and JSON alike.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import git

from gitdigest import cli

GOLDEN = Path(__file__).parent / "golden"

SAMPLE_DOMAINS = [
    ("linaro.org", 39), ("intel.com", 23), ("amd.com", 9), ("daynix.com", 7), ("rivosinc.com", 7),
    ("redhat.com", 3), ("kernel.org", 2), ("linux.dev", 2), ("google.com", 1), ("linux.intel.com", 1),
]
SAMPLE_CONTRIBUTORS = [
    ("Pierrick Bouvier", "pierrick.bouvier@linaro.org", 24),
    ("Philippe Mathieu-Daudé", "philmd@linaro.org", 15),
    ("Ashish Kalra", "ashish.kalra@amd.com", 9),
    ("Akihiko Odaki", "akihiko.odaki@daynix.com", 7),
    ("Clément Léger", "cleger@rivosinc.com", 7),
    ("Yang Weijiang", "weijiang.yang@intel.com", 7),
    ("Isaku Yamahata", "isaku.yamahata@intel.com", 5),
    ("Chao Gao", "chao.gao@intel.com", 4),
    ("Vivek Kasireddy", "vivek.kasireddy@intel.com", 4),
    ("Paolo Bonzini", "pbonzini@redhat.com", 3),
    ("Adrian Hunter", "adrian.hunter@intel.com", 2),
    ("Andrew Jones", "andrew.jones@linux.dev", 2),
    ("Mauro Carvalho Chehab", "mchehab+huawei@kernel.org", 2),
    ("Binbin Wu", "binbin.wu@linux.intel.com", 1),
    ("Kai Huang", "kai.huang@intel.com", 1),
    ("Sean Christopherson", "seanjc@google.com", 1),
]


def report(archive: Path, fmt: str) -> str:
    result = CliRunner().invoke(cli.report, ["--archive", str(archive), "--list-name", "KVM", "--format", fmt, "HEAD"])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def text_table(text: str, heading: str) -> list[tuple[int, str]]:
    """The rows under a heading of the text report, as (count, rest)."""
    block = text.split(heading, 1)[1].split("\n\n", 2)[1]
    return [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^\s+(\d+)\s+(.+)$", block, re.M)]


def test_json_tables_equal_the_sample(kvm_archive: Path) -> None:
    data = json.loads(report(kvm_archive, "json"))
    assert [(d["domain"], d["count"]) for d in data["domains"]] == SAMPLE_DOMAINS
    assert [(c["name"], c["email"], c["count"]) for c in data["contributors"]] == SAMPLE_CONTRIBUTORS


def test_text_tables_equal_the_sample_with_the_tie_at_the_cut_off(kvm_archive: Path) -> None:
    text = report(kvm_archive, "text")
    assert text_table(text, "Top 15 contributor email domains") == [(c, d) for d, c in SAMPLE_DOMAINS]
    # Sixteen rows: the 15th place is a three-way tie at 1, and nobody at 1 disappears.
    assert text_table(text, "Top 15 contributors (") == [(c, f"{n} <{e}>") for n, e, c in SAMPLE_CONTRIBUTORS]


def test_review_replies_count_as_reviews_not_contributions(kvm_archive: Path, kvm_messages: list[bytes]) -> None:
    data = json.loads(report(kvm_archive, "json"))
    expected = json.loads((Path(__file__).parent / "data" / "kvm-sample" / "expected.json").read_text())
    assert sorted((r["name"], r["email"], r["count"]) for r in data["reviewers"]) == sorted(tuple(r) for r in expected["reviewers"])
    assert sum(c["count"] for c in data["contributors"]) == 94 < data["messages"]


def test_patch_list_is_filled_and_commit_messages_cover_every_patch(kvm_archive: Path) -> None:
    text = report(kvm_archive, "text")
    patch_list = text.split("===== Patch list in this time period =====", 1)[1].split("=====", 1)[0]
    assert len([line for line in patch_list.splitlines() if line.strip()]) >= 12
    assert "[PATCH v4 0/7] hw/hyperv: remove duplication compilation units" in text
    for n in range(1, 8):
        assert f"[PATCH v4 {n}/7]" in text
    assert "Exist: [PATCH v4 0/7]" in text and " Skip: [PATCH v3 0/7]" in text and " Skip: [PATCH v2 0/7]" in text


@pytest.mark.parametrize("fmt,suffix", [("text", "txt"), ("markdown", "md"), ("html", "html"), ("json", "json")])
def test_golden(kvm_archive: Path, fmt: str, suffix: str, update_golden: bool) -> None:
    # The sample's own employer map, in QEMU's gitdm format: Markdown and HTML show employers.
    git("config", "--global", "digest.orgmap", str(Path(__file__).parent / "data" / "kvm-sample" / "gitdm"))
    golden = GOLDEN / f"kvm-sample.{suffix}"
    output = report(kvm_archive, fmt)
    if update_golden:
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden once, and review it"
    assert output == golden.read_text(encoding="utf-8")
