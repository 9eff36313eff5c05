"""Corpus cases for each linking signal, and for what must not link.

Each `case_*` function builds one case; `make_corpus.py` writes them in this order.
"""

from __future__ import annotations

from dataclasses import replace

from corpus import BOB, Case, Patches, at, items, reply, series, single


def case_vn_in_reply_to_vn_1(p: Patches) -> Case:
    c = Case(
        "vN-in-reply-to-vN-1",
        "v2 renamed, with every patch changed, sent in reply to v1's cover: linked by threading "
        "alone.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "ring: memory accounting",
            items("rep1", "ring: account ring pages", "ring: account sqe pages"),
            at("2025-03-03 10:00"),
        )
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[PATCH v2 {k}/{n}]",
            "ring: charge ring memory to the memcg",
            items(
                "rep2",
                "ring: charge ring pages to the memcg",
                "ring: charge sqe pages to the memcg",
            ),
            at("2025-03-06 10:00"),
            in_reply_to=v1[0].msgid,
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2))
    return c


def case_vn_in_reply_to_review_of_vn_1(p: Patches) -> Case:
    c = Case(
        "vN-in-reply-to-review-of-vN-1",
        "v2 (renamed, patches changed) sent in reply to a review of v1's cover: found through "
        "References, linked by threading.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "poll: multishot fixes",
            items("rvw1", "poll: rearm multishot on overflow", "poll: count multishot rearms"),
            at("2025-03-03 10:00"),
        )
    )
    review = c.add(
        [
            reply(
                f"{c.name}.review@example.org",
                v1[0],
                "> This series does poll: multishot fixes.\n\nPlease split the counting out.\n",
                at("2025-03-04 09:00"),
            )
        ]
    )
    v2 = series(
        p,
        c.name,
        "v2",
        "[PATCH v2 {k}/{n}]",
        "poll: rearm multishot requests on overflow",
        items("rvw2", "poll: rearm multishot on overflow", "poll: add a rearm tracepoint"),
        at("2025-03-05 10:00"),
        in_reply_to=review[0].msgid,
    )
    # git send-email --in-reply-to gives only the review; a mailer that answers it keeps the chain.
    v2 = [replace(m, references=(v1[0].msgid, *m.references)) for m in v2]
    c.add(v2)
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2))
    return c


def case_change_id_rename(p: Patches) -> Case:
    c = Case(
        "change-id-rename",
        "b4 series renamed between v1 and v2, patches changed, not threaded: linked by their "
        "shared `change-id:` alone.",
    )
    tail = "\n---\nbase-commit: 1111111111111111111111111111111111111111\nchange-id: 20250303-ring-stats-4f1c2a\n\nBest regards,\n"
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "ring: add stats",
            items("cid1", "ring: count submissions", "ring: count completions"),
            at("2025-03-03 10:00"),
            cover_text="Hello,\n\nCounters for the ring.\n" + tail,
        )
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[PATCH v2 {k}/{n}]",
            "ring: export per-ring statistics",
            items("cid2", "ring: keep per-ring statistics", "ring: show statistics in fdinfo"),
            at("2025-03-10 10:00"),
            cover_text="Hello,\n\nChanges in v2: renamed, fdinfo instead of a new syscall.\n"
            + tail,
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2))
    return c


def case_supersedes_line(p: Patches) -> Case:
    c = Case(
        "supersedes-line",
        "v2 renamed, patches changed, not threaded, its cover carrying `Supersedes: <v1 cover>`: "
        "linked by that line alone.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "net: add zc send",
            items("sup1", "net: add a zc send opcode", "net: add zc send notifications"),
            at("2025-03-03 10:00"),
        )
    )
    text = f"Hello,\n\nReworked after review.\n\nSupersedes: <{v1[0].msgid}>\n"
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[PATCH v2 {k}/{n}]",
            "net: zero-copy send support",
            items("sup2", "net: add IORING_OP_SEND_ZC", "net: report zc completions"),
            at("2025-03-12 10:00"),
            cover_text=text,
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2))
    return c


def case_shared_patch_id_rename(p: Patches) -> Case:
    c = Case(
        "shared-patch-id-rename",
        "v1 (no cover) and a renamed v2 with a cover and one more patch; v2's 1/3 has the same "
        "diff as v1's 1/2: linked by patch-id alone.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k}/{n}]",
            "",
            [("pid/1", "rsrc: add a node cache"), ("pid/2", "rsrc: use the node cache for files")],
            at("2025-03-03 10:00"),
            cover=False,
        )
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[PATCH v2 {k}/{n}]",
            "rsrc: cache resource nodes",
            [
                ("pid/1", "rsrc: add a node cache"),
                ("pid/2@v2", "rsrc: use the cache for files and buffers"),
                ("pid/3", "rsrc: drop the old allocator"),
            ],
            at("2025-03-11 10:00"),
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 3))
    return c


def case_same_subject_same_author(p: Patches) -> Case:
    c = Case(
        "same-subject-same-author",
        "`[PATCH]` then `[PATCH v2]` with the same title from the same author, diff changed, not "
        "threaded: linked by title and author.",
    )
    v1 = c.add(
        [
            single(
                p,
                f"{c.name}.v1.1@example.org",
                "[PATCH] io_uring/net: fix short send retry",
                "sssa1",
                "io_uring/net: fix short send retry",
                at("2025-03-03 10:00"),
            )
        ]
    )
    v2 = c.add(
        [
            single(
                p,
                f"{c.name}.v2.1@example.org",
                "[PATCH v2] io_uring/net: fix short send retry",
                "sssa2",
                "io_uring/net: fix short send retry",
                at("2025-03-06 10:00"),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 1), c.expect(v2, 2, 1))
    return c


def case_same_subject_other_author_no_link(p: Patches) -> Case:
    c = Case(
        "same-subject-other-author-no-link",
        "Two authors each post `[PATCH] io_uring: fix typo in comment` (different diffs), "
        "unthreaded: a title alone does not link across authors. Two topics.",
    )
    a = c.add(
        [
            single(
                p,
                f"{c.name}.alice.1@example.org",
                "[PATCH] io_uring: fix typo in comment",
                "typo/a",
                "io_uring: fix typo in comment",
                at("2025-03-03 10:00"),
            )
        ]
    )
    b = c.add(
        [
            single(
                p,
                f"{c.name}.bob.1@example.org",
                "[PATCH] io_uring: fix typo in comment",
                "typo/b",
                "io_uring: fix typo in comment",
                at("2025-03-10 10:00"),
                sender=BOB,
            )
        ]
    )
    c.chain(c.expect(a, 1, 1))
    c.chain(c.expect(b, 1, 1))
    return c


def case_same_subject_other_author_in_reply(p: Patches) -> Case:
    c = Case(
        "same-subject-other-author-in-reply",
        "Another author takes a patch over: `[PATCH v2]` with the same title sent in reply to the "
        "original. Title plus threading link across authors.",
    )
    v1 = c.add(
        [
            single(
                p,
                f"{c.name}.v1.1@example.org",
                "[PATCH] io_uring/poll: fix a race on cancel",
                "take1",
                "io_uring/poll: fix a race on cancel",
                at("2025-03-03 10:00"),
            )
        ]
    )
    v2 = c.add(
        [
            single(
                p,
                f"{c.name}.v2.1@example.org",
                "[PATCH v2] io_uring/poll: fix a race on cancel",
                "take2",
                "io_uring/poll: fix a race on cancel",
                at("2025-03-07 10:00"),
                sender=BOB,
                in_reply_to=v1[0].msgid,
            )
        ]
    )
    c.chain(c.expect(v1, 1, 1), c.expect(v2, 2, 1))
    return c


def case_author_new_address(p: Patches) -> Case:
    c = Case(
        "author-new-address",
        "v2 sent from another address under the same full name and title, diff changed, "
        "unthreaded: not linked, since a display name alone never makes the same author "
        "(anyone can post as them); a real move of address links by change-id, reply or patch-id.",
    )
    v1 = c.add(
        [
            single(
                p,
                f"{c.name}.v1.1@example.org",
                "[PATCH] io_uring/rsrc: fix a node leak on unregister",
                "addr1",
                "io_uring/rsrc: fix a node leak on unregister",
                at("2025-03-03 10:00"),
                sender="Alice Archer <alice@old-employer.example>",
            )
        ]
    )
    v2 = c.add(
        [
            single(
                p,
                f"{c.name}.v2.1@example.org",
                "[PATCH v2] io_uring/rsrc: fix a node leak on unregister",
                "addr2",
                "io_uring/rsrc: fix a node leak on unregister",
                at("2025-03-10 10:00"),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 1))
    c.chain(c.expect(v2, 2, 1))
    return c


def case_other_author_carries_most_patches(p: Patches) -> Case:
    c = Case(
        "other-author-carries-most-patches",
        "Another author posts v6 under a reworded title, carrying two of v5's three patches "
        "unchanged: linked by patch-ids, since most patches of both are shared.",
    )
    v5 = c.add(
        series(
            p,
            c.name,
            "v5",
            "[PATCH v5 {k}/{n}]",
            "block: meta buffers for read/write",
            [
                ("carry/1", "block: add a meta descriptor"),
                ("carry/2", "block: map user meta buffers"),
                ("carry/3", "io_uring: pass meta buffers"),
            ],
            at("2025-03-03 10:00"),
        )
    )
    v6 = c.add(
        series(
            p,
            c.name,
            "v6",
            "[PATCH v6 {k}/{n}]",
            "block: metadata buffers for read/write",
            [
                ("carry/1", "block: add a meta descriptor"),
                ("carry/2", "block: map user meta buffers"),
                ("carry/3@v6", "io_uring: pass metadata buffers"),
            ],
            at("2025-03-10 10:00"),
            sender=BOB,
        )
    )
    c.chain(c.expect(v5, 5, 3), c.expect(v6, 6, 3))
    return c


def case_same_fix_two_authors_no_link(p: Patches) -> Case:
    c = Case(
        "same-fix-two-authors-no-link",
        "Two authors send the same one-line fix (identical diff) under different titles: one "
        "shared patch-id across authors is not a series. Two topics.",
    )
    a = c.add(
        [
            single(
                p,
                f"{c.name}.alice.1@example.org",
                "[PATCH] io_uring: remove dead code in splice",
                "samefix",
                "io_uring: remove dead code in splice",
                at("2025-03-03 10:00"),
            )
        ]
    )
    b = c.add(
        [
            single(
                p,
                f"{c.name}.bob.1@example.org",
                "[PATCH] io_uring: drop a redundant check in splice",
                "samefix",
                "io_uring: drop a redundant check in splice",
                at("2025-03-04 10:00"),
                sender=BOB,
            )
        ]
    )
    c.chain(c.expect(a, 1, 1))
    c.chain(c.expect(b, 1, 1))
    return c


def case_stable_backport_no_link(p: Patches) -> Case:
    c = Case(
        "stable-backport-no-link",
        "The author's own `[PATCH 6.1]` backport (same title, same diff) a month later: a posting "
        "for a stable tree is not a revision of the original. Two topics.",
    )
    orig = c.add(
        [
            single(
                p,
                f"{c.name}.orig.1@example.org",
                "[PATCH] io_uring: fix overflow flush ordering",
                "stb",
                "io_uring: fix overflow flush ordering",
                at("2025-03-03 10:00"),
            )
        ]
    )
    back = c.add(
        [
            single(
                p,
                f"{c.name}.stable.1@example.org",
                "[PATCH 6.1] io_uring: fix overflow flush ordering",
                "stb",
                "io_uring: fix overflow flush ordering",
                at("2025-04-03 10:00"),
            )
        ]
    )
    c.chain(c.expect(orig, 1, 1))
    c.chain(c.expect(back, 1, 1))
    return c
