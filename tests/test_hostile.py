"""Hostile mail, archives and settings (issue 15): linear parsing, caps before reading,
nothing of the user's touched, archive config not followed, one error line.

Each case builds its hostile input in a tmp dir. Special files are FIFOs made with
mkfifo, or copies of /dev/null, /dev/zero and /dev/full made with mknod under tmp
(skipped, with the reason, when not root): never the real device nodes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from archives import EpochWriter, add_big_blob, build_v2, mails, make_mail
from conftest import digest_json, git, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitdigest.mail import archive, diffpaths, messages
from gitdigest.model import Parsed, RawMessage
from gitdigest.render import summary
from gitdigest.render.common import _ACTED_ON, _ASCII_ACTED_ON, _CONTROL, _FORMAT, _shown, clean
from gitdigest.series import topics
from gitdigest.tree import match, provenance

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device copy under tmp needs root")
DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7)}


def device(tmp_path: Path, name: str) -> Path:
    """A copy of /dev/NAME made with mknod under tmp."""
    path = tmp_path / f"dev-{name}"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(*DEVICES[name]))
    return path


def patch(msgid: str, description: str, subject: str = "[PATCH] a: thing", sender: str = "Ann Dev <ann@dev.org>") -> bytes:
    """A one-line patch whose commit message is `description`."""
    body = (
        f"{description}\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
        "diff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n a\n+b\n"
    )
    return make_mail(msgid, subject, sender, body=body)


def parsed(data: bytes) -> Parsed:
    result = messages.parse_full(RawMessage(data, "b" * 40, "c" * 40))
    assert isinstance(result, Parsed), result
    return result


# -- linear time: each parser's cost per byte does not grow with the line ------------

# Each: what is parsed, and how to build an adversarial input of about `n` bytes.
PARSERS: dict[str, tuple[Callable[[str], object], Callable[[int], str]]] = {
    "trailer comment": (messages.find_trailers, lambda n: "Foo: " + "a" * n + "#"),
    "trailer spaces before #": (messages.find_trailers, lambda n: "Foo: a" + " " * n + "#"),
    "wrapped Fixes lines": (messages.find_trailers, lambda n: "a: 1 (\n" * (n // 7)),
    "wrapped address lines": (messages.find_trailers, lambda n: "a: 1\n" * (n // 5) + "<x"),
    "reply address test": (lambda t: messages.find_trailers(t, followup=True), lambda n: "Acked-by: " + "a@" * (n // 2)),
    "reply address list": (lambda t: messages.find_trailers(t, followup=True), lambda n: "Acked-by: " + "a@b.c " * (n // 6)),
    "Supersedes value": (topics.msgid_at_end, lambda n: "a@" * (n // 2) + " x"),
    "diffstat name": (match.diffstat_names, lambda n: " a" + " " * n + "b | 1 +\n"),
    "review line": (provenance.reviews_in, lambda n: "Reviewed-by: x" + " " * n + "y"),
    # The standard library's parseaddr recursed once per `a:` or `(,` here (found by the property test below).
    "review line colons": (provenance.reviews_in, lambda n: "Reviewed-by: x" + "a:" * (n // 2)),
    "reply trailer groups": (lambda t: messages.find_trailers(t, followup=True), lambda n: "Acked-by: a@b.c " + "(," * (n // 2)),
    "subject": (messages.parse_subject, lambda n: "[PATCH " + "v1 " * (n // 3) + "] x"),
    "References": (lambda t: parsed(make_mail("m@x", "Re: x", references=t.split())).message, lambda n: "a@" * (n // 2)),
    "terminal text": (clean, lambda n: "\x1b]" + "\u202e" * (n // 2)),
}


def cost(parse: Callable[[str], object], text: str, times: int, runs: int = 5) -> float:
    """The least CPU time of `runs` runs that each parse `text` `times` times: the process's
    own time (what other processes take from a busy machine is not counted), and of that
    the least, the run disturbed least."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        for _ in range(times):
            parse(text)
        best = min(best, time.process_time() - start)
    return best


def per_byte(parse: Callable[[str], object], small: str, large: str, bound: float = 5) -> float:
    """The CPU time of one `large` over that of the same bytes as `small`s, measured up to three
    times while it is over `bound` (a busy machine can slow one measure; a parser whose cost
    per byte grows is over it every time)."""
    ratio = float("inf")
    for _ in range(3):
        ratio = min(ratio, cost(parse, large, 1, 3) / cost(parse, small, len(large) // len(small), 3))
        if ratio < bound:
            break
    return ratio


@pytest.mark.parametrize("name", PARSERS)
def test_parsing_cost_per_byte_does_not_grow(name: str) -> None:
    """The same 100 KB parsed as ten 10 KB lines and as one 100 KB line: linear parsing
    takes about as long both ways; quadratic parsing ten times as long, cubic a hundred.
    The bound, 5, leaves room for a busy machine and still fails any quadratic parser."""
    parse, make = PARSERS[name]
    small, large = make(10_000), make(100_000)
    ratio = per_byte(parse, small, large)
    assert ratio < 5, f"{name}: one 100 KB input costs {ratio:.1f} times ten 10 KB inputs"


# Frames that put a line where each parser looks, and the characters backtracking feeds on.
FRAMES = ("Foo: ", "Acked-by: ", "Reviewed-by: x", "Supersedes: ", "[PATCH ", " a", "a: 1 (\n", "")
UNITS = st.text(alphabet="a@b.c (:#<>\n 1[]/v\u202e\x1b", min_size=1, max_size=8)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=st.sampled_from(FRAMES), unit=UNITS, end=st.sampled_from(["", "#", ")", "<x", "] x", " x", "b | 1 +\n"]))
def test_any_repeated_line_costs_each_parser_the_same_per_byte(frame: str, unit: str, end: str) -> None:
    """Hypothesis builds the adversarial line: a frame, a short unit repeated, an end. Every
    parser's CPU time for one 100 KB line stays within 5 times its time for ten 10 KB lines
    of the same shape: a bound on the cost per byte that any quadratic parser fails."""
    line = lambda n: frame + unit * (n // len(unit)) + end
    small, large = line(10_000), line(100_000)
    for name, (parse, _make) in PARSERS.items():
        ratio = per_byte(parse, small, large)
        assert ratio < 5, f"{name}: {frame!r} + {unit!r}*n + {end!r}: 100 KB costs {ratio:.1f} times ten 10 KB lines"


# -- the rewritten patterns match exactly what the old ones matched -----------------

TEXT = st.text(alphabet="a:1f (\n)<>#@. \t|x/", max_size=40)


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_linear_trailer_helpers_equal_b4s_patterns(text: str) -> None:
    fixes = re.compile(r"^(\S+:\s+[\da-f]+\s+\([^)]+)\n([^\n]+\))", re.MULTILINE)
    address = re.compile(r"^(\S+:\s+[^<]+)\n(<[^>]+>)$", re.MULTILINE)
    comment = re.compile(r"(.*\S+)(\s+#[^#]+)$")
    assert messages._join_wrapped_fixes(text) == fixes.sub(r"\1 \2", text)
    assert messages._join_wrapped_address(text) == address.sub(r"\1 \2", text)
    line = text.replace("\n", " ")
    found = comment.search(line)
    assert messages._split_comment(line) == (found.groups() if found else (line, None))
    assert messages._has_address(text) == bool(re.search(r"\S+@\S+\.\S+", text))


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_linear_msgid_diffstat_and_review_patterns_equal_the_old_ones(text: str) -> None:
    old = re.compile(r"<?([^<>\s/]+@[^<>\s/]+?)>?/?$").search(text.strip())
    assert topics.msgid_at_end(text.strip()) == (old.group(1) if old else None)
    assert match._DIFFSTAT_NAME.findall(text) == re.findall(r"^ (\S.*?)\s+\|\s", text, re.MULTILINE)
    review = "Acked-by:" + text
    old_reviews = re.findall(r"^[ \t]*(reviewed-by|acked-by|tested-by)[ \t]*:[ \t]*(.+?)[ \t]*$", review, re.IGNORECASE | re.MULTILINE)
    new = [(n, v.rstrip(" \t") or v[-1:]) for n, v in provenance._REVIEW_LINE.findall(review)]
    assert new == old_reviews


def test_the_slow_mails_parse_to_what_they_say() -> None:
    trailer = parsed(patch("t@x", "Foo: " + "a" * 6000 + "#")).message
    assert [(t.name, t.value) for t in trailer.trailers if t.name == "Foo"] == [("Foo", "a" * 6000 + "#")]
    supersedes = parsed(patch("s@x", "Supersedes: " + "a@" * 1500)).message
    assert [t.value for t in supersedes.trailers if t.lname == "supersedes"] == ["a@" * 1500]
    assert topics.msgid_at_end("a@" * 1500) == "a@" * 1500  # as the old pattern read it
    lines = parsed(patch("l@x", "a: 1 (\n" * 30000)).message
    assert lines.msgid == "l@x" and len(lines.trailers) == 1  # the Signed-off-by


def test_references_are_cut_to_the_root_and_the_nearest() -> None:
    refs = [f"r{n}@x" for n in range(30000)]
    data = make_mail("re@x", "Re: [PATCH] a: thing", in_reply_to="r29999@x", references=refs)
    message = parsed(data).message
    assert len(message.references) == messages.MAX_REFERENCES == 100
    assert message.references == ("r0@x", *refs[-99:])


def test_every_cut_is_named_by_verbose(tmp_path: Path) -> None:
    """What the parser cuts is reported: `-v` names the message and what was cut from it."""
    refs = [f"r{n}@x" for n in range(30000)]
    long_title = "[PATCH] a: " + " ".join(["word"] * 1000)
    top = tmp_path / "list"
    build_v2(top, [
        patch("p@x", "Thing."),
        make_mail("re@x", "Re: [PATCH] a: thing", in_reply_to="p@x", references=[*refs, "p@x"]),
        patch("long@x", "Other thing.", subject=long_title),
        patch("plain@x", "Plain thing.", subject="[PATCH] a: plain"),
        make_mail("wide@x", "[PATCH] a: touch everything", "Ann Dev <ann@dev.org>", body="Wide.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n" + "".join(
            f"diff --git a/f{n} b/f{n}\n--- a/f{n}\n+++ b/f{n}\n@@ -1 +1 @@\n-a\n+b\n" for n in range(diffpaths.MAX_PATHS + 5))),
    ])
    found, err = digest_json("--archive", top, "--index", tmp_path / "i.sqlite3", "-v", "HEAD")
    assert found["messages"] == 5
    cut = [line for line in err.splitlines() if line.startswith("cut ")]
    assert cut == [
        f"cut <re@x>: References: kept {messages.MAX_REFERENCES} of about 30,001",
        f"cut <long@x>: Subject: first 2,000 of {len(long_title):,} characters",
        f"cut <wide@x>: diff paths: first {diffpaths.MAX_PATHS:,}",
    ]
    _, quiet = digest_json("--archive", top, "--index", tmp_path / "i.sqlite3", "HEAD")
    assert "cut <" not in quiet


# -- limits before reading -----------------------------------------------------------


def test_the_size_cap_reads_the_object_header_first(tmp_path: Path) -> None:
    top = tmp_path / "list"
    writer = EpochWriter(top / "git" / "0.git")
    writer.add(patch("p@x", "Thing."))
    oid = add_big_blob(writer, make_mail("big@x", "[PATCH] a: big", body=""), 64 << 20)
    arch = archive.open_archive(top)
    raws = list(archive.read(archive.select_range(arch, "HEAD"), limit=1 << 20))
    assert [len(r.data) for r in raws][1] == 0
    assert raws[1].unread == f"too large: {64 << 20:,} bytes, over digest.maxMessageSize ({1 << 20:,})"
    git("config", "digest.maxMessageSize", "1m", cwd=top / "git" / "0.git")
    found, _ = digest_json("--archive", top, "--index", tmp_path / "i.sqlite3", "HEAD")
    assert found["messages"] == 1
    assert [s["blob"] for s in found["skipped"]] == [oid]


# -- the index path: nothing of the user's replaced -------------------------------------


def test_index_on_a_users_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    result = invoke("--archive", top, "--index", notes, "HEAD")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and str(notes) in result.stderr and "not a gitdigest index" in result.stderr
    assert notes.read_text() == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list", "notes.txt"]


@ROOT_ONLY
def test_index_on_a_device_is_refused_and_the_node_kept(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    null = device(tmp_path, "null")
    result = invoke("--archive", top, "--index", null, "HEAD")
    assert result.exit_code == 1
    assert result.stderr == f"git-digest: error: {null}: not a regular file; give --index (or digest.index) the path of a file\n"
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev-null", "list"]


def test_an_index_of_gitdigests_is_still_rebuilt_and_an_empty_file_used(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    path = tmp_path / "i.sqlite3"
    path.touch()
    found, _ = digest_json("--archive", top, "--index", path, "HEAD")
    assert found["messages"] == 4 and path.read_bytes().startswith(b"SQLite format 3\0")


# -- bundles: cloned once, under a lock, renamed into place ---------------------------------


def bundle_of(tmp_path: Path, count: int) -> Path:
    top = build_v2(tmp_path / "src", mails(0, count))
    path = tmp_path / "list.bundle"
    git("bundle", "create", str(path), "--all", cwd=top / "git" / "0.git")
    return path


def run_digest(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "gitdigest.cli", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_first_runs_on_one_bundle_both_succeed(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, 300)
    procs = [run_digest("--archive", bundle, "--format", "json", "HEAD") for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert json.loads(out)["messages"] == 300


def test_a_broken_leftover_clone_is_redone(tmp_path: Path, sealed_env: Path) -> None:
    bundle = bundle_of(tmp_path, 6)
    found, _ = digest_json("--archive", bundle, "HEAD")
    clones = sealed_env / ".cache" / "gitdigest" / "bundles"
    (top,) = [p for p in clones.iterdir() if p.is_dir()]
    shutil.rmtree(top / "git" / "0.git" / "objects")  # as a run killed mid-clone leaves it
    (top / "git" / "0.git" / "HEAD").unlink()
    (clones / (top.name + ".tmp")).mkdir()
    again, err = digest_json("--archive", bundle, "HEAD")
    assert again == found and err == ""
    assert not (clones / (top.name + ".tmp")).exists()


def test_a_truncated_bundle_is_one_error_line(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, 6)
    bundle.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    result = invoke("--archive", bundle, "HEAD")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"git-digest: error: {bundle}: not a usable git bundle")


# -- the archive's own config is not followed; special files are not opened ----------


def digest_process(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`git digest ARGS` as a process; a hang fails the test instead of the suite."""
    return subprocess.run([sys.executable, "-m", "gitdigest.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, check=False)


INCLUDES = {
    "include": "[include]\n\tpath = {special}\n",
    "includeIf": '[includeIf "gitdir:/"]\n\tpath = {special}\n',
    "odd spacing": "[ Include ]\n\tpath = {special}\n",
    "two headers on one line": "[core] [include] path = {special}\n",
    "after a byte-order mark": "\ufeff[include]\n\tpath = {special}\n",
}


@pytest.mark.parametrize("target", ["fifo", "zero"])
@pytest.mark.parametrize("how", sorted(INCLUDES))
def test_an_archive_config_include_is_not_followed(tmp_path: Path, target: str, how: str) -> None:
    """An archive whose config includes a FIFO or /dev/zero, in any spelling libgit2 reads, is
    read as if it had no include: the same digest as without it, the list name from its
    remote URL kept, nothing of the archive changed, and no shadow git dir left behind."""
    if target == "zero" and os.geteuid() != 0:
        pytest.skip("mknod of a /dev/zero copy under tmp needs root")
    top = build_v2(tmp_path / "list", mails(0, 4))
    config = top / "git" / "0.git" / "config"
    config.write_text(config.read_text() + '[remote "origin"]\n\turl = https://lore.kernel.org/kept-list/0\n')
    plain, _ = digest_json("--archive", top, "--index", tmp_path / "plain.sqlite3", "HEAD")
    assert plain["list"] == "kept-list"
    special = tmp_path / "fifo" if target == "fifo" else device(tmp_path, "zero")
    if target == "fifo":
        os.mkfifo(special)
    text = INCLUDES[how].format(special=special)
    config.write_text(text + config.read_text() if how == "after a byte-order mark" else config.read_text() + text)
    before = config.read_bytes()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run([sys.executable, "-m", "gitdigest.cli", "--archive", str(top), "--index", str(tmp_path / "i.sqlite3"),
                           "--format", "json", "HEAD"], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "TMPDIR": str(scratch)})
    assert done.returncode == 0 and done.stderr == "", done.stderr
    report = json.loads(done.stdout)
    assert (report["series"], report["messages"], report["list"]) == (plain["series"], 4, "kept-list")
    assert config.read_bytes() == before
    assert not list(scratch.iterdir()), "the shadow git dir is removed at exit"


def test_a_dot_git_file_is_refused_not_followed(tmp_path: Path) -> None:
    """A work tree whose `.git` is a file pointing elsewhere: libgit2 would follow it to a config
    gitdigest never read. It is refused with one line."""
    real = build_v2(tmp_path / "list", mails(0, 4)) / "git" / "0.git"
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").write_text(f"gitdir: {real}\n")
    done = digest_process("--archive", work, "--index", tmp_path / "i.sqlite3", "HEAD")
    assert done.returncode == 1
    assert done.stderr == f"git-digest: error: {work / '.git'}: a .git file that points elsewhere; give gitdigest the git directory itself\n"


@ROOT_ONLY
def test_an_archive_config_that_is_a_device_is_not_opened(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    config = top / "git" / "0.git" / "config"
    config.unlink()
    config.symlink_to(device(tmp_path, "zero"))
    done = digest_process("--archive", top, "--index", tmp_path / "i.sqlite3", "HEAD")
    assert done.returncode == 1
    assert done.stderr == f"git-digest: error: {config}: not a regular file; gitdigest does not open it\n"


@pytest.mark.parametrize("target", ["fifo", "zero"])
def test_maildir_entries_that_are_special_files_are_skipped(tmp_path: Path, target: str) -> None:
    if target == "zero" and os.geteuid() != 0:
        pytest.skip("mknod of a /dev/zero copy under tmp needs root")
    box = tmp_path / "md"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for n, data in enumerate(mails(0, 2)):
        (box / "cur" / f"100{n}.host:2,S").write_bytes(data)
    special = tmp_path / "fifo" if target == "fifo" else device(tmp_path, "zero")
    if target == "fifo":
        os.mkfifo(special)
    (box / "new" / "1002.host").symlink_to(special)
    done = digest_process("--mbox", box, "--format", "json", "-v")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["messages"] == 2
    assert [s["reason"] for s in report["skipped"]] == ["maildir entry 1002.host is not a regular file; not read"]


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
@pytest.mark.parametrize("include", [False, True])
def test_an_archive_owned_by_another_user_says_safe_directory(tmp_path: Path, include: bool) -> None:
    """Also when its config has an include, so that it is read through gitdigest's own shadow:
    the shadow is ours, and git's owner check is made on the archive itself; safe.directory
    trusts it as git would."""
    top = build_v2(tmp_path / "list", mails(0, 4))
    if include:
        config = top / "git" / "0.git" / "config"
        config.write_text(config.read_text() + f"[include]\n\tpath = {tmp_path / 'absent'}\n")
    for path in [top, *top.rglob("*")]:
        os.lchown(path, 65534, 65534)
    done = digest_process("--archive", top, "--index", tmp_path / "i.sqlite3", "HEAD")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "safe.directory" in done.stderr and "owned by another user" in done.stderr
    git("config", "--global", "--add", "safe.directory", str((top / "git" / "0.git").resolve()))
    done = digest_process("--archive", top, "--index", tmp_path / "i.sqlite3", "HEAD")
    assert done.returncode == 0, done.stderr


# -- damaged objects are skipped like missing blobs ------------------------------------


def test_a_damaged_pack_is_a_skip_named_with_v(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 40))
    epoch = top / "git" / "0.git"
    git("repack", "-adq", cwd=epoch)
    (pack,) = (epoch / "objects" / "pack").glob("*.pack")
    pack.chmod(0o644)
    data = bytearray(pack.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 40] = bytes(b ^ 0xFF for b in data[middle : middle + 40])
    pack.write_bytes(bytes(data))
    done = digest_process("--archive", top, "--index", tmp_path / "i.sqlite3", "--format", "json", "-v", "HEAD")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["skipped"] and all(s["reason"].startswith("damaged ") for s in report["skipped"])
    assert report["messages"] + len(report["skipped"]) <= 40
    assert [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    text = digest_process("--archive", top, "--index", tmp_path / "i.sqlite3", "HEAD").stdout
    assert "skipped" in text.lower()


# -- errors a user can fix: exit 1, one line ---------------------------------------------


def test_since_words_work_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    monkeypatch.chdir(top)  # a v2 archive's top: no git repository here
    found, err = digest_json("--since", "5 years ago")
    assert found["messages"] == 4 and err == ""


def test_an_impossible_date_is_an_error(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    result = invoke("--archive", top, "--since", "2025-13-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("git-digest: error: '2025-13-01': not a date (month must be in 1..12")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "key, value, words",
    [("digest.format", "xml", "digest.format: 'xml' is not a format"),
     ("digest.treeWeb", "javascript:alert(1)//%s", "digest.treeWeb: 'javascript:alert(1)//%s' is not an http(s) URL"),
     ("digest.hook.timeout", "-1", "digest.hook.timeout: '-1' is not a number of seconds")],
)
def test_bad_settings_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str, words: str) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    git("config", key, value, cwd=top / "git" / "0.git")
    monkeypatch.chdir(top / "git" / "0.git")
    result = invoke("HEAD")
    assert result.exit_code == 1 and result.stderr == f"git-digest: error: {words}" + result.stderr.split(words, 1)[1]
    assert result.stderr.count("\n") == 1


@ROOT_ONLY
def test_a_mailmap_that_is_a_device_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    zero = device(tmp_path, "zero")
    git("config", "digest.mailmap", str(zero), cwd=top / "git" / "0.git")
    monkeypatch.chdir(top / "git" / "0.git")
    result = invoke("HEAD")
    assert result.exit_code == 1
    assert result.stderr == f"git-digest: error: digest.mailmap: {zero}: not a regular file\n"


def test_ctrl_c_during_the_first_index_is_one_line(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 3000))
    proc = subprocess.Popen([sys.executable, "-m", "gitdigest.cli", "index", "--archive", str(top), "--index",
                             str(tmp_path / "i.sqlite3")], stderr=subprocess.PIPE, text=True, start_new_session=True)
    # Into the parse, on every core: once the index file exists (a fixed wait is not enough
    # on a loaded machine, where the interpreter may still be starting), and a moment more.
    deadline = time.monotonic() + 60
    while not (tmp_path / "i.sqlite3").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(proc.pid, 2)  # as the terminal sends Ctrl-C: to the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert proc.returncode == 0 or err.strip().splitlines()[-1] == "git-digest: interrupted"


# -- output: format characters escaped, one-line names, sanitised headline ---------------


def test_format_characters_are_unicodes_category_cf() -> None:
    import unicodedata

    every = [chr(c) for c in range(0x110000)]
    escaped = {c for c in every if _FORMAT.match(c)}
    assert {c for c in every if unicodedata.category(c) == "Cf"} <= escaped
    # The rest are Cf in Unicode 15, unassigned in an older Python's tables.
    assert all(unicodedata.category(c) == "Cn" for c in escaped if unicodedata.category(c) != "Cf")


def cleaned_in_full(text: str) -> str:
    """What `clean` gives, always by its two substitutions (it skips them when neither can act)."""
    return _FORMAT.sub(_shown, _CONTROL.sub("", text))


def test_clean_looks_for_every_character_it_acts_on() -> None:
    for code in range(0x110000):
        c = chr(code)
        if _CONTROL.match(c) or _FORMAT.match(c):
            assert _ACTED_ON.match(c), hex(code)
            assert not c.isascii() or _ASCII_ACTED_ON.match(c), hex(code)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("\x1b[]PX^_\\\x07\x9b\x9c\x90\x98\x9d\n\t\r\x7f\x00a;1m \u202e\u200b\u00ad"), st.characters())))
def test_clean_gives_what_its_two_substitutions_give(text: str) -> None:
    assert clean(text) == cleaned_in_full(text)


def encoded(text: str) -> str:
    """`text` as an RFC 2047 encoded word."""
    import base64

    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def test_bidi_and_zero_width_controls_are_shown_escaped(tmp_path: Path) -> None:
    subject = "[PATCH] a: fix " + encoded("\u202eevil\u202c and \u200bhidden")
    sender = encoded("Mal \u2066Lory\u2069") + " <mal@x.org>"
    top = build_v2(tmp_path / "list", [patch("p@x", "Thing.", subject, sender)])
    index = tmp_path / "i.sqlite3"
    for fmt in ("text", "markdown", "html"):
        out = invoke("--archive", top, "--index", index, "--format", fmt, "HEAD").stdout
        out = out.replace("\\<", "<").replace("\\>", ">")  # Markdown's escapes
        assert "<U+202E>evil<U+202C>" in out.replace("&lt;", "<").replace("&gt;", ">"), fmt
        assert "Mal <U+2066>Lory<U+2069>" in out.replace("&lt;", "<").replace("&gt;", ">"), fmt
        assert not any(_FORMAT.match(c) for c in out), fmt
    found, _ = digest_json("--archive", top, "--index", index, "HEAD")
    assert found["series"][0]["subject"].startswith("a: fix \u202eevil\u202c")  # JSON keeps the data


def test_a_list_name_is_one_line(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    out = invoke("--archive", top, "--list-name", "kvm\nInjected: yes", "HEAD").stdout
    assert "kvm Injected: yes mailing list update" in out and "\nInjected" not in out


def test_a_tree_web_that_is_not_http_is_never_a_link() -> None:
    from gitdigest.model import Digest, Period, Stats
    from gitdigest.render import links

    digest = Digest(Period(tree_web="javascript:alert(1)//%s"), (), Stats((), (), ()))
    assert links.commit_url(digest, "a" * 40) == ""


def test_the_hook_headline_shows_a_url_without_its_password_or_escapes() -> None:
    target = summary.Target("https://me:s3cret@host/x.git\x1b[2J\u202e", ("master",), 1)
    headline = summary.render(target, provenance.Provenance((), ())).splitlines()[0]
    assert headline == "git-digest: pushing 1 commit to https://me@host/x.git<U+202E>: master"


def test_an_index_row_of_the_wrong_shape_is_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    top = build_v2(tmp_path / "list", mails(0, 6))
    path = tmp_path / "i.sqlite3"
    found, _ = digest_json("--archive", top, "--index", path, "HEAD")
    with sqlite3.connect(path) as db:
        db.execute("""UPDATE messages SET record = '{"not": "a list"}' WHERE msgid = 'm0@x'""")
    again, err = digest_json("--archive", top, "--index", path, "HEAD")
    assert again == found
    assert err.count("\n") == 1 and "an index row of the wrong shape" in err and "rebuilding" in err


def _private_mounts() -> str | None:
    """Why a private mount namespace cannot be had here (`unshare -Urm`), or None."""
    if shutil.which("unshare") is None:
        return "no unshare(1)"
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True, text=True, check=False)
    return None if probe.returncode == 0 else f"unshare -Urm refused: {probe.stderr.strip()}"


@pytest.mark.parametrize("where", ["cache", "index", "bundle"])
def test_a_full_disk_is_one_line_that_says_what_to_do(tmp_path: Path, where: str) -> None:
    """The cache's disk (the index, or the clone of a bundle) or --index's is full: a small
    tmpfs, mounted in a private mount namespace of the run alone (nothing of the machine's
    is mounted or filled)."""
    why = _private_mounts()
    if why:
        pytest.skip(f"needs a private mount namespace to mount a small tmpfs: {why}")
    top = build_v2(tmp_path / "list", mails(0, 40))
    if where == "bundle":
        top = Path(__file__).resolve().parent.parent / "examples" / "io-uring-2026-01.bundle"
    small, roomy = tmp_path / "small", tmp_path / "roomy"
    small.mkdir()
    roomy.mkdir()
    args = ["git-digest", "--archive", str(top), "--since", "2025-01-01", "--format", "short", "--no-pager"]
    if where == "index":  # the cache has room; the index named by --index has not
        args += ["--index", str(small / "i.sqlite3")]
    mount = 'mount -t tmpfs -o size=192k tmpfs "$0" && exec "$@"'
    cache = roomy if where == "index" else small
    done = subprocess.run(["unshare", "-Urm", "sh", "-c", mount, str(small), *args], capture_output=True, text=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache)}, check=False)
    lines = done.stderr.splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1 and lines[0].startswith("git-digest: error: "), lines
    if where == "bundle":
        assert "no space left to clone io-uring-2026-01.bundle" in lines[0] and "XDG_CACHE_HOME" in lines[0]
    else:
        assert "no space left on its disk" in lines[0] and "digest.index" in lines[0]
    assert not list(small.iterdir())  # the tmpfs was the run's own: the directory under it is untouched
    if where == "index":
        assert not list((roomy / "gitdigest").glob("*.sqlite3")), "no index was made in the cache instead"
