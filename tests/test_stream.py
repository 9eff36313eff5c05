"""A whole archive's JSON and text digests stream (issue 17): its topics are read a batch at a
time and its messages counted one at a time, never all held at once, and what it writes
equals, byte for byte, the digest made with every message held.

Each archive is digested both ways: a topic per batch (every reply's series, and every
copy of a message, in a batch of its own, in whatever order the topics bring them), a few
topics per batch, and batches as they run.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO

import pytest
from archives import DIFF, build_v2, make_mail, read_mbox
from conftest import DATA, invoke
from hypothesis import given, settings
from hypothesis import strategies as st
from test_index import streamed, tricky_mails

from gitdigest import index, pipeline, render, streaming
from gitdigest.index import Index, corpus
from gitdigest.mail import messages
from gitdigest.model import Format, Message, RawMessage
from gitdigest.people.identity import Identity
from gitdigest.render import json as render_json
from gitdigest.render.spool import Spool
from gitdigest.series import grouping

BATCHES = (1, 7, corpus.BATCH)


def held_and_streamed(request: pipeline.Request, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The digest's JSON with every message held, after asserting that each batch size streams
    the same bytes, and the same text report, in one process and in two."""
    held = render.render(pipeline.run(request), "json")
    text = render.render(pipeline.run(dataclasses.replace(request, texts=True)), "text")
    for batch, two in itertools.product(BATCHES, (False, True)):
        with monkeypatch.context() as patch:
            patch.setattr(corpus, "BATCH", batch)
            patch.setattr(streaming, "TWO_FROM", 0 if two else 10**9)
            said = f"batches of {batch}, {'two processes' if two else 'one'}"
            assert streamed(request, monkeypatch, streams=True) == held, said
            assert streamed(request, monkeypatch, streams=True, fmt=Format.TEXT) == text, f"text, {said}"
    data: dict[str, object] = json.loads(held)
    return data


def test_the_kvm_sample_streams_what_it_gives_held_whole(kvm_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviews given in replies and carried by later revisions, first replies, unanswered
    revisions, employers by a QEMU-style gitdm map (tests/data/kvm-sample/README.md)."""
    request = pipeline.Request(archive=kvm_archive, range="HEAD", index=tmp_path / "i.sqlite3", cache=tmp_path / "cache",
                               orgmap=DATA / "kvm-sample" / "gitdm", texts=False)
    report = held_and_streamed(request, monkeypatch)
    reviews, people = report["reviews"], report["people"]
    assert isinstance(reviews, dict) and isinstance(people, dict)
    # What the sample was built with: each of these tables has rows.
    assert reviews["reviewed"] and reviews["carried"] and reviews["reviewers"] and reviews["replied"] and report["unanswered"]
    assert people["employers"] and report["contributors"]


def test_the_mail_corpus_streams_what_it_gives_held_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Munged senders, 8-bit headers, attachments, and tagged mail that no series holds."""
    mails = [data for box in sorted((DATA / "mail").glob("*.mbox")) for data in read_mbox(box)]
    top = build_v2(tmp_path / "corpus", mails)
    request = pipeline.Request(archive=top, range="HEAD", index=tmp_path / "i.sqlite3", cache=tmp_path / "cache", texts=False)
    report = held_and_streamed(request, monkeypatch)
    assert report["left_out"], "left-out.mbox holds tagged mail that is neither patch nor cover letter"


def test_copies_and_replies_across_series_stream_as_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message delivered twice with different references, one removed, a review after a
    newer revision, and a series whose patch carries the trailer a reply restates: each
    decided by archive order or by the series' own copy, whatever batch brings it."""
    mails = tricky_mails()
    when = "Mon, 24 Mar 2025 10:{:02d}:00 +0000"
    carried = "Two.\n\nReviewed-by: Rev Iewer <rev@corp.com>\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=2)
    mails += [
        make_mail("q1@x", "[PATCH] c: second", "Ann Dev <ann@dev.org>", when.format(0), "Two.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=2)),
        make_mail("q2@x", "[PATCH v2] c: second", "Ann Dev <ann@dev.org>", when.format(1), carried),
        # restates the trailer q2 carries (nothing new), and gives one q2 does not carry
        make_mail("r1@x", "Re: [PATCH v2] c: second", "Rev Iewer <rev@corp.com>", when.format(2), "Reviewed-by: Rev Iewer <rev@corp.com>\n",
                  in_reply_to="q2@x"),
        make_mail("r2@x", "Re: [PATCH v2] c: second", "Tess Ter <tess@lab.org>", when.format(3), "Tested-by: Tess Ter <tess@lab.org>\n",
                  in_reply_to="q2@x"),
        # a reply to two series at once (the first's patch, the second's v2 in its references)
        make_mail("r3@x", "Re: [PATCH 1/1] b: first", "Bob <bob@x.org>", when.format(4), "Acked-by: Bob <bob@x.org>\n",
                  in_reply_to="p1@x", references=("q2@x", "p1@x")),
        make_mail("odd@x", "[ANNOUNCE] c: a release", "Ann Dev <ann@dev.org>", when.format(5), "Out now.\n"),
    ]
    top = build_v2(tmp_path / "list", mails)
    request = pipeline.Request(archive=top, range="HEAD", index=tmp_path / "i.sqlite3", cache=tmp_path / "cache", texts=False)
    report = held_and_streamed(request, monkeypatch)
    reviewers = {r["email"]: (r["reviewed"], r["acked"], r["tested"]) for r in report["reviews"]["reviewers"]}  # type: ignore[index]
    # Rev: the 60 reviews of mails() (dup@x counts as its first copy, which gives none; r1
    # restates what q2 carries); Bob: late@x and r3; Tess: r2.
    assert reviewers == {"rev@corp.com": (60, 0, 0), "tess@lab.org": (0, 0, 1), "bob@x.org": (0, 2, 0)}
    assert [m["msgid"] for m in report["left_out"]] == ["odd@x"]  # type: ignore[union-attr]


def two_ways(request: pipeline.Request, monkeypatch: pytest.MonkeyPatch, notes: list[str] | None = None) -> tuple[str, Spool]:
    """The whole archive's JSON made in one process, and the spool of the same digest made where
    a second process may take every other batch: (its JSON, equal to the first, and its spool);
    the digest's notes go to `notes`."""
    with monkeypatch.context() as patch:
        patch.setattr(streaming, "TWO_FROM", 10**9)
        alone = streamed(request, monkeypatch, streams=True)
    with monkeypatch.context() as patch:
        patch.setattr(streaming, "TWO_FROM", 0)
        patch.setattr(corpus, "BATCH", 1)
        digest, spooled = pipeline.stream(request, render_json.series_parts, note=(notes if notes is not None else []).append)
        assert spooled is not None
        assert "".join(render.pieces(digest, Format.JSON, spooled)) == alone
    return alone, spooled


def series_in(spooled: Spool, file: int) -> int:
    """How many series a spool holds from its `file`-th file (1: those the second process wrote)."""
    return sum(1 for *_place, number in spooled.where if number == file)


@pytest.fixture
def tricky(tmp_path: Path) -> pipeline.Request:
    """tricky_mails, and a thread of no series (no batch reads it: its rows are counted at the end)."""
    when = "Tue, 25 Mar 2025 10:{:02d}:00 +0000"
    talk = [make_mail("talk@x", "How is io_uring set up?", "Joe User <joe@user.org>", when.format(0), "Which flags?\n")]
    talk += [make_mail(f"talk{n}@x", "Re: How is io_uring set up?", f"Helper {n} <h{n}@x.org>", when.format(n), "These.\n",
                       in_reply_to="talk@x") for n in range(1, 6)]
    top = build_v2(tmp_path / "list", tricky_mails() + talk)
    return pipeline.Request(archive=top, range="HEAD", index=tmp_path / "i.sqlite3", cache=tmp_path / "cache", texts=False)


def test_a_second_process_takes_every_other_batch(tricky: pipeline.Request, monkeypatch: pytest.MonkeyPatch) -> None:
    """It wrote series of its own to its own file, which the report read back, and counted half
    the rows no batch read: the digest is the one-process digest."""
    asked: list[int] = []
    counted: list[bool] = []
    busy: list[bool] = []
    ask, done, batches = streaming._Helper.ask, streaming._Helper.counted, streaming._batches
    monkeypatch.setattr(streaming._Helper, "ask", lambda self, rows: asked.extend(rows) or ask(self, rows))
    monkeypatch.setattr(streaming._Helper, "counted", lambda self: counted.append(done(self)) or counted[-1])
    assert tricky.index is not None
    lock = index.WriteLock(tricky.index)
    monkeypatch.setattr(streaming, "_batches", lambda *args, **kwargs: busy.append(lock.busy()) or batches(*args, **kwargs))
    alone, spooled = two_ways(tricky, monkeypatch)
    assert busy and not any(busy), "once the second process has read, the writer's lock is free (an update may run)"
    assert len(spooled.files) == 2
    assert series_in(spooled, 0) and series_in(spooled, 1), "each process wrote some of the series"
    assert series_in(spooled, 0) + series_in(spooled, 1) == len(json.loads(alone)["series"])
    assert len(asked) == 3 and counted == [True], "of the thread's 6 rows, the second process counted every other one"


def test_an_update_holding_the_lock_keeps_the_digest_in_one_process(tricky: pipeline.Request, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes must read one state of the index: while an update may commit (it holds the
    writer's lock), the digest reads every batch itself."""
    assert tricky.index is not None
    pipeline.update_index(tricky)
    with index.WriteLock(tricky.index).held():
        _alone, spooled = two_ways(tricky, monkeypatch)
    assert len(spooled.files) == 1 and series_in(spooled, 0)


def test_a_second_process_that_fails_leaves_its_batches_to_the_first(tricky: pipeline.Request, monkeypatch: pytest.MonkeyPatch) -> None:
    """One that ends before it reads the index, during its first batch, after it handed over
    a few batches (whose series it wrote are kept), or once it read all its batches but
    before it counted the rows it was asked to count, or that fails with an error: the rest of
    its work is done here, and a note says so."""
    real = streaming._help
    notes: list[str] = []
    every = series_in(two_ways(tricky, monkeypatch, notes)[1], 1)  # what it writes when it does not fail
    assert notes == []
    # The batches this process reads (the second process, forked, counts in a list of its own).
    reads: list[None] = []
    first, read = os.getpid(), corpus._batch
    monkeypatch.setattr(corpus, "_batch", lambda *args: (os.getpid() == first and reads.append(None)) or read(*args))
    with monkeypatch.context() as patch:
        patch.setattr(streaming, "TWO_FROM", 10**9)
        streamed(tricky, monkeypatch, streams=True)  # as two_ways first does
        whole, reads[:] = len(reads), []
        patch.setattr(corpus, "BATCH", 1)
        streamed(tricky, monkeypatch, streams=True)
        batches, reads[:] = len(reads), []
    assert batches > 8
    for name, helper, kept, said in (
        ("ended at once", lambda *_args: os._exit(3), 0, "exit status 3"),
        ("died in its first batch", dying(real, 1), 0, "exit status 3"),
        ("died after three batches", dying(real, 4), 3, "exit status 3"),
        ("died when asked to count", deaf(real), every, "exit status 3"),
        ("failed in its first batch", dying(real, 1, ValueError("no room")), 0, "ValueError: no room"),
    ):
        with monkeypatch.context() as patch:
            patch.setattr(streaming, "_help", helper)
            notes.clear()
            reads.clear()
            _alone, spooled = two_ways(tricky, monkeypatch, notes)
        assert series_in(spooled, 1) == kept, name
        # two_ways reads the whole in one process, then every batch but those handed over (one series each)
        assert len(reads) == whole + batches - kept, f"{name}: this process read no batch it was handed"
        assert len(notes) == 1 and f"the second process reading the index stopped ({said})" in notes[0], name


def test_a_message_id_two_batches_hold_keeps_the_later_batches_copy_in_any_order() -> None:
    """Two copies of a reviewed patch, in batches 1 and 3 (a message delivered twice, each copy
    in a topic of its own): the copy kept is batch 3's, as one process reading batches in
    order keeps it, whether batch 3's part is merged before batch 1 is taken (the second
    process ran ahead) or after, and in the fallback, which takes batch 1 after merging 3."""
    patch = "Thing.\n\nReviewed-by: Rev Iewer <rev@corp.com>\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=1)
    early, late = (
        messages.parse(RawMessage(make_mail("p@x", "[PATCH] a: thing", "Ann Dev <ann@dev.org>", f"Mon, 24 Mar 2025 10:0{n}:00 +0000", patch),
                                  f"{n}" * 40))
        for n in (1, 3)
    )
    assert isinstance(early, Message) and isinstance(late, Message) and early.review_trailers
    period = index.Rows((), (), ())

    def gathered(*found: tuple[int, Message]) -> streaming.Gathered:
        one = streaming.Gathered.of(period, Identity())
        one.topical.update((msg.msgid, (number, msg)) for number, msg in found)
        return one

    for name, order in (
        ("in order", (gathered((1, early)), gathered((3, late)))),
        ("the second process ahead", (gathered((3, late)), gathered((1, early)))),
    ):
        into = streaming.Gathered.of(period, Identity())
        for part in order:
            into.merge(part.part())
        assert into.known()["p@x"] is late, name
    into = gathered((3, late))
    topics = grouping.topics(grouping.postings([early]))
    into.take(1, corpus.Corpus((early,), topics, (), ()), {1: early})
    assert into.known()["p@x"] is late, "the fallback"


_STALLED = """
import os, sys, time
from pathlib import Path
from gitdigest import pipeline, streaming
from gitdigest.render import json as render_json
streaming.TWO_FROM = 0
first, made = os.getpid(), streaming._Helper.__init__
def init(self, *args):
    made(self, *args)
    print(self.process.pid, flush=True)
def parts(page):
    if os.getpid() == first:
        time.sleep(600)
    return render_json.series_parts(page)
streaming._Helper.__init__ = init
request = pipeline.Request(archive=Path(sys.argv[1]), range="HEAD", index=Path(sys.argv[2]), cache=Path(sys.argv[3]), texts=False)
pipeline.stream(request, parts)
"""


def test_a_second_process_ends_when_the_first_is_killed(tricky: pipeline.Request) -> None:
    """The first stalls in its first series and is killed (no `finally` runs): the second,
    wherever it is, sees its pipe closed and ends, and the writer's lock is free."""
    assert tricky.archive is not None and tricky.index is not None and tricky.cache is not None
    args = [sys.executable, "-c", _STALLED, str(tricky.archive), str(tricky.index), str(tricky.cache)]
    first = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert first.stdout is not None
    second = int(first.stdout.readline())
    time.sleep(1)  # wherever it is by now: in its batches, or waiting to be asked to count
    first.kill()
    first.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and alive(second):
        time.sleep(0.1)
    assert not alive(second), "the second process outlived the first"
    assert not index.WriteLock(tricky.index).busy()


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie that nothing reaps has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def deaf(real: Callable[..., None]) -> Callable[..., None]:
    """The second process's work, ended (as a crash ends it) once it is asked to count the rows no batch read."""

    class Dying:
        def __init__(self, pipe: Connection) -> None:
            self.send, self.pipe = pipe.send, pipe

        def recv(self) -> object:
            os._exit(3)

    return lambda ends, *rest: real((Dying(ends[0]), ends[1]), *rest)


def dying(real: Callable[..., None], at: int, error: Exception | None = None) -> Callable[..., None]:
    """The second process's work, ended (as a crash ends it) as it writes its `at`-th series
    (with batches of one topic, each of its batches has one series); or failing there with `error`."""

    def helper(ends: tuple[Connection, Connection], gathering: BinaryIO, path: Path, period: object, gathered: object,
               paging: object, parts: Callable[..., object], spool: object) -> None:
        written = itertools.count(1)

        def parts_or_die(page: object) -> object:
            if next(written) == at:
                if error is not None:
                    raise error
                os._exit(3)
            return parts(page)

        real(ends, gathering, path, period, gathered, paging, parts_or_die, spool)

    return helper


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_JSON)
def test_the_report_encoder_writes_what_json_dumps_writes(value: object) -> None:
    """Control characters, surrogates and any Unicode in strings and keys, keys that are not
    strings; empty and nested containers; every int and float: render/json.dumps is
    json.dumps with indent=2."""
    assert render_json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert render_json.dumps([value], "    ") == json.dumps([value], indent=2, ensure_ascii=False).replace("\n", "\n    ")


def test_the_report_encoder_refuses_what_json_refuses() -> None:
    for value in ({(1, 2): "a"}, {"a": object()}, {"a": {1, 2}}):
        with pytest.raises(TypeError):
            render_json.dumps(value)


def test_a_long_period_knows_the_trailers_of_patches_before_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A period of most of the archive (it streams), after a patch that carries a review:
    a reply in the period that restates the trailer gives nothing new, one that gives
    another does, as when every message is held."""
    early = "Mon, 03 Mar 2025 09:{:02d}:00 +0000"
    late = "Thu, 20 Mar 2025 10:{:02d}:00 +0000"
    carried = "Old.\n\nReviewed-by: Rev Iewer <rev@corp.com>\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=7)
    mails = [make_mail("old@x", "[PATCH v3] d: old", "Ann Dev <ann@dev.org>", early.format(0), carried)]
    mails += [make_mail(f"n{n}@x", f"[PATCH] e: new {n}", "Bob <bob@x.org>", late.format(n),
                        f"New {n}.\n\nSigned-off-by: Bob <bob@x.org>\n" + DIFF.format(n=100 + n)) for n in range(6)]
    mails += [
        make_mail("again@x", "Re: [PATCH v3] d: old", "Rev Iewer <rev@corp.com>", late.format(30), "Reviewed-by: Rev Iewer <rev@corp.com>\n",
                  in_reply_to="old@x"),
        make_mail("more@x", "Re: [PATCH v3] d: old", "Tess Ter <tess@lab.org>", late.format(31), "Tested-by: Tess Ter <tess@lab.org>\n",
                  in_reply_to="old@x"),
    ]
    top = build_v2(tmp_path / "list", mails)
    since = datetime.datetime(2025, 3, 10, tzinfo=datetime.timezone.utc)
    request = pipeline.Request(archive=top, since=since, index=tmp_path / "i.sqlite3", cache=tmp_path / "cache", texts=False)
    report = held_and_streamed(request, monkeypatch)
    reviewers = {r["email"]: (r["reviewed"], r["tested"]) for r in report["reviews"]["reviewers"]}  # type: ignore[index]
    assert reviewers == {"tess@lab.org": (0, 1)}  # Rev's restates what old@x carries
    assert report["messages"] == 8  # all but old@x: 8 of 9, a long period


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_command_streams_a_whole_archive(fmt: str, kvm_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git digest --format text|json` of a whole archive, to a file and to stdout: never every
    message at once, and the bytes of the report made holding them."""
    index, cache = tmp_path / "i.sqlite3", tmp_path / "cache"
    request = pipeline.Request(archive=kvm_archive, range="HEAD", index=index, cache=cache, texts=fmt == "text")
    held = render.render(pipeline.run(request), fmt)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(Index, "everything", lambda self: pytest.fail("read every message at once"))
    out = tmp_path / f"report.{fmt}"
    written = invoke("--archive", kvm_archive, "--index", index, "--format", fmt, "-o", out, "HEAD")
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") == held
    shown = invoke("--archive", kvm_archive, "--index", index, "--format", fmt, "HEAD")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == held
