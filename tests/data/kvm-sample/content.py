"""What the kvm-sample corpus holds: base files, series, patches and replies.

Read by generate.py. Texts the sample report shows come verbatim from sample_texts.py;
everything else (file contents, the commit messages of patches the sample does not show,
replies) is invented, small and plausible. Kernel and kvm-unit-tests code is written here
with 8-space indents and turned into tabs by K().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sample_texts import SAMPLE


def tz(hours: int, minutes: int = 0) -> timezone:
    return timezone(timedelta(hours=hours, minutes=minutes))


def K(text: str) -> str:
    """Kernel style: each leading run of 8 spaces becomes a tab."""
    out = []
    for line in text.split("\n"):
        n = len(line) - len(line.lstrip(" "))
        tabs, rest = divmod(n, 8)
        out.append("\t" * tabs + " " * rest + line[n:])
    return "\n".join(out)


def rfc2047(name: str) -> str:
    """Encode a display name the way git format-patch and git send-email do."""
    try:
        name.encode("ascii")
        return name
    except UnicodeEncodeError:
        pass
    safe = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")
    enc = "".join(chr(b) if b in safe else f"={b:02X}" for b in name.encode("utf-8"))
    return f"=?UTF-8?q?{enc}?="


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    @property
    def ident(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def header(self) -> str:
        return f"{rfc2047(self.name)} <{self.email}>"


PIERRICK = Person("Pierrick Bouvier", "pierrick.bouvier@linaro.org")
PHILMD = Person("Philippe Mathieu-Daudé", "philmd@linaro.org")
RTH = Person("Richard Henderson", "richard.henderson@linaro.org")
ALEX = Person("Alex Bennée", "alex.bennee@linaro.org")
PAOLO = Person("Paolo Bonzini", "pbonzini@redhat.com")
KAI = Person("Kai Huang", "kai.huang@intel.com")
ADRIAN = Person("Adrian Hunter", "adrian.hunter@intel.com")
ISAKU = Person("Isaku Yamahata", "isaku.yamahata@intel.com")
BINBIN = Person("Binbin Wu", "binbin.wu@linux.intel.com")
CHAO = Person("Chao Gao", "chao.gao@intel.com")
SEAN = Person("Sean Christopherson", "seanjc@google.com")
YANG = Person("Yang Weijiang", "weijiang.yang@intel.com")
CLEMENT = Person("Clément Léger", "cleger@rivosinc.com")
DREW = Person("Andrew Jones", "andrew.jones@linux.dev")
AKIHIKO = Person("Akihiko Odaki", "akihiko.odaki@daynix.com")
VIVEK = Person("Vivek Kasireddy", "vivek.kasireddy@intel.com")
ASHISH = Person("Ashish Kalra", "ashish.kalra@amd.com")
ASHISH_SENDER = Person("Ashish Kalra", "Ashish.Kalra@amd.com")  # his mailer's From: header
MAURO = Person("Mauro Carvalho Chehab", "mchehab+huawei@kernel.org")
XIAOYAO = Person("Xiaoyao Li", "xiaoyao.li@intel.com")
DAVE = Person("Dave Hansen", "dave.hansen@intel.com")
CLG = Person("Cédric Le Goater", "clg@redhat.com")
JASON = Person("Jason Wang", "jasowang@redhat.com")
LEI = Person("Lei Yang", "leiyang@redhat.com")

def sob(*people: Person) -> str:
    return "".join(f"Signed-off-by: {p.ident}\n" for p in people)


def rb(*people: Person) -> str:
    return "".join(f"Reviewed-by: {p.ident}\n" for p in people)


@dataclass
class Patch:
    subject: str
    author: Person
    message: str  # the commit message after the subject line, trailers included
    ops: list = field(default_factory=list)


@dataclass
class Series:
    key: str
    project: str
    title: str
    sender: Person
    committer: Person
    prefix: str
    version: int | None
    patches: list
    first_date: datetime
    author_date: datetime
    style: str  # "send-email", "format-patch" (format-patch --thread ids), "b4"
    stamp: str
    git_version: str
    to: list
    cc: list = field(default_factory=list)
    cover: dict | None = None
    in_reply_to: str | None = None
    include: list | None = None
    orderfile: str | None = None
    subject_edits: dict = field(default_factory=dict)
    fold_subjects: set = field(default_factory=set)
    abbrev: int = 12
    stat_width: int | None = None
    total_override: int | None = None
    charset: str = "UTF-8"

    @property
    def total(self) -> int:
        return self.total_override or len(self.patches)

    def msgid(self, idx: int, sha: str, n: int) -> str:
        if self.style == "send-email":
            return f"<{self.stamp}-{idx + 1}-{self.sender.email.lower()}>"
        if self.style == "format-patch":
            first = "cover" if (self.cover is not None and idx == 0) else sha
            return f"<{first}.{self.stamp}.git.{self.committer.email}>"
        if self.style == "b4":
            date, change, vers, h = self.stamp.split("|")
            return f"<{date}-{change}-{vers}-{idx}-{h}@{self.sender.email.split('@')[1]}>"
        raise ValueError(self.style)

    def headers(self, m: dict) -> list:
        refs = m["references"]
        irt = m["in_reply_to"]
        if self.style == "b4":
            h = [
                ("From", self.sender.header),
                ("Date", _date_b4(m["date"])),
                ("Subject", m["subject"]),
                ("MIME-Version", "1.0"),
                ("Content-Type", f'text/plain; charset="{self.charset.lower()}"'),
                ("Content-Transfer-Encoding", "8bit"),
                ("Message-Id", m["msgid"]),
            ]
            if refs:
                h.append(("References", " ".join(refs)))
            if irt:
                h.append(("In-Reply-To", irt))
            if m["idx"] == 0:
                h.append(("X-Change-ID", self.cover["change_id"]))
            h.append(("To", ", \n ".join(self.to)))
            if self.cc:
                h.append(("Cc", ", \n ".join(self.cc)))
            h.append(("X-Mailer", f"b4 {self.cover['b4_version']}"))
            return h
        h = [("From", self.sender.header), ("To", ",\n\t".join(self.to))]
        if self.cc:
            h.append(("Cc", ",\n\t".join(self.cc)))
        h += [
            ("Subject", m["subject"]),
            ("Date", _date_send_email(m["date"])),
            ("Message-ID", m["msgid"]),
            ("X-Mailer", f"git-send-email {self.git_version}"),
        ]
        if irt:
            h.append(("In-Reply-To", irt))
        if refs:
            h.append(("References", " ".join(refs)))
        h += [
            ("MIME-Version", "1.0"),
            ("Content-Type", f"text/plain; charset={self.charset}"),
            ("Content-Transfer-Encoding", "8bit"),
        ]
        return h


def _date_send_email(dt: datetime) -> str:
    return dt.strftime("%a, ") + f"{dt.day:2d}" + dt.strftime(" %b %Y %H:%M:%S %z")


def _date_b4(dt: datetime) -> str:
    return dt.strftime("%a, %d %b %Y %H:%M:%S %z")


def _date_plain(dt: datetime) -> str:
    return dt.strftime("%a, ") + str(dt.day) + dt.strftime(" %b %Y %H:%M:%S %z")


FILES: dict = {}

# QEMU's scripts/git.orderfile, as the QEMU senders use it (diff.orderFile)
QEMU_ORDER = """\
# Documentation
docs/*
*.rst
*.rst.inc
*.txt

# build system
configure
Makefile*
*.mak

# qapi schema
qapi/*.json
qga/*.json

# headers
*.h
*.h.inc

# code
*.c
*.c.inc
"""

# the order kvm-unit-tests' submitter's diff.orderFile gives (see the sample's v8 cover)
KUT_ORDER = """\
*.mak
*Makefile
lib/*.h
lib/*.S
lib/*.c
*.h
*.S
*.c
"""


def text(key: str) -> str:
    return SAMPLE[key]["text"]


from content_linux import *  # noqa: E402,F401,F403
from content_misc import *  # noqa: E402,F401,F403
from content_qemu import *  # noqa: E402,F401,F403
from content_replies import make_replies  # noqa: E402,F401

SERIES = sorted(
    [s for name, s in list(globals().items()) if name.startswith("S_") and isinstance(s, Series)],
    key=lambda s: s.first_date,
)

# sample diffstat block -> (series key, mail index) whose mail must contain it verbatim
SAMPLE_STAT_MATCH = {
    "hyperv_v4_1": ("hyperv-v4", 1),
    "hyperv_v4_0": ("hyperv-v4", 0),
    "hwvfio_01": ("hw-vfio", 1),
    "tdx_01": ("tdx-v3", 1),
    "forbid": ("forbid-xsave", 0),
    "cet_01": ("cet-v3", 1),
    "rss_1": ("rss-v9", 1),
    "vfiopci_1": ("vfio-dmabuf-v3", 1),
    "sev_1": ("sev-init-v6", 1),
    "sse_1": ("sbi-sse-v8", 1),
}
