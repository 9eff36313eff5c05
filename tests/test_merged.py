"""Merged detection against real trees built from the patches of a test archive.

A developer repository makes every patch with `git format-patch`; the archive holds
them as mail; the tree applies them the ways maintainers do (as posted, reworded with
trailers, onto drifted context, edited, split, squashed, cherry-picked, never, or only
on a branch that was deleted). The expected answer is known by construction.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from archives import build_v2, make_mail
from click.testing import CliRunner
from conftest import git

from gitdigest import cli, pipeline
from gitdigest.mail.messages import diff_context
from gitdigest.model import How, Person, SeriesReport, Status
from gitdigest.tree import codetree, match

ANN = "Ann Dev <ann@dev.org>"
BOB = "Bob Hacker <bob@hack.org>"
TREE_DATE = "2025-03-10T12:00:00Z"
LINES = 60
NUMBERS = {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def numbered(name: str) -> str:
    return "".join(f"{name} line {n}\n" for n in range(1, LINES + 1))


def edit(path: Path, number: int, text: str) -> None:
    """Replace line `number` (1-based) of a file."""
    lines = path.read_text().splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines))


@dataclass
class Lab:
    """A developer repository that makes the patches, the mails, and the tree that takes them."""

    root: Path
    mails: list[bytes] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    """Each patch's mail on disk, by message-id, for `git am`."""
    commits: dict[str, str] = field(default_factory=dict)
    """Tree commits by label."""

    @property
    def dev(self) -> Path:
        return self.root / "dev"

    @property
    def tree(self) -> Path:
        return self.root / "tree"

    def start(self) -> None:
        for repo in (self.dev, self.tree):
            git("init", "-q", str(repo))
        (self.tree / "README").write_text("an old file\n")
        git("add", "README", cwd=self.tree)
        git("-c", "user.name=Old", "commit", "-qm", "ancient history", cwd=self.tree,
            env={"GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"})
        for repo in (self.dev, self.tree):
            for name in "abcdefghijklm":
                (repo / f"{name}.c").write_text(numbered(name))
            (repo / ".mailmap").write_text("Bob Hacker <bob@hack.org> B. Hacker <bob@corp.example>\n")
            git("add", ".", cwd=repo)
            git("commit", "-qm", "base", cwd=repo)
        git("tag", "base", cwd=self.dev)
        git("tag", "base", cwd=self.tree)

    def patch(self, author: str, title: str, edits: dict[str, tuple[int, str]], body: str = "") -> str:
        """Commit one change in the developer repository (on top of the last one); its id."""
        for name, (number, text) in edits.items():
            edit(self.dev / name, number, text)
        git("commit", "-qam", f"{title}\n\n{body or 'Because.'}\n\nSigned-off-by: {author}",
            f"--author={author}", cwd=self.dev)
        return git("rev-parse", "HEAD", cwd=self.dev).strip()

    def post(self, commit: str, msgid: str, tag: str, day: int, reply_to: str | None = None, context: int = 3) -> None:
        """Mail one developer commit, as `git format-patch` and `git send-email` would."""
        out = git("format-patch", "-1", "--stdout", f"-U{context}", commit, cwd=self.dev)
        body = out.split("\n\n", 1)[1]
        author = git("log", "-1", "--format=%an <%ae>", commit, cwd=self.dev).strip()
        title = git("log", "-1", "--format=%s", commit, cwd=self.dev).strip()
        data = make_mail(msgid, f"{tag} {title}", author, f"{day:02d} Mar 2025 10:00:00 +0000", body, in_reply_to=reply_to)
        self.mails.append(data)
        self.files[msgid] = self.root / "mail" / msgid
        self.files[msgid].parent.mkdir(exist_ok=True)
        self.files[msgid].write_bytes(data)

    def series(self, name: str, author: str, day: int, changes: list[tuple[str, dict[str, tuple[int, str]]]],
               cover: str = "", version: str = "", reply_to: str | None = None, context: int = 3) -> None:
        """Post a series made on `base`: `name-0@x` and `name-N@x`, or `name@x` for one patch alone."""
        git("checkout", "-qb", name, "base", cwd=self.dev)
        commits = [self.patch(author, title, edits) for title, edits in changes]
        if not cover:
            self.post(commits[0], f"{name}@x", f"[PATCH{version}]", day, reply_to, context)
            return
        self.cover(f"{name}-0@x", f"[PATCH{version} 0/{len(commits)}] {cover}", author, day)
        for n, commit in enumerate(commits, 1):
            self.post(commit, f"{name}-{n}@x", f"[PATCH{version} {n}/{len(commits)}]", day, f"{name}-0@x", context)

    def cover(self, msgid: str, subject: str, author: str, day: int) -> None:
        self.mails.append(make_mail(msgid, subject, author, f"{day:02d} Mar 2025 09:00:00 +0000", "The series.\n"))

    def run(self, *args: str) -> str:
        """git in the tree, committing at TREE_DATE."""
        return git(*args, cwd=self.tree, env={"GIT_COMMITTER_DATE": TREE_DATE})

    def am(self, msgid: str, *options: str) -> None:
        self.run("am", "-q", *options, str(self.files[msgid]))

    def reword(self, message: str, *options: str) -> None:
        self.run("commit", "-q", "--amend", "-m", message, *options)

    def label(self, name: str) -> str:
        self.commits[name] = self.run("rev-parse", "HEAD").strip()
        return self.commits[name]


def build_lab(root: Path) -> Lab:
    """Post every case, then apply each to the tree the way its case says."""
    lab = Lab(root)
    lab.start()
    fix = lambda f, n: (f"{f}: fix {n}", {f"{f}.c": (NUMBERS[n], f"{f} {n} fixed")})
    # s1: applied as posted; reworded with trailers and a Link:; reworded with trailers only.
    lab.series("s1", ANN, 3, [fix("a", "ten"), fix("a", "forty"), fix("b", "ten")], "a, b: three fixes")
    lab.series("s2", ANN, 3, [fix("c", "thirty"), fix("c", "fifty")], "c: two fixes")  # drifted context
    lab.series("s3", BOB, 4, [("d: widen the context", {"d.c": (30, "d thirty widened")})], context=10)
    lab.series("s4", BOB, 4, [fix("e", "ten"), fix("e", "fifty")], "e: edit and drop")  # edited; dropped
    lab.series("s5", ANN, 4, [("f: two files", {"f.c": (10, "f ten"), "g.c": (10, "g ten")})])  # split
    lab.series("s6", ANN, 5, [fix("h", "ten"), fix("h", "forty")], "h: squash me")  # squashed
    lab.series("s7", BOB, 5, [fix("i", "ten")])  # cherry-picked to stable
    lab.series("s8", ANN, 5, [fix("j", "ten")])  # never applied
    lab.series("s9", BOB, 5, [fix("k", "ten")])  # applied on a branch that is deleted
    lab.series("s10v1", ANN, 3, [("l: rework", {"l.c": (20, "l twenty v1")})])
    lab.series("s10v2", ANN, 6, [("l: rework", {"l.c": (20, "l twenty v2")})], version=" v2", reply_to="s10v1@x")
    lab.series("s11", BOB, 6, [fix("m", "ten"), fix("m", "forty")], "m: linked through the cover")
    apply_posted(lab)
    apply_reworked(lab)
    apply_elsewhere(lab)
    return lab


def apply_posted(lab: Lab) -> None:
    """s1 to s3: as posted, reworded, onto drifted context, at -U10."""
    lab.am("s1-1@x")
    lab.label("s1-1")
    lab.am("s1-2@x")
    lab.reword("a: fix line forty\n\nReworded by the maintainer.\n\nReviewed-by: Rev <rev@x.org>\n"
               "Link: https://lore.kernel.org/r/s1-2@x\nSigned-off-by: Maint <m@x.org>")
    lab.label("s1-2")
    lab.am("s1-3@x")
    lab.reword("b: fix ten\n\nSaid better.\n\nReviewed-by: Rev <rev@x.org>\nSigned-off-by: Maint <m@x.org>")
    lab.label("s1-3")
    # Drift: five new lines above, and a changed context line near line 50.
    text = (lab.tree / "c.c").read_text().replace("c line 48\n", "c line 48 (changed)\n")
    (lab.tree / "c.c").write_text("".join(f"new {n}\n" for n in range(5)) + text)
    lab.run("commit", "-qam", "c: unrelated drift")
    lab.am("s2-1@x")
    lab.label("s2-1")
    lab.am("s2-2@x", "-C1")
    lab.label("s2-2")
    lab.am("s3@x")
    lab.label("s3")


def apply_reworked(lab: Lab) -> None:
    """s4 to s6 and s11: edited (under an old address), split, squashed, edited and linked."""
    lab.am("s4-1@x")
    edit(lab.tree / "e.c", 10, "e 10 fixed, better")
    lab.run("commit", "-qa", "--amend", "--no-edit", "--author=B. Hacker <bob@corp.example>")
    lab.label("s4-1")
    for part, (file, subject) in enumerate((("f.c", "f: two files"), ("g.c", "g: the other half")), 1):
        lab.run("apply", f"--include={file}", str(lab.files["s5@x"]))
        lab.run("commit", "-qam", f"{subject}\n\nLink: https://patch.msgid.link/s5@x", f"--author={ANN}")
        lab.label(f"s5-{part}")
    for msgid in ("s6-1@x", "s6-2@x"):
        lab.run("apply", str(lab.files[msgid]))
    lab.run("commit", "-qam", "h: fix ten\n\nAnd forty.", f"--author={ANN}")
    lab.label("s6")
    for n, subject in ((1, "m: fix ten"), (2, "m: fix forty")):
        lab.am(f"s11-{n}@x")
        edit(lab.tree / "m.c", 10 if n == 1 else 40, f"m edited {n}")
        lab.run("commit", "-qa", "--amend", "-m", f"{subject}\n\nLink: https://lore.kernel.org/kvm/s11-0@x/")
        lab.label(f"s11-{n}")


def apply_elsewhere(lab: Lab) -> None:
    """s7 also on a stable branch, s10 v2, and s9 on a branch deleted afterwards."""
    lab.am("s7@x")
    lab.label("s7")
    lab.am("s10v2@x")
    lab.label("s10")
    lab.run("checkout", "-qb", "stable", "base")
    lab.run("cherry-pick", "-x", lab.commits["s7"])
    lab.label("s7-stable")
    lab.run("checkout", "-qb", "gone", "master")
    lab.am("s9@x")
    lab.label("s9-unreachable")
    lab.run("checkout", "-q", "master")
    lab.run("branch", "-qD", "gone")


@pytest.fixture
def lab(tmp_path: Path) -> Lab:
    return build_lab(tmp_path)


@pytest.fixture
def lab_archive(lab: Lab) -> Path:
    return build_v2(lab.root / "list", lab.mails)


def digest_lab(lab: Lab, archive: Path, refs: tuple[str, ...] = ("stable",)) -> dict[str, SeriesReport]:
    request = pipeline.Request(archive=archive, range="HEAD", tree=lab.tree, tree_refs=refs)
    return {r.revision.key: r for r in pipeline.run(request).series}


def found(report: SeriesReport) -> dict[str, list[tuple[str, How]]]:
    return {m.msgid: [(hit.commit, hit.how) for hit in m.commits] for m in report.merged}


def test_every_case_is_found_as_constructed(lab: Lab, lab_archive: Path) -> None:
    c = lab.commits
    series = digest_lab(lab, lab_archive)
    assert found(series["s1-0@x"]) == {
        "s1-1@x": [(c["s1-1"], How.PATCH_ID)],  # applied as posted
        "s1-2@x": [(c["s1-2"], How.LINK)],  # reworded, trailers added, one a Link:
        "s1-3@x": [(c["s1-3"], How.PATCH_ID)],  # reworded, trailers added, no link
    }
    assert series["s1-0@x"].status is Status.MERGED
    assert found(series["s2-0@x"]) == {
        "s2-1@x": [(c["s2-1"], How.PATCH_ID)],  # moved by five lines: patch-ids ignore line numbers
        "s2-2@x": [(c["s2-2"], How.SUBJECT)],  # a context line changed: only subject and author
    }
    assert found(series["s3@x"]) == {"s3@x": [(c["s3"], How.PATCH_ID)]}  # -U10, re-diffed
    assert found(series["s4-0@x"]) == {"s4-1@x": [(c["s4-1"], How.SUBJECT)]}  # edited, author via .mailmap
    assert series["s4-0@x"].status is Status.PARTIALLY_MERGED
    assert found(series["s5@x"]) == {"s5@x": [(c["s5-1"], How.LINK), (c["s5-2"], How.LINK)]}  # split
    assert found(series["s6-0@x"]) == {"s6-1@x": [(c["s6"], How.SUBJECT)]}  # squashed: only the first
    assert series["s6-0@x"].status is Status.PARTIALLY_MERGED
    assert {k: set(v) for k, v in found(series["s7@x"]).items()} == {  # cherry-picked: both listed
        "s7@x": {(c["s7"], How.PATCH_ID), (c["s7-stable"], How.PATCH_ID)}}
    assert series["s8@x"].status is Status.NEW and not series["s8@x"].merged  # never applied
    assert series["s9@x"].status is Status.NEW and not series["s9@x"].merged  # unreachable
    assert git("cat-file", "-t", c["s9-unreachable"], cwd=lab.tree).strip() == "commit"
    assert series["s10v2@x"].status is Status.MERGED
    assert found(series["s10v2@x"]) == {"s10v2@x": [(c["s10"], How.PATCH_ID)]}
    assert series["s10v1@x"].status is Status.SUPERSEDED and not series["s10v1@x"].merged
    assert found(series["s11-0@x"]) == {
        "s11-1@x": [(c["s11-1"], How.LINK)], "s11-2@x": [(c["s11-2"], How.LINK)],  # via the cover letter
    }


def test_the_u10_email_needs_its_own_context(lab: Lab, lab_archive: Path) -> None:
    code = codetree.open_tree(lab.tree)
    cache = codetree.MemoryCache()
    default = codetree.patch_ids(code, [lab.commits["s3"]], 3, cache)[lab.commits["s3"]]
    wide = codetree.patch_ids(code, [lab.commits["s3"]], 10, cache)[lab.commits["s3"]]
    report = digest_lab(lab, lab_archive)["s3@x"]
    patch = report.revision.patches[0]
    assert patch.context == 10
    assert patch.patch_id == wide != default


def test_without_the_stable_ref_only_master_counts(lab: Lab, lab_archive: Path) -> None:
    series = digest_lab(lab, lab_archive, refs=())
    assert found(series["s7@x"]) == {"s7@x": [(lab.commits["s7"], How.PATCH_ID)]}


def test_tree_range_limits_the_commits(lab: Lab, lab_archive: Path) -> None:
    request = pipeline.Request(archive=lab_archive, range="HEAD", tree=lab.tree, tree_range=f"{lab.commits['s3']}..master")
    series = {r.revision.key: r for r in pipeline.run(request).series}
    assert series["s1-0@x"].status is Status.NEW and series["s3@x"].status is Status.NEW
    assert series["s7@x"].status is Status.MERGED


class CountingCache(codetree.MemoryCache):
    """Counts the commits whose patch-ids had to be computed."""

    def __init__(self) -> None:
        super().__init__()
        self.computed: list[tuple[str, int]] = []

    def put(self, ids, context):
        self.computed += [(c, context) for c in ids]
        super().put(ids, context)


def test_patch_ids_are_computed_once_and_only_wide_where_needed(lab: Lab) -> None:
    code = codetree.open_tree(lab.tree, refs=("stable",))
    cache = CountingCache()
    since = datetime.datetime(2025, 2, 1, tzinfo=datetime.timezone.utc)
    first = codetree.commits(code, since, cache)
    assert "ancient history" not in {c.subject for c in first}  # committed before `since`
    assert lab.commits["s9-unreachable"] not in {c.id for c in first}
    assert len(cache.computed) == len(first)
    again = codetree.commits(code, since, cache)
    assert again == first and len(cache.computed) == len(first)
    wanted = {10: match.Rediff((lab.commits["s3"], lab.commits["s1-1"]), frozenset({"d.c"}))}
    wider = codetree.wider_patch_ids(code, wanted, cache)
    assert list(wider[10]) == [lab.commits["s3"]]  # s1-1 touches a.c only


def test_json_text_and_markdown_show_the_commits(lab: Lab, lab_archive: Path) -> None:
    base = ["--archive", str(lab_archive), "--tree", str(lab.tree), "HEAD"]
    data = json.loads(CliRunner().invoke(cli.report, [*base, "--format", "json"]).stdout)
    s7 = next(s for s in data["series"] if s["subject"] == "i: fix ten")
    assert s7["status"] == "merged"
    assert s7["patches"][0]["merged"] == {
        "commit": lab.commits["s7"], "how": "patch-id",
        "commits": [{"commit": lab.commits["s7"], "how": "patch-id"}],
    }
    s4 = next(s for s in data["series"] if s["subject"] == "e: edit and drop")
    assert s4["status"] == "partially-merged" and s4["patches"][1]["merged"] is None
    assert data["tree"].startswith(str(lab.tree))
    text = CliRunner().invoke(cli.report, base).stdout
    assert f"in tree: {lab.commits['s7'][:12]}  (patch-id 1)" in text
    assert "partially-merged 1/2" in text and f"Tree: {lab.tree}" in text
    markdown = CliRunner().invoke(cli.report, [*base, "--format", "markdown"]).stdout
    assert "| Merged |" in markdown and f"`{lab.commits['s4-1'][:12]}` (subject 1)" in markdown


def test_tree_mode_gives_the_archive_period_plus_merged(lab: Lab, lab_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(lab.tree)
    git("config", "digest.archive", str(lab_archive), cwd=lab.tree)
    in_tree = json.loads(CliRunner().invoke(cli.report, ["--format", "json", "base..master"]).stdout)
    by_dates = json.loads(CliRunner().invoke(cli.report, [
        "--format", "json", "--archive", str(lab_archive),
        "--since", "2025-03-01T12:00:00+00:00", "--until", "2025-03-10T12:00:01+00:00",
    ]).stdout)
    assert [s["cover_msgid"] or s["patches"][0]["msgid"] for s in in_tree["series"]] == [
        s["cover_msgid"] or s["patches"][0]["msgid"] for s in by_dates["series"]]
    assert in_tree["contributors"] == by_dates["contributors"]
    statuses = {s["subject"]: s["status"] for s in in_tree["series"]}
    assert statuses["a, b: three fixes"] == "merged" and statuses["i: fix ten"] == "merged"
    assert by_dates["tree"] is None and in_tree["tree"].endswith("(base..master)")
    assert {s["status"] for s in by_dates["series"]} <= {"new", "revised", "superseded"}


def test_tree_mode_through_git_digest_on_path(lab: Lab, lab_archive: Path) -> None:
    git("config", "digest.archive", str(lab_archive), cwd=lab.tree)
    result = subprocess.run(["git", "digest", "base..master"], cwd=lab.tree, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"in tree: {lab.commits['s7'][:12]}  (patch-id 1)" in result.stdout


def test_tree_mode_errors_are_one_line(lab: Lab, lab_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(lab.tree)
    result = CliRunner().invoke(cli.report, ["--archive", str(lab_archive), "--tree-range", "nosuch..master", "HEAD"])
    assert result.exit_code == 1 and "unknown revision in the tree" in result.stderr
    result = CliRunner().invoke(cli.report, ["--archive", str(lab_archive), "--tree-range", "--all", "HEAD"])
    assert result.exit_code == 1 and "not a revision" in result.stderr
    result = CliRunner().invoke(cli.report, ["--archive", str(lab_archive), "--tree", str(lab.root / "mail"), "HEAD"])
    assert result.exit_code == 1 and "not a git repository (the code tree)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("value", [
    "https://lore.kernel.org/r/20250303.1234-1-ann@dev.org",
    "https://lore.kernel.org/kvm/20250303.1234-1-ann@dev.org/",
    "https://lore.kernel.org/all/20250303.1234-1-ann@dev.org/T/#u",
    "https://patch.msgid.link/20250303.1234-1-ann@dev.org",
    "<20250303.1234-1-ann@dev.org>",
    "https://lore.kernel.org/r/20250303.1234-1-ann%40dev.org",
    "<https://lore.kernel.org/r/20250303.1234-1-ann@dev.org>",
    "https://msgid.link/20250303.1234-1-ann@dev.org.",
])
@pytest.mark.parametrize("name", ["Link", "Message-ID", "Message-Id", "link"])
def test_trailer_forms(name: str, value: str) -> None:
    message = f"a: subject\n\nBody.\n\n{name}: {value}\nSigned-off-by: A <a@b>\n"
    assert codetree.message_ids(message) == ("20250303.1234-1-ann@dev.org",)


def test_links_that_name_no_message() -> None:
    message = "x\n\nLink: https://bugzilla.kernel.org/show_bug.cgi?id=1\nLink: https://github.com/a/b/issues/2\n"
    assert codetree.message_ids(message) == ()


def test_diff_context_of_hunks() -> None:
    header = "diff --git a/f b/f\n--- a/f\n+++ b/f\n"
    three = header + "@@ -4,7 +4,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n-- \n2.43.0\n"
    ten = header + "@@ -1,21 +1,21 @@\n" + " x\n" * 10 + "-y\n+Y\n" + " z\n" * 10
    at_start = header + "@@ -1,3 +1,3 @@\n-y\n+Y\n z\n z\n"
    two_changes = header + "@@ -1,16 +1,16 @@\n" + " x\n" * 2 + "-y\n+Y\n" + " z\n" * 12 + "-w\n+W\n"
    assert [diff_context(b) for b in (three, ten, at_start, two_changes)] == [3, 10, 3, 6]


def test_diffstat_names() -> None:
    stat = " a/b.c          | 2 +-\n .../deep/x.h   | 4 ++--\n d/{old => new}.c | 0\n 3 files changed\n"
    assert match.diffstat_names(stat) == ("a/b.c", ".../deep/x.h", "d/new.c")


def test_subject_match_needs_one_change_and_picks_the_newest_posting_before_it() -> None:
    from gitdigest.model import Message, Revision, Subject, TreeCommit

    ann = Person("Ann Dev", "ann@dev.org")

    def day(n: int) -> datetime.datetime:
        return datetime.datetime(2025, 3, n, tzinfo=datetime.timezone.utc)

    def report(key: str, posted: int) -> SeriesReport:
        msg = Message(key, day(posted), ann, ann, Subject("[PATCH] x: fix", "x: fix", is_patch=True), has_diff=True)
        return SeriesReport(key, Revision(key, 1, "x: fix", ann, day(posted), None, (msg,), 1), Status.NEW)

    def commit(cid: str, committed: int = 20) -> TreeCommit:
        return TreeCommit(cid, "x: fix", ann, day(committed), patch_id=cid)

    assert set(match.match([report("p@x", 3)], [commit("c1")])) == {"p@x"}
    # The same patch re-posted in three topics: the newest posting before the commit.
    three = [report("p@x", 3), report("q@x", 5), report("r@x", 12)]
    assert set(match.match(three, [commit("c1", 10)])) == {"q@x"}
    assert set(match.match(three, [commit("c1", 20)])) == {"r@x"}
    # r@x is posted within the clock skew after the commit: not before it, so q@x.
    assert set(match.match(three, [commit("c1", 11)])) == {"q@x"}
    assert match.match([report("p@x", 3)], [commit("c1"), commit("c2")]) == {}  # two changes


# The sample period: hyperv v2, v3 and v4, and TDX v3 with 10 patches (and an 11/10 "not to commit").
KVM_BASE = Path(__file__).parent / "data" / "kvm-sample" / "base"
HYPERV_V4 = "20250307215623.524987-1-pierrick.bouvier@linaro.org"
HYPERV_OLDER = ("20250307191003.248950-1-pierrick.bouvier@linaro.org", "20250307193712.261415-1-pierrick.bouvier@linaro.org")
TDX = "20250307212053.2948340-1-pbonzini@redhat.com"


def kvm_tree(root: Path, messages: list[bytes], msgids: list[str]) -> Path:
    """A tree made of base/, committed before the period, and `git am` of the given patches."""
    import shutil
    from email.parser import BytesHeaderParser

    shutil.copytree(KVM_BASE, root)
    git("init", "-q", cwd=root)
    git("add", ".", cwd=root)
    git("commit", "-qm", "base", cwd=root, env={"GIT_COMMITTER_DATE": "2025-03-06T00:00:00Z"})
    by_id = {str(BytesHeaderParser().parsebytes(m)["Message-ID"]).strip().strip("<>"): m for m in messages}
    for msgid in msgids:
        (root.parent / "one.mail").write_bytes(by_id[msgid])
        git("am", "-q", str(root.parent / "one.mail"), cwd=root, env={"GIT_COMMITTER_DATE": "2025-03-08T00:00:00Z"})
    return root


def numbered_patches(cover: str, count: int) -> list[str]:
    """Message-ids of patches 1..count of a `git send-email` series (`-1-` is the cover letter)."""
    stem, tail = cover.rsplit("-1-", 1)
    return [f"{stem}-{n}-{tail}" for n in range(2, 2 + count)]


def test_sample_hyperv_v4_merged_and_older_revisions_superseded(tmp_path: Path, kvm_archive: Path, kvm_messages: list[bytes]) -> None:
    code = kvm_tree(tmp_path / "qemu", kvm_messages, numbered_patches(HYPERV_V4, 7))
    series = {r.revision.key: r for r in pipeline.run(pipeline.Request(archive=kvm_archive, range="HEAD", tree=code)).series}
    assert series[HYPERV_V4].status is Status.MERGED
    assert series[HYPERV_V4].merged_count == 7
    assert {hit.how for m in series[HYPERV_V4].merged for hit in m.commits} == {How.PATCH_ID}
    assert [series[key].status for key in HYPERV_OLDER] == [Status.SUPERSEDED, Status.SUPERSEDED]
    others = [r for key, r in series.items() if key != HYPERV_V4 and key not in HYPERV_OLDER]
    assert all(r.status in (Status.NEW, Status.REVISED, Status.SUPERSEDED) for r in others)


def test_sample_three_of_ten_tdx_patches_is_partially_merged(tmp_path: Path, kvm_archive: Path, kvm_messages: list[bytes]) -> None:
    code = kvm_tree(tmp_path / "linux", kvm_messages, numbered_patches(TDX, 3))
    result = CliRunner().invoke(cli.report, ["--archive", str(kvm_archive), "--tree", str(code), "HEAD"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "KVM: TDX: TD vcpu enter/exit" in line and "v3" in line)
    assert row.startswith("partially-merged 3/10")
    series = {r.revision.key: r for r in pipeline.run(pipeline.Request(archive=kvm_archive, range="HEAD", tree=code)).series}
    assert series[TDX].status is Status.PARTIALLY_MERGED and series[TDX].merged_count == 3
    assert series[TDX].revision.total == 10 and len(series[TDX].revision.patches) == 11


def test_sample_tree_mode_equals_archive_mode_plus_merged(tmp_path: Path, kvm_archive: Path, kvm_messages: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    code = kvm_tree(tmp_path / "qemu", kvm_messages, numbered_patches(HYPERV_V4, 7))
    monkeypatch.chdir(code)
    git("config", "digest.archive", str(kvm_archive), cwd=code)
    git("tag", "start", "HEAD~7", cwd=code)
    in_tree = CliRunner().invoke(cli.report, ["--format", "json", "start..master"])
    assert in_tree.exit_code == 0, in_tree.output
    by_range = CliRunner().invoke(cli.report, ["--format", "json", "--archive", str(kvm_archive), "HEAD"])
    tree_data, archive_data = json.loads(in_tree.stdout), json.loads(by_range.stdout)
    assert tree_data["range"]["since"].startswith("2025-03-06T00:00:00")
    assert tree_data["range"]["until"].startswith("2025-03-08T00:00:01")
    keys = lambda data: [(s["cover_msgid"], s["version"]) for s in data["series"]]
    assert keys(tree_data) == keys(archive_data)
    assert tree_data["contributors"] == archive_data["contributors"]
    changed = {s["cover_msgid"]: (a["status"], s["status"]) for s, a in zip(tree_data["series"], archive_data["series"]) if s["status"] != a["status"]}
    assert changed == {HYPERV_V4: ("revised", "merged")}
    text = CliRunner().invoke(cli.report, ["start..master"]).stdout
    assert "in tree: " in text and "(patch-id 7)" in text
