"""The index's topics, kept up to date message by message, are a whole-archive grouping's.

An archive grows in random chunks (its messages in a shuffled order, so that replies
and later revisions may come first), with `d` removals and a rewritten history on the
way; after every update the topics the index holds must equal
`grouping.topics(grouping.postings(every message))`, in the same order.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from archives import EpochWriter, build_v2, make_mail, read_mbox
from conftest import KVM_SAMPLE_MBOX

from gitdigest.index import codec, incremental, ingest, open_index
from gitdigest.index.schema import SCHEMA
from gitdigest.index.store import Index
from gitdigest.mail import archive, messages
from gitdigest.model import Topic
from gitdigest.series import grouping, reach

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import scale_archive

SERIES = Path(__file__).parent / "data" / "series"


def stored(idx: Index) -> tuple[tuple[Topic, ...], tuple[Topic, ...]]:
    """The topics the index holds, and those a whole-archive grouping gives."""
    history = idx.everything()
    decode = codec.topic_decoder(history)
    kept = tuple(decode(one.data) for one in idx.topics().data())
    return kept, grouping.topics(grouping.postings(list(history.values())))


def _shuffled(found: Sequence[bytes], rng: random.Random) -> list[bytes]:
    """Arrival order, disturbed: each message may move up to 40 places later."""
    keyed = sorted(enumerate(found), key=lambda item: item[0] + rng.uniform(0, 40))
    return [data for _n, data in keyed]


@pytest.fixture(scope="module")
def corpus(iouring: Path) -> list[bytes]:
    """Every series case, the KVM sample, and io-uring's last 800 messages."""
    found = [data for mbox in sorted(SERIES.glob("*.mbox")) for data in read_mbox(mbox)]
    found += read_mbox(KVM_SAMPLE_MBOX)
    found += [s.data for s in scale_archive.source(iouring, 800)]
    return found


def _check(idx: Index, arch: archive.Archive) -> int:
    ingest.update(idx, arch)
    kept, whole = stored(idx)
    assert incremental.pending(idx.db) == 0
    assert idx.count() == idx.db.execute("SELECT count(*) FROM messages WHERE msgid IS NOT NULL").fetchone()[0]
    assert [t.key for t in kept] == [t.key for t in whole]
    assert kept == whole
    return len(kept)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_topics_grown_in_random_chunks_equal_a_whole_archive_grouping(tmp_path: Path, corpus: list[bytes], seed: int) -> None:
    rng = random.Random(seed)
    order = _shuffled(corpus, rng)
    top = tmp_path / "archive"
    writer = EpochWriter(top / "git" / "0.git")
    arch_path = top / "git" / "0.git"
    checks = 0
    with open_index(tmp_path / "index.sqlite3", _first(top, writer, order[0]), messages.MAX_MESSAGE_SIZE) as idx:
        done = 1
        while done < len(order):
            size = rng.choice((1, 5, 30, 120))
            for data in order[done : done + size]:
                writer.add(data)
            done += size
            if rng.random() < 0.3:  # a `d` commit removes a message added earlier
                writer.remove(rng.choice(order[:done]))
            if rng.random() < 0.2 and done > 50:  # history rewritten: the last few commits are gone
                back = rng.randint(1, 20)
                tip = subprocess.run(["git", "rev-parse", f"HEAD~{back}"], cwd=arch_path, check=True,
                                     capture_output=True, text=True).stdout.strip()
                subprocess.run(["git", "update-ref", "refs/heads/master", tip], cwd=arch_path, check=True)
                writer = EpochWriter(arch_path)
            checks += 1
            assert _check(idx, archive.open_archive(top)) > 0
    assert checks > 5


def _first(top: Path, writer: EpochWriter, data: bytes) -> archive.Archive:
    writer.add(data)
    return archive.open_archive(top)


def test_topics_across_epochs_in_one_update_or_two(tmp_path: Path, corpus: list[bytes]) -> None:
    """Across epochs, in one update or in two, the same topics."""
    top = build_v2(tmp_path / "archive", corpus[:1500], per_epoch=700)
    arch = archive.open_archive(top)
    with open_index(tmp_path / "index.sqlite3", arch, messages.MAX_MESSAGE_SIZE) as idx:
        assert _check(idx, arch) > 10
    writer = EpochWriter(top / "git" / "2.git")
    for data in corpus[1500:]:
        writer.add(data)
    with open_index(tmp_path / "index.sqlite3", archive.open_archive(top), messages.MAX_MESSAGE_SIZE) as idx:
        _check(idx, archive.open_archive(top))


def test_a_resend_arriving_later_joins_the_earlier_topic(tmp_path: Path) -> None:
    """v2 in reply to v1, arriving before v1: one topic once both are there, v1 first."""
    v1 = make_mail("v1@example.org", "[PATCH] io_uring: fix the thing", date="Mon, 03 Mar 2025 10:00:00 +0000",
                   body="diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    v2 = make_mail("v2@example.org", "[PATCH v2] io_uring: fix the thing", date="Tue, 04 Mar 2025 10:00:00 +0000",
                   in_reply_to="v1@example.org", body="diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+c\n")
    top = build_v2(tmp_path / "archive", [v2])
    with open_index(tmp_path / "index.sqlite3", archive.open_archive(top), messages.MAX_MESSAGE_SIZE) as idx:
        assert _check(idx, archive.open_archive(top)) == 1
        EpochWriter(top / "git" / "0.git").add(v1)
        assert _check(idx, archive.open_archive(top)) == 1
        kept, _whole = stored(idx)
        assert [r.version for r in kept[0].revisions] == [1, 2]


@pytest.mark.slow
def test_iouring_grown_in_chunks_equals_a_whole_archive_grouping(tmp_path: Path, iouring: Path) -> None:
    """The whole io-uring archive, indexed as it grew (five fetches of random size), holds the
    topics a whole-archive grouping gives."""
    top = tmp_path / "io-uring"
    subprocess.run(["git", "clone", "-q", "--bare", str(iouring / "git" / "0.git"), str(top / "git" / "0.git")], check=True)
    epoch = top / "git" / "0.git"
    commits = subprocess.run(["git", "rev-list", "--reverse", "HEAD"], cwd=epoch, check=True, capture_output=True,
                             text=True).stdout.split()
    rng = random.Random(17)
    cuts = sorted(rng.sample(range(1000, len(commits) - 1000), 4)) + [len(commits)]
    with open_index(tmp_path / "index.sqlite3", archive.open_archive(top), messages.MAX_MESSAGE_SIZE) as idx:
        for cut in cuts:
            subprocess.run(["git", "update-ref", "refs/heads/master", commits[cut - 1]], cwd=epoch, check=True)
            ingest.update(idx, archive.open_archive(top))
        assert idx.count() > 33000
        assert _check(idx, archive.open_archive(top)) > 1000


def _pairwise_reached(db: sqlite3.Connection, seeds: Sequence[int]) -> set[int]:
    """What `reached` answered before it was made linear: every frontier message joined to
    every message that shares a key, a topic or its sender's window with it, where one of
    the two is a numbered posting message and the other a posting message of any kind
    (written out here, not taken from `reach.meets`)."""
    window = reach.WINDOW.total_seconds()
    members, frontier = set(seeds), set(seeds)
    queries = (
        "SELECT b.seq FROM series_keys a JOIN series_keys b ON b.key = a.key WHERE a.seq IN (SELECT value FROM json_each(?))",
        "SELECT b.seq FROM series a JOIN series b ON b.topic = a.topic WHERE a.seq IN (SELECT value FROM json_each(?)) AND a.topic IS NOT NULL",
        f"SELECT b.seq FROM series a JOIN series b ON b.sender = a.sender AND b.date BETWEEN a.date - {window} AND a.date + {window}"
        " AND ((a.window = 2 AND b.window >= 1) OR (a.window >= 1 AND b.window = 2))"
        " WHERE a.seq IN (SELECT value FROM json_each(?))",
    )
    while frontier:
        given = json.dumps(sorted(frontier))
        frontier = {s for query in queries for (s,) in db.execute(query, (given,))} - members
        members |= frontier
    return members


def _series_db(rows: Sequence[tuple[int, str, float, int, int | None]], keys: Sequence[tuple[str, int]]) -> sqlite3.Connection:
    """Series rows (seq, sender, date, window kind, topic) and their keys."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO series VALUES (?, ?, ?, ?, ?, 0)", rows)
    db.executemany("INSERT INTO series_keys VALUES (?, ?)", keys)
    return db


@pytest.mark.parametrize("seed", range(8))
def test_reached_equals_the_pairwise_join(seed: int) -> None:
    """The linear `reached` reaches what the pairwise join reached, on random senders, times
    (some a window apart to the second, so that spans touch), window kinds, keys and topics."""
    rng = random.Random(seed)
    window = reach.WINDOW.total_seconds()
    rows = [(seq, f"s{rng.randrange(4)}", rng.choice([0.0, window, 2 * window, 2 * window + 1]) + rng.randrange(3) * 3 * window
             + rng.choice([0.0, rng.random() * 50000]), rng.randrange(3), rng.choice([None, rng.randrange(6)])) for seq in range(200)]
    # Each (key, message) once, as reach.keys gives a message its keys.
    keys = list(dict.fromkeys((f"k{rng.randrange(60)}", rng.randrange(200)) for _ in range(150)))
    db = _series_db(rows, keys)
    for _ in range(10):
        seeds = rng.sample(range(200), rng.randrange(1, 5))
        assert incremental.reached(db, seeds) == _pairwise_reached(db, seeds)


def test_reached_is_linear_in_a_flood_from_one_sender() -> None:
    """A flood of one sender's patches within the hour, all sharing one title key, is reached
    at a cost per message that does not grow: four times the messages cost under eight times
    the CPU (the pairwise join cost sixteen times; 20,000 of them took 277 s to index)."""

    def cpu(count: int) -> float:
        rows = [(seq, "flood", 3600.0 * seq / count, reach.Window.NUMBERED, None) for seq in range(count)]
        db = _series_db(rows, [("t:one title", seq) for seq in range(count)])
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            assert len(incremental.reached(db, range(0, count, 2))) == count
            best = min(best, time.process_time() - start)
        return best

    assert cpu(12000) < 8 * cpu(3000)


def _flood(count: int, numbered: bool) -> list[bytes]:
    """`count` unthreaded one-patch postings of one sender, six seconds apart, each with its
    own title and diff: `[PATCH 1/1]` when `numbered`, else `[PATCH]`."""
    label = "[PATCH 1/1]" if numbered else "[PATCH]"
    return [
        make_mail(f"flood{n}@x", f"{label} a: fix number {n}", "Ann Dev <ann@dev.org>",
                  f"Mon, 03 Mar 2025 10:{n * 6 // 60:02d}:{n * 6 % 60:02d} +0000",
                  f"Thing {n}.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n"
                  f"diff --git a/f{n}.c b/f{n}.c\n--- a/f{n}.c\n+++ b/f{n}.c\n@@ -1 +1,2 @@\n a\n+{n}\n")
        for n in range(count)
    ]


def _regroup_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mails: list[bytes]) -> list[int]:
    """Index `mails` in chunks of 200 with a regrouping due every 40: how many messages each
    regrouping took, after checking the topics against a whole-archive grouping (one a patch)."""
    arch = archive.open_archive(build_v2(tmp_path / "flood", mails))
    monkeypatch.setattr(ingest, "REGROUP_EVERY", 40)
    sizes: list[int] = []
    regroup = incremental._regroup
    monkeypatch.setattr(incremental, "_regroup", lambda db, members, load: (sizes.append(len(members)), regroup(db, members, load)))
    with open_index(tmp_path / "index.sqlite3", arch, 10 * 1024 * 1024) as idx:
        assert _check(idx, arch) == len(mails)
    return sizes


def test_a_flood_is_regrouped_once_it_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the way through a long update, a regrouping that would take more than SPREAD times the
    waiting messages is put off until twice as many wait. 600 numbered patches of one sender in
    an hour (each may join a posting its sender started, so each reaches all the others) come in
    three chunks of 200: the first chunk is regrouped (200 reach 200); after the second, 200
    waiting would reach 400, so it is put off; after the third, 400 waiting reach 600, and the
    600 are regrouped once (without the rule: 200, 400, 600). The topics still equal a
    whole-archive grouping: 600 topics, one patch each."""
    assert _regroup_sizes(tmp_path, monkeypatch, _flood(600, numbered=True)) == [200, 600]


def test_a_flood_of_lone_patches_is_regrouped_chunk_by_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """600 `[PATCH]`es without `n/N` of one sender in an hour: each is a posting of its own
    whatever else its sender sent, so no chunk reaches the earlier ones, and each chunk of 200
    is regrouped alone, as it comes. The topics equal a whole-archive grouping."""
    assert _regroup_sizes(tmp_path, monkeypatch, _flood(600, numbered=False)) == [200, 200, 200]


def test_reached_by_window_kind() -> None:
    """In one sender's hour: lone patches reach no other lone patch, a numbered message reaches
    every posting message within the window, and nothing reaches a message of no posting by time."""
    window = reach.WINDOW.total_seconds()
    lone, numbered, other = reach.Window.LONE, reach.Window.NUMBERED, reach.Window.NONE
    # seq: 0-9 lone patches a minute apart; 10 a numbered message at minute 9; 11 a lone patch
    # just past its window; 12 a Supersedes reply at minute 5; 13 a lone patch of another sender.
    rows = [(seq, "ann", 60.0 * seq, lone, None) for seq in range(10)]
    rows += [(10, "ann", 540.0, numbered, None), (11, "ann", 540.0 + window + 1, lone, None),
             (12, "ann", 300.0, other, None), (13, "bob", 540.0, lone, None)]
    db = _series_db(rows, [(f"t:{seq}", seq) for seq in range(14)])
    assert incremental.reached(db, [3]) == {3, 10, *range(10)}
    assert incremental.reached(db, [11]) == {11}
    assert incremental.reached(db, [12]) == {12}
    assert incremental.reached(db, [13]) == {13}
    db.execute("DELETE FROM series WHERE seq = 10")
    assert incremental.reached(db, [3]) == {3}


def test_a_numbered_message_joins_the_lone_patch_sent_beside_it(tmp_path: Path) -> None:
    """Two lone patches of one sender, then, in a later update, her `[PATCH 0/1]` cover letter
    sent unthreaded ten minutes after the first: it joins the posting of the latest lone patch,
    as a whole-archive grouping has it, though lone patches never reach each other."""

    def patch(msgid: str, subject: str, minute: int, diff: str = "") -> bytes:
        body = f"Thing.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n{diff}" if diff else "The cover.\n"
        return make_mail(msgid, subject, "Ann Dev <ann@dev.org>", f"Mon, 03 Mar 2025 10:{minute:02d}:00 +0000", body)

    diff = "diff --git a/{0}.c b/{0}.c\n--- a/{0}.c\n+++ b/{0}.c\n@@ -1 +1,2 @@\n a\n+{0}\n"
    top = build_v2(tmp_path / "archive", [patch("l1@x", "[PATCH] a: first thing", 0, diff.format("one")),
                                          patch("l2@x", "[PATCH] b: second thing", 5, diff.format("two"))])
    with open_index(tmp_path / "index.sqlite3", archive.open_archive(top), messages.MAX_MESSAGE_SIZE) as idx:
        assert _check(idx, archive.open_archive(top)) == 2
        EpochWriter(top / "git" / "0.git").add(patch("c@x", "[PATCH 0/1] b: the cover", 10))
        assert _check(idx, archive.open_archive(top)) == 2
        kept, _whole = stored(idx)
    shapes = sorted((r.key, r.cover.msgid if r.cover else None, tuple(p.msgid for p in r.patches))
                    for t in kept for r in t.revisions)
    assert shapes == [("c@x", "c@x", ("l2@x",)), ("l1@x", None, ("l1@x",))]


@pytest.mark.parametrize("seed", range(4))
def test_one_senders_lone_and_numbered_patches_grown_in_random_chunks(tmp_path: Path, seed: int) -> None:
    """One sender's unthreaded mail over three hours, in random order and random chunks: lone
    `[PATCH]`es, numbered patches of one- to three-patch series and their `0/N` covers, some
    minutes apart, some an hour. After every update the topics equal a whole-archive grouping,
    whichever kinds of message meet in the window."""
    rng = random.Random(seed)
    mails = []
    for n in range(70):
        total = rng.choice((0, 0, 1, 2, 3))
        label = "[PATCH]" if total == 0 else f"[PATCH {rng.randrange(total + 1)}/{total}]"
        minute = rng.randrange(180)
        date = f"Mon, 03 Mar 2025 {10 + minute // 60}:{minute % 60:02d}:{rng.randrange(60):02d} +0000"
        cover = label.startswith("[PATCH 0/")
        body = "The cover.\n" if cover else (
            f"Thing {n}.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n"
            f"diff --git a/f{n}.c b/f{n}.c\n--- a/f{n}.c\n+++ b/f{n}.c\n@@ -1 +1,2 @@\n a\n+{n}\n")
        mails.append(make_mail(f"m{n}@x", f"{label} a: thing {n}", "Ann Dev <ann@dev.org>", date, body))
    top = tmp_path / "archive"
    writer = EpochWriter(top / "git" / "0.git")
    with open_index(tmp_path / "index.sqlite3", _first(top, writer, mails[0]), messages.MAX_MESSAGE_SIZE) as idx:
        done = 1
        while done < len(mails):
            size = rng.choice((1, 3, 10))
            for data in mails[done : done + size]:
                writer.add(data)
            done += size
            _check(idx, archive.open_archive(top))
