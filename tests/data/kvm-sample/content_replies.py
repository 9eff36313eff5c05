"""Review replies: they quote the generated patches and must never count as contributions.

Each mail client leaves its own marks (Thunderbird format=flowed, quoted-printable,
mutt, mu4e's commented In-Reply-To, Gmail top-posting), and quoted trailers
("> Signed-off-by:", "> Tested-by:") sit next to the real ones.
"""

from __future__ import annotations

import base64
import quopri
import re
from datetime import datetime

from content import (
    ALEX,
    CLEMENT,
    CLG,
    DAVE,
    DREW,
    JASON,
    LEI,
    PAOLO,
    RTH,
    SEAN,
    XIAOYAO,
    Person,
    rfc2047,
    tz,
)

PT, ET, CET, CN = tz(-8), tz(-5), tz(1), tz(8)


def quote(text: str) -> str:
    out = []
    for line in text.rstrip("\n").split("\n"):
        out.append(("> " + line).rstrip() if line.strip() else ">")
    return "\n".join(out) + "\n"


def message_part(body: str) -> str:
    """The commit message of a patch mail (in-body From included), without the diffstat."""
    return body.split("\n---\n", 1)[0] + "\n"


def diff_part(body: str, path: str, stop: str | None = None, lines: int = 14) -> str:
    """The start of the diff of `path` in a patch mail, up to the line holding `stop`."""
    start = body.index(f"diff --git a/{path} ")
    chunk = body[start:].split("\n")
    if stop:
        end = next(i for i, line in enumerate(chunk) if stop in line)
        chunk = chunk[: end + 1]
    else:
        chunk = chunk[:lines]
    return "\n".join(chunk) + "\n"


def date_tb(dt: datetime) -> str:
    return dt.strftime("%a, ") + str(dt.day) + dt.strftime(" %b %Y %H:%M:%S %z")


def date_rfc(dt: datetime) -> str:
    return dt.strftime("%a, %d %b %Y %H:%M:%S %z")


def b_encode(name: str) -> str:
    return "=?UTF-8?B?" + base64.b64encode(name.encode()).decode() + "?="


def render(headers: list, body: str, cte: str = "8bit") -> str:
    if cte == "quoted-printable":
        body = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    out = [f"{k}: {v}" for k, v in headers]
    return "\n".join(out) + "\n\n" + body


def make_replies(series: dict) -> list:
    def mail(key: str, idx: int) -> dict:
        return next(m for m in series[key] if m["idx"] == idx)

    def refs(*mails) -> str:
        ids = []
        for m in mails:
            for r in m.get("refs", []):
                if r not in ids:
                    ids.append(r)
            if m["msgid"] not in ids:
                ids.append(m["msgid"])
        return "\n ".join(ids)

    def root_of(key: str) -> dict:
        return min(series[key], key=lambda m: m["idx"])

    def chain(key: str, m: dict) -> list:
        root = root_of(key)
        return [root, m] if root is not m else [m]

    replies = []

    def add(key, parent_chain, author, date, msgid, body, headers, trailers, cte="8bit"):
        parent = parent_chain[-1]
        subject = "Re: " + parent["subject"].removeprefix("Re: ")
        h = [(k, v.format(subject=subject, irt=parent["msgid"], refs=refs(*parent_chain),
                          date_tb=date_tb(date), date_rfc=date_rfc(date), msgid=msgid))
             for k, v in headers]
        if not body.isascii():
            h = [(k, "8bit" if (k == "Content-Transfer-Encoding" and v == "7bit") else v)
                 for k, v in h]
        text = render(h, body, cte)
        given = [line for line in body.split("\n")
                 if re.match(r"(Reviewed|Acked|Tested)-by: ", line)]
        assert bool(given) == trailers, (msgid, given)
        replies.append({"msgid": msgid, "date": date, "text": text, "author": author,
                        "series": key, "subject": subject, "trailers": given,
                        "in_reply_to": parent["msgid"],
                        "refs": [m["msgid"] for m in parent_chain]})
        return {"msgid": msgid, "subject": subject, "refs": [m["msgid"] for m in parent_chain]}

    def thunderbird(author: Person, to: str, cc: str, charset_extra="; format=flowed",
                    cte="7bit", name=None):
        return [
            ("Message-ID", "{msgid}"),
            ("Date", "{date_tb}"),
            ("MIME-Version", "1.0"),
            ("User-Agent", "Mozilla Thunderbird"),
            ("Subject", "{subject}"),
            ("To", to),
            ("Cc", cc),
            ("References", "{refs}"),
            ("Content-Language", "en-US"),
            ("From", f"{name or rfc2047(author.name)} <{author.email}>"),
            ("In-Reply-To", "{irt}"),
            ("Content-Type", f"text/plain; charset=UTF-8{charset_extra}"),
            ("Content-Transfer-Encoding", cte),
        ]

    # ---------------------------------------------------------------- hw/hyperv v2
    v2_1, v2_5 = mail("hyperv-v2", 1), mail("hyperv-v2", 5)
    hv_cc = ("qemu-devel@nongnu.org, philmd@linaro.org,\n Paolo Bonzini <pbonzini@redhat.com>,"
             " alex.bennee@linaro.org,\n Marcelo Tosatti <mtosatti@redhat.com>,"
             " manos.pitsidianakis@linaro.org")
    add("hyperv-v2", chain("hyperv-v2", v2_1), RTH,
        datetime(2025, 3, 7, 11, 21, 30, tzinfo=PT),
        "<5e0d6f53-8b41-4c2e-9d55-0c0f8a4e2b17@linaro.org>",
        "On 3/7/25 11:09, Pierrick Bouvier wrote:\n" + quote(v2_1["body"].split("\ndiff --git")[0])
        + "\nReviewed-by: Richard Henderson <richard.henderson@linaro.org>\n\nr~\n",
        thunderbird(RTH, "Pierrick Bouvier <pierrick.bouvier@linaro.org>, kvm@vger.kernel.org",
                    hv_cc), True)

    add("hyperv-v2", chain("hyperv-v2", v2_5), RTH,
        datetime(2025, 3, 7, 11, 26, 47, tzinfo=PT),
        "<b2a7c9e4-3f18-4d65-a0c7-6d1e95f3c8a2@linaro.org>",
        "On 3/7/25 11:10, Pierrick Bouvier wrote:\n"
        + quote(diff_part(v2_5["body"], "hw/hyperv/syndbg.c", stop="assert(qemu_target_page_size()"))
        + "\nThis is backwards: the buffer is sized for exactly one Hyper-V page, and it\n"
          "is the target page that must match it.  With 64k pages this would still pass\n"
          "and we would hand out a buffer smaller than what the code assumes.\n\n"
          "I think you want == here.\n\nr~\n",
        thunderbird(RTH, "Pierrick Bouvier <pierrick.bouvier@linaro.org>, kvm@vger.kernel.org",
                    hv_cc), False)

    # ---------------------------------------------------------------- hw/hyperv v3
    v3_5 = mail("hyperv-v3", 5)
    define = diff_part(v3_5["body"], "hw/hyperv/syndbg.c", stop="#define BUFFER_SIZE")
    define = "+/*" + define.split("\n+/*", 1)[1]
    add("hyperv-v3", chain("hyperv-v3", v3_5), RTH,
        datetime(2025, 3, 7, 12, 48, 5, tzinfo=PT),
        "<0c9e4b7a-51d2-4e8f-b3a6-7f2d18c5e940@linaro.org>",
        "On 3/7/25 11:37, Pierrick Bouvier wrote:\n" + quote(define)
        + "\nThe comment talks about KiB already: use (4 * KiB) from qemu/units.h.\n"
          "With that,\n\nReviewed-by: Richard Henderson <richard.henderson@linaro.org>\n\nr~\n",
        thunderbird(RTH, "Pierrick Bouvier <pierrick.bouvier@linaro.org>, kvm@vger.kernel.org",
                    hv_cc), True)

    # ---------------------------------------------------------------- hw/hyperv v4 (mu4e)
    v4_0 = mail("hyperv-v4", 0)
    blurb = v4_0["body"].split("\n\nPierrick Bouvier (7):")[0]
    first = "\n".join(blurb.split("\n")[:6])
    add("hyperv-v4", [v4_0], ALEX, datetime(2025, 3, 7, 22, 41, 15, tzinfo=tz(0)),
        "<87ikojx6vo.fsf@draig.linaro.org>",
        "Pierrick Bouvier <pierrick.bouvier@linaro.org> writes:\n\n" + quote(first)
        + "<snip>\n\nI gave the series a spin with an x86_64 and an aarch64 build and\n"
          "the hyperv objects are now only built once.\n\n"
          "Reviewed-by: Alex Bennée <alex.bennee@linaro.org>\n\n"
          "-- \nAlex Bennée\nVirtualisation Tech Lead @ Linaro\n",
        [("From", "=?utf-8?Q?Alex_Benn=C3=A9e?= <alex.bennee@linaro.org>"),
         ("To", "Pierrick Bouvier <pierrick.bouvier@linaro.org>"),
         ("Cc", "qemu-devel@nongnu.org,  philmd@linaro.org,  Paolo Bonzini\n"
                " <pbonzini@redhat.com>,  kvm@vger.kernel.org,  Marcelo Tosatti\n"
                " <mtosatti@redhat.com>,  richard.henderson@linaro.org"),
         ("Subject", "{subject}"),
         ("In-Reply-To", "{irt} (Pierrick Bouvier's message of \"Fri, 7 Mar 2025\n"
                         "\t13:56:16 -0800\")"),
         ("References", "{refs}"),
         ("User-Agent", "mu4e 1.12.9; emacs 29.4"),
         ("Date", "{date_rfc}"),
         ("Message-ID", "{msgid}"),
         ("MIME-Version", "1.0"),
         ("Content-Type", "text/plain; charset=utf-8"),
         ("Content-Transfer-Encoding", "8bit")], True)

    # ---------------------------------------------------------------- TDX (mutt, then Paolo)
    tdx_5 = mail("tdx-v3", 5)
    hunk = diff_part(tdx_5["body"], "arch/x86/kvm/vmx/tdx.c", stop="wrpkru(vcpu->arch.host_pkru)")
    sean = add("tdx-v3", chain("tdx-v3", tdx_5), SEAN,
               datetime(2025, 3, 7, 14, 5, 32, tzinfo=PT), "<Z8tvnA3mSuH9Xjq1@google.com>",
               "On Fri, Mar 07, 2025, Paolo Bonzini wrote:\n" + quote(message_part(tdx_5["body"]).split("\n\nSigned-off-by")[0])
               + "\nI still don't love this.  KVM already has everything it needs to do the right\n"
                 "thing in kvm_load_host_xsave_state(); the only gap is that TDX doesn't fill\n"
                 "vcpu->arch.{xcr0,ia32_xss} with anything sane, which is exactly what your\n"
                 "11/10 does.  Two flavors of \"restore host xsave state\" means two places to\n"
                 "get wrong the next time a feature is added to XFAM.\n\n"
               + quote(hunk)
               + "\nRather than special case TDX here, what about stuffing vcpu->arch.xcr0 and\n"
                 "friends at vCPU creation and letting the common code do its thing?\n",
               [("Date", "{date_tb}"),
                ("From", "Sean Christopherson <seanjc@google.com>"),
                ("To", "Paolo Bonzini <pbonzini@redhat.com>"),
                ("Cc", "linux-kernel@vger.kernel.org, kvm@vger.kernel.org, xiaoyao.li@intel.com,\n"
                       "\tadrian.hunter@intel.com, rick.p.edgecombe@intel.com"),
                ("Subject", "{subject}"),
                ("Message-ID", "{msgid}"),
                ("References", "{refs}"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "text/plain; charset=UTF-8"),
                ("Content-Disposition", "inline"),
                ("In-Reply-To", "{irt}")], False)

    add("tdx-v3", chain("tdx-v3", tdx_5) + [sean], PAOLO,
        datetime(2025, 3, 7, 17, 32, 8, tzinfo=ET),
        "<4a1f6c0d-7e3b-4f9a-8c25-93d0e6b1a7f4@redhat.com>",
        "On 3/7/25 23:05, Sean Christopherson wrote:\n"
        + quote("Rather than special case TDX here, what about stuffing vcpu->arch.xcr0 and\n"
                "friends at vCPU creation and letting the common code do its thing?")
        + "\nThat's what 11/10 does, and I don't mind doing it.  But the values in\n"
          "vcpu->arch are fiction for TDX, and I'd rather not have code that depends\n"
          "on them, even if the fiction is consistent.  Let's see what Xiaoyao and\n"
          "Rick think; I can go either way for v4.\n\nPaolo\n",
        thunderbird(PAOLO, "Sean Christopherson <seanjc@google.com>",
                    "linux-kernel@vger.kernel.org, kvm@vger.kernel.org, xiaoyao.li@intel.com,\n"
                    " adrian.hunter@intel.com, rick.p.edgecombe@intel.com",
                    charset_extra="", cte="7bit"), False)

    # ---------------------------------------------------------------- [PATCH] forbid
    fb = mail("forbid-xsave", 0)
    add("forbid-xsave", [fb], XIAOYAO, datetime(2025, 3, 8, 4, 12, 44, tzinfo=CN),
        "<c3e8d1a2-9b74-4e06-a5f1-2d6b8e0f9c13@intel.com>",
        "On 3/8/2025 2:41 AM, Paolo Bonzini wrote:\n" + quote(message_part(fb["body"]))
        + "\nReviewed-by: Xiaoyao Li <xiaoyao.li@intel.com>\n",
        thunderbird(XIAOYAO, "Paolo Bonzini <pbonzini@redhat.com>, linux-kernel@vger.kernel.org,\n"
                    " kvm@vger.kernel.org", "seanjc@google.com"), True)

    # ---------------------------------------------------------------- CET 03/10
    cet_3 = mail("cet-v3", 3)
    add("cet-v3", chain("cet-v3", cet_3), DAVE, datetime(2025, 3, 7, 9, 58, 21, tzinfo=PT),
        "<7d2b9e14-0c6a-4f38-b1e5-a94c3f5d8e62@intel.com>",
        "On 3/7/25 08:41, Chao Gao wrote:\n"
        + quote(message_part(cet_3["body"]).split("\n\nSigned-off-by")[0])
        + "\nThanks for splitting this one out, the changelog is much easier to follow now.\n\n"
          "Acked-by: Dave Hansen <dave.hansen@intel.com>\n",
        thunderbird(DAVE, "Chao Gao <chao.gao@intel.com>, tglx@linutronix.de, x86@kernel.org,\n"
                    " seanjc@google.com, pbonzini@redhat.com, linux-kernel@vger.kernel.org,\n"
                    " kvm@vger.kernel.org",
                    "peterz@infradead.org, rick.p.edgecombe@intel.com,\n"
                    " weijiang.yang@intel.com, john.allen@amd.com, bp@alien8.de"), True)

    # ---------------------------------------------------------------- hw/vfio 01/14 (QP)
    hv1 = mail("hw-vfio", 1)
    add("hw-vfio", chain("hw-vfio", hv1), CLG, datetime(2025, 3, 7, 19, 31, 2, tzinfo=CET),
        "<e1b4c7a9-2d53-4f86-9e0a-3c7f5b2d1a48@redhat.com>",
        "On 3/7/25 19:03, Philippe Mathieu-Daudé wrote:\n"
        + quote(hv1["body"].split("\ndiff --git")[0])
        + "\n\nReviewed-by: Cédric Le Goater <clg@redhat.com>\n\nThanks,\n\nC.\n\n",
        thunderbird(CLG, "=?UTF-8?Q?Philippe_Mathieu-Daud=C3=A9?= <philmd@linaro.org>,\n"
                    " qemu-devel@nongnu.org, kvm@vger.kernel.org",
                    "Alex Williamson <alex.williamson@redhat.com>,\n"
                    " Eric Auger <eric.auger@redhat.com>, Yi Liu <yi.l.liu@intel.com>",
                    cte="quoted-printable", name="=?UTF-8?Q?C=C3=A9dric_Le_Goater?="),
        True, cte="quoted-printable")

    # ---------------------------------------------------------------- SBI SSE 6/6 (mutt)
    sse_6 = mail("sbi-sse-v8", 6)
    add("sbi-sse-v8", chain("sbi-sse-v8", sse_6), DREW,
        datetime(2025, 3, 7, 18, 6, 44, tzinfo=CET), "<20250307-9b3f1e7d2c5a4e8f@orel>",
        "On Fri, Mar 07, 2025 at 05:15:48PM +0100, Clément Léger wrote:\n"
        + quote(message_part(sse_6["body"]) + "---")
        + "\nReviewed-by: Andrew Jones <andrew.jones@linux.dev>\n",
        [("Date", "{date_tb}"),
         ("From", "Andrew Jones <andrew.jones@linux.dev>"),
         ("To", "=?utf-8?B?Q2zDqW1lbnQgTMOpZ2Vy?= <cleger@rivosinc.com>"),
         ("Cc", "kvm@vger.kernel.org, kvm-riscv@lists.infradead.org,\n"
                "\tAndrew Jones <ajones@ventanamicro.com>, Anup Patel <apatel@ventanamicro.com>,\n"
                "\tAtish Patra <atishp@rivosinc.com>"),
         ("Subject", "{subject}"),
         ("Message-ID", "{msgid}"),
         ("References", "{refs}"),
         ("MIME-Version", "1.0"),
         ("Content-Type", "text/plain; charset=utf-8"),
         ("Content-Disposition", "inline"),
         ("Content-Transfer-Encoding", "8bit"),
         ("In-Reply-To", "{irt}")], True)

    # ---------------------------------------------------------------- Andrew's 1/2
    d1 = mail("sbi-impid", 0)
    add("sbi-impid", [d1], CLEMENT, datetime(2025, 3, 7, 19, 12, 37, tzinfo=CET),
        "<6f8a2c1e-4b9d-4d07-b3e5-8a1c0f7e2d94@rivosinc.com>",
        "\n\nOn 07/03/2025 18:32, Andrew Jones wrote:\n" + quote(message_part(d1["body"]))
        + "\nReviewed-by: Clément Léger <cleger@rivosinc.com>\n\nThanks,\n\nClément\n",
        thunderbird(CLEMENT, "Andrew Jones <andrew.jones@linux.dev>, kvm@vger.kernel.org,\n"
                    " kvm-riscv@lists.infradead.org", "atishp@rivosinc.com, jamestiotio@gmail.com",
                    cte="8bit", name=b_encode("Clément Léger")), True)

    # ---------------------------------------------------------------- tun RSS (Gmail)
    rss_3, rss_0 = mail("rss-v9", 3), mail("rss-v9", 0)
    gm_cc = ("Jonathan Corbet <corbet@lwn.net>, Willem de Bruijn <willemdebruijn.kernel@gmail.com>,\n"
             " \"David S. Miller\" <davem@davemloft.net>, Eric Dumazet <edumazet@google.com>,\n"
             " Jakub Kicinski <kuba@kernel.org>, Paolo Abeni <pabeni@redhat.com>,\n"
             " \"Michael S. Tsirkin\" <mst@redhat.com>, netdev@vger.kernel.org, kvm@vger.kernel.org,\n"
             " virtualization@lists.linux-foundation.org, linux-kernel@vger.kernel.org")

    def gmail(author: Person) -> list:
        return [("MIME-Version", "1.0"),
                ("References", "{refs}"),
                ("In-Reply-To", "{irt}"),
                ("From", f"{author.name} <{author.email}>"),
                ("Date", "{date_tb}"),
                ("Message-ID", "{msgid}"),
                ("Subject", "{subject}"),
                ("To", "Akihiko Odaki <akihiko.odaki@daynix.com>"),
                ("Cc", gm_cc),
                ("Content-Type", 'text/plain; charset="UTF-8"'),
                ("Content-Transfer-Encoding", "quoted-printable")]

    add("rss-v9", [rss_0], LEI, datetime(2025, 3, 7, 22, 15, 3, tzinfo=CN),
        "<CAPpAL=xW9vN3cR1k6T0hB2yQ8uE5fJ7dL4mS0aZ2pG6nK1oVtw@mail.gmail.com>",
        "QE tested this series of patches with virtio-net regression tests,\n"
        "everything works fine.\n\nTested-by: Lei Yang <leiyang@redhat.com>\n\n"
        "On Fri, Mar 7, 2025 at 7:02\u202fPM Akihiko Odaki <akihiko.odaki@daynix.com> wrote:\n>\n"
        + quote("\n".join(rss_0["body"].split("\n")[:12])),
        gmail(LEI), True, cte="quoted-printable")

    add("rss-v9", chain("rss-v9", rss_3), JASON, datetime(2025, 3, 7, 23, 41, 19, tzinfo=CN),
        "<CACGkMEtx1U7FzZq3Fv0tL9yYkHq8h3sN0bW6m2Rk4cJd5pE7Ag@mail.gmail.com>",
        "On Fri, Mar 7, 2025 at 7:02\u202fPM Akihiko Odaki <akihiko.odaki@daynix.com> wrote:\n>\n"
        + quote(message_part(rss_3["body"]))
        + ">\n"
        + quote(diff_part(rss_3["body"], "drivers/net/Kconfig", lines=12))
        + "\nAcked-by: Jason Wang <jasowang@redhat.com>\n\nThanks\n\n"
        + quote(diff_part(rss_3["body"], "drivers/net/tap.c", lines=14)),
        gmail(JASON), True, cte="quoted-printable")

    return replies
