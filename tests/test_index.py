"""The SQLite index over real archives in tmp dirs: incremental, rewritten, shared, rebuilt."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest
from archives import DIFF, EpochWriter, build_v1, build_v2, mails, make_mail
from click.testing import CliRunner
from conftest import checksums, digest_process, finished, git, loaded, stored

from gitdigest import cli, index, pipeline, render, streaming
from gitdigest.errors import DamagedIndexError
from gitdigest.index import codec, corpus, ingest, schema, store
from gitdigest.mail import archive
from gitdigest.model import (
    MAX_MESSAGE_SIZE,
    Format,
    Message,
    Person,
    Revision,
    Subject,
    Topic,
    Trailer,
)

LIMIT = MAX_MESSAGE_SIZE


def opened(top: Path, path: Path, notes: list[str] | None = None) -> tuple[index.Index, archive.Archive]:
    arch = archive.open_archive(top)
    return index.open_index(path, arch, LIMIT, (notes if notes is not None else []).append), arch


def test_incremental_update_parses_only_new_messages(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 40))
    idx, arch = opened(top, tmp_path / "i.sqlite3")
    with idx:
        first = ingest.update(idx, arch)
        again = ingest.update(idx, arch)
        writer = EpochWriter(top / "git" / "0.git")
        for data in mails(40, 3):
            writer.add(data)
        later = ingest.update(idx, arch)
    assert (first.parsed, first.added, first.total) == (40, 40, 40)
    assert again.parsed == 0
    assert (later.parsed, later.added, later.dropped, later.total) == (3, 3, 0, 43)
    assert stored(tmp_path / "i.sqlite3") == loaded(top)


def test_a_new_epoch_is_picked_up(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 10))
    idx, arch = opened(top, tmp_path / "i.sqlite3")
    with idx:
        ingest.update(idx, arch)
        build_v2(tmp_path / "more", mails(10, 4))
        (tmp_path / "more" / "git" / "0.git").rename(top / "git" / "1.git")
        arch = archive.open_archive(top)
        done = ingest.update(idx, arch)
    assert (done.parsed, done.total) == (4, 14)
    assert stored(tmp_path / "i.sqlite3") == loaded(top)


def test_a_v1_archive_is_indexed_as_read(tmp_path: Path) -> None:
    top = build_v1(tmp_path / "v1.git", mails(0, 12))
    idx, arch = opened(top, tmp_path / "i.sqlite3")
    with idx:
        assert ingest.update(idx, arch).parsed == 12
    assert stored(tmp_path / "i.sqlite3") == loaded(top)


def test_history_rewritten_under_the_index(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 10))
    epoch = top / "git" / "0.git"
    idx, arch = opened(top, tmp_path / "i.sqlite3")
    with idx:
        ingest.update(idx, arch)
        # Drop the last four messages and post two others in their place.
        repo = pygit2.Repository(str(epoch))
        base = repo.revparse_single("HEAD~4").id
        repo.references["refs/heads/master"].set_target(base)
        writer = EpochWriter(epoch)
        for data in mails(100, 2, prefix="new"):
            writer.add(data)
        done = ingest.update(idx, arch)
    assert (done.dropped, done.parsed, done.total) == (4, 2, 8)
    assert stored(tmp_path / "i.sqlite3") == loaded(top)


def test_an_epoch_recreated_from_scratch_is_indexed_anew(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 6))
    idx, arch = opened(top, tmp_path / "i.sqlite3")
    with idx:
        ingest.update(idx, arch)
        build_v2(tmp_path / "other", mails(50, 3, prefix="other"))
        (top / "git" / "0.git").rename(tmp_path / "old.git")
        (tmp_path / "other" / "git" / "0.git").rename(top / "git" / "0.git")
        done = ingest.update(idx, arch)
    assert (done.dropped, done.parsed, done.total) == (6, 3, 3)
    assert stored(tmp_path / "i.sqlite3") == loaded(top)


def test_parsing_on_several_processes_keeps_archive_order(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 500), per_epoch=200)
    arch = archive.open_archive(top)
    work = ingest.chunks(arch, [ingest.plan(e, None, set) for e in arch.epochs], LIMIT, 8)
    assert [len(chunk.commits) for chunk in work] == [200, 200, 100]  # chunks never span epochs
    pooled = list(ingest.parse(work, workers=2, least=0))
    alone = list(ingest.parse(work, workers=1))
    assert pooled == alone
    assert [r.commit for _chunk, found in pooled for r in found] == [c for chunk in work for c in chunk.commits]


def test_two_digests_and_an_update_at_once(tmp_path: Path) -> None:
    # Enough messages that the cold update parses them on worker processes.
    top = build_v2(tmp_path / "list", mails(0, 1600))
    path = tmp_path / "shared.sqlite3"
    for round_ in range(2):
        if round_:
            writer = EpochWriter(top / "git" / "0.git")
            for data in mails(1600, 300):
                writer.add(data)
        report = ["--archive", str(top), "--index", str(path), "--format", "json", "HEAD"]
        procs = [digest_process(*report), digest_process("index", "--archive", str(top), "--index", str(path)), digest_process(*report)]
        results = [finished(p) for p in procs]
        for code, _out, err in results:
            assert code == 0 and err == "", err
        counts = {json.loads(out)["messages"] for code, out, _err in (results[0], results[2])}
        assert counts == {1600 + 300 * round_}
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 1900
    assert db.execute("SELECT count(*) FROM (SELECT commit_id FROM messages GROUP BY commit_id HAVING count(*) > 1)").fetchone()[0] == 0
    assert stored(path) == loaded(top)


def test_readers_do_not_wait_for_the_writer(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 20))
    path = tmp_path / "i.sqlite3"
    idx, arch = opened(top, path)
    with idx:
        ingest.update(idx, arch)
    writer = index.WriteLock(path)
    with writer.held() as mine:
        assert mine
        code, _out, err = finished(digest_process("--archive", str(top), "--index", str(path), "HEAD"))
        assert code == 0, err
        with opened(top, path)[0] as reader:
            cache = reader.tree_patch_ids()
            cache.put({"a" * 40: "b" * 40}, 3)  # a cache: skipped, not waited for
            assert cache.get(["a" * 40], 3) == {}
            EpochWriter(top / "git" / "0.git").add(mails(20, 1)[0])
            assert ingest.update(reader, arch, wait=False).parsed == 0  # what a hook does
    with opened(top, path)[0] as reader:
        assert ingest.update(reader, arch).parsed == 1
    with opened(top, path)[0] as reader:
        cache = reader.tree_patch_ids()
        cache.put({"a" * 40: "b" * 40, "c" * 40: None}, 3)
        assert cache.get(["a" * 40, "c" * 40, "d" * 40], 3) == {"a" * 40: "b" * 40, "c" * 40: None}
        assert cache.get(["a" * 40], 6) == {}


def test_a_reader_that_will_not_wait_lets_a_checkpoint_finish(tmp_path: Path) -> None:
    """The hook opens the index with wait=False. A file that looks truncated while a writer
    holds the lock may be mid-checkpoint: it is used once it looks whole again, and only
    a file that stays broken is an IndexBusyError (never rebuilt, never waited for)."""
    import threading

    from gitdigest.errors import IndexBusyError

    top = build_v2(tmp_path / "list", mails(0, 200))
    path = tmp_path / "i.sqlite3"
    idx, arch = opened(top, path)
    with idx:
        ingest.update(idx, arch)
        idx.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = path.read_bytes()
    with index.WriteLock(path).held():
        damage(path, "truncated")
        threading.Timer(0.3, path.write_bytes, (whole,)).start()  # the checkpoint ends
        with index.open_index(path, arch, LIMIT, wait=False) as idx:
            assert idx.count() == 200
        damage(path, "truncated")
        with pytest.raises(IndexBusyError):
            index.open_index(path, arch, LIMIT, wait=False)
        assert len(path.read_bytes()) < len(whole)  # left as it was: the writer's to mend


def damage(path: Path, how: str) -> None:
    if how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(os.urandom(8192))
    elif how == "foreign":
        path.unlink()
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE accounts (id INTEGER, owner TEXT)")
        db.commit()
        db.close()
    elif how == "older schema":
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA user_version = {index.SCHEMA_VERSION + 1}")
        db.close()


@pytest.mark.parametrize("how, words", [("truncated", "truncated"), ("older schema", "another version of gitdigest")])
def test_a_damaged_or_outdated_index_is_rebuilt_with_one_note(tmp_path: Path, how: str, words: str) -> None:
    top = build_v2(tmp_path / "list", mails(0, 300))
    path = tmp_path / "i.sqlite3"
    result = CliRunner().invoke(cli.digest_command, ["index", "--archive", str(top), "--index", str(path)])
    assert result.exit_code == 0, result.output
    damage(path, how)
    result = CliRunner().invoke(cli.digest_command, ["--archive", str(top), "--index", str(path), "--format", "json", "HEAD"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["messages"] == 300
    assert result.stderr.count("\n") == 1 and words in result.stderr and "rebuilding" in result.stderr
    assert result.stderr.startswith("git-digest: note: ")
    assert stored(path) == loaded(top)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.sqlite3", "i.sqlite3.lock", "list"]


@pytest.mark.parametrize(
    "how, words", [("garbage", "not an SQLite database"), ("foreign", "an SQLite database of another program")]
)
def test_a_file_not_gitdigests_is_an_error_and_left_alone(tmp_path: Path, how: str, words: str) -> None:
    top = build_v2(tmp_path / "list", mails(0, 30))
    path = tmp_path / "i.sqlite3"
    path.touch()
    damage(path, how)
    before = path.read_bytes()
    result = CliRunner().invoke(cli.digest_command, ["--archive", str(top), "--index", str(path), "HEAD"])
    assert result.exit_code == 1
    assert result.stderr == f"git-digest: error: {path}: not a gitdigest index ({words}); left as it is: give --index (or digest.index) another path\n"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.sqlite3", "list"]


def test_damage_found_in_use_rebuilds_once(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 50))
    path = tmp_path / "i.sqlite3"
    idx, arch = opened(top, path)
    with idx:
        ingest.update(idx, arch)
        idx.db.execute("DROP TABLE epochs")  # a query fails, as on a damaged page
    notes: list[str] = []
    found = pipeline.run(pipeline.Request(archive=top, range="HEAD", index=path), note=notes.append)
    assert found.message_count == 50
    assert len(notes) == 1 and "rebuilding" in notes[0]


def test_index_lives_outside_the_archive_which_is_unchanged(tmp_path: Path, sealed_env: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 30))
    before = checksums(top)
    runner = CliRunner()
    assert runner.invoke(cli.digest_command, ["index", "--archive", str(top)]).exit_code == 0
    writer = EpochWriter(top / "git" / "0.git")
    writer.add(mails(30, 1)[0])
    before = checksums(top)
    result = runner.invoke(cli.digest_command, ["--archive", str(top), "--since", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert checksums(top) == before
    files = sorted((sealed_env / ".cache" / "gitdigest" / "index").glob("*.sqlite3"))
    assert len(files) == 1 and top.resolve() not in files[0].resolve().parents
    assert files[0].name.startswith("list-")


def test_index_command_says_what_it_did(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 12))
    path = tmp_path / "i.sqlite3"
    runner = CliRunner()
    first = runner.invoke(cli.digest_command, ["index", "--archive", str(top), "--index", str(path)])
    second = runner.invoke(cli.digest_command, ["index", "--archive", str(top), "--index", str(path)])
    assert first.exit_code == 0 and second.exit_code == 0
    assert first.stdout.startswith(f"{path}: 12 messages added, 0 skipped") and first.stdout.count("\n") == 1
    assert "0 messages added" in second.stdout and "12 indexed" in second.stdout
    assert first.stderr == ""  # not a terminal: no progress


def test_digest_index_config_moves_the_index(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 4))
    git("config", "--global", "digest.index", str(tmp_path / "elsewhere.sqlite3"))
    result = CliRunner().invoke(cli.digest_command, ["--archive", str(top), "HEAD"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere.sqlite3").is_file()


def test_message_rows_round_trip_every_field() -> None:
    when = datetime.datetime(2025, 3, 3, 10, 0, 1, tzinfo=datetime.timezone.utc)
    subject = Subject("[RFC PATCH v3 2/5] a: b", "a: b", ("PATCH", "net"), 3, 2, 5, True, True, True, True, True, False, False)
    values = dict(
        msgid="id@x", date=when, sender=Person("Ann Dev", "ann@dev.org"), author=Person("Bob", "bob@x"),
        subject=subject, in_reply_to="parent@x", references=("a@x", "parent@x"), has_diff=True,
        diffstat=" a | 1 +", trailers=(Trailer("Reviewed-by", "Rev <rev@x>", Person("Rev", "rev@x")), Trailer("Fixes", "abc")),
        change_id="change", base_commit="base", patch_id="pid", context=9, blob="blob", commit="commit", epoch=2,
        via="list@lists.example.org", cut="References: kept 100 of about 30,001",
    )
    # A field added to Message must be given here, so that its round trip is tested.
    assert set(values) == {f.name for f in dataclasses.fields(Message)}
    message = Message(**values)
    assert all(getattr(message, f.name) != f.default for f in dataclasses.fields(Message))
    assert codec.decoder()(codec.encode(message)) == message
    plain = Message("m@x", when, values["sender"], values["sender"], Subject("s", "s"))
    assert codec.decoder()(codec.encode(plain)) == plain
    # Stored in field order: SQL finds a field where codec.record_path says.
    record = codec.encode(message)
    at = lambda *path: sqlite3.connect(":memory:").execute("SELECT json_extract(?, ?)", (record, codec.record_path(*path))).fetchone()[0]
    assert (at("patch_id"), at("subject", "title"), at("subject", "is_reply"), at("author", "email")) == ("pid", "a: b", 1, "bob@x")
    assert (at("sender", "name"), at("via"), at("epoch")) == ("Ann Dev", "list@lists.example.org", 2)
    # A row of another length is damage, not a record that takes defaults.
    shorter = json.dumps(json.loads(record)[:-1])
    with pytest.raises(DamagedIndexError):
        codec.decoder()(shorter)


def test_a_record_the_codec_cannot_store_is_an_error() -> None:
    """A field of a type JSON cannot hold fails loudly, never switches the cache off."""
    when = datetime.datetime(2025, 3, 3, tzinfo=datetime.timezone.utc)
    odd = Message("m@x", when, Person("A", "a@x"), Person("A", "a@x"), Subject("s", "s"), references=frozenset({"x"}))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        codec.encode(odd)
    rev = Revision(key="k", version=1, subject=object(), author=Person("A", "a@x"), date=when, cover=None, patches=(), total=0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        codec.encode_topic(Topic(key="k", revisions=(rev,)), lambda m: 0)


def period_json(request: pipeline.Request) -> str:
    return render.render(pipeline.run(request), "json")


def forget_topics(path: Path) -> None:
    if path.exists():
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("DELETE FROM meta WHERE key = 'topics'")
        db.close()


def same_every_way(request: pipeline.Request, monkeypatch: pytest.MonkeyPatch, short: bool = True) -> str:
    """The period's JSON with topics computed over every message, then read from the cache
    (a short period reads only its topics), then read from the cache whole: all equal."""
    assert request.index is not None
    forget_topics(request.index)
    computed = period_json(request)
    with monkeypatch.context() as patch:
        if short:  # it must not read the whole archive
            patch.setattr(index.Index, "everything", lambda self: pytest.fail("read every message"))
        assert period_json(request) == computed
    with monkeypatch.context() as patch:
        patch.setattr(corpus, "SHORT", 0.0)
        assert period_json(request) == computed
    text = render.render(pipeline.run(dataclasses.replace(request, texts=True)), Format.TEXT)
    # a topic at a time (a reply's series in another batch), and as it runs; in one process and in two
    for batch, two in itertools.product((1, corpus.BATCH), (False, True)):
        with monkeypatch.context() as patch:
            patch.setattr(corpus, "BATCH", batch)
            patch.setattr(streaming, "TWO_FROM", 0 if two else 10**9)
            assert streamed(request, monkeypatch, streams=not short) == computed
            assert streamed(request, monkeypatch, streams=not short, fmt=Format.TEXT) == text
    return computed


def streamed(request: pipeline.Request, monkeypatch: pytest.MonkeyPatch, streams: bool, fmt: Format = Format.JSON) -> str:
    """The period's report as `git digest --format FMT` writes it (JSON, text): a long period's
    streamed, its topics a batch at a time and its messages one at a time, never every
    message at once."""
    with monkeypatch.context() as patch:
        patch.setattr(index.Index, "everything", lambda self: pytest.fail("read every message at once"))
        parts = render.spooler(fmt)
        assert parts is not None
        digest, spooled = pipeline.stream(dataclasses.replace(request, texts=fmt.prints_texts), parts)
    assert (spooled is not None) == streams
    assert not spooled or digest.series == ()
    return "".join(render.pieces(digest, fmt, spooled))


def tricky_mails() -> list[bytes]:
    """Two series with revisions, replies after the period, a message delivered twice
    with different references, and filler around them."""
    out = mails(0, 60, prefix="early")
    out.append(make_mail("c1@x", "[PATCH 0/1] b: first", "Ann Dev <ann@dev.org>", "Mon, 10 Mar 2025 10:00:00 +0000", "Cover.\n"))
    out.append(make_mail("p1@x", "[PATCH 1/1] b: first", "Ann Dev <ann@dev.org>", "Mon, 10 Mar 2025 10:01:00 +0000",
                         "One.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=1), in_reply_to="c1@x"))
    out.append(make_mail("dup@x", "Re: [PATCH 1/1] b: first", "Rev Iewer <rev@corp.com>", "Mon, 10 Mar 2025 12:00:00 +0000",
                         "Hm.\n", in_reply_to="elsewhere@x"))
    out += mails(200, 60, prefix="middle")
    out.append(make_mail("dup@x", "Re: [PATCH 1/1] b: first", "Rev Iewer <rev@corp.com>", "Wed, 12 Mar 2025 12:00:00 +0000",
                         "Reviewed-by: Rev Iewer <rev@corp.com>\n", in_reply_to="p1@x"))
    out.append(make_mail("p2@x", "[PATCH v2] b: first", "Ann Dev <ann@dev.org>", "Thu, 20 Mar 2025 10:00:00 +0000",
                         "One.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=1), in_reply_to="p1@x"))
    out.append(make_mail("late@x", "Re: [PATCH 1/1] b: first", "Bob <bob@x.org>", "Fri, 21 Mar 2025 10:00:00 +0000",
                         "Acked-by: Bob <bob@x.org>\n", in_reply_to="p1@x"))
    return out


def test_a_short_period_reads_what_the_whole_archive_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = build_v2(tmp_path / "list", tricky_mails())
    EpochWriter(top / "git" / "0.git").remove(mails(0, 1, prefix="early")[0])
    path = tmp_path / "i.sqlite3"
    day = lambda d: datetime.datetime(2025, 3, d, tzinfo=datetime.timezone.utc)
    statuses = {}
    for since, until in [(day(10), day(11)), (day(12), day(13)), (day(20), day(22)), (day(1), day(30))]:
        request = pipeline.Request(archive=top, since=since, until=until, index=path)
        text = same_every_way(request, monkeypatch, short=since.day != 1)
        statuses[since.day] = [(s["subject"], s["version"], s["status"]) for s in json.loads(text)["series"]]
    assert statuses[10] == [("b: first", 1, "superseded")]
    assert statuses[12] == []
    assert statuses[20] == [("b: first", 2, "revised")]
    whole = json.loads(same_every_way(pipeline.Request(archive=top, range="HEAD", index=path), monkeypatch, short=False))
    assert whole["messages"] == 120 + 5 - 1  # c1 p1 dup p2 late (dup@x once); the removed one is gone


@pytest.mark.slow
def test_iouring_index_equals_the_index_free_parse(iouring: Path, iouring_history, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "iouring.sqlite3"
    idx, arch = opened(iouring, path)
    with idx:
        done = ingest.update(idx, arch)
        assert done.parsed == 33495
        assert tuple(idx.everything().values()) == iouring_history.messages
        assert idx.rows_between(None, None).skipped == iouring_history.skipped
    utc = datetime.timezone.utc
    for since, until, spec in [
        (datetime.datetime(2025, 6, 2, tzinfo=utc), datetime.datetime(2025, 6, 9, tzinfo=utc), None),
        (datetime.datetime(2024, 1, 1, tzinfo=utc), datetime.datetime(2024, 3, 1, tzinfo=utc), None),
        (None, None, "HEAD"),
    ]:
        request = pipeline.Request(archive=iouring, range=spec, since=since, until=until, index=path)
        same_every_way(request, monkeypatch, short=spec is None)


def test_a_release_that_changes_only_reports_keeps_the_index(tmp_path: Path) -> None:
    """The index's fingerprint leaves out index.codec.READERS (reports, shells, people tables):
    a change there keeps a large list's index, while any other change, a new module among
    them, rebuilds it."""
    package = tmp_path / "gitdigest"
    shutil.copytree(Path(codec.__file__).resolve().parent.parent, package, ignore=shutil.ignore_patterns("__pycache__"))

    def fingerprint() -> str:
        script = "from gitdigest.index import codec; print(codec.code_fingerprint())"
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(tmp_path)}, cwd=tmp_path)
        return done.stdout.strip()

    def touch(name: str) -> None:
        path = package / name
        path.write_text((path.read_text() if path.exists() else "") + "\n# changed\n")

    first = fingerprint()
    for reader in ("render/json.py", "render/text.py", "pipeline.py", "cli.py", "hook/prepush.py", "people/stats.py", "people/tally.py"):
        touch(reader)
    assert fingerprint() == first
    for maker in ("mail/messages.py", "series/topics.py", "index/codec.py", "people/identity.py", "series/new_module.py"):
        touch(maker)
        assert fingerprint() != first, maker
        first = fingerprint()


def test_pushed_commits_are_found_by_patch_id_and_by_title_in_any_case(tmp_path: Path) -> None:
    """The look-up columns (patch_id, title) give what the records hold: a title in another
    case, non-ASCII letters included, and the patch-id `git patch-id --stable` gives the diff."""
    diff = DIFF.format(n="b")
    body = "Fix it.\n\nSigned-off-by: A U Thor <author@example.org>\n" + diff
    top = build_v2(tmp_path / "list", [
        make_mail("p@x", "[PATCH] =?utf-8?q?=C3=84rger?= im Treiber", body=body),
        make_mail("q@x", "[PATCH] io_uring: Fix things", body=body.replace("+b", "+c")),
        make_mail("r@x", "Re: [PATCH] =?utf-8?q?=C3=84rger?= im Treiber", in_reply_to="p@x"),
    ])
    patch_id = subprocess.run(["git", "patch-id", "--stable"], input=f"commit {'0' * 40}\n{diff}",
                              capture_output=True, text=True, check=True).stdout.split()[0]
    idx, arch = opened(top, tmp_path / "i.sqlite3")
    with idx:
        ingest.update(idx, arch)
        # The reply's subject has the same title: a posting's thread is found with it.
        assert idx.rows_matching((), (), ["äRGER IM treiber"]).msgids == ("p@x", "r@x")
        assert idx.rows_matching((), (), ["IO_URING: FIX THINGS"]).msgids == ("q@x",)
        assert idx.rows_matching((), [patch_id], ()).msgids == ("p@x",)
        assert idx.rows_matching(["r@x"], (), ()).msgids == ("r@x",)
        assert idx.rows_titled(["ärger", "TREIBER"]).msgids == ("p@x",)  # not the reply
        assert idx.rows_titled(["Ärger", "things"]).msgids == ()


def test_a_long_update_checkpoints_less_often_caches_more_and_puts_the_defaults_back(tmp_path: Path) -> None:
    top = build_v2(tmp_path / "list", mails(0, 3))
    idx, _arch = opened(top, tmp_path / "i.sqlite3")
    pages = lambda: tuple(idx.db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("wal_autocheckpoint", "cache_size"))
    with idx:
        assert pages() == (1000, -2000)  # SQLite's defaults: 1,000 pages; 2,000 KiB
        with idx.long_update():
            assert pages() == (store.LONG_CHECKPOINT, -store.LONG_CACHE * 1024)
        assert pages() == (1000, -2000)
        with pytest.raises(KeyError), idx.long_update():
            raise KeyError("a chunk that failed")
        assert pages() == (1000, -2000)


def _index_names(path: Path) -> set[str]:
    """The indexes the file at `path` holds now, as another connection sees it."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_first_update_builds_the_lookup_indexes_at_its_end_and_later_ones_keep_them(tmp_path: Path) -> None:
    """The first update stores rows without the indexes only reports read, and builds them once
    at its end; an update of an index that has them never drops them."""
    top = build_v2(tmp_path / "list", mails(0, 30))
    path = tmp_path / "i.sqlite3"
    idx, arch = opened(top, path)
    seen: list[set[str]] = []
    watch = lambda stage, done, total: seen.append(_index_names(path) & set(schema.LOOKUPS))
    with idx:
        assert not _index_names(path) & set(schema.LOOKUPS)
        ingest.update(idx, arch, watch, workers=1)
        assert seen and all(names == set() for names in seen)
        assert set(schema.LOOKUPS) <= _index_names(path)
        plan = " ".join(str(r) for r in idx.db.execute("EXPLAIN QUERY PLAN SELECT seq FROM messages WHERE commit_id = 'x'"))
        assert "messages_commit" in plan
        seen.clear()
        writer = EpochWriter(top / "git" / "0.git")
        for data in mails(30, 5):
            writer.add(data)
        assert ingest.update(idx, arch, watch, workers=1).parsed == 5
        assert seen and all(names == set(schema.LOOKUPS) for names in seen)
    assert stored(path) == loaded(top)


def test_a_first_update_killed_after_its_last_chunk_leaves_the_lookups_to_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after it stored and grouped every message (tips reached, nothing pending) but
    before its end: the next update, with nothing new to read, still builds the lookups."""
    top = build_v2(tmp_path / "list", mails(0, 30))
    path = tmp_path / "i.sqlite3"
    monkeypatch.setattr(ingest, "REGROUP_EVERY", 1)  # the topics are brought up to date after each chunk

    class Killed(Exception):
        pass

    def kill(stage: str, done: int, total: int) -> None:
        if done == total:
            raise Killed

    idx, arch = opened(top, path)
    with idx:
        with pytest.raises(Killed):
            ingest.update(idx, arch, kill, workers=1)
        assert idx.tips() == archive.tips(arch) and idx.pending() == 0
        assert not _index_names(path) & set(schema.LOOKUPS)
        again = ingest.update(idx, arch, workers=1)
        assert again.parsed == 0
        assert set(schema.LOOKUPS) <= _index_names(path)
    assert stored(path) == loaded(top)
