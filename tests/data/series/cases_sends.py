"""Corpus cases for messy sends: copies, broken sends, strays, replies, mixed series.

Each `case_*` function builds one case; `make_corpus.py` writes them in this order.
"""

from __future__ import annotations

from dataclasses import replace

from corpus import ALICE, Case, Mail, Patches, at, items, reply, sec, series, single


def case_duplicate_sent_three_times(p: Patches) -> Case:
    c = Case(
        "duplicate-sent-three-times",
        "The same cover and two patches sent three times in four minutes (new message-ids each "
        "time). Changed by issue 16 (was: one posting, copies dropped): a digest loses no send, "
        "so three postings of v1 in one topic, the last one live and the first two superseded by "
        "it (resent).",
    )
    parts = items("dup", "poll: drop a stale wakeup", "poll: recheck mask after requeue")
    first = c.add(
        series(
            p, c.name, "a", "[PATCH {k}/{n}]", "poll: wakeup fixes", parts, at("2025-03-03 10:00")
        )
    )
    second = c.add(
        series(
            p, c.name, "b", "[PATCH {k}/{n}]", "poll: wakeup fixes", parts, at("2025-03-03 10:02")
        )
    )
    third = c.add(
        series(
            p, c.name, "c", "[PATCH {k}/{n}]", "poll: wakeup fixes", parts, at("2025-03-03 10:04")
        )
    )
    c.chain(c.expect(first, 1, 2), c.expect(second, 1, 2), c.expect(third, 1, 2))
    return c


def case_broken_send_then_complete(p: Patches) -> Case:
    c = Case(
        "broken-send-then-complete",
        "A send that broke off after 0/3 and 1/3, then the whole series three minutes later. "
        "Changed by issue 16 (was: one posting, the complete send): both sends are postings, one "
        "topic, the broken one superseded by the complete one.",
    )
    parts = items(
        "brk",
        "queue: add a per-task cache",
        "queue: use the cache for allocations",
        "queue: drain the cache on exit",
    )
    broken = series(
        p,
        c.name,
        "a",
        "[PATCH {k}/{n}]",
        "queue: per-task request cache",
        parts,
        at("2025-03-03 10:00"),
    )[:2]
    c.add(broken)
    first = c.expect(broken, 1, 3)
    full = c.add(
        series(
            p,
            c.name,
            "b",
            "[PATCH {k}/{n}]",
            "queue: per-task request cache",
            parts,
            at("2025-03-03 10:03"),
        )
    )
    c.chain(first, c.expect(full, 1, 3))
    return c


def case_stray_duplicate_counter(p: Patches) -> Case:
    c = Case(
        "stray-duplicate-counter",
        "A stale patch file sent along: two different `[PATCH 2/3]` in one send, a second apart, "
        "both answering the cover. One posting of four patches (seen on io-uring).",
    )
    v1 = series(
        p,
        c.name,
        "v1",
        "[PATCH {k}/{n}]",
        "block: integrity flags",
        items(
            "stray",
            "block: add integrity flags",
            "block: pass flags to drivers",
            "nvme: use integrity flags",
        ),
        at("2025-03-03 10:00"),
    )
    stale = single(
        p,
        f"{c.name}.v1.2-stale@example.org",
        "[PATCH 2/3] block,nvme: pass flags to drivers",
        "stray/old",
        "block,nvme: pass flags to drivers",
        v1[2].date + sec(1),
        in_reply_to=v1[0].msgid,
    )
    mails = c.add([v1[0], v1[1], v1[2], stale, replace(v1[3], date=v1[3].date + sec(1))])
    c.chain(c.expect(mails, 1, 3))
    return c


def case_duplicate_message_id(p: Patches) -> Case:
    c = Case(
        "duplicate-message-id",
        "One patch delivered twice with the same Message-ID (the io-uring archive has a few): "
        "counted once.",
    )
    m = single(
        p,
        f"{c.name}.v1.1@example.org",
        "[PATCH] io_uring: remove a dead assignment",
        "dmid",
        "io_uring: remove a dead assignment",
        at("2025-03-03 10:00"),
    )
    c.add([m, m])
    c.chain(c.expect([m], 1, 1))
    return c


def case_reply_with_diff_ignored(p: Patches) -> Case:
    c = Case(
        "reply-with-diff-ignored",
        "Reviews of a series, one carrying a suggested diff (`Re: [PATCH 1/2]`): replies never "
        "join or start a posting.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "ring: wait fixes",
            items("rwd", "ring: fix a lost wakeup", "ring: trim wait loop"),
            at("2025-03-03 10:00"),
        )
    )
    suggestion = p.body("rwd/suggest", "ring: fix a lost wakeup")
    c.add(
        [
            reply(
                f"{c.name}.review.1@example.org",
                v1[1],
                "Something like this instead?\n\n" + suggestion,
                at("2025-03-03 12:00"),
            )
        ]
    )
    c.add(
        [
            reply(
                f"{c.name}.review.2@example.org",
                v1[2],
                "Reviewed-by: Bob Baker <bob@example.com>\n",
                at("2025-03-03 12:05"),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 2))
    return c


def case_mixed_kernel_and_liburing_send(p: Patches) -> Case:
    c = Case(
        "mixed-kernel-and-liburing-send",
        "Kernel and liburing series sent together (seen on io-uring): a liburing `0/2`, a kernel "
        "`0/1` answering it, and all patches answering the first cover. Two postings, split by N.",
    )
    lib = series(
        p,
        c.name,
        "lib",
        "[PATCH v5 {k}/{n}]",
        "liburing: mixed sqe sizes",
        items("mix/lib", "liburing: add a mixed sqe prep", "test: mixed sqe sizes"),
        at("2025-03-03 10:00"),
    )
    kern_cover = Mail(
        f"{c.name}.kern.0@example.org",
        "[PATCH v5 0/1] io_uring: mixed sqe sizes",
        "Hello,\n\nThe kernel side.\n",
        at("2025-03-03 10:00:01"),
        ALICE,
        lib[0].msgid,
        (lib[0].msgid,),
    )
    kern = single(
        p,
        f"{c.name}.kern.1@example.org",
        "[PATCH v5 1/1] io_uring: add a mixed sqe setup flag",
        "mix/kern",
        "io_uring: add a mixed sqe setup flag",
        at("2025-03-03 10:00:02"),
        in_reply_to=lib[0].msgid,
    )
    lib = [lib[0]] + [replace(m, date=m.date + sec(2)) for m in lib[1:]]
    c.add([lib[0], kern_cover, kern, *lib[1:]])
    c.chain(c.expect(lib, 5, 2))
    c.chain(c.expect([kern_cover, kern], 5, 1))
    return c
