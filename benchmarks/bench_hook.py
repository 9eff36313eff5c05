"""Time the pre-push hook's whole run against the raw-read floor, in one run.

    python benchmarks/bench_hook.py [--archive DIR] [--commits 50] [--runs 3] [--seed 6]

Without --archive it clones ../shared/data/io-uring-0.bundle into a temporary dir.
The tree is built here: a base commit (already on the remote) holding the files that
--commits `[PATCH liburing]` posts apply to, rebuilt from the patches alone (see
synthetic.py; the posts touch disjoint paths), then one commit per post on a branch,
`git apply` of its diff under its author, its date and its commit message. Every
third commit also has a `Link:` trailer; a few posts are reworded and only their
subject and author are left to find them.

The index is warmed first (`git digest index`, then one untimed hook run that caches
topics and the commits' patch-ids). Timed: the `git-digest hook pre-push origin URL`
process fed git's stdin line for the branch, a new branch on the remote, as git runs
it, median of --runs; and `git cat-file --batch-all-objects --batch` over the archive
(the raw-read floor), median of --runs, interleaved with it so that a busy machine
slows both alike.
"""

from __future__ import annotations

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
from common import arguments, clone_iouring, median_time, raw_read_floor

from gitdigest import index
from gitdigest.index import ingest
from gitdigest.mail import archive, messages
from gitdigest.model import (
    MAX_MESSAGE_SIZE,
    Message,
)

ZERO = "0" * 40


def git(*args: str, cwd: Path, env: dict[str, str] | None = None, data: str | None = None) -> str:
    """Run git; its stdout."""
    done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if done.returncode:
        raise RuntimeError(f"git {args[0]}: {done.stderr.strip()}")
    return done.stdout


def posts(top: Path, index_path: Path) -> tuple[archive.Archive, list[Message]]:
    """The archive and every `[PATCH liburing]` post with a patch-id, from the warm index."""
    arch = archive.open_archive(top)
    with index.open_index(index_path, arch, MAX_MESSAGE_SIZE) as idx:
        ingest.update(idx, arch)
        found = list(idx.everything().values())
    liburing = [m for m in found if m.is_patch and m.patch_id and any(p.lower() == "liburing" for p in m.subject.prefixes)]
    return arch, liburing


def choose(arch: archive.Archive, candidates: list[Message], wanted: int, seed: int) -> list[tuple[Message, str, list[synthetic.FileDiff]]]:
    """Posts with rebuildable diffs on disjoint paths, each once per subject, oldest first."""
    rng = random.Random(seed)
    rng.shuffle(candidates)
    chosen, paths, titles = [], set(), set()
    for msg in candidates:
        if len(chosen) == wanted:
            break
        body = messages.body_of(archive.read_blob(arch, msg.epoch, msg.blob))
        diff = synthetic.diff_text(body)
        files = synthetic.parse(diff) if diff else None
        names = {f.old or f.new for f in files or ()} | {f.new for f in files or () if f.new}
        if not files or names & paths or msg.subject.title in titles or not _rebuilds(files, msg.context):
            continue
        chosen.append((msg, body, files))
        paths |= names
        titles.add(msg.subject.title)
    return sorted(chosen, key=lambda item: item[0].date)


def _rebuilds(files: list[synthetic.FileDiff], context: int) -> bool:
    return all(f.old is None or synthetic.preimage(f, context, "base") is not None for f in files)


def build(root: Path, chosen: list[tuple[Message, str, list[synthetic.FileDiff]]]) -> Path:
    """A remote with the preimages on master, and a work tree whose `queue` branch applies each post."""
    work, remote = root / "work", root / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=root)
    git("init", "-q", str(work), cwd=root)
    for _msg, _body, files in chosen:
        for diff in files:
            if diff.old is not None:
                path = work / diff.old
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(synthetic.preimage(diff, _msg.context, "base") or "")
    (work / "README").write_text("bench\n")
    git("add", "-A", cwd=work)
    git("commit", "-qm", "base", cwd=work, env=_when(datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc)))
    git("remote", "add", "origin", str(remote), cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/master", cwd=work)
    git("fetch", "-q", "origin", cwd=work)
    git("checkout", "-qb", "queue", cwd=work)
    for n, (msg, body, _files) in enumerate(chosen):
        (root / "post.diff").write_text(synthetic.diff_text(body) or "")
        git("apply", "--index", str(root / "post.diff"), cwd=work)
        title = msg.subject.title if n % 7 else f"{msg.subject.title} (reworded)"
        text = f"{title}\n\n{messages.description(body)}\n"
        if n % 3 == 0:
            text += f"\nLink: https://lore.kernel.org/r/{msg.msgid}\n"
        (root / "message").write_text(text)
        env = {**_when(msg.date + datetime.timedelta(days=1)), "GIT_AUTHOR_NAME": msg.author.name or msg.author.email,
               "GIT_AUTHOR_EMAIL": msg.author.email, "GIT_AUTHOR_DATE": msg.date.isoformat()}
        git("commit", "-q", "--no-verify", "-F", str(root / "message"), cwd=work, env=env)
    return work


def _when(stamp: datetime.datetime) -> dict[str, str]:
    return {"GIT_COMMITTER_DATE": stamp.isoformat(), "GIT_AUTHOR_DATE": stamp.isoformat(),
            "GIT_COMMITTER_NAME": "Maint", "GIT_COMMITTER_EMAIL": "maint@localhost"}


def hook_run(work: Path, line: str) -> subprocess.CompletedProcess[str]:
    """The hook as git runs it: the program, the remote's name and URL, the line on stdin."""
    return subprocess.run(["git-digest", "hook", "pre-push", "origin", str(work.parent / "remote.git")],
                          cwd=work, input=line, capture_output=True, text=True)


def main() -> None:
    """Build, warm, time; print the median and its ratio to the floor."""
    parser = arguments(__doc__)
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    top = (args.archive or clone_iouring()).resolve()
    root = Path(tempfile.mkdtemp(prefix="gitdigest-hook-"))
    index_path = root / "index.sqlite3"
    start = time.perf_counter()
    arch, candidates = posts(top, index_path)
    indexed = time.perf_counter() - start
    chosen = choose(arch, candidates, args.commits, args.seed)
    work = build(root, chosen)
    git("config", "digest.archive", str(top), cwd=work)
    git("config", "digest.index", str(index_path), cwd=work)
    tip = git("rev-parse", "queue", cwd=work).strip()
    line = f"refs/heads/queue {tip} refs/heads/queue {ZERO}\n"
    start = time.perf_counter()
    first = hook_run(work, line)
    warmup = time.perf_counter() - start
    print(f"archive: {top}; index {index_path} ready in {indexed:.1f} s; tree {work}")
    print(f"push: {len(chosen)} commits on a new branch; first (warming) hook run {warmup:.2f} s, exit {first.returncode}")
    print(hook_run(work, line).stderr, end="")
    timing(top, work, line, args.runs)


def timing(top: Path, work: Path, line: str, runs: int) -> None:
    """The hook and the floor, interleaved, so that a busy machine slows both alike."""
    floor = raw_read_floor(top)
    pairs = [(median_time(lambda: hook_run(work, line), 1), median_time(floor, 1)) for _ in range(runs)]
    hook_time, floor_time = (statistics.median(times) for times in zip(*pairs))
    print(f"pre-push hook, whole process (median of {runs})   {hook_time:6.3f} s   {hook_time / floor_time:.2f}x floor")
    print(f"raw-read floor, git cat-file --batch-all-objects       {floor_time:6.3f} s   1.00x")
    print(f"every run (hook, floor): {[(round(h, 3), round(f, 3)) for h, f in pairs]}")


if __name__ == "__main__":
    main()
