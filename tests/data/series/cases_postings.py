"""Corpus cases for the split: how threading and numbering make one posting.

Each `case_*` function builds one case; `make_corpus.py` writes them in this order.
"""

from __future__ import annotations

from dataclasses import replace

from corpus import BOB, Case, Patches, at, items, sec, series, single


def case_no_cover_letter(p: Patches) -> Case:
    c = Case(
        "no-cover-letter",
        "Three patches without a cover letter; 2/3 and 3/3 answer 1/3 (shallow threading). One "
        "posting, keyed by 1/3.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "",
            items(
                "ncl",
                "io_uring: add ring resize helper",
                "io_uring: use the resize helper in setup",
                "io_uring: document ring resizing",
            ),
            at("2025-03-03 10:00"),
            cover=False,
        )
    )
    c.chain(c.expect(v1, 1, 3))
    return c


def case_cover_letter(p: Patches) -> Case:
    c = Case(
        "cover-letter",
        "The common form: `[PATCH 0/3]` and three patches answering it. One posting, keyed by the "
        "cover letter.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "io_uring: registered wait regions",
            items(
                "cl",
                "io_uring: add wait region type",
                "io_uring: register wait regions",
                "io_uring: use wait regions in getevents",
            ),
            at("2025-03-03 10:00"),
        )
    )
    c.chain(c.expect(v1, 1, 3))
    return c


def case_deep_threading(p: Patches) -> Case:
    c = Case(
        "deep-threading",
        "`--chain-reply-to`: each message answers the one before (0/4 <- 1/4 <- 2/4 ...), "
        "References grow. One posting.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "ring: split submission paths",
            items(
                "deep",
                "ring: move sqe checks out of line",
                "ring: split the fast submission path",
                "ring: split the slow submission path",
                "ring: remove the old submit helper",
            ),
            at("2025-03-03 10:00"),
            threading="deep",
        )
    )
    c.chain(c.expect(v1, 1, 4))
    return c


def case_out_of_order(p: Patches) -> Case:
    c = Case(
        "out-of-order",
        "Arrival out of order: the mbox holds 2/3, 3/3, the cover, then 1/3, and the cover is "
        "dated after its patches (written last). One posting.",
    )
    v1 = series(
        p,
        c.name,
        "v1",
        "[PATCH {k}/{n}]",
        "queue: batch completions",
        items(
            "ooo",
            "queue: add a completion batch",
            "queue: flush batches on exit",
            "queue: batch completions in the poll loop",
        ),
        at("2025-03-03 10:00"),
    )
    v1[0] = replace(v1[0], date=at("2025-03-03 10:00:09"))
    c.add(v1)
    c.mbox_order = [2, 3, 0, 1]
    c.chain(c.expect(v1, 1, 3))
    return c


def case_extra_patch_3_of_2(p: Patches) -> Case:
    c = Case(
        "extra-patch-3-of-2",
        "`[PATCH 3/2]`: an extra patch sent ten minutes later in reply to the cover of a 2-patch "
        "series. It joins the posting; N stays 2.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "buf: ring-mapped buffer fixes",
            items("x32", "buf: check ring size on register", "buf: free ring pages on error"),
            at("2025-03-03 10:00"),
        )
    )
    extra = c.add(
        [
            single(
                p,
                f"{c.name}.v1.3@example.org",
                "[PATCH 3/2] buf: add a selftest for ring sizes",
                "x32/3",
                "buf: add a selftest for ring sizes",
                at("2025-03-03 10:10"),
                in_reply_to=v1[0].msgid,
            )
        ]
    )
    c.chain(c.expect(v1 + extra, 1, 2))
    return c


def case_incomplete_series(p: Patches) -> Case:
    c = Case(
        "incomplete-series",
        "`0/5` with only 1/5, 2/5 and 4/5 on the list (the others went elsewhere). One posting "
        "with three patches, N 5.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "net: zero-copy receive",
            items(
                "inc",
                "net: add page pool hooks",
                "net: add a zcrx queue type",
                "io_uring: add zcrx registration",
            ),
            at("2025-03-03 10:00"),
            counters=[1, 2, 4],
            total=5,
        )
    )
    c.chain(c.expect(v1, 1, 5))
    return c


def case_miscounted_cover(p: Patches) -> Case:
    c = Case(
        "miscounted-cover",
        "`[PATCH V8 0/4]` sent with patches `1/3`..`3/3` (seen on io-uring): the patches trust "
        "their cover. One posting, N 3 (what the patches say).",
    )
    v8 = series(
        p,
        c.name,
        "v8",
        "[PATCH V8 {k}/{n}]",
        "ublk: zero copy",
        items(
            "mis",
            "ublk: add a buffer lease",
            "ublk: lease buffers to io_uring",
            "io_uring: accept leased buffers",
        ),
        at("2025-03-03 10:00"),
    )
    v8[0] = replace(v8[0], subject="[PATCH V8 0/4] ublk: zero copy")
    c.add(v8)
    c.chain(c.expect(v8, 8, 3))
    return c


def case_cover_only(p: Patches) -> Case:
    c = Case(
        "cover-only",
        "A cover letter whose patches never reached the list: a posting with no patches, keyed by "
        "its cover, N 2.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "mm: folio helpers for io_uring",
            items("cov", "mm: add a folio helper", "io_uring: use the folio helper"),
            at("2025-03-03 10:00"),
        )[:1]
    )
    c.chain(c.expect(v1, 1, 2))
    return c


def case_version_only_on_cover(p: Patches) -> Case:
    c = Case(
        "version-only-on-cover",
        "`[PATCHSET v3 0/2]` with patches labelled `[PATCH 1/2]` (no version): one posting, "
        "version 3 from the cover.",
    )
    v3 = series(
        p,
        c.name,
        "v3",
        "[PATCH {k}/{n}]",
        "io_uring: task work tweaks",
        items("voc", "io_uring: batch task work", "io_uring: run task work on exit"),
        at("2025-03-03 10:00"),
    )
    v3[0] = replace(v3[0], subject="[PATCHSET v3 0/2] io_uring: task work tweaks")
    c.add(v3)
    c.chain(c.expect(v3, 3, 2))
    return c


def case_unthreaded_series_with_cover(p: Patches) -> Case:
    c = Case(
        "unthreaded-series-with-cover",
        "A cover and three patches with no In-Reply-To at all (a broken mailer): grouped by "
        "sender, N and version within the hour. One posting.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "fs: async fsync",
            items(
                "nth",
                "fs: add an async fsync flag",
                "fs: wire async fsync into ext4",
                "io_uring: use async fsync",
            ),
            at("2025-03-03 10:00"),
            threading="none",
        )
    )
    c.chain(c.expect(v1, 1, 3))
    return c


def case_two_series_one_mailbox(p: Patches) -> Case:
    c = Case(
        "two-series-one-mailbox",
        "Two unrelated v2 series by two authors, interleaved in one mbox (b4's LoreMailbox keys by"
        " version and mixes them). Two postings, two topics, both new.",
    )
    a = series(
        p,
        c.name,
        "alice",
        "[PATCH v2 {k}/{n}]",
        "ring: resize support",
        items("two/a", "ring: add resize", "ring: test resize"),
        at("2025-03-03 10:00"),
    )
    b = series(
        p,
        c.name,
        "bob",
        "[PATCH v2 {k}/{n}]",
        "net: bundle receives",
        items("two/b", "net: add recv bundles", "net: test recv bundles"),
        at("2025-03-03 10:00:30"),
        sender=BOB,
    )
    c.add([m for pair in zip(a, b) for m in pair])
    c.chain(c.expect(a, 2, 2))
    c.chain(c.expect(b, 2, 2))
    return c


def case_two_unthreaded_series_same_author(p: Patches) -> Case:
    c = Case(
        "two-unthreaded-series-same-author",
        "One author sends two unthreaded 2-patch series five minutes apart, no covers: 1/2 of the "
        "second finds its number taken and starts a new posting.",
    )
    a = c.add(
        series(
            p,
            c.name,
            "a",
            "[PATCH {k}/{n}]",
            "",
            items("unt/a", "queue: add a drain flag", "queue: honour drain in the fast path"),
            at("2025-03-03 10:00"),
            cover=False,
            threading="none",
        )
    )
    b = c.add(
        series(
            p,
            c.name,
            "b",
            "[PATCH {k}/{n}]",
            "",
            items("unt/b", "buf: add a buffer group limit", "buf: report the limit"),
            at("2025-03-03 10:05"),
            cover=False,
            threading="none",
        )
    )
    c.chain(c.expect(a, 1, 2))
    c.chain(c.expect(b, 1, 2))
    return c


def case_vn_patches_in_reply_to_old_cover(p: Patches) -> Case:
    c = Case(
        "vN-patches-in-reply-to-old-cover",
        "v2 without a cover letter, each patch sent in reply to v1's cover: 2/2 finds 1/2's "
        "posting beside it. One v2 posting, linked to v1.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "timeout: fixes",
            items(
                "old1", "timeout: fix a multishot count", "timeout: fix update of a linked timeout"
            ),
            at("2025-03-03 10:00"),
        )
    )
    v2 = c.add(
        [
            single(
                p,
                f"{c.name}.v2.{k}@example.org",
                f"[PATCH v2 {k}/2] {t}",
                f"old2/{k}",
                t,
                at("2025-03-05 10:00") + sec(k),
                in_reply_to=v1[0].msgid,
            )
            for k, t in (
                (1, "timeout: fix a multishot count"),
                (2, "timeout: fix update of a linked timeout"),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2))
    return c
