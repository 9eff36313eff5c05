"""Corpus cases for subject forms b4 misreads, project prefixes and pull requests.

Each `case_*` function builds one case; `make_corpus.py` writes them in this order.
"""

from __future__ import annotations

from dataclasses import replace

from corpus import MAINTAINER, Case, Mail, Patches, at, items, series, single


def case_mercurial_1_of_2(p: Patches) -> Case:
    c = Case(
        "mercurial-1-of-2",
        "Mercurial patchbomb counters: `[PATCH 0 of 2]`, `[PATCH 1 of 2]`. b4 does not read them; "
        "normalised to `0/2`, `1/2`.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH {k} of {n}]",
            "tests: timeout coverage",
            items("hg", "tests: add a linked timeout test", "tests: add a multishot timeout test"),
            at("2025-03-03 10:00"),
        )
    )
    c.chain(c.expect(v1, 1, 2))
    return c


def case_comma_version_counter(p: Patches) -> Case:
    c = Case(
        "comma-version-counter",
        "`[PATCH v5,1/2]` then `[PATCH v6,0/2]`: comma-joined version and counter, which b4 reads "
        "as one word. Versions 5 and 6, one topic by title.",
    )
    v5 = c.add(
        series(
            p,
            c.name,
            "v5",
            "[PATCH v5,{k}/{n}]",
            "sqpoll: cpu affinity",
            items("cm5", "sqpoll: store the affinity mask", "sqpoll: apply the mask on start"),
            at("2025-03-03 10:00"),
        )
    )
    v6 = c.add(
        series(
            p,
            c.name,
            "v6",
            "[PATCH v6,{k}/{n}]",
            "sqpoll: cpu affinity",
            items("cm6", "sqpoll: store the affinity mask", "sqpoll: apply the mask on start"),
            at("2025-03-10 10:00"),
        )
    )
    c.chain(c.expect(v5, 5, 2), c.expect(v6, 6, 2))
    return c


def case_net_comma_form(p: Patches) -> Case:
    c = Case(
        "net-comma-form",
        "patchwork's `[net,v2,1/2]` form: tree, version and counter joined by commas, no PATCH "
        "word. Version 2, N 2.",
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[net,v2,{k}/{n}]",
            "net: fix zerocopy notifications",
            items(
                "net", "net: flush zc notifications on close", "net: account zc notification memory"
            ),
            at("2025-03-03 10:00"),
        )
    )
    c.chain(c.expect(v2, 2, 2))
    return c


def case_patch1_8_no_space(p: Patches) -> Case:
    c = Case(
        "patch1-8-no-space",
        "`[PATCH1/8]` with no space (and one `PATCH5/8 title` without brackets): b4 sees no "
        "counter. Normalised; one posting of eight patches.",
    )
    titles = [f"ring: cleanup step {i}" for i in range(1, 9)]
    v1 = series(
        p,
        c.name,
        "v1",
        "[PATCH{k}/{n}]",
        "",
        items("p18", *titles),
        at("2025-03-03 10:00"),
        cover=False,
    )
    v1[4] = replace(v1[4], subject=f"PATCH5/8 {titles[4]}")
    c.add(v1)
    c.chain(c.expect(v1, 1, 8))
    return c


def case_rfcv2(p: Patches) -> Case:
    c = Case(
        "rfcv2",
        "`[RFC PATCH 0/2]`, then `[RFCv2 PATCH 0/2]` a week later: b4 reads `RFCv2` as RFC without"
        " a version. Version 2, both RFC, one topic by title.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[RFC PATCH {k}/{n}]",
            "io_uring: epoll wait support",
            items("rfc1", "eventpoll: split the wait helper", "io_uring: add epoll wait opcode"),
            at("2025-03-03 10:00"),
        )
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[RFCv2 PATCH {k}/{n}]",
            "io_uring: epoll wait support",
            items("rfc2", "eventpoll: split the wait helper", "io_uring: add epoll wait opcode"),
            at("2025-03-10 10:00"),
        )
    )
    c.chain(c.expect(v1, 1, 2, rfc=True), c.expect(v2, 2, 2, rfc=True))
    return c


def case_next_prefix(p: Patches) -> Case:
    c = Case(
        "next-prefix",
        "`[PATCH -next]` then `[PATCH -next v2]`: a tree prefix with a dash. One topic by title "
        "and author.",
    )
    v1 = c.add(
        [
            single(
                p,
                f"{c.name}.v1.1@example.org",
                "[PATCH -next] io_uring: fix a leak in the msg ring path",
                "nxt1",
                "io_uring: fix a leak in the msg ring path",
                at("2025-03-03 10:00"),
            )
        ]
    )
    v2 = c.add(
        [
            single(
                p,
                f"{c.name}.v2.1@example.org",
                "[PATCH -next v2] io_uring: fix a leak in the msg ring path",
                "nxt2",
                "io_uring: fix a leak in the msg ring path",
                at("2025-03-05 10:00"),
            )
        ]
    )
    c.chain(c.expect(v1, 1, 1), c.expect(v2, 2, 1))
    return c


def case_kvm_unit_tests_prefix(p: Patches) -> Case:
    c = Case(
        "kvm-unit-tests-prefix",
        "`[kvm-unit-tests PATCH v8 0/3]`: a project prefix before PATCH. Version 8; no earlier "
        "revision in the archive, so new.",
    )
    v8 = c.add(
        series(
            p,
            c.name,
            "v8",
            "[kvm-unit-tests PATCH v8 {k}/{n}]",
            "x86: pmu tests for new counters",
            items(
                "kut",
                "x86: pmu: add a counter helper",
                "x86: pmu: test fixed counters",
                "x86: pmu: test the overflow bit",
            ),
            at("2025-03-03 10:00"),
        )
    )
    c.chain(c.expect(v8, 8, 3))
    return c


def case_liburing_prefix(p: Patches) -> Case:
    c = Case(
        "liburing-prefix",
        "`[PATCH liburing 0/2]`, then `[PATCH liburing v2 0/2]` sent in reply to v1's cover. One "
        "topic.",
    )
    v1 = c.add(
        series(
            p,
            c.name,
            "v1",
            "[PATCH liburing {k}/{n}]",
            "liburing: man page fixes",
            items("lu1", "man: fix io_uring_prep_send", "man: document zc flags"),
            at("2025-03-03 10:00"),
        )
    )
    v2 = c.add(
        series(
            p,
            c.name,
            "v2",
            "[PATCH liburing v2 {k}/{n}]",
            "liburing: man page fixes",
            items("lu2", "man: fix io_uring_prep_send", "man: document zc flags"),
            at("2025-03-04 10:00"),
            in_reply_to=v1[0].msgid,
        )
    )
    c.chain(c.expect(v1, 1, 2), c.expect(v2, 2, 2))
    return c


def case_resent_typo(p: Patches) -> Case:
    c = Case(
        "resent-typo",
        "`[PATCH v7 RESENT]`, a typo b4 does not take for RESEND (seen on io-uring): read as a "
        "resend of v7, superseding the first v7.",
    )
    v7 = c.add(
        [
            single(
                p,
                f"{c.name}.v7.1@example.org",
                "[PATCH v7] io_uring: release the cpu when polling",
                "rst",
                "io_uring: release the cpu when polling",
                at("2025-03-03 10:00"),
            )
        ]
    )
    again = c.add(
        [
            single(
                p,
                f"{c.name}.v7-resent.1@example.org",
                "[PATCH v7 RESENT] io_uring: release the cpu when polling",
                "rst",
                "io_uring: release the cpu when polling",
                at("2025-03-20 10:00"),
            )
        ]
    )
    c.chain(c.expect(v7, 7, 1), c.expect(again, 7, 1, resend=True))
    return c


def case_git_pull(p: Patches) -> Case:
    c = Case(
        "git-pull",
        "Two `[GIT PULL]` requests (one with its closing bracket missing, as on io-uring) kept "
        "apart as pulls. The first carries the diff of a patch posted before; the patch is not "
        "linked to it.",
    )
    patch = c.add(
        [
            single(
                p,
                f"{c.name}.patch.1@example.org",
                "[PATCH] io_uring: fix a double put on timeout",
                "pull/1",
                "io_uring: fix a double put on timeout",
                at("2025-03-03 10:00"),
            )
        ]
    )
    diff = p.body("pull/1", "io_uring: fix a double put on timeout").split("\n---\n", 1)[1]
    text = (
        "Hi Linus,\n\nA single fix for this release.\n\nThe following changes since commit 0000000000000000000000000000000000000001:\n\n"
        "  Linux 6.14-rc4\n\nare available in the Git repository at:\n\n  git://git.example.org/linux.git tags/io_uring-6.14-20250307\n\n"
        "----------------------------------------------------------------\nAlice Archer (1):\n      io_uring: fix a double put on timeout\n\n"
    )
    pull1 = c.add(
        [
            Mail(
                f"{c.name}.pull.1@example.org",
                "[GIT PULL] io_uring fixes for 6.14-rc6",
                text + diff,
                at("2025-03-07 16:00"),
                MAINTAINER,
            )
        ]
    )
    pull2 = c.add(
        [
            Mail(
                f"{c.name}.pull.2@example.org",
                "[GIT PULL io_uring fixes for 6.14-rc7",
                "Hi Linus,\n\nNothing big this week.\n",
                at("2025-03-14 16:00"),
                MAINTAINER,
            )
        ]
    )
    c.chain(c.expect(patch, 1, 1))
    c.chain(c.expect(pull1, 1, 1, pull=True))
    c.chain(c.expect(pull2, 1, 1, pull=True))
    return c


def case_pull_series_qemu_style(p: Patches) -> Case:
    c = Case(
        "pull-series-qemu-style",
        "QEMU's `[PULL 0/2]` series re-posting two reviewed patches (same diffs): one pull "
        "posting, kept apart; the original series is not superseded by it.",
    )
    parts = items("qpull", "hw: drop an unused field", "hw: fold a helper into its caller")
    orig = c.add(
        series(
            p, c.name, "v1", "[PATCH {k}/{n}]", "hw: small cleanups", parts, at("2025-03-03 10:00")
        )
    )
    pull = c.add(
        series(
            p,
            c.name,
            "pull",
            "[PULL {k}/{n}]",
            "Misc patches for 2025-03-10",
            parts,
            at("2025-03-10 10:00"),
            sender=MAINTAINER,
        )
    )
    c.chain(c.expect(orig, 1, 2))
    c.chain(c.expect(pull, 1, 2, pull=True))
    return c
