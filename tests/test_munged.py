"""Lists that rewrite From: (DMARC munging): the digest sees the people behind it.

An archive where a third of the patches (and replies) come munged must give the
tables of the same archive sent unmunged; a tree whose commits were `git am`-ed from
munged mail, then edited, is matched by subject and (unmunged) author.
"""

from __future__ import annotations

import json
from pathlib import Path

from archives import DIFF, build_v2, make_mail
from conftest import git

from gitdigest import pipeline, render
from gitdigest.mail import senders
from gitdigest.model import How, Person
from gitdigest.tree import codetree

LIST = "foo-devel@lists.example.org"
LIST_HEADERS = (("List-Id", "Foo development <foo-devel.lists.example.org>"), ("List-Post", f"<mailto:{LIST}>"))
PEOPLE = [
    ("Jane Doe", "jane@corp.example"), ("Bob Roe", "bob@other.example"), ("Ann Dev", "ann@dev.example"),
    ("Carl Poe", "carl@corp.example"), ("Dee Moe", "dee@dev.example"), ("Eve Zoe", "eve@else.example"),
]


def munged(name: str, address: str, form: int) -> tuple[str, list[tuple[str, str]]]:
    """The From: and the headers a list writes for a sender, in one of three forms."""
    if form == 0:  # Mailman, real address in Reply-To
        return f"{name} via Foo-devel <{LIST}>", [("Reply-To", f"{name} <{address}>"), *LIST_HEADERS]
    if form == 1:  # Mailman with Reply-To the list: the real address in Cc
        return f"{name} via Foo-devel <{LIST}>", [("Reply-To", LIST), ("Cc", f"Other One <o@x.example>, {name} <{address}>"), *LIST_HEADERS]
    return f"'{name}' via Foo <foo@googlegroups.com>", [("X-Original-From", f"{name} <{address}>")]


def archive_mails(munge: bool) -> list[bytes]:
    """Twelve patches by six people, each reviewed by the next one; with `munge`, every third
    message (patches and reviews alike) comes munged, the forms taking turns."""
    out = []
    for n in range(12):
        name, address = PEOPLE[n % len(PEOPLE)]
        rname, raddress = PEOPLE[(n + 1) % len(PEOPLE)]
        for k, (who, where, msgid, subject, body, reply) in enumerate((
            (name, address, f"p{n}@x", f"[PATCH] lib: change {n}", "Change.\n\nSigned-off-by: x <x@x>\n" + DIFF.format(n=n), None),
            (rname, raddress, f"r{n}@x", f"Re: [PATCH] lib: change {n}", f"Reviewed-by: {rname} <{raddress}>\n", f"p{n}@x"),
        )):
            sender, extra = f"{who} <{where}>", []
            if munge and (2 * n + k) % 3 == 0:
                sender, extra = munged(who, where, (2 * n + k) // 3 % 3)
            date = f"{3 + n // 4:02d} Mar 2025 {10 + k}:{n:02d}:00 +0000"
            out.append(make_mail(msgid, subject, sender, date, body, in_reply_to=reply, extra_headers=extra))
    return out


def tables(top: Path) -> dict:
    """The people tables of the JSON digest of a whole archive."""
    report = json.loads(render.render(pipeline.run(pipeline.Request(archive=top, range="HEAD")), "json"))
    return {key: report[key] for key in ("contributors", "domains", "reviewers")} | {
        "first_timers": report["people"]["first_timers"],
        "reviews": report["reviews"]["reviewers"],
        "series": [(s["author"], s["status"]) for s in report["series"]],
    }


def test_a_third_munged_gives_the_tables_of_the_unmunged_archive(tmp_path: Path) -> None:
    plain = build_v2(tmp_path / "plain", archive_mails(munge=False))
    mixed = build_v2(tmp_path / "mixed", archive_mails(munge=True))
    munged_mails = sum(LIST.encode() in m or b"googlegroups" in m for m in archive_mails(munge=True))
    assert munged_mails == 8  # a third of the 24 messages
    expected = tables(plain)
    assert tables(mixed) == expected
    assert {c["email"] for c in expected["contributors"]} == {a for _n, a in PEOPLE}
    assert {d["domain"] for d in expected["domains"]} == {"corp.example", "other.example", "dev.example", "else.example"}
    assert sum(r["count"] for r in expected["reviewers"]) == 12


def git_am_munged(tmp_path: Path) -> tuple[Path, Path]:
    """A developer's two patches mailed through a munging list, `git am`-ed into a tree from
    the munged mail (the commits carry the munged author), then edited by the maintainer."""
    dev, tree = tmp_path / "dev", tmp_path / "tree"
    for repo in (dev, tree):
        git("init", "-q", str(repo))
        (repo / "foo.c").write_text("".join(f"foo line {n}\n" for n in range(1, 41)))
        git("add", ".", cwd=repo)
        git("commit", "-qm", "base", cwd=repo)
    mails = []
    for n, line in ((1, 10), (2, 30)):
        text = (dev / "foo.c").read_text().replace(f"foo line {line}\n", f"foo line {line} fixed\n")
        (dev / "foo.c").write_text(text)
        git("commit", "-qam", f"foo: fix line {line}\n\nBecause.", "--author=Jane Doe <jane@corp.example>", cwd=dev)
        body = git("format-patch", "-1", "--stdout", "HEAD", cwd=dev).split("\n\n", 1)[1]
        sender, extra = munged("Jane Doe", "jane@corp.example", 0)
        mail = make_mail(f"jane-{n}@corp.example", f"[PATCH] foo: fix line {line}", sender,
                         f"0{n} Mar 2025 10:00:00 +0000", body, extra_headers=extra)
        mails.append(mail)
        (tmp_path / f"{n}.eml").write_bytes(mail)
        git("am", "-q", str(tmp_path / f"{n}.eml"), cwd=tree)
        # The maintainer edits the change: the patch-id no longer matches, the subject does.
        text = (tree / "foo.c").read_text().replace(f"foo line {line} fixed\n", f"foo line {line} fixed better\n")
        (tree / "foo.c").write_text(text)
        git("commit", "-qa", "--amend", "--no-edit", cwd=tree)
    assert git("log", "-1", "--format=%an <%ae>", cwd=tree).strip() == f"Jane Doe via Foo-devel <{LIST}>"
    return build_v2(tmp_path / "list", mails), tree


def test_merged_by_subject_and_author_though_the_tree_carries_munged_authors(tmp_path: Path) -> None:
    top, tree = git_am_munged(tmp_path)
    result = pipeline.run(pipeline.Request(archive=top, range="HEAD", tree=tree))
    hows = {m.msgid: [hit.how for hit in m.commits] for r in result.series for m in r.merged}
    assert hows == {"jane-1@corp.example": [How.SUBJECT], "jane-2@corp.example": [How.SUBJECT]}
    assert {r.revision.author for r in result.series} == {Person("Jane Doe", "jane@corp.example")}


def test_tree_authors_unmunged_only_for_lists_seen_munged(tmp_path: Path) -> None:
    _top, tree = git_am_munged(tmp_path)
    lists = senders.seen([(LIST, Person("Jane Doe", "jane@corp.example"))])
    resolve = codetree.canonical(codetree.open_tree(tree), lists)
    assert resolve(Person("Jane Doe via Foo-devel", LIST)) == Person("Jane Doe", "jane@corp.example")
    assert resolve(Person("Ann Other via Foo-devel", LIST)) == Person("Ann Other", LIST)
    # An address no munged mail came from is left as it is, `via` or not.
    assert resolve(Person("Jane Doe via Bar", "bar@lists.example.org")) == Person("Jane Doe via Bar", "bar@lists.example.org")


def test_original_sender_rule() -> None:
    lists = frozenset({LIST})
    jane = Person("Jane Doe via Foo-devel", LIST)
    reply_to = senders.Headers(reply_to=("Jane Doe <jane@corp.example>",), list_addresses=lists)
    assert senders.original(jane, reply_to) == senders.Sender(Person("Jane Doe", "jane@corp.example"), LIST)
    # No header names her: the in-body From:, else the cleaned name at the list's address.
    bare = senders.Headers(reply_to=(LIST,), list_addresses=lists)
    body = Person("Jane D.", "jane@corp.example")
    assert senders.original(jane, bare, body).person == Person("Jane Doe", "jane@corp.example")
    assert senders.original(jane, bare).person == Person("Jane Doe", LIST)
    # A From: that is no list's and has no `via` is the sender.
    assert senders.original(Person("Bob", "bob@x.example"), reply_to) == senders.Sender(Person("Bob", "bob@x.example"))
    assert senders.cleaned_name("'Jane Doe' via Foo") == "Jane Doe"
    assert senders.cleaned_name("Jane Doe via") == "Jane Doe"
    assert senders.cleaned_name("Olivia Viaduct") is None
    assert senders.list_addresses(f"<mailto:{LIST}>", "<foo-devel.lists.example.org>") == lists


def test_the_index_keeps_the_list_senders_as_rows_come_and_go(tmp_path: Path) -> None:
    """The hook unmunges tree authors by the (list, real sender) pairs the index keeps, without
    reading the munged messages: the pairs must be those of the archive's rows, in row order
    (a name seen with two real addresses keeps the first), also after rows are dropped."""
    from archives import mails

    from gitdigest import index
    from gitdigest.index import ingest
    from gitdigest.mail import archive

    def mail(msgid: str, who: str, address: str, form: int) -> bytes:
        sender, extra = munged(who, address, form)
        return make_mail(msgid, f"[PATCH] lib: {msgid}", sender, "03 Mar 2025 10:00:00 +0000",
                         "Change.\n\nSigned-off-by: x <x@x>\n" + DIFF.format(n=len(msgid)), extra_headers=extra)

    home, corp, bob = ("Jane Doe", "jane@home.example"), ("Jane Doe", "jane@corp.example"), ("Bob Roe", "bob@other.example")
    # Epoch 0: Jane from home, Bob; epoch 1: Jane from work, then from home again.
    epoch0 = [mail("t1@x", *home, 0), mail("b1@x", *bob, 1), *mails(0, 1)]
    epoch1 = [mail("u1@x", *corp, 0), mail("t2@x", *home, 1), *mails(1, 1)]
    top = build_v2(tmp_path / "list", epoch0 + epoch1, per_epoch=3)
    arch = archive.open_archive(top)
    with index.open_index(tmp_path / "i.sqlite3", arch, 10 << 20, print) as idx:
        ingest.update(idx, arch)
        first = idx.list_senders()
        # Epoch 0 is made anew without munged mail: Bob goes, and Jane's first row is now
        # her work address's.
        build_v2(tmp_path / "other", mails(10, 2, prefix="other"))
        (top / "git" / "0.git").rename(tmp_path / "old.git")
        (tmp_path / "other" / "git" / "0.git").rename(top / "git" / "0.git")
        done = ingest.update(idx, arch)
        after = idx.list_senders()
    assert done.dropped == 3
    assert first == senders.seen([(LIST, Person(*home)), (LIST, Person(*bob)), (LIST, Person(*corp)), (LIST, Person(*home))])
    assert first.real[(LIST, "jane doe")] == "jane@home.example"
    assert after == senders.seen([(LIST, Person(*corp)), (LIST, Person(*home))])
    assert after.real == {(LIST, "jane doe"): "jane@corp.example"}
