"""Merged detection on io-uring: recall and precision of content-only matching, and the
cost of tree patch-ids against `git log -p | git patch-id --stable` on the same commits.

    python benchmarks/bench_merged.py [--archive DIR] [--posts 500] [--runs 3] [--seed 4]

Without --archive it clones ../shared/data/io-uring-0.bundle into a temporary dir. The
tree is built here, so the truth is known: for each of about 500 `[PATCH liburing]`
posts (the latest revision of their series), a commit rebuilds the files the patch
applies to (see synthetic.py), and the next commit is the post applied with `git apply`
under its author, date and message. Most are applied as posted; some are edited by the
"maintainer", some land on drifted context (lines moved, or a context line changed),
some are never applied. Every applied commit carries a `Link:` trailer, which the
content-only run ignores.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import synthetic
from common import arguments, clone_iouring, median_time

from gitdigest.mail import archive, messages, patchid
from gitdigest.model import Message, Parsed, SeriesReport, Status
from gitdigest.series import classify, grouping
from gitdigest.tree import codetree, match

ROLES = (("never", 6), ("edited", 7), ("moved", 4), ("drifted", 4), ("as-posted", 79))
"""What happens to each post, in percent."""


@dataclasses.dataclass(frozen=True)
class Post:
    """A chosen post, what was done with it, and the commit it became (if any)."""

    message: Message
    role: str
    commit: str | None


def load(top: Path) -> tuple[list[Message], dict[str, str]]:
    """Every message with its patch-id, and the bodies of liburing patches."""
    raws = archive.read(archive.select_range(archive.open_archive(top), "HEAD"))
    parsed = [p for p in map(messages.parse_full, raws) if isinstance(p, Parsed)]
    ids = patchid.email_patch_ids([p.body for p in parsed])
    out = [dataclasses.replace(p.message, patch_id=pid) if p.message.has_diff else p.message for p, pid in zip(parsed, ids)]
    bodies = {p.message.msgid: p.body for p in parsed if _is_liburing(p.message)}
    return out, bodies


def _is_liburing(msg: Message) -> bool:
    return msg.is_patch and any(p.lower() == "liburing" for p in msg.subject.prefixes)


def candidates(reports: tuple[SeriesReport, ...], bodies: dict[str, str]) -> list[Message]:
    """Patches of the latest liburing revisions that carry a diff with a patch-id."""
    latest = [r for r in reports if r.status is not Status.SUPERSEDED and not r.revision.is_pull]
    return [m for r in latest for m in r.revision.patches if m.msgid in bodies and m.patch_id]


class TreeBuilder:
    """A work tree that takes preimage and post commits, one `git` call at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.step = 0
        self._git("init", "-q", str(path), cwd=path.parent)

    def _git(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(["git", *args], cwd=cwd or self.path, capture_output=True, text=True,
                                env={**os.environ, **(env or {})})
        if result.returncode:
            raise RuntimeError(f"git {args[0]}: {result.stderr.strip()}")
        return result.stdout

    def _applies(self, *args: str) -> bool:
        result = subprocess.run(["git", "apply", "--index", *args], cwd=self.path, capture_output=True)
        return result.returncode == 0

    def add(self, msg: Message, body: str, role: str) -> str | None:
        """Commit the post's preimage, then the post as the role says; the post's commit."""
        diff = synthetic.diff_text(body)
        files = synthetic.parse(diff) if diff else None
        if not diff or not files or not self._preimage(files, msg.context, role):
            return None
        if role == "edited":
            diff = _edited(diff)
            if diff is None:
                return None
        when = msg.date + datetime.timedelta(days=1)
        options = ["-C1"] if role == "drifted" else []
        (self.path.parent / "post.diff").write_text(diff)
        if not self._applies(*options, str(self.path.parent / "post.diff")):
            self._git("reset", "-q", "--hard")
            return None
        text = f"{msg.subject.title}\n\n{messages.description(body)}\n\nLink: https://lore.kernel.org/r/{msg.msgid}\n"
        return self._commit(text, msg.author.name, msg.author.email, msg.date, when)

    def _preimage(self, files: list[synthetic.FileDiff], context: int, role: str) -> bool:
        self.step += 1
        for n, diff in enumerate(files):
            path = self.path / (diff.old or diff.new or "")
            if diff.old is None:
                path.unlink(missing_ok=True)
                continue
            text = synthetic.preimage(diff, context, f"{self.step}")
            if text is None:
                return False
            if n == 0 and role == "moved":
                text = "".join(f"/* moved {self.step} {k} */\n" for k in range(5)) + text
            if n == 0 and role == "drifted":
                text = _drift(text, diff)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self._git("add", "-A")
        self._commit(f"bench: preimage {self.step}", "Bench", "bench@localhost", None, None)
        return True

    def _commit(self, text: str, name: str, email: str, authored, committed) -> str:
        stamp = (committed or datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc)).isoformat()
        env = {"GIT_AUTHOR_NAME": name or email, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": "Maint",
               "GIT_COMMITTER_EMAIL": "maint@localhost", "GIT_AUTHOR_DATE": (authored.isoformat() if authored else stamp),
               "GIT_COMMITTER_DATE": stamp}
        (self.path.parent / "message").write_text(text)
        self._git("commit", "-q", "--allow-empty", "--no-verify", "-F", str(self.path.parent / "message"), env=env)
        return self._git("rev-parse", "HEAD").strip()


def _edited(diff: str) -> str | None:
    """The maintainer's edit: the first added line gets a comment (None: nothing added)."""
    lines = diff.split("\n")
    first = next((n for n, line in enumerate(lines) if line.startswith("+") and not line.startswith("+++")), None)
    if first is None:
        return None
    lines[first] += " /* edited */"
    return "\n".join(lines)


def _drift(text: str, diff: synthetic.FileDiff) -> str:
    """Change the first context line of the first hunk, if the hunk starts with context."""
    if synthetic.leading_context(diff) < 2:
        return text
    lines = text.split("\n")
    number = diff.hunks[0].old_start - 1
    lines[number] += " /* drifted */"
    return "\n".join(lines)


def build(path: Path, chosen: list[Message], bodies: dict[str, str], wanted: int, seed: int) -> list[Post]:
    """The tree: posts in date order, each with its role, until `wanted` posts are in."""
    rng = random.Random(seed)
    roles = [role for role, percent in ROLES for _ in range(percent)]
    builder = TreeBuilder(path)
    posts: list[Post] = []
    for msg in sorted(rng.sample(chosen, min(len(chosen), wanted * 2)), key=lambda m: m.date):
        if len(posts) >= wanted:
            break
        role = rng.choice(roles)
        if role == "never":
            posts.append(Post(msg, role, None))
            continue
        commit = builder.add(msg, bodies[msg.msgid], role)
        if commit:
            posts.append(Post(msg, role, commit))
    return posts


def score(posts: list[Post], found: dict[str, match.Match], by_id: dict[str, Message]) -> dict[str, object]:
    """Recall over applied posts; precision over every (email, commit) pair found."""
    source = {p.commit: p.message for p in posts if p.commit}
    pairs = [(msgid, hit.commit) for msgid, m in found.items() for hit in m.commits]
    right = sum(
        1 for msgid, commit in pairs if commit in source
        and (msgid == source[commit].msgid or by_id[msgid].patch_id == source[commit].patch_id)
    )
    applied = [p for p in posts if p.commit]
    hit = [p for p in applied if any(h.commit == p.commit for h in found.get(p.message.msgid, match.Match("", ())).commits)]
    per_role = collections.Counter(p.role for p in hit)
    wide = [p for p in applied if p.message.context != 3 and p.role in ("as-posted", "moved")]
    wide_hit = [p for p in wide if any(h.commit == p.commit and h.how.value == "patch-id"
                                       for h in found.get(p.message.msgid, match.Match("", ())).commits)]
    return {
        "recall": len(hit) / len(applied), "precision": right / len(pairs) if pairs else 1.0,
        "pairs": len(pairs), "wrong": len(pairs) - right,
        "by_role": {r: f"{per_role[r]}/{sum(p.role == r for p in applied)}" for r, _ in ROLES if r != "never"},
        "how": dict(collections.Counter(m.commits[0].how.value for m in found.values())),
        "wide": f"{len(wide_hit)}/{len(wide)}",
    }


def run_match(code: codetree.CodeTree, reports, content_only: bool) -> dict[str, match.Match]:
    """The merged step as digest.py runs it, with the trailers dropped for content-only."""
    cache = codetree.MemoryCache()
    commits = codetree.commits(code, None, cache)
    if content_only:
        commits = tuple(dataclasses.replace(c, msgids=()) for c in commits)
    return codetree.matches(code, reports, commits, cache, codetree.canonical(code))


def git_pipeline(path: Path) -> None:
    """`git log -p --no-merges HEAD | git patch-id --stable`, as a user would type it."""
    log = subprocess.Popen(["git", "-C", str(path), "log", "-p", "--no-merges", "HEAD"], stdout=subprocess.PIPE)
    ids = subprocess.run(["git", "patch-id", "--stable"], stdin=log.stdout, capture_output=True, check=True)
    log.stdout.close()  # type: ignore[union-attr]
    log.wait()
    assert ids.stdout


def main() -> None:
    """Build the tree, match, score, time; print the figures."""
    parser = arguments(__doc__)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    top = args.archive or clone_iouring()
    start = time.perf_counter()
    history, bodies = load(top)
    reports = classify.classify(grouping.topics(grouping.postings(history)), lambda rev: True)
    loaded = time.perf_counter() - start
    path = Path(tempfile.mkdtemp(prefix="gitdigest-tree-")) / "liburing"
    path.mkdir()
    start = time.perf_counter()
    posts = build(path, candidates(reports, bodies), bodies, args.posts, args.seed)
    built = time.perf_counter() - start
    code = codetree.open_tree(path)
    by_id = {m.msgid: m for m in history}
    content = score(posts, run_match(code, reports, True), by_id)
    linked = score(posts, run_match(code, reports, False), by_id)
    print(f"archive: {top}   loaded in {loaded:.1f} s; tree: {path} built in {built:.1f} s")
    print(f"posts: {len(posts)}   {dict(collections.Counter(p.role for p in posts))}")
    for name, result in (("content only (Link: ignored)", content), ("with Link: trailers", linked)):
        print(f"{name:<30} recall {result['recall']:.4f}   precision {result['precision']:.4f}"
              f"   pairs {result['pairs']} (wrong {result['wrong']})")
        print(f"{'':<30} found per role {result['by_role']}   first evidence {result['how']}")
    print(f"content only: posts mailed with a wider context (-U4..), applied unedited, found by patch-id: {content['wide']}")
    timing(code, reports, args.runs)


def timing(code: codetree.CodeTree, reports, runs: int) -> None:
    """Tree patch-ids against the plain git pipeline over the same commits, in this run."""
    ids = codetree._rev_list(code, None)
    # Interleaved, so that a busy machine slows both alike.
    pairs = [(median_time(lambda: git_pipeline(code.path), 1),
              median_time(lambda: codetree.patch_ids(code, ids, 3, codetree.MemoryCache()), 1)) for _ in range(runs)]
    base, cold = (statistics.median(times) for times in zip(*pairs))
    warm_cache = codetree.MemoryCache()
    codetree.patch_ids(code, ids, 3, warm_cache)
    warm = median_time(lambda: codetree.patch_ids(code, ids, 3, warm_cache), runs)
    commits = codetree.commits(code, None, warm_cache)
    found = match.match(reports, [dataclasses.replace(c, msgids=()) for c in commits])
    wanted = match.rediffs(reports, commits, found)
    wide = median_time(lambda: codetree.wider_patch_ids(code, wanted, codetree.MemoryCache()), runs)
    redone = sum(len(ids_) for ids_, _ in wanted.values())
    print(f"tree patch-ids over {len(ids)} commits (medians of {runs}):")
    print(f"  git log -p --no-merges | git patch-id --stable   {base:7.3f} s   1.00x")
    print(f"  codetree.patch_ids, cold cache                       {cold:7.3f} s   {cold / base:.2f}x")
    print(f"  re-diffs at the emails' contexts {sorted(wanted)} ({redone} candidates, path-filtered)"
          f"  {wide:7.3f} s   {wide / base:.2f}x")
    print(f"  cold + re-diffs                                  {cold + wide:7.3f} s   {(cold + wide) / base:.2f}x")
    print(f"  codetree.patch_ids, warm cache                       {warm:7.3f} s   {warm / base:.2f}x")


if __name__ == "__main__":
    main()
