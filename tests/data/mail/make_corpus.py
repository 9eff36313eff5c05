"""Write the mail corpus: one small mbox per case, in the shapes real lists deliver.

Run from the repository root, only when a case is added or changed on purpose:

    python tests/data/mail/make_corpus.py

Every mail is written here by hand (no real person's mail is copied); README.md says
what each file is, and tests/test_mail_corpus.py states what the digest must make of
it from how it was built.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIST = "foo-devel@lists.example.org"
LIST_HEADERS = f"List-Id: Foo development <foo-devel.lists.example.org>\nList-Post: <mailto:{LIST}>\n"
DIFF = (
    "diff --git a/lib/foo.c b/lib/foo.c\nindex 1111111..2222222 100644\n--- a/lib/foo.c\n+++ b/lib/foo.c\n"
    "@@ -10,3 +10,4 @@ int foo(void)\n \tint a;\n \tint b;\n+\tint c;\n \treturn 0;\n"
)
OTHER_DIFF = (
    "diff --git a/lib/bar.c b/lib/bar.c\nindex 3333333..4444444 100644\n--- a/lib/bar.c\n+++ b/lib/bar.c\n"
    "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
)
PLAIN_U = (
    "diff -u a/lib/foo.c b/lib/foo.c\n--- a/lib/foo.c\t2025-03-01 10:00:00.000000000 +0000\n"
    "+++ b/lib/foo.c\t2025-03-02 10:00:00.000000000 +0000\n"
    "@@ -10,3 +10,4 @@ int foo(void)\n \tint a;\n \tint b;\n+\tint c;\n \treturn 0;\n"
)
CVS_INDEX = (
    "Index: lib/foo.c\n" + "=" * 67 + "\nRCS file: /cvs/foo/lib/foo.c,v\nretrieving revision 1.7\n"
    "diff -u -r1.7 foo.c\n--- lib/foo.c\t1 Mar 2025 10:00:00 -0000\t1.7\n+++ lib/foo.c\t2 Mar 2025 10:00:00 -0000\n"
    "@@ -10,3 +10,4 @@ int foo(void)\n \tint a;\n \tint b;\n+\tint c;\n \treturn 0;\n"
)
STAT = "---\n lib/foo.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"


def mail(headers: str, body: str | bytes, date: str = "Mon, 03 Mar 2025 10:00:00 +0000") -> bytes:
    """One message: `From ` line, the headers given, a date, then the body."""
    head = headers if isinstance(headers, bytes) else headers.encode()
    data = body if isinstance(body, bytes) else body.encode()
    return b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + head + f"Date: {date}\n".encode() + b"\n" + data + b"\n"


def text_headers(msgid: str, subject: str, sender: str, extra: str = "") -> str:
    return (
        f"From: {sender}\nSubject: {subject}\nMessage-ID: <{msgid}>\n{extra}"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
    )


def patch_body(what: str, diff: str = DIFF, trailers: str = "Signed-off-by: Jane Doe <jane@corp.example>\n") -> str:
    return f"{what}\n\n{trailers}{STAT}{diff}--\n2.47.0\n"


def munged(case: str, sender: str, extra: str) -> bytes:
    msgid = f"{case}.1@corp.example"
    return mail(text_headers(msgid, "[PATCH] foo: add c", sender, extra + LIST_HEADERS), patch_body("Add c."))


def multipart(msgid: str, subject: str, sender: str, intro: str, part_headers: str, payload: str) -> bytes:
    boundary = "=-=-=gitdigest-corpus=-=-="
    head = (
        f"From: {sender}\nSubject: {subject}\nMessage-ID: <{msgid}>\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\n'
    )
    body = (
        f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{intro}\n"
        f"--{boundary}\n{part_headers}\n{payload}\n--{boundary}--\n"
    )
    return mail(head, body)


def cases() -> dict[str, bytes]:
    """Every case, by file name without `.mbox`."""
    jane = "Jane Doe via Foo-devel <foo-devel@lists.example.org>"
    out = {
        "munged-mailman-reply-to": munged("munged-mailman-reply-to", jane, "Reply-To: Jane Doe <jane@corp.example>\n"),
        "munged-mailman-cc": munged(
            "munged-mailman-cc", jane,
            f"Reply-To: {LIST}\nCc: Bob Roe <bob@other.example>, Jane Doe <jane@corp.example>\n",
        ),
        "munged-several": munged(
            "munged-several", jane,
            f"Reply-To: Foo-devel <{LIST}>, Bob Roe <bob@other.example>\nReply-To: Jan Doe <jan@elsewhere.example>\n"
            "Cc: Carol Poe <carol@other.example>\nCc: \"Doe, Jane\" <jane.d@corp.example>, Jane Doe <jane@corp.example>\n",
        ),
        "munged-google-x-original-from": munged(
            "munged-google-x-original-from", "'Jane Doe' via Foo <foo@googlegroups.com>",
            "X-Original-From: Jane Doe <jane@corp.example>\nReply-To: Foo <foo@googlegroups.com>\n",
        ),
        "munged-via-no-list-name": munged(
            "munged-via-no-list-name", f"Jane Doe via <{LIST}>", "Reply-To: Jane Doe <jane@corp.example>\n"
        ),
        "munged-no-via": munged(
            "munged-no-via", f"Jane Doe <{LIST}>", "Reply-To: Jane Doe <jane@corp.example>\n"
        ),
        "munged-unresolved": munged("munged-unresolved", jane, f"Reply-To: {LIST}\n"),
        "munged-in-body-from": mail(
            text_headers("munged-in-body-from.1@corp.example", "[PATCH] foo: add c", jane, f"Reply-To: {LIST}\n" + LIST_HEADERS),
            "From: Jane Doe <jane@corp.example>\n\n" + patch_body("Add c."),
        ),
        "not-munged-name-with-via": mail(
            text_headers("not-munged.1@corp.example", "[PATCH] foo: add c", "Olivia Viaduct <olivia@corp.example>"),
            patch_body("Add c."),
        ),
        "header-raw-utf8": mail(
            text_headers("raw-utf8.1@suse.example", "[PATCH 1/2] foo: add c", "Michal Koutný <mkoutny@suse.example>"),
            patch_body("Add c."),
        ) + mail(
            text_headers(
                "raw-utf8.2@suse.example", "[PATCH 2/2] bar: capital B",
                "=?utf-8?q?Michal_Koutn=C3=BD?= <mkoutny@suse.example>", "In-Reply-To: <raw-utf8.1@suse.example>\n",
            ),
            patch_body("Capital B.", OTHER_DIFF),
        ),
        "header-latin1": mail(
            (
                "From: Jos\xe9 Mar\xeda <jose@corp.example>\nSubject: [PATCH] foo: add c\n"
                "Message-ID: <latin1.1@corp.example>\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n"
            ).encode("latin-1"),
            patch_body("Add c.").encode("latin-1"),
        ),
        "attachment-octet-stream": multipart(
            "octet.1@corp.example", "[PATCH] foo: add c", "Jane Doe <jane@corp.example>",
            "Add c.\n\nSigned-off-by: Jane Doe <jane@corp.example>\n",
            'Content-Type: application/octet-stream; name="fix.patch"\nContent-Transfer-Encoding: base64\n'
            'Content-Disposition: attachment; filename="fix.patch"\n',
            base64.encodebytes(DIFF.encode()).decode(),
        ),
        "attachment-x-patch": multipart(
            "xpatch.1@corp.example", "[PATCH] foo: add c", "Jane Doe <jane@corp.example>",
            "Add c.\n\nSigned-off-by: Jane Doe <jane@corp.example>\n",
            'Content-Type: text/x-patch; charset=utf-8; name="0001-foo.diff"\n'
            "Content-Transfer-Encoding: quoted-printable\n"
            'Content-Disposition: attachment; filename="0001-foo.diff"\n',
            quopri.encodestring(DIFF.encode()).decode(),
        ),
        "plain-diff-u": mail(
            text_headers("plain-u.1@corp.example", "[PATCH] foo: add c", "Jane Doe <jane@corp.example>"),
            patch_body("Add c.", PLAIN_U),
        ),
        "plain-cvs-index": mail(
            text_headers("cvs.1@corp.example", "[PATCH] foo: add c", "Jane Doe <jane@corp.example>"),
            patch_body("Add c.", CVS_INDEX),
        ),
        "review-restated": review_restated(),
        "pull-git": pull_git(),
        "pull-request-cover": pull_request_cover(),
        "spoofed-revision": spoofed_revision(),
        "left-out": mail(
            text_headers("left.announce@corp.example", "[ANNOUNCE] foo 1.0 released", "Jane Doe <jane@corp.example>"),
            "Foo 1.0 is out.\n",
        ) + mail(
            text_headers("left.nodiff@corp.example", "[PATCH] foo: add c", "Jane Doe <jane@corp.example>"),
            "Add c. (The diff was forgotten.)\n\nSigned-off-by: Jane Doe <jane@corp.example>\n",
            "Mon, 03 Mar 2025 11:00:00 +0000",
        ) + mail(
            text_headers("left.question@corp.example", "How do I build foo?", "Bob Roe <bob@other.example>"),
            "A plain question: a discussion, not left out.\n", "Mon, 03 Mar 2025 12:00:00 +0000",
        ),
    }
    return out


def review_restated() -> bytes:
    """A patch that carries Rita's Reviewed-by; replies restate it (quoted and not), add new ones."""
    patch = "restated.1@corp.example"
    trailers = "Reviewed-by: Rita Poe <rita@review.example>\nSigned-off-by: Jane Doe <jane@corp.example>\n"
    body = patch_body("Add c.", DIFF, trailers)
    quoted = "".join(f"> {line}\n" for line in body.splitlines())
    reply = lambda n, who, text, date: mail(  # four replies, one shape
        text_headers(f"restated.r{n}@corp.example", "Re: [PATCH] foo: add c", who,
                     f"In-Reply-To: <{patch}>\nReferences: <{patch}>\n"),
        text, date,
    )
    return b"".join([
        mail(text_headers(patch, "[PATCH] foo: add c", "Jane Doe <jane@corp.example>"), body),
        reply(1, "Rita Poe <rita@review.example>", f"On Mon, Jane Doe wrote:\n{quoted}\nStill fine.\n\n"
              "Reviewed-by: Rita Poe <rita@review.example>\n", "Mon, 03 Mar 2025 11:00:00 +0000"),
        reply(2, "Rita Poe <rita@review.example>", f"{quoted}\nThanks.\n", "Mon, 03 Mar 2025 11:30:00 +0000"),
        reply(3, "Bob Roe <bob@other.example>", f"{quoted}\nReviewed-by: Bob Roe <bob@other.example>\n",
              "Mon, 03 Mar 2025 12:00:00 +0000"),
        reply(4, "Mark Maintainer <mark@corp.example>",
              "Carol acked this off-list:\n\nAcked-by: Carol Poe <carol@other.example>\n",
              "Mon, 03 Mar 2025 13:00:00 +0000"),
    ])


def pull_git() -> bytes:
    """Pull requests: `[GIT]`, `[GIT PULL]`, QEMU's `[PULL 0/1]` series, and an untagged request-pull body."""
    request = (
        "Hi Linus,\n\nThe following changes since commit 0123456789abcdef0123456789abcdef01234567:\n\n"
        "  foo: old (2025-02-01 10:00:00 +0000)\n\nare available in the Git repository at:\n\n"
        "  git://git.example.org/foo.git tags/foo-for-6.15\n\n"
        "for you to fetch changes up to 89abcdef0123456789abcdef0123456789abcdef:\n\n  foo: add c (2025-03-01)\n\n"
        "----------------------------------------------------------------\nFoo fixes.\n"
    )
    dave = "Dave Miller <dave@net.example>"
    return b"".join([
        mail(text_headers("pull.git@net.example", "[GIT] Networking", dave), request),
        mail(text_headers("pull.gitpull@net.example", "[GIT PULL] Networking for 6.15", dave), request,
             "Mon, 03 Mar 2025 11:00:00 +0000"),
        mail(text_headers("pull.untagged@net.example", "Please pull foo fixes", dave), request,
             "Mon, 03 Mar 2025 12:00:00 +0000"),
        mail(text_headers("pull.qemu.0@net.example", "[PULL 0/1] Foo queue", dave), "Foo queue.\n" + request,
             "Mon, 03 Mar 2025 15:00:00 +0000"),
        mail(text_headers("pull.qemu.1@net.example", "[PULL 1/1] foo: add c", dave,
                          "In-Reply-To: <pull.qemu.0@net.example>\nReferences: <pull.qemu.0@net.example>\n"),
             "From: Jane Doe <jane@corp.example>\n\n" + patch_body("Add c."), "Mon, 03 Mar 2025 15:00:01 +0000"),
    ])


def pull_request_cover() -> bytes:
    """netdev's `[PATCH net-next v6 0/2][pull request]`: a series cover letter with a request-pull body."""
    tony = "Tony Nguyen <tony@intel.example>"
    cover = "pr-cover.0@intel.example"
    body = (
        "This series contains updates to foo.\n\nThe following are changes since commit "
        "0123456789abcdef0123456789abcdef01234567:\n  foo: old\nare available in the git repository at:\n"
        "  git://git.example.org/net-queue.git 100GbE\n\nfor you to fetch changes up to "
        "89abcdef0123456789abcdef0123456789abcdef\n"
    )
    thread = f"In-Reply-To: <{cover}>\nReferences: <{cover}>\n"
    return b"".join([
        mail(text_headers(cover, "[PATCH net-next v6 0/2][pull request] Intel Wired LAN Driver Updates", tony), body),
        mail(text_headers("pr-cover.1@intel.example", "[PATCH net-next v6 1/2] foo: add c", tony, thread),
             patch_body("Add c."), "Mon, 03 Mar 2025 10:00:01 +0000"),
        mail(text_headers("pr-cover.2@intel.example", "[PATCH net-next v6 2/2] bar: capital B", tony, thread),
             patch_body("Capital B.", OTHER_DIFF), "Mon, 03 Mar 2025 10:00:02 +0000"),
    ])


def spoofed_revision() -> bytes:
    """Alice's v1, then a `[PATCH v2]` under her name and title from another address, unthreaded."""
    return b"".join([
        mail(text_headers("spoof.v1@real.example", "[PATCH] foo: add c", "Alice Archer <alice@real.example>"),
             patch_body("Add c.", trailers="Signed-off-by: Alice Archer <alice@real.example>\n")),
        mail(text_headers("spoof.v2@evil.example", "[PATCH v2] foo: add c", "Alice Archer <alice@evil.example>"),
             patch_body("Add c, better.", OTHER_DIFF, "Signed-off-by: Alice Archer <alice@evil.example>\n"),
             "Tue, 04 Mar 2025 10:00:00 +0000"),
    ])


def main() -> None:
    for name, data in cases().items():
        (HERE / f"{name}.mbox").write_bytes(data)
    print(f"wrote {len(cases())} cases to {HERE}")


if __name__ == "__main__":
    main()
