#!/usr/bin/env python3
"""Write the malformed-mail corpus: one `.eml` file per case, as README.md lists them.

    python3 tests/data/fuzz/generate.py

The cases are written here rather than by hand because many carry bytes an editor
would mangle: NUL, invalid UTF-8, CRLF line ends. The files are committed, and
tests/test_fuzz_corpus.py checks that they are still exactly what this script writes.
Deterministic: no clock, and the random bytes come from fixed seeds. The 20 MB case is
not committed; `big_attachment()` builds it in the test.
"""

from __future__ import annotations

import base64
import random
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIFF = (
    "---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n"
    "@@ -1,2 +1,3 @@\n int a;\n+int b;\n int c;\n-- \n2.39.5\n"
)
PATCH = "Add b.\n\nSigned-off-by: Fuzz Er <fuzz@example.org>\n" + DIFF
"""The body of every case that carries a patch: one diff, so one patch-id for all of them."""


def mail(
    name: str,
    body: str | bytes = PATCH,
    msgid: str | None = "<{name}@fuzz.example>",
    subject: str | None = "[PATCH] fuzz: {name}",
    sender: str | None = "Fuzz Er <fuzz@example.org>",
    date: str | None = "Mon, 03 Mar 2025 10:00:00 +0000",
    ctype: str | None = "text/plain; charset=utf-8",
    cte: str | None = None,
    extra: Sequence[str] = (),
) -> bytes:
    """One message; a header given as None is left out, and lone surrogates become raw bytes."""
    fields = [("From", sender), ("Subject", subject), ("Date", date), ("Message-ID", msgid)]
    lines = [f"{key}: {value}" for key, value in fields if value is not None] + list(extra)
    if ctype is not None:
        lines += ["MIME-Version: 1.0", f"Content-Type: {ctype}"]
    if cte is not None:
        lines.append(f"Content-Transfer-Encoding: {cte}")
    head = "\n".join(line.replace("{name}", name) for line in lines)
    data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogateescape")
    return head.encode("utf-8", "surrogateescape") + b"\n\n" + data


def noise(seed: int, size: int) -> bytes:
    """Reproducible random bytes."""
    return random.Random(seed).randbytes(size)


def attached(name: str, text: str, part_headers: str, ctype: str = "multipart/mixed") -> bytes:
    """A two-part mail: a short text part, then an attachment with its own headers."""
    body = (
        f"--att\nContent-Type: text/plain; charset=utf-8\n\n{text}\n\n"
        f"--att\n{part_headers}\n--att--\n"
    )
    return mail(name, body, ctype=f'{ctype}; boundary="att"')


def nested(name: str, depth: int) -> bytes:
    """`depth` levels of multipart/mixed, the patch in the innermost part."""
    opening = "".join(
        f'--b{level}\nContent-Type: multipart/mixed; boundary="b{level + 1}"\n\n'
        for level in range(depth - 1)
    )
    inner = f"--b{depth - 1}\nContent-Type: text/plain; charset=utf-8\n\n{PATCH}\n"
    closing = "".join(f"--b{level}--\n" for level in reversed(range(depth)))
    return mail(name, opening + inner + closing, ctype='multipart/mixed; boundary="b0"')


def charsets() -> dict[str, bytes]:
    """Charsets that do not exist, lie, or are not names at all; broken transfer encodings."""
    encoded = base64.b64encode(PATCH.encode()).decode()
    return {
        "charset-unknown": mail("charset-unknown", ctype='text/plain; charset="x-klingon"'),
        "charset-empty": mail("charset-empty", ctype='text/plain; charset=""'),
        "charset-path": mail("charset-path", ctype='text/plain; charset="../../../etc/passwd"'),
        "charset-mismatch": mail("charset-mismatch", b"Caf\xe9 na\xefve \xff\xfe.\n\n" + PATCH.encode()),
        "charset-utf16-declared": mail("charset-utf16-declared", PATCH + "x", ctype="text/plain; charset=utf-16"),
        "encoded-word-unknown-charset": mail(
            "encoded-word-unknown-charset",
            subject="[PATCH] =?x-klingon?Q?Qapla=27?= fuzz: encoded word",
            sender="=?utf-8?B?!!!not-base64!!!?= <fuzz@example.org>",
        ),
        "encoded-word-broken": mail(
            "encoded-word-broken",
            subject="=?utf-8?B?W1BBVENIXSBmdXp6OiBicm9rZW4?= =?utf-8?Q?=ZZ=?= =?utf-8?X?bogus?=",
            sender="=?utf-8?Q?=C3=28=A0?= <fuzz@example.org>",
        ),
        "base64-broken": mail(
            "base64-broken",
            "\n".join([encoded[:40], "!!!! not base64 ~~~~", encoded[40:80] + "=", "==", encoded[80:], "@@@"]) + "\n",
            cte="base64",
        ),
        "base64-truncated": mail("base64-truncated", encoded[: len(encoded) // 2 + 3] + "\n", cte="base64"),
        "qp-broken": mail(
            "qp-broken",
            "Soft=\nbreak, bad =ZZ escape, lone =\r\n=E9=\nx" + "y" * 300 + "\n"
            + PATCH.replace("int b;", "int b=3D1;") + "trailing =",
            cte="quoted-printable",
        ),
        "cte-unknown": mail("cte-unknown", cte="x-uuencode-bogus"),
        "content-type-garbage": mail("content-type-garbage", ctype=';;;===;;; charset=="=" boundary'),
    }


def message_ids() -> dict[str, bytes]:
    """Missing, empty, doubled, huge, unbracketed and NUL-carrying Message-IDs."""
    huge = "<" + "m" * (1000 - len("<@fuzz.example>")) + "@fuzz.example>"
    return {
        "msgid-missing": mail("msgid-missing", msgid=None),
        "msgid-empty": mail("msgid-empty", msgid="<>"),
        "msgid-duplicated-header": mail(
            "msgid-duplicated-header", extra=["Message-ID: <second-{name}@fuzz.example>"]
        ),
        "msgid-1000-chars": mail("msgid-1000-chars", msgid=huge),
        "msgid-no-brackets": mail("msgid-no-brackets", msgid="msgid-no-brackets@fuzz.example"),
        "msgid-nul": mail("msgid-nul", msgid="<msgid\x00nul@fuzz.example>"),
    }


def headers() -> dict[str, bytes]:
    """Header bytes and shapes a parser must survive."""
    escapes = "[PATCH] fuzz: \x1b[2J\x1b]0;pwned\x07clear \x9b31m screen"
    return {
        "header-nul": mail(
            "header-nul", subject="[PATCH] fuzz: nul\x00in\x00subject",
            sender="Nul\x00Name <fuzz@example.org>", extra=["X-Nul: a\x00b"],
        ),
        "header-invalid-utf8": mail(
            "header-invalid-utf8", subject="[PATCH] fuzz: caf\udce9 \udcff\udcfe \udcc3(",
            sender="Caf\udce9 \udcff <fuzz@example.org>",
        ),
        "header-junk-lines": mail("header-junk-lines", extra=["this line is not a header", ": no name", "X-Ok: fine"]),
        "header-100k-line": mail("header-100k-line", extra=["X-Long: " + "x" * 100_000]),
        "headers-2000": mail(
            "headers-2000", extra=[f"Received: from relay{n}.example by relay{n + 1}.example" for n in range(2000)]
        ),
        "from-missing": mail("from-missing", sender=None),
        "from-garbage": mail("from-garbage", sender='<<<@@@>>> "unterminated <'),
        "terminal-escapes": mail(
            "terminal-escapes", PATCH.replace("Add b.", "Add b.\x1b[2J"), subject=escapes,
            sender="\x1b[31mRed\x1b[0m <fuzz@example.org>",
        ),
    }


def dates() -> dict[str, bytes]:
    """Dates out of range, impossible, unparsable or absent."""
    return {
        "date-year-99999": mail("date-year-99999", date="Mon, 03 Mar 99999 10:00:00 +0000"),
        "date-negative": mail("date-negative", date="Mon, 03 Mar -2025 10:00:00 +0000"),
        "date-feb-30": mail("date-feb-30", date="Fri, 30 Feb 2024 10:00:00 +0000"),
        "date-unparsable": mail("date-unparsable", date="the day after yesterday"),
        "date-missing": mail("date-missing", date=None),
        "date-zone-huge": mail("date-zone-huge", date="Mon, 03 Mar 2025 10:00:00 +999999"),
    }


def structure() -> dict[str, bytes]:
    """MIME trees: deep, broken, empty, HTML only, Outlook's winmail.dat, patches attached."""
    tnef = base64.encodebytes(bytes([0x78, 0x9F, 0x3E, 0x22]) + noise(9, 3000)).decode()
    tnef_part = (
        'Content-Type: application/ms-tnef; name="winmail.dat"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: attachment; filename="winmail.dat"\n\n{tnef}'
    )
    patch_part = (
        'Content-Type: text/x-patch; charset=utf-8; name="0001-a-add-b.patch"\n'
        f'Content-Disposition: attachment; filename="0001-a-add-b.patch"\n\n{PATCH}'
    )
    patch64_part = (
        'Content-Type: text/x-patch; name="a.patch"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: attachment; filename="a.patch"\n\n{base64.encodebytes(PATCH.encode()).decode()}'
    )
    diff_part = f'Content-Type: text/x-diff; name="a.diff"\nContent-Disposition: attachment; filename="a.diff"\n\n{PATCH}'
    html = "<html><body><p>Add b.</p><pre>\n" + DIFF.replace("<", "&lt;") + "</pre></body></html>\n"
    return {
        "multipart-nested-200": nested("multipart-nested-200", 200),
        "multipart-nested-2000": nested("multipart-nested-2000", 2000),
        "multipart-no-boundary": mail("multipart-no-boundary", ctype="multipart/mixed"),
        "multipart-unclosed": mail(
            "multipart-unclosed", "--never\nContent-Type: text/plain\n\n" + PATCH,
            ctype='multipart/mixed; boundary="never"',
        ),
        "multipart-empty": mail("multipart-empty", "preamble only\n--b--\n", ctype='multipart/mixed; boundary="b"'),
        "html-only": mail("html-only", html, ctype="text/html; charset=utf-8"),
        "winmail-dat": attached("winmail-dat", "See the attachment.", tnef_part).replace(
            b"Subject: [PATCH] fuzz: winmail-dat", b"Subject: RE: fuzz: winmail"
        ),
        "attachment-x-patch": attached("attachment-x-patch", "The patch is attached.", patch_part),
        "attachment-x-patch-base64": attached("attachment-x-patch-base64", "The patch is attached.", patch64_part),
        "attachment-x-diff": attached("attachment-x-diff", "The diff is attached.", diff_part),
    }


def bodies() -> dict[str, bytes]:
    """Diffs with CRLF line ends, absurd hunk headers, NUL bytes; a flood of trailers."""
    return {
        "diff-crlf": mail("diff-crlf").replace(b"\n", b"\r\n"),
        "diff-bogus-hunk-header": mail(
            "diff-bogus-hunk-header",
            PATCH.replace("@@ -1,2 +1,3 @@", "@@ -99999999999999999999,-5 +1,99999999999999999999999 @@"),
        ),
        "body-nul": mail("body-nul", PATCH.replace("int b;", "int b;\x00\x00")),
        "trailers-10000": mail(
            "trailers-10000", "".join(f"Reviewed-by: R{n} <r{n}@example.org>\n" for n in range(10_000)),
            subject="Re: [PATCH] fuzz: flood",
        ),
    }


def threading() -> dict[str, bytes]:
    """A 5,000-character subject, 10,000 references, and threads that loop."""
    refs = " ".join(f"<r{n:05d}@x>" for n in range(10_000))
    loop = "<references-loop-{other}@fuzz.example>"
    return {
        "subject-5000-chars": mail("subject-5000-chars", subject="[PATCH v3 2/5] fuzz: " + "long " * 996),
        "references-10000": mail(
            "references-10000", "Reviewed-by: Fuzz Er <fuzz@example.org>\n",
            subject="Re: [PATCH] fuzz: deep thread", extra=["In-Reply-To: <r09999@x>", "References: " + refs],
        ),
        "references-self": mail(
            "references-self", "Me again.\n", subject="Re: [PATCH] fuzz: self",
            extra=["In-Reply-To: <{name}@fuzz.example>", "References: <{name}@fuzz.example> <{name}@fuzz.example>"],
        ),
        "references-loop-a": mail(
            "references-loop-a", subject="[PATCH 1/2] fuzz: loop a",
            extra=["In-Reply-To: " + loop.format(other="b"), "References: " + loop.format(other="b")],
        ),
        "references-loop-b": mail(
            "references-loop-b", subject="[PATCH 2/2] fuzz: loop b",
            extra=["In-Reply-To: " + loop.format(other="a"), "References: " + loop.format(other="a")],
        ),
    }


def not_mail() -> dict[str, bytes]:
    """Bytes that are hardly a message at all."""
    return {
        "binary-garbage": noise(4, 4096),
        "blank": b"\n\n\n",
        "headers-only-no-body": mail("headers-only-no-body").split(b"\n\n")[0],
        "mbox-from-line": b"From fuzz@example.org Mon Mar  3 10:00:00 2025\n" + mail("mbox-from-line"),
    }


def cases() -> dict[str, bytes]:
    """Every committed case, by file name without `.eml`."""
    out: dict[str, bytes] = {}
    for group in (charsets, message_ids, headers, dates, structure, bodies, threading, not_mail):
        out.update(group())
    return out


def big_attachment(size: int) -> bytes:
    """A patch mail with an attachment of `size` random bytes, base64-encoded (the 20 MB case)."""
    payload = base64.encodebytes(noise(20, size)).decode()
    part = (
        'Content-Type: application/octet-stream; name="core.bin"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: attachment; filename="core.bin"\n\n{payload}'
    )
    return attached("big-attachment", PATCH, part)


def main() -> None:
    """Rewrite every `.eml` file of the corpus."""
    for name, data in cases().items():
        (HERE / f"{name}.eml").write_bytes(data)
    print(f"{len(cases())} cases written to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
