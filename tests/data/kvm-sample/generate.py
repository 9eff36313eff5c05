#!/usr/bin/env python3
"""Regenerate the kvm-sample corpus: kvm-sample.mbox, base/ and expected.json.

    python3 tests/data/kvm-sample/generate.py

Deterministic: fixed dates and identities, no randomness. Every patch mail is made by
real git: the base files and each patch's edits (content.py) are committed in a scratch
repository per revision, `git format-patch` writes the patches and cover letters, and the
mails are then dressed the way `git send-email` or `b4 send` would (sender, Date,
Message-ID, threading, in-body From for patches whose author is not the sender).
Replies are written by hand (content.py) and quote the generated patches.

At the end the script checks its own output: every revision applies with `git apply`
onto base/, every patch mail has a `git patch-id --stable`, the counting rule gives the
numbers of the sample report, and the diffstats the sample shows are reproduced where
content.py aims at them (see README.md).
"""

from __future__ import annotations

import email.utils
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep tests/data free of __pycache__

import content  # noqa: E402
from sample_texts import SAMPLE  # noqa: E402

MBOX = HERE / "kvm-sample.mbox"
BASE = HERE / "base"
EXPECTED = HERE / "expected.json"
LIST = "kvm@vger.kernel.org"

# What the sample report shows (the counting rule must reproduce it exactly).
SAMPLE_DOMAINS = [
    ("linaro.org", 39), ("intel.com", 23), ("amd.com", 9), ("rivosinc.com", 7),
    ("daynix.com", 7), ("redhat.com", 3), ("linux.dev", 2), ("kernel.org", 2),
    ("linux.intel.com", 1), ("google.com", 1),
]
SAMPLE_CONTRIBUTORS = {
    "pierrick.bouvier@linaro.org": 24, "philmd@linaro.org": 15, "ashish.kalra@amd.com": 9,
    "weijiang.yang@intel.com": 7, "cleger@rivosinc.com": 7, "akihiko.odaki@daynix.com": 7,
    "isaku.yamahata@intel.com": 5, "vivek.kasireddy@intel.com": 4, "chao.gao@intel.com": 4,
    "pbonzini@redhat.com": 3, "mchehab+huawei@kernel.org": 2, "andrew.jones@linux.dev": 2,
    "adrian.hunter@intel.com": 2, "seanjc@google.com": 1, "kai.huang@intel.com": 1,
    "binbin.wu@linux.intel.com": 1,
}


# --------------------------------------------------------------------------- git


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        LC_ALL="C.UTF-8", LANG="C.UTF-8", TZ="UTC",
    )
    return env


def git(env: dict[str, str], cwd: Path, *args: str, stdin: bytes | None = None,
        extra: dict[str, str] | None = None) -> str:
    res = subprocess.run(
        ["git", *args], cwd=cwd, env={**env, **(extra or {})}, input=stdin,
        capture_output=True, check=False,
    )
    if res.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}:\n{res.stderr.decode()}")
    return res.stdout.decode("utf-8")


def git_date(dt: datetime) -> str:
    return f"{int(dt.timestamp())} {dt.strftime('%z')}"


# --------------------------------------------------------------------------- edits


def apply_ops(work: Path, ops: list[tuple]) -> None:
    for op in ops:
        kind, path = op[0], work / op[1]
        if kind == "new":
            assert not path.exists(), f"{op[1]} already exists"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(op[2] if isinstance(op[2], bytes) else op[2].encode())
            if len(op) > 3:
                path.chmod(op[3])
        elif kind == "bin":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(op[2])
        elif kind == "sub":
            text = path.read_text()
            old, new = op[2], op[3]
            n = text.count(old)
            assert n == 1, f"{op[1]}: expected one match, found {n}:\n{old}"
            path.write_text(text.replace(old, new))
        elif kind == "rm":
            path.unlink()
        else:
            raise ValueError(kind)


def touched_paths(patches) -> list[str]:
    seen: list[str] = []
    for p in patches:
        for op in p.ops:
            if op[1] not in seen:
                seen.append(op[1])
    return seen


# --------------------------------------------------------------------------- mails


def split_mail(text: str) -> tuple[str, list[tuple[str, str]], str]:
    """A format-patch file: (commit sha, [(header, raw value incl. folds)], body)."""
    first, rest = text.split("\n", 1)
    sha = first.split()[1]
    head, body = rest.split("\n\n", 1)
    headers: list[tuple[str, str]] = []
    for line in head.split("\n"):
        if line[:1] in (" ", "\t"):
            name, value = headers[-1]
            headers[-1] = (name, value + "\n" + line)
        else:
            name, value = line.split(": ", 1)
            headers.append((name, value))
    return sha, headers, body


def fold_subject(subject: str) -> str:
    """Fold a long Subject the way list servers re-fold it (continuation with a space)."""
    words, lines, cur = subject.split(" "), [], "Subject:"
    for w in words:
        if len(cur) + 1 + len(w) > 78 and cur != "Subject:":
            lines.append(cur)
            cur = "" + w
        else:
            cur = f"{cur} {w}"
    lines.append(cur)
    return "\n ".join(lines)[len("Subject: "):]


def render(headers: list[tuple[str, str]], body: str) -> str:
    out = []
    for name, value in headers:
        if value is None:
            continue
        out.append(f"{name}: {value}")
    return "\n".join(out) + "\n\n" + body


class Mail:
    """One message of the corpus: msgid, date, text (the whole mail), kind ("cover",
    "patch" or "reply"), author (the counted Person), series (key), idx (0 = cover),
    subject; replies also carry trailers and in_reply_to."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


# --------------------------------------------------------------------------- series


def build_series(s, scratch: Path, env: dict[str, str]):
    """Commit the revision in a scratch repo, format it, dress it; return (mails, base files)."""
    repo = scratch / s.key
    repo.mkdir(parents=True)
    git(env, repo, "init", "-q", "-b", "master")
    paths = touched_paths(s.patches)
    for path in paths:
        if path in content.FILES:
            f = repo / path
            f.parent.mkdir(parents=True, exist_ok=True)
            data = content.FILES[path]
            f.write_bytes(data if isinstance(data, bytes) else data.encode())
    base_when = s.author_date - timedelta(days=3)
    ident = {"GIT_COMMITTER_NAME": s.committer.name, "GIT_COMMITTER_EMAIL": s.committer.email}
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "--allow-empty", "-m", f"{s.project}: base for {s.key}", extra={
        **ident, "GIT_AUTHOR_NAME": "Tree Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.org",
        "GIT_AUTHOR_DATE": git_date(base_when), "GIT_COMMITTER_DATE": git_date(base_when)})
    git(env, repo, "tag", "base")
    parents: list[str] = []
    for i, p in enumerate(s.patches):
        parents.append(git(env, repo, "rev-parse", "HEAD").strip())
        apply_ops(repo, p.ops)
        git(env, repo, "add", "-A")
        when = s.author_date + timedelta(minutes=7 * i)
        msg = p.subject + "\n\n" + p.message
        git(env, repo, "commit", "-q", "--cleanup=verbatim", "-F", "-", stdin=msg.encode(), extra={
            **ident, "GIT_AUTHOR_NAME": p.author.name, "GIT_AUTHOR_EMAIL": p.author.email,
            "GIT_AUTHOR_DATE": git_date(when), "GIT_COMMITTER_DATE": git_date(when)})

    out = scratch / (s.key + ".out")
    args = ["-c", f"core.abbrev={s.abbrev}", "format-patch", "-q", "-o", str(out),
            f"--signature={s.git_version}", f"--subject-prefix={s.prefix}"]
    if s.version:
        args.append(f"-v{s.version}")
    if s.cover is not None:
        args.append("--cover-letter")
    if len(s.patches) > 1 or s.cover is not None:
        args.append("-n")
    if s.orderfile:
        order = scratch / (s.key + ".order")
        order.write_text(s.orderfile)
        args.append(f"-O{order}")
    if s.stat_width:
        args.append(f"--stat={s.stat_width}")
    args.append("base..HEAD")
    git(env, repo, *args)
    files = sorted(out.iterdir())
    assert len(files) == len(s.patches) + (s.cover is not None), files

    n_mails = len(files)
    mails = []
    for idx, f in enumerate(files):
        sha, headers, body = split_mail(f.read_text("utf-8"))
        hdr = dict(headers)
        is_cover = s.cover is not None and idx == 0
        pidx = idx - (s.cover is not None)
        patch = None if is_cover else s.patches[pidx]
        subject = hdr["Subject"]
        if is_cover:
            subject = subject.replace("*** SUBJECT HERE ***", s.cover["subject"])
            if s.style == "b4":
                body = s.cover["blurb"] + shortlog_b4(env, repo) + diffstat_b4(env, repo, s) + \
                    s.cover["b4_tail"].format(base=git(env, repo, "rev-parse", "base").strip())
            else:
                assert body.startswith("*** BLURB HERE ***\n\n"), body[:80]
                body = s.cover["blurb"] + body[len("*** BLURB HERE ***\n\n"):]
        for old, new in s.subject_edits.get(idx, []):
            assert old in subject, (subject, old)
            subject = subject.replace(old, new)
        if idx in s.fold_subjects:
            subject = fold_subject(" ".join(subject.split()))
        author = s.committer if is_cover else patch.author
        # git send-email (and b4) put the real author in the body when it is not the sender
        if author.ident != s.sender.ident:
            body = f"From: {author.ident}\n\n" + body
        date = s.first_date + timedelta(seconds=idx)
        msgid = s.msgid(idx, sha, n_mails)
        mails.append(dict(idx=idx, sha=sha, subject=subject, body=body, date=date,
                          msgid=msgid, is_cover=is_cover, author=author, patch=patch,
                          parent=parents[pidx] if not is_cover else None))
    # threading
    cover_id = mails[0]["msgid"] if s.cover is not None else None
    root = cover_id or mails[0]["msgid"]
    prior = [s.in_reply_to] if s.in_reply_to else []
    for m in mails:
        if m["idx"] == 0:
            irt, refs = (s.in_reply_to, prior) if s.in_reply_to else (None, [])
        else:
            irt, refs = root, prior + [root]
        m["in_reply_to"], m["references"] = irt, refs

    result = []
    for m in mails:
        if s.include is not None and m["idx"] not in s.include:
            continue
        headers = s.headers(m)
        text = render(headers, m["body"])
        result.append(Mail(
            msgid=m["msgid"], date=m["date"], text=text,
            kind="cover" if m["is_cover"] else "patch", author=m["author"], series=s.key,
            idx=m["idx"], subject=" ".join(m["subject"].split()), body=m["body"]))

    # base files: the tree the first included patch applies to, for the paths it touches
    included = [m for m in mails if not m["is_cover"] and (s.include is None or m["idx"] in s.include)]
    start = included[0]["parent"]
    inc_patches = [m["patch"] for m in included]
    base_files: dict[str, bytes] = {}
    for path in touched_paths(inc_patches):
        try:
            data = subprocess.run(["git", "show", f"{start}:{path}"], cwd=repo, env=env,
                                  capture_output=True, check=True).stdout
        except subprocess.CalledProcessError:
            continue  # created by an included patch
        base_files[path] = data
    return result, base_files, repo


def shortlog_b4(env, repo: Path) -> str:
    return git(env, repo, "shortlog", "base..HEAD")


def diffstat_b4(env, repo: Path, s) -> str:
    return git(env, repo, "diff", f"--stat={s.stat_width or 72}", "base..HEAD")


# --------------------------------------------------------------------------- counting


def decode(value: str) -> str:
    return str(make_header(decode_header(value)))


def patch_author(msg) -> tuple[str, str]:
    """The counting rule: in-body From: at the top of the body, else the From: header."""
    payload = msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8")
    first = payload.split("\n", 1)[0]
    if first.startswith("From:"):
        return email.utils.parseaddr(first[5:].strip())
    name, addr = email.utils.parseaddr(decode(msg["From"]))
    return name, addr


def is_reply(msg) -> bool:
    return decode(msg["Subject"]).lstrip().lower().startswith(("re:", "aw:"))


def count(messages: list[bytes]):
    contributors: Counter = Counter()
    names: dict[str, str] = {}
    domains: Counter = Counter()
    for raw in messages:
        msg = BytesParser(policy=compat32).parsebytes(raw)
        if is_reply(msg):
            continue
        payload = msg.get_payload(decode=True).decode("utf-8")
        subject = " ".join(decode(msg["Subject"]).split())
        is_cover = re.search(r"\[[^\]]*\b0+/\d+\]", subject) is not None
        if "\ndiff --git " not in payload and not is_cover:
            continue
        name, addr = patch_author(msg)
        addr = addr.lower()
        contributors[addr] += 1
        names.setdefault(addr, name)
        domains[addr.split("@", 1)[1]] += 1
    return contributors, names, domains


# --------------------------------------------------------------------------- main


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="kvm-sample-"))
    home = scratch / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    env = git_env(home)
    try:
        return _main(scratch, env)
    finally:
        shutil.rmtree(scratch)


def _main(scratch: Path, env: dict[str, str]) -> int:
    mails: list[Mail] = []
    base_files: dict[str, bytes] = {}
    repos: dict[str, Path] = {}
    by_key: dict[str, list[Mail]] = {}
    for s in content.SERIES:
        ms, files, repo = build_series(s, scratch / "repos", env)
        repos[s.key] = repo
        for path, data in files.items():
            if path in base_files and base_files[path] != data:
                raise SystemExit(f"base conflict on {path} ({s.key})")
            base_files[path] = data
        mails += ms
        by_key[s.key] = ms

    replies = content.make_replies({k: [m.__dict__ for m in v] for k, v in by_key.items()})
    for r in replies:
        mails.append(Mail(msgid=r["msgid"], date=r["date"], text=r["text"], kind="reply",
                          author=r["author"], series=r["series"], idx=None, subject=r["subject"],
                          body=None, trailers=r["trailers"], in_reply_to=r["in_reply_to"]))

    mails.sort(key=lambda m: m.date.timestamp())
    ids = [m.msgid for m in mails]
    assert len(ids) == len(set(ids)), "duplicate Message-ID"

    # ---- write the mbox (mboxrd: no body line may start with ">*From ")
    chunks = []
    for m in mails:
        text = m.text if m.text.endswith("\n") else m.text + "\n"
        for line in text.split("\n"):
            assert not re.match(r">*From ", line), f"{m.msgid}: needs mboxrd quoting: {line}"
        chunks.append("From mboxrd@z Thu Jan  1 00:00:00 1970\n" + text + "\n")
    data = "".join(chunks).encode("utf-8")
    MBOX.write_bytes(data)

    # ---- write base/
    if BASE.exists():
        shutil.rmtree(BASE)
    for path, blob in sorted(base_files.items()):
        f = BASE / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(blob)

    # ---- expected.json
    expected = make_expected(mails)
    EXPECTED.write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    # ---- checks
    check(mails, expected, scratch, env)
    print(f"wrote {MBOX.name}: {len(mails)} messages, base/: {len(base_files)} files, "
          f"{EXPECTED.name}: {len(expected['series'])} revisions")
    return 0


def ident_sort(item):
    return (-item[-1], item[-2] if len(item) == 3 else item[0])


def make_expected(mails: list[Mail]) -> dict:
    contributors: Counter = Counter()
    names: dict[str, str] = {}
    for m in mails:
        if m.kind in ("cover", "patch"):
            addr = m.author.email.lower()
            contributors[addr] += 1
            names.setdefault(addr, m.author.name)
    domains: Counter = Counter(a.split("@", 1)[1] for a in contributors.elements())
    reviewers: Counter = Counter()
    rnames: dict[str, str] = {}
    for m in mails:
        if m.kind == "reply" and m.trailers:
            addr = m.author.email.lower()
            reviewers[addr] += 1
            rnames[addr] = m.author.name
    series = []
    replied_to = Counter(m.series for m in mails if m.kind == "reply")
    unanswered = []
    titles: dict[str, list] = {}
    for s in content.SERIES:
        titles.setdefault(s.title, []).append(s)
    for s in content.SERIES:
        ms = [m for m in mails if m.series == s.key and m.kind in ("cover", "patch")]
        ms.sort(key=lambda m: m.idx)
        cover = next((m for m in ms if m.kind == "cover"), None)
        lead = cover or ms[0]
        revisions = sorted(titles[s.title], key=lambda x: x.version or 1)
        newer = [x for x in revisions if (x.version or 1) > (s.version or 1)]
        older = [x for x in revisions if (x.version or 1) < (s.version or 1)]
        newest = newer[-1] if newer else None
        newest_lead = (min((m for m in mails if m.series == newest.key and m.kind != "reply"),
                           key=lambda m: m.idx)
                       if newest else None)
        series.append({
            "key": s.key,
            "subject": s.title,
            "version": s.version or 1,
            "prefixes": [w for w in s.prefix.split() if w != "PATCH"],
            "cover_msgid": cover.msgid.strip("<>") if cover else None,
            "patch_msgids": [m.msgid.strip("<>") for m in ms if m.kind == "patch"],
            "total": s.total,
            "author_email": lead.author.email.lower(),
            "author_name": lead.author.name,
            "sender": s.sender.ident,
            "date": lead.date.isoformat(),
            "in_reply_to": s.in_reply_to.strip("<>") if s.in_reply_to else None,
            "status": "superseded" if newer else ("revised" if older else "new"),
            "superseded_by": ({"key": newest.key, "version": newest.version,
                               "msgid": newest_lead.msgid.strip("<>"),
                               "date": newest_lead.date.isoformat()} if newest else None),
            "replies": replied_to.get(s.key, 0),
        })
        if not replied_to.get(s.key):
            unanswered.append(lead.msgid.strip("<>"))
    reply_list = [{"msgid": m.msgid.strip("<>"), "in_reply_to": m.in_reply_to.strip("<>"),
                   "series": m.series, "author": [m.author.name, m.author.email.lower()],
                   "trailers": m.trailers}
                  for m in mails if m.kind == "reply"]
    return {
        "counting_rule": "patches (non-reply mails carrying a diff) and 0/N cover letters of every "
                         "revision, by the in-body From: when present, else the From: header; "
                         "addresses lower-cased; replies never count",
        "order": "count descending, then email ascending (ties are real: see README.md)",
        "messages": len(mails),
        "patch_mails": sum(1 for m in mails if m.kind in ("cover", "patch")),
        "replies": sum(1 for m in mails if m.kind == "reply"),
        "domains": [[d, n] for d, n in sorted(domains.items(), key=lambda kv: (-kv[1], kv[0]))],
        "contributors": [[names[a], a, n]
                         for a, n in sorted(contributors.items(), key=lambda kv: (-kv[1], kv[0]))],
        "series": series,
        "reviewers": [[rnames[a], a, n]
                      for a, n in sorted(reviewers.items(), key=lambda kv: (-kv[1], kv[0]))],
        "unanswered": unanswered,
        "reply_details": reply_list,
    }


def check(mails: list[Mail], expected: dict, scratch: Path, env: dict[str, str]) -> None:
    import mailbox

    box = mailbox.mbox(str(MBOX), create=False)
    raw = [box.get_bytes(k) for k in box.keys()]
    box.close()
    assert len(raw) == len(mails), (len(raw), len(mails))

    # 1. counting rule, independently of the data structures
    contributors, names, domains = count(raw)
    partial = os.environ.get("KVM_SAMPLE_PARTIAL")  # development only: skip the totals
    assert partial or dict(contributors) == SAMPLE_CONTRIBUTORS, contributors
    assert partial or sorted(domains.items(), key=lambda kv: (-kv[1], kv[0])) == \
        sorted(SAMPLE_DOMAINS, key=lambda kv: (-kv[1], kv[0])), domains
    assert [[names[a], a, n] for a, n in contributors.items()] and \
        sorted([c[1], c[2]] for c in expected["contributors"]) == \
        sorted([a, n] for a, n in contributors.items())
    for name, addr, _ in expected["contributors"]:
        assert names[addr] == name, (names[addr], name)

    # 2. arrival order
    dates = [email.utils.parsedate_to_datetime(
        BytesParser(policy=compat32).parsebytes(r)["Date"]) for r in raw]
    assert dates == sorted(dates), "mbox not in date order"

    # 3. every revision applies onto base/, patch by patch; every patch has a patch-id
    by_id = {m.msgid.strip("<>"): r for m, r in zip(mails, raw)}
    for s in expected["series"]:
        work = scratch / "apply" / s["key"]
        shutil.copytree(BASE, work)
        for mid in s["patch_msgids"]:
            git(env, work, "apply", "--whitespace=nowarn", "-", stdin=by_id[mid])
            pid = git(env, work, "patch-id", "--stable", stdin=by_id[mid]).split()
            assert len(pid) == 2 and len(pid[0]) == 40, (mid, pid)
    # 4. the diffstats the sample prints, where content.py aims at them
    for key, (series_key, idx) in content.SAMPLE_STAT_MATCH.items():
        m = next(m for m in mails if m.series == series_key and m.idx == idx)
        want = SAMPLE[key]["diffstat"]
        assert want in m.body, f"{key}: diffstat differs:\n--- sample\n{want}\n--- mail\n{m.body}"


if __name__ == "__main__":
    sys.exit(main())
