"""Corpus cases for resends, partial rerolls and version sequences in one topic.

Each `case_*` function builds one case; `make_corpus.py` writes them in this order.
"""

from __future__ import annotations

from corpus import Case, Patches, at, items, series, single


def case_unlabeled_resend(p: Patches) -> Case:
    c = Case(
        "unlabeled-resend",
        "The same series sent again ten days later without `RESEND` and unthreaded. Two postings "
        "of v1, one topic (same title and author, same patch-ids); the first is superseded by the "
        "second.",
    )
    parts = items("unl", "ring: add a ring flags query", "ring: report the flags in fdinfo")
    first = c.add(
        series(
            p, c.name, "a", "[PATCH {k}/{n}]", "ring: flags query", parts, at("2025-03-03 10:00")
        )
    )
    again = c.add(
        series(
            p, c.name, "b", "[PATCH {k}/{n}]", "ring: flags query", parts, at("2025-03-13 09:00")
        )
    )
    c.chain(c.expect(first, 1, 2), c.expect(again, 1, 2))
    return c


def case_resend_label(p: Patches) -> Case:
    c = Case(
        "resend-label",
        "`[PATCH RESEND 0/2]` two weeks after the original: a posting of its own, flagged resend, "
        "superseding the original.",
    )
    parts = items("rsd", "net: honour MSG_WAITALL in recv", "net: add a recv retry counter")
    first = c.add(
        series(
            p,
            c.name,
            "a",
            "[PATCH {k}/{n}]",
            "net: recv retry fixes",
            parts,
            at("2025-03-03 10:00"),
        )
    )
    again = c.add(
        series(
            p,
            c.name,
            "b",
            "[PATCH RESEND {k}/{n}]",
            "net: recv retry fixes",
            parts,
            at("2025-03-17 10:00"),
        )
    )
    c.chain(c.expect(first, 1, 2), c.expect(again, 1, 2, resend=True))
    return c


def case_partial_reroll_v2_3of7_in_reply_to_v1(p: Patches) -> Case:
    c = Case(
        "partial-reroll-v2-3of7-in-reply-to-v1",
        "A single `[PATCH v2 3/7]` sent two days later in reply to v1's 3/7: a posting of its own "
        "(v2, one patch, N 7), linked to v1 by threading.",
    )
    titles = [
        "fs: add a getdents helper",
        "fs: export the helper",
        "io_uring: add getdents opcode",
        "io_uring: allow getdents with offset",
        "io_uring: add getdents to the opcode table",
        "test: getdents basic",
        "test: getdents offsets",
    ]
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "io_uring: getdents support",
            items("pr7", *titles),
            at("2025-03-03 10:00"),
        )
    )
    v2 = c.add(
        [
            single(
                p,
                f"{c.name}.v2.3@example.org",
                f"[PATCH v2 3/7] {titles[2]}",
                "pr7/3@v2",
                titles[2],
                at("2025-03-05 08:00"),
                in_reply_to=v1[3].msgid,
                references=(v1[0].msgid, v1[3].msgid),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 7), c.expect(v2, 2, 7))
    return c


def case_v5_1_partial(p: Patches) -> Case:
    c = Case(
        "v5.1-partial",
        "`[PATCH v5.1 2/4]` in reply to v5's 2/4: read as version 5 (b4 reads `v5.1` as no "
        "version), a partial posting linked to v5 by threading, same title.",
    )
    titles = [
        "block: add a write stream field",
        "block: pass streams to drivers",
        "nvme: map streams to placement ids",
        "io_uring: allow a write stream per request",
    ]
    v5 = c.add(
        series(
            p,
            c.name,
            "v5",
            "[PATCH v5 {k}/{n}]",
            "write streams",
            items("v51", *titles),
            at("2025-03-03 10:00"),
        )
    )
    part = c.add(
        [
            single(
                p,
                f"{c.name}.v5-1.2@example.org",
                f"[PATCH v5.1 2/4] {titles[1]}",
                "v51/2@fix",
                titles[1],
                at("2025-03-04 16:00"),
                in_reply_to=v5[2].msgid,
                references=(v5[0].msgid, v5[2].msgid),
            )
        ]
    )
    c.chain(c.expect(v5, 5, 4), c.expect(part, 5, 4))
    return c


def case_rfc_then_v1(p: Patches) -> Case:
    c = Case(
        "rfc-then-v1",
        "`[RFC PATCH 0/2]` then `[PATCH 0/2]` two weeks later, same title and author: one topic, "
        "the RFC superseded by the non-RFC posting (both version 1).",
    )
    rfc = c.add(
        series(
            p,
            c.name,
            "rfc",
            "[RFC PATCH {k}/{n}]",
            "io_uring: add a nop with delay",
            items("rfv/1", "io_uring: add delay to nop", "test: nop delay"),
            at("2025-03-03 10:00"),
        )
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "io_uring: add a nop with delay",
            items("rfv/2", "io_uring: add delay to nop", "test: nop delay"),
            at("2025-03-17 10:00"),
        )
    )
    c.chain(c.expect(rfc, 1, 2, rfc=True), c.expect(v1, 1, 2))
    return c


def case_gap_in_versions(p: Patches) -> Case:
    c = Case(
        "gap-in-versions",
        "v1, then v3 (v2 went to another list) with the same title: linked; v3's history is v1.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "io_uring: napi busy poll",
            items("gap1", "net: export napi helpers", "io_uring: add napi busy poll"),
            at("2025-03-03 10:00"),
        )
    )
    v3 = c.add(
        series(
            p,
            c.name,
            "v3",
            "[PATCH v3 {k}/{n}]",
            "io_uring: napi busy poll",
            items("gap3", "net: export napi helpers", "io_uring: add napi busy poll"),
            at("2025-03-20 10:00"),
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v3, 3, 2))
    return c


def case_three_revisions(p: Patches) -> Case:
    c = Case(
        "three-revisions",
        "v1, v2 and v3 each in reply to the one before (renamed at v3): v1 and v2 superseded by "
        "v3, v3 revised with history v2, v1.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "buf: incremental buffers",
            items("thr1", "buf: add incremental consumption", "buf: test incremental consumption"),
            at("2025-03-03 10:00"),
        )
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[PATCH v2 {k}/{n}]",
            "buf: incremental buffers",
            items("thr2", "buf: add incremental consumption", "buf: test incremental consumption"),
            at("2025-03-06 10:00"),
            in_reply_to=v1[0].msgid,
        )
    )
    v3 = c.add(
        series(
            p,
            c.name,
            "v3",
            "[PATCH v3 {k}/{n}]",
            "buf: partial buffer consumption",
            items("thr3", "buf: consume buffers partially", "buf: test partial consumption"),
            at("2025-03-09 10:00"),
            in_reply_to=v2[0].msgid,
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2), c.expect(v3, 3, 2))
    return c


def case_follow_up_patch_in_reply(p: Patches) -> Case:
    c = Case(
        "follow-up-patch-in-reply",
        "A separate `[PATCH]` (another title) sent in reply to a series' 2/2 by the same author: "
        "its own posting and topic, not a revision.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "net: bind support",
            items("fup", "net: add a bind opcode", "net: add a listen opcode"),
            at("2025-03-03 10:00"),
        )
    )
    fix = c.add(
        [
            single(
                p,
                f"{c.name}.fix.1@example.org",
                "[PATCH] net: fix the build without CONFIG_NET",
                "fup/fix",
                "net: fix the build without CONFIG_NET",
                at("2025-03-04 10:00"),
                in_reply_to=v1[2].msgid,
                references=(v1[0].msgid, v1[2].msgid),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 2))
    c.chain(c.expect(fix, 1, 1))
    return c
