"""The package's layout, as a rule over its imports: dependencies point down the pipeline.

Read from the source with `ast`, so the rule holds for imports inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "gitdigest"

LAYERS = {
    "gitdigest": 0,  # the package's own __init__: its version
    "gitdigest.errors": 0,
    "gitdigest.model": 0,
    "gitdigest.settings": 1,
    "gitdigest.mail": 2,
    "gitdigest.series": 3,
    "gitdigest.people": 3,
    "gitdigest.tree": 4,
    "gitdigest.index": 5,
    "gitdigest.online": 6,
    "gitdigest.render": 7,
    "gitdigest.streaming": 8,
    "gitdigest.pipeline": 9,
    "gitdigest.hook": 10,
    "gitdigest.cli": 11,
}
"""Each module's room, lowest first: a module imports only from its own package and the rooms below."""

SHELLS = {"gitdigest.cli", "gitdigest.hook.prepush"}
"""The modules that choose exit codes and print: nothing imports them but the CLI."""

STORE = ("gitdigest.index.store", "gitdigest.index.schema", "gitdigest.index.file", "gitdigest.index.caches", "gitdigest.index.codec")
PARSERS = {"gitdigest.mail.messages", "gitdigest.mail.parsing", "gitdigest.mail.patchid", "gitdigest.index.ingest"}
"""The index stores, it does not parse: `index.ingest` drives the parser and the store."""

PURE = (
    "gitdigest.series", "gitdigest.people.stats", "gitdigest.people.reviews", "gitdigest.people.tally", "gitdigest.tree.match",
    "gitdigest.tree.provenance", "gitdigest.online.queries", "gitdigest.hook.push", "gitdigest.index.codec",
    "gitdigest.render.common", "gitdigest.render.text", "gitdigest.render.markdown", "gitdigest.render.json",
    "gitdigest.render.tables", "gitdigest.render.summary", "gitdigest.render.color", "gitdigest.render.links",
)
IO = {"subprocess", "sqlite3", "pygit2", "git", "socket", "liblore", "urllib.request", "http", "multiprocessing", "fcntl", "shutil", "tempfile"}
"""Modules that reach files, processes or the network: pure stages import none of them."""


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(("gitdigest", *parts)).removesuffix(".__init__")
        out[name] = path
    return out


def imports(path: Path) -> tuple[set[str], set[str]]:
    """The gitdigest modules and the other modules a file imports (`from gitdigest import x` names x)."""
    ours, others = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "gitdigest" or node.module.startswith("gitdigest."):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    ours.add(full if full in ALL else node.module)
            else:
                others.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            ours.add("relative")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                (ours if alias.name.startswith("gitdigest") else others).add(alias.name)
    return ours, others


ALL = modules()


def room(module: str) -> tuple[str, int]:
    """The package (or top-level module) a module belongs to, and its layer."""
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return prefix, LAYERS[prefix]
    raise AssertionError(f"{module}: in no room of LAYERS; give it one")


@pytest.mark.parametrize("module", sorted(ALL))
def test_imports_point_down_the_pipeline(module: str) -> None:
    ours, _ = imports(ALL[module])
    assert "relative" not in ours, f"{module}: use absolute imports"
    home, level = room(module)
    for target in ours:
        there, target_level = room(target)
        assert there == home or target_level < level, f"{module} ({home}) imports {target} ({there}), which is not below it"


@pytest.mark.parametrize("module", sorted(ALL))
def test_no_module_imports_a_shell(module: str) -> None:
    ours, _ = imports(ALL[module])
    shells = {t for t in ours if t in SHELLS}
    assert not shells or module == "gitdigest.cli", f"{module} imports the shell {shells}"


@pytest.mark.parametrize("module", STORE)
def test_the_index_stores_and_does_not_parse(module: str) -> None:
    ours, _ = imports(ALL[module])
    assert not ours & PARSERS, f"{module} imports {ours & PARSERS}"


@pytest.mark.parametrize("module", sorted(m for m in ALL if m.startswith(PURE)))
def test_pure_stages_do_no_io(module: str) -> None:
    _, others = imports(ALL[module])
    found = {o for o in others if o in IO or o.split(".")[0] in IO - {"urllib.request"}}
    assert not found, f"{module} is a pure stage but imports {found}"


def test_every_stage_package_says_what_it_takes_and_gives() -> None:
    for package in ("mail", "series", "tree", "people", "index", "online", "hook", "render"):
        doc = ast.get_docstring(ast.parse((SRC / package / "__init__.py").read_text()))
        assert doc and len(doc.splitlines()) >= 2, f"{package}/__init__.py needs a docstring saying what the stage takes and gives"


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an upward import and a relative one are found."""
    bad = tmp_path / "bad.py"
    bad.write_text("from gitdigest import pipeline\nfrom .x import y\n")
    ours, _ = imports(bad)
    assert "gitdigest.pipeline" in ours and "relative" in ours
    assert room("gitdigest.pipeline")[1] > room("gitdigest.series.topics")[1]


def test_what_makes_the_index_imports_nothing_its_fingerprint_leaves_out() -> None:
    """index.codec.READERS are left out of the index's fingerprint: a module that makes rows,
    topics or cached patch-ids must reach none of them, or a change to them would serve
    rows made by other code."""
    from gitdigest.index.codec import READERS

    readers = {name for name, path in ALL.items() if path.relative_to(SRC).as_posix().startswith(READERS)}
    assert {"gitdigest.render.json", "gitdigest.pipeline", "gitdigest.people.stats"} <= readers
    for name, path in ALL.items():
        if name not in readers:
            ours, _ = imports(path)
            assert not ours & readers, f"{name} is in the index's fingerprint but imports {ours & readers}"
