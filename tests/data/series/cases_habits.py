"""Corpus cases for how other lists post series (QEMU, netdev, LTP, patchwork's and
patchew's users): resends, orphan diffs, cover-less revisions, covers without `0/N`,
pull series, `Supersedes:` in replies, a new thread under the same title.

Each `case_*` function builds one case; `make_corpus.py` writes them in this order.
"""

from __future__ import annotations

from itertools import pairwise

from corpus import (
    BOB,
    MAINTAINER,
    Case,
    Mail,
    Patches,
    at,
    items,
    reply,
    sec,
    series,
    single,
)


def case_resend_v2_three_times(p: Patches) -> Case:
    c = Case(
        "resend-v2-three-times",
        "v1 with a cover, then `[PATCH v2 1/2]` and `2/2` (no cover) sent three times in five "
        "minutes with new message-ids, unthreaded. Four postings in one topic: v1 linked to the "
        "first v2 by patch titles, each v2 send to the one before as a resend; the last send is "
        "live (v2, resend 2), the others superseded by it.",
    )
    titles = ("ring: add a resize opcode", "ring: document resize")
    v1 = c.add(
        series(p, c.name, "v1", "[PATCH {k}/{n}]", "ring: resizing", items("rs1", *titles),
               at("2025-03-03 10:00"))
    )
    sends = [
        c.add(
            series(p, c.name, f"v2{label}", "[PATCH v2 {k}/{n}]", "", items("rs2", *titles),
                   at("2025-03-10 10:00") + sec(150 * n), cover=False, threading="none")
        )
        for n, label in enumerate("abc")
    ]
    keys = [c.expect(v1, 1, 2), *(c.expect(s, 2, 2) for s in sends)]
    c.chain(*keys)
    c.link(keys[0], keys[1], "patch-titles")
    for earlier, later in pairwise(keys[1:]):
        c.link(earlier, later, "patch-id")
        c.link(earlier, later, "patch-titles")
        c.link(earlier, later, "resend")
    return c


def case_orphan_diff_in_thread(p: Patches) -> Case:
    c = Case(
        "orphan-diff-in-thread",
        "A series, then in its thread two diffs with no `n/N` label and no `[PATCH]`: the author's "
        "own stray diff sent a second after 2/2, and a maintainer's \"something like this?\" an "
        "hour later. Each is a posting of its own (one patch, its own topic, new), sent in "
        "reply to the series; the series keeps its two patches.",
    )
    s1 = c.add(
        series(p, c.name, "v1", "[PATCH {k}/{n}]", "poll: requeue fixes",
               items("orph", "poll: requeue on spurious wakeup", "poll: count requeues"),
               at("2025-03-03 10:00"))
    )
    stray = single(p, f"{c.name}.stray@example.org", "poll: an older try at the requeue",
                   "orph/stray", "poll: an older try at the requeue", s1[-1].date + sec(1),
                   in_reply_to=s1[0].msgid)
    other = single(p, f"{c.name}.maint@example.org", "poll: something like this?", "orph/maint",
                   "poll: something like this?", at("2025-03-03 11:05"), sender=MAINTAINER,
                   in_reply_to=s1[1].msgid, references=(s1[0].msgid, s1[1].msgid))
    c.add([stray, other])
    key = c.expect(s1, 1, 2)
    c.chain(key)
    c.chain(c.expect([stray], 1, 1))
    c.chain(c.expect([other], 1, 1))
    c.in_reply_to[stray.msgid] = key
    c.in_reply_to[other.msgid] = key
    return c


def case_cover_less_v2_patch_titles(p: Patches) -> Case:
    c = Case(
        "cover-less-v2-patch-titles",
        "v1 with a cover letter, v2 without one and not threaded, every diff changed, two of "
        "three patch titles kept (67%): linked by patch titles. Another author's posting with the "
        "same three patch titles is not linked (same address only).",
    )
    v1 = c.add(
        series(p, c.name, "v1", "[PATCH {k}/{n}]", "buf: ring-mapped buffers",
               items("cl1", "buf: add a buffer ring", "buf: map the ring", "buf: tests"),
               at("2025-03-03 10:00"))
    )
    v2 = c.add(
        series(p, c.name, "v2", "[PATCH v2 {k}/{n}]", "",
               items("cl2", "buf: add a buffer ring", "buf: map the ring", "buf: add selftests"),
               at("2025-03-12 10:00"), cover=False, threading="none")
    )
    bob = c.add(
        series(p, c.name, "bob", "[PATCH {k}/{n}]", "",
               items("cl3", "buf: add a buffer ring", "buf: map the ring", "buf: tests"),
               at("2025-03-14 10:00"), sender=BOB, cover=False, threading="none")
    )
    first, second = c.expect(v1, 1, 3), c.expect(v2, 2, 3)
    c.chain(first, second)
    c.chain(c.expect(bob, 1, 3))
    c.link(first, second, "patch-titles")
    return c


def case_patchset_cover_without_counter(p: Patches) -> Case:
    c = Case(
        "patchset-cover-without-counter",
        "`[RFC PATCH v2 0/2]`, then `[PATCHSET RFC v3] Title` (no `0/N`, no diff) with `[PATCH "
        "1/2]` and `2/2` in reply to it: the PATCHSET message is v3's cover, so v3 is keyed and "
        "titled by it, RFC, version 3, and linked to v2 by title and author.",
    )
    title = "io_uring: zero-copy receive"
    v2 = c.add(
        series(p, c.name, "v2", "[RFC PATCH v2 {k}/{n}]", title,
               items("psc2", "net: add a zc rx area", "io_uring: add zc rx"),
               at("2025-03-03 10:00"))
    )
    cover = Mail(f"{c.name}.v3.0@example.org", f"[PATCHSET RFC v3] {title}",
                 "Hello,\n\nThird round of zero-copy receive.\n\n-- \n2.39.5\n",
                 at("2025-03-17 10:00"))
    patches = series(p, c.name, "v3", "[PATCH {k}/{n}]", "",
                     items("psc3", "net: add a zc rx area", "io_uring: add zc rx"),
                     at("2025-03-17 10:00"), cover=False, threading="none")
    v3 = c.add([cover, *(Mail(m.msgid, m.subject, m.body, m.date, m.sender, cover.msgid,
                              (cover.msgid,)) for m in patches)])
    earlier, later = c.expect(v2, 2, 2, rfc=True), c.expect(v3, 3, 2, rfc=True)
    c.chain(earlier, later)
    c.link(earlier, later, "patch-titles")
    c.link(earlier, later, "subject")
    return c


def case_naked_root_cover(p: Patches) -> Case:
    c = Case(
        "naked-root-cover",
        "A naked thread root by the author (no brackets, no diff) that `[PATCH 1/2]` and `2/2` "
        "answer is the cover (as b4 takes it); a bug report by someone else that a two-patch fix "
        "answers is not: that fix is keyed by its 1/2, without cover, sent in reply to nothing "
        "that is a posting.",
    )
    root = Mail(f"{c.name}.a.0@example.org", "io_uring: provided buffer rings",
                "Hello,\n\nThis adds provided buffer rings.\n\n-- \n2.39.5\n",
                at("2025-03-03 10:00"))
    parts = series(p, c.name, "a", "[PATCH {k}/{n}]", "",
                   items("nrc", "buf: add provided rings", "buf: use provided rings"),
                   at("2025-03-03 10:00"), cover=False, threading="none")
    mine = c.add([root, *(Mail(m.msgid, m.subject, m.body, m.date, m.sender, root.msgid,
                               (root.msgid,)) for m in parts)])
    report = Mail(f"{c.name}.report@example.com", "io_uring: crash in poll teardown",
                  "Hi,\n\nI see a crash in poll teardown.\n", at("2025-03-05 09:00"), BOB)
    fixes = series(p, c.name, "fix", "[PATCH {k}/{n}]", "",
                   items("nrcfix", "poll: fix teardown", "poll: add a teardown test"),
                   at("2025-03-05 12:00"), cover=False, threading="none")
    fix = [Mail(m.msgid, m.subject, m.body, m.date, m.sender, report.msgid, (report.msgid,))
           for m in fixes]
    c.add([report, *fix])
    c.chain(c.expect(mine, 1, 2))
    c.chain(c.expect(fix, 1, 2))
    return c


def case_pull_series_second_try(p: Patches) -> Case:
    c = Case(
        "pull-series-second-try",
        "QEMU's `[PULL 0/2] Migration pull patches`, then `[PULL 0/3] Migration pull patches "
        "(second try)` a day later with `Supersedes: <first cover>` in its cover: pull series "
        "group like patch series and link by that line; the first is superseded.",
    )
    parts = items("pst", "migration: drop a dead field", "migration: fold a helper")
    first = c.add(
        series(p, c.name, "a", "[PULL {k}/{n}]", "Migration pull patches", parts,
               at("2025-03-03 10:00"), sender=MAINTAINER)
    )
    text = f"The following changes ...\n\nSupersedes: <{first[0].msgid}>\n"
    again = c.add(
        series(p, c.name, "b", "[PULL {k}/{n}]", "Migration pull patches (second try)",
               [*parts, ("pst/3", "migration: fix the build on 32-bit")],
               at("2025-03-04 10:00"), sender=MAINTAINER, cover_text=text)
    )
    a, b = c.expect(first, 1, 2, pull=True), c.expect(again, 1, 3, pull=True)
    c.chain(a, b)
    c.link(a, b, "supersedes")
    return c


def case_git_pull_v2(p: Patches) -> Case:
    c = Case(
        "git-pull-v2",
        "`[GIT PULL] io_uring fixes for 6.14-rc6`, its `[GIT PULL v2]` the next day, and a "
        "`[GIT PULL]` for rc7 a week later: the v2 links to the first by title and author; the "
        "rc7 request, same author, stays a topic of its own.",
    )
    body = "Hi Linus,\n\nPlease pull.\n\n  git://git.kernel.dk/linux.git tags/io_uring-6.14\n"
    mails = [
        Mail(f"{c.name}.{label}@example.org", subject, body, at(day), MAINTAINER)
        for label, subject, day in (
            ("rc6", "[GIT PULL] io_uring fixes for 6.14-rc6", "2025-03-07 16:00"),
            ("rc6v2", "[GIT PULL v2] io_uring fixes for 6.14-rc6", "2025-03-08 16:00"),
            ("rc7", "[GIT PULL] io_uring fixes for 6.14-rc7", "2025-03-14 16:00"),
        )
    ]
    c.add(mails)
    rc6, rc6v2 = c.expect([mails[0]], 1, 1, pull=True), c.expect([mails[1]], 2, 1, pull=True)
    c.chain(rc6, rc6v2)
    c.chain(c.expect([mails[2]], 1, 1, pull=True))
    c.link(rc6, rc6v2, "subject")
    return c


def case_supersedes_in_reply(p: Patches) -> Case:
    c = Case(
        "supersedes-in-reply",
        "v5, then v6 renamed with every diff changed, not threaded; a reviewer replies to v6's "
        "cover with `Supersedes: <v5 cover>`: v5 and v6 (one author) are linked by it. Bob "
        "replies to his own patch with `Supersedes:` naming Alice's v6: a reply never retires "
        "another author's series, so Bob's patch stays a topic of its own.",
    )
    v5 = c.add(
        series(p, c.name, "v5", "[PATCH v5 {k}/{n}]", "ring: resize support",
               items("sir5", "ring: add resize", "ring: resize tests"), at("2025-03-03 10:00"))
    )
    v6 = c.add(
        series(p, c.name, "v6", "[PATCH v6 {k}/{n}]", "ring: grow and shrink rings",
               items("sir6", "ring: allow growing", "ring: allow shrinking"),
               at("2025-03-10 10:00"))
    )
    note = reply(f"{c.name}.note@example.com", v6[0],
                 f"Renamed from v5.\n\nSupersedes: <{v5[0].msgid}>\n", at("2025-03-10 12:00"),
                 MAINTAINER)
    bob = single(p, f"{c.name}.bob@example.com", "[PATCH] ring: resize rework", "sirbob",
                 "ring: resize rework", at("2025-03-11 10:00"), sender=BOB)
    grab = reply(f"{c.name}.grab@example.com", bob,
                 f"This one replaces Alice's.\n\nSupersedes: <{v6[0].msgid}>\n",
                 at("2025-03-11 10:30"), BOB)
    c.add([note, bob, grab])
    earlier, later = c.expect(v5, 5, 2), c.expect(v6, 6, 2)
    c.chain(earlier, later)
    c.chain(c.expect([bob], 1, 1))
    c.link(earlier, later, "supersedes")
    return c


def case_new_thread_same_title(p: Patches) -> Case:
    c = Case(
        "new-thread-same-title",
        "`[PATCH v2] io_uring/rw: fix short reads` sent in reply to a message outside the "
        "archive, then `[PATCH v3]` with the same title as a new thread by the same author: one "
        "topic by title and author (and its one patch title), v2 superseded by v3.",
    )
    title = "io_uring/rw: fix short reads"
    v2 = single(p, f"{c.name}.v2@example.org", f"[PATCH v2] {title}", "ntst2", title,
                at("2025-03-03 10:00"), in_reply_to="v1-elsewhere@example.org")
    v3 = single(p, f"{c.name}.v3@example.org", f"[PATCH v3] {title}", "ntst3", title,
                at("2025-03-06 10:00"))
    c.add([v2, v3])
    earlier, later = c.expect([v2], 2, 1), c.expect([v3], 3, 1)
    c.chain(earlier, later)
    c.link(earlier, later, "patch-titles")
    c.link(earlier, later, "subject")
    return c

