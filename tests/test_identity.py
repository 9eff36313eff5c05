"""Identity: gitdm employer maps in QEMU's contrib/gitdm format, mailmaps, bots and relays."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import git

from gitdigest.errors import ConfigError
from gitdigest.model import Person
from gitdigest.people import identity
from gitdigest.people.identity import (
    UNKNOWN,
    Affiliation,
    Identity,
    bot_name,
    employer_of,
    is_relay,
)

# Written for these tests in the layout of QEMU's contrib/gitdm/ and its top-level gitdm.config.
DOMAIN_MAP = """\
#
# This maps email domains to nice easy to read company names
#

corp.example     Corp Inc
intel.com        Intel
redhat.example   Red Hat
linux.intel.com  Intel Open Source   # never reached: gitdm tries intel.com first
jane@example.org Old Corp < 2024-06-01
jane@example.org New Corp
lab.example      Lab Ltd  <2020-01-01
"""
ALIASES = """\
# secondary addresses onto a canonical one
jane.doe@home.example  jane@example.org
"Ed Swierk via Qemu-devel" eswierk@corp.example
"""
GROUP_REDHAT = "#\n# Red Hat contributors using non-corporate email\n#\n\nlaurent@vivier.example\n"
GROUP_INDIVIDUALS = "# prolific individuals\nsolo@mail.example\n"
CONFIG = """\
# The gitdm configuration, as QEMU keeps it at the top of its tree.
EmailAliases contrib/gitdm/aliases
EmailMap contrib/gitdm/domain-map
GroupMap contrib/gitdm/group-map-redhat Red Hat
GroupMap contrib/gitdm/group-map-individuals (None)
VirtualEmployer Split Person
  50% Corp Inc
  50% Lab Ltd
end
FileTypeMap contrib/gitdm/filetypes.txt
"""


def qemu_tree(top: Path, with_config: bool = True) -> Path:
    """A QEMU-like checkout holding contrib/gitdm/ and, maybe, gitdm.config; returns the map directory."""
    maps = top / "contrib" / "gitdm"
    maps.mkdir(parents=True)
    (maps / "domain-map").write_text(DOMAIN_MAP)
    (maps / "aliases").write_text(ALIASES)
    (maps / "group-map-redhat").write_text(GROUP_REDHAT)
    (maps / "group-map-individuals").write_text(GROUP_INDIVIDUALS)
    if with_config:
        (top / "gitdm.config").write_text(CONFIG)
    return maps


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_directory_with_qemu_gitdm_config_names_the_groups(tmp_path: Path) -> None:
    orgmap = identity.load_orgmap(qemu_tree(tmp_path))
    when = day("2025-03-01")
    assert employer_of(orgmap, "dev@corp.example", when) == "Corp Inc"
    assert employer_of(orgmap, "laurent@vivier.example", when) == "Red Hat"
    assert employer_of(orgmap, "solo@mail.example", when) == "(None)"
    assert employer_of(orgmap, "who@gmail.example", when) == UNKNOWN


def test_group_names_without_a_config_come_from_the_domain_map_or_the_file_name(tmp_path: Path) -> None:
    orgmap = identity.load_orgmap(qemu_tree(tmp_path, with_config=False))
    # group-map-redhat: `redhat` is the domain map's `Red Hat` once case and spaces go.
    assert employer_of(orgmap, "laurent@vivier.example", day("2025-03-01")) == "Red Hat"
    assert employer_of(orgmap, "solo@mail.example", day("2025-03-01")) == "Individuals"


def test_a_gitdm_config_file_names_the_maps(tmp_path: Path) -> None:
    qemu_tree(tmp_path)
    orgmap = identity.load_orgmap(tmp_path / "gitdm.config")
    assert employer_of(orgmap, "laurent@vivier.example", day("2025-03-01")) == "Red Hat"
    assert orgmap.aliases["jane.doe@home.example"] == "jane@example.org"


def test_end_dates_apply_by_the_message_date_the_end_day_excluded(tmp_path: Path) -> None:
    orgmap = identity.load_orgmap(qemu_tree(tmp_path))
    assert orgmap.employers["jane@example.org"] == (Affiliation("Old Corp", day("2024-06-01")), Affiliation("New Corp"))
    assert employer_of(orgmap, "jane@example.org", day("2024-05-31")) == "Old Corp"
    assert employer_of(orgmap, "jane@example.org", day("2024-06-01")) == "New Corp"
    assert employer_of(orgmap, "jane@example.org", datetime.datetime(2024, 5, 31, 23, 59, tzinfo=datetime.timezone.utc)) == "Old Corp"
    # An ended mapping with no successor leaves the address unknown after its end.
    assert employer_of(orgmap, "x@lab.example", day("2019-12-31")) == "Lab Ltd"
    assert employer_of(orgmap, "x@lab.example", day("2020-01-01")) == UNKNOWN


def test_domains_match_as_gitdm_does_shortest_suffix_first(tmp_path: Path) -> None:
    orgmap = identity.load_orgmap(qemu_tree(tmp_path))
    assert employer_of(orgmap, "a@linux.intel.com", day("2025-01-01")) == "Intel"
    assert employer_of(orgmap, "a@eng.corp.example", day("2025-01-01")) == "Corp Inc"
    assert employer_of(orgmap, "JANE@Example.ORG", day("2025-01-01")) == "New Corp"


def test_aliases_map_addresses_and_the_display_names_lists_rewrite(tmp_path: Path) -> None:
    people = Identity(orgmap=identity.load_orgmap(qemu_tree(tmp_path)))
    assert people.person(Person("Jane", "jane.doe@home.example")) == Person("Jane", "jane@example.org")
    munged = Person("Ed Swierk via Qemu-devel", "qemu-devel@nongnu.example")
    assert people.person(munged).email == "eswierk@corp.example"
    assert people.employer(people.person(munged), day("2025-01-01")) == "Corp Inc"


@pytest.mark.parametrize("name,text,words", [
    ("domain-map", "corp.example\n", "domain-map:1: not an employer line"),
    ("domain-map", "# ok\n\ncorp.example  Corp < 2024-13-01\n", "domain-map:3: '2024-13-01' is not a date"),
    ("aliases", "lonely@example.org\n", "aliases:1: not an alias line"),
    ("aliases", "a@example.org not-an-address\n", "aliases:1: not an alias line"),
])
def test_malformed_lines_say_file_and_line(tmp_path: Path, name: str, text: str, words: str) -> None:
    maps = tmp_path / "gitdm"
    maps.mkdir()
    (maps / name).write_text(text)
    with pytest.raises(ConfigError, match=words):
        identity.load_orgmap(maps)


def test_missing_or_empty_maps_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        identity.load_orgmap(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="no gitdm map files"):
        identity.load_orgmap(tmp_path)
    (tmp_path / "gitdm.config").write_text("EmailMap\n")
    with pytest.raises(ConfigError, match="gitdm.config:1"):
        identity.load_orgmap(tmp_path / "gitdm.config")


@pytest.mark.parametrize("person,name", [
    (Person("kernel test robot", "lkp@intel.com"), "kernel test robot"),
    (Person("kernel test robot", "oliver.sang@intel.com"), "kernel test robot"),
    (Person("syzbot", "syzbot+93f72b3885406bb09e0d@syzkaller.appspotmail.com"), "syzbot"),
    (Person("patchwork-bot+netdevbpf@kernel.org", "patchwork-bot+netdevbpf@kernel.org"), "patchwork-bot"),
    (Person("pr-tracker-bot@kernel.org", "pr-tracker-bot@kernel.org"), "pr-tracker-bot"),
    (Person("Jens Axboe", "axboe@kernel.dk"), None),
    (Person("Oliver Sang", "oliver.sang@intel.com"), None),
])
def test_bots_are_recognised(person: Person, name: str | None) -> None:
    assert bot_name(person) == name


def test_b4_relay_is_recognised() -> None:
    assert is_relay(Person("Joe Dev via B4 Relay", "devnull+joe.dev.example.org@kernel.org"))
    assert not is_relay(Person("Joe Dev", "joe@dev.example.org"))


def test_mailmap_compares_addresses_in_lower_case_as_git_does() -> None:
    resolve = identity.mailmap_resolver("Bob Dev <bob@work.example> <Bob@Home.Example>\n")
    assert resolve(Person("bob", "bob@home.example")) == Person("Bob Dev", "bob@work.example")
    assert resolve(Person("Ann", "ann@x.example")) == Person("Ann", "ann@x.example")


def test_tree_commit_authors_are_mapped_as_git_log_maps_them(tmp_path: Path) -> None:
    """Mixed-case addresses in the mailmap and in the commits: the oracle is git's %aN <%aE>."""
    from gitdigest.tree import codetree

    work = tmp_path / "tree"
    git("init", "-q", str(work))
    (work / ".mailmap").write_text(
        "Jane Roe <jane@example.org> <JRoe@Old.Example>\n"
        "Bob Dev <bob@work.example> Bobby <BOB@Home.Example>\n"
    )
    authors = ["J. Roe <jroe@old.example>", "Jane <JROE@OLD.EXAMPLE>", "Bobby <bob@home.example>", "Other <Other@Mixed.Example>"]
    for n, author in enumerate(authors):
        (work / f"f{n}").write_text(f"{n}\n")
        git("add", ".", cwd=work)
        git("commit", "-q", "-m", f"change {n}", f"--author={author}", cwd=work)
    ids = git("rev-list", "--reverse", "HEAD", cwd=work).split()
    code = codetree.CodeTree(work / ".git")
    ours = [f"{c.author.name} <{c.author.email}>" for c in codetree.read_commits(code, ids, codetree.MemoryCache())]
    theirs = [git("log", "-1", "--format=%aN <%aE>", cid, cwd=work).strip() for cid in ids]
    assert ours == [t[: t.index("<")] + t[t.index("<"):].lower() for t in theirs]
    assert ours[:3] == ["Jane Roe <jane@example.org>", "Jane Roe <jane@example.org>", "Bob Dev <bob@work.example>"]


def test_the_trees_mailmap_is_read_from_the_work_tree_or_from_head_when_bare(tmp_path: Path) -> None:
    work = tmp_path / "tree"
    git("init", "-q", str(work))
    (work / ".mailmap").write_text("Bob Dev <bob@work.example> <bob@home.example>\n")
    git("add", ".mailmap", cwd=work)
    git("commit", "-q", "-m", "mailmap", cwd=work)
    git("clone", "-q", "--bare", str(work), str(tmp_path / "bare.git"))
    for where in (work, tmp_path / "bare.git"):
        people = identity.load(tree=where)
        assert people.person(Person("bob", "bob@home.example")) == Person("Bob Dev", "bob@work.example")
    extra = tmp_path / "more.mailmap"
    extra.write_text("Ann Dev <ann@dev.example> <ann@old.example>\n")
    both = identity.load(tree=work, mailmap=extra)
    assert both.person(Person("a", "ann@old.example")).email == "ann@dev.example"
    assert both.person(Person("b", "bob@home.example")).email == "bob@work.example"
