"""Time each hostile input of issue 15: one small message that used to hang every reader.

    python benchmarks/bench_hostile.py [--runs 1] [--cap 60] [--src DIR ...] [--only NAME ...]

Each case builds a v2 archive in a temporary dir holding one ordinary patch and the
hostile input, then times `git digest index` over it as a process of its own (the whole
first index: start-up, read, parse, store; the `ordinary` case shows what start-up
alone costs), median of --runs, with its peak memory (the largest resident set of the
process and the workers it waited for), and, in a process of its own, reading and
parsing the messages alone (`parse s`). A run that passes --cap
seconds is stopped and shown as `>CAP`; the 2 GiB blob case runs under an address-space
limit of --memory MiB, and a run that dies under it is shown as `killed`.

--src runs another copy of the package (for example `git archive` of the branch point
unpacked in /tmp), to measure before and after in one way; given several, they take turns
on each case's archive. The raw-read floor (`git
cat-file --batch-all-objects --batch` over the same archive) is printed beside each case.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from archives import DIFF, EpochWriter, add_big_blob, build_v2, make_mail  # noqa: E402 - tests/ is on the path only now

PATCH = (
    "Thing.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n"
    "diff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n a\n+b\n"
)


def _patch(msgid: str, description: str) -> bytes:
    """A patch whose commit message is `description`."""
    body = description + "\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + PATCH.split("Signed-off-by: Ann Dev <ann@dev.org>\n", 1)[1]
    return make_mail(msgid, "[PATCH] a: hostile", "Ann Dev <ann@dev.org>", body=body)


def trailer(width: int) -> Callable[[Path], None]:
    """A commit-message line `Foo: aaaa…#` of `width` characters."""
    return lambda top: build_v2(top, [_patch("h@x", "Foo: " + "a" * width + "#")])


def supersedes(top: Path) -> None:
    """A `Supersedes:` value of `a@` repeated 1,500 times."""
    build_v2(top, [_patch("h@x", "Supersedes: " + "a@" * 1500)])


def reply_address(top: Path) -> None:
    """A reply trailer whose value is `a@` repeated 30,000 times (b4's address test)."""
    body = "> x\n\nAcked-by: " + "a@" * 30000 + "\n"
    build_v2(top, [_patch("p@x", "Thing."), make_mail("r@x", "Re: [PATCH] a: hostile", body=body, in_reply_to="p@x")])


def colon_lines(top: Path) -> None:
    """30,000 lines `a: 1 (` in a commit message (b4's wrapped-Fixes join)."""
    build_v2(top, [_patch("h@x", "a: 1 (\n" * 30000)])


def address_lines(top: Path) -> None:
    """30,000 lines `a: 1` and a `<` at the end (b4's wrapped-address join)."""
    build_v2(top, [_patch("h@x", "a: 1\n" * 30000 + "<x")])


def diffstat_name(top: Path) -> None:
    """A diffstat line whose name holds 100,000 spaces before its `|`."""
    stat = " a" + " " * 100000 + "b | 1 +\n 1 file changed, 1 insertion(+)\n"
    body = "Thing.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n---\n" + stat + PATCH.split(" 1 file changed, 1 insertion(+)\n", 1)[1]
    build_v2(top, [make_mail("h@x", "[PATCH] a: hostile", "Ann Dev <ann@dev.org>", body=body)])


def references(top: Path) -> None:
    """300 replies, each with 30,000 References."""
    refs = [f"r{n}@x" for n in range(30000)]
    mails = [_patch("p@x", "Thing.")]
    mails += [make_mail(f"re{n}@x", "Re: [PATCH] a: hostile", in_reply_to="p@x", references=refs) for n in range(300)]
    build_v2(top, mails)


def big_blob(top: Path, size: int = 2 << 30) -> None:
    """A message blob that inflates to 2 GiB, written as a loose object without holding it."""
    writer = EpochWriter(top / "git" / "0.git")
    writer.add(_patch("p@x", "Thing."))
    add_big_blob(writer, make_mail("big@x", "[PATCH] a: big", body=""), size)


def flood(count: int, label: str = "[PATCH]") -> Callable[[Path], None]:
    """`count` unthreaded one-patch postings from one sender within an hour, each with its own
    title and diff (issue 17's flood: it must index in under 15 s at 100,000), subject-tagged
    `label`. The epoch is packed, as public-inbox writes it (`git fast-import`) and a clone
    from lore brings it: 100,000 loose objects would time the file system, not the index."""

    def build(top: Path) -> None:
        mails = []
        for n in range(count):
            second = 3600 * n // count
            date = f"Mon, 03 Mar 2025 10:{second // 60:02d}:{second % 60:02d} +0000"
            body = f"Thing {n}.\n\nSigned-off-by: Ann Dev <ann@dev.org>\n" + DIFF.format(n=n)
            mails.append(make_mail(f"flood{n}@x", f"{label} a: fix number {n}", "Ann Dev <ann@dev.org>", date, body))
        build_v2(top, mails)
        subprocess.run(["git", "repack", "-adq"], cwd=top / "git" / "0.git", check=True)

    return build


def ordinary(top: Path) -> None:
    """One ordinary patch: what starting the program and indexing anything costs."""
    build_v2(top, [_patch("p@x", "Thing.")])


CASES: dict[str, Callable[[Path], None]] = {
    "ordinary (baseline)": ordinary,
    "trailer-2000": trailer(2000),
    "trailer-6000": trailer(6000),
    "supersedes-a@x1500": supersedes,
    "reply-address-a@x30000": reply_address,
    "colon-lines-30000": colon_lines,
    "address-lines-30000": address_lines,
    "diffstat-name-100k": diffstat_name,
    "references-300x30000": references,
    "blob-2GiB": big_blob,
    "flood-20000": flood(20_000),
    "flood-100000": flood(100_000),
    "flood-numbered-20000": flood(20_000, "[PATCH 1/1]"),
    "flood-numbered-100000": flood(100_000, "[PATCH 1/1]"),
}
MEMORY_CASES = {"blob-2GiB"}


def run_index(top: Path, src: Path, cap: float, memory: int | None) -> tuple[float | None, int, str]:
    """`git digest index` over `top`: seconds (None when stopped at the cap), peak RSS in KiB, last stderr line."""
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(top / "cache")}

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory << 20, memory << 20))

    start = time.perf_counter()
    # A wrapper process reports the peak memory of the run and of the workers it waited for.
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "gitdigest.cli", "index",
         "--archive", str(top), "--index", str(top / "index.sqlite")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, preexec_fn=limit, start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, 0, "stopped at the cap"
    seconds = time.perf_counter() - start
    lines = err.decode(errors="replace").strip().splitlines()
    peak = int(lines.pop()) if lines and lines[-1].isdigit() else 0
    code = int(lines.pop().split()[1]) if lines and lines[-1].startswith("status ") else proc.returncode
    status = f"exit {code}" + (f": {lines[-1][:90]}" if lines else "")
    return (seconds if code >= 0 else None), peak, status


_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print('status', code, file=sys.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)


_PARSE = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from gitdigest.mail import archive, messages\n"
    "arch = archive.open_archive(Path(sys.argv[1]))\n"
    "sel = archive.select_range(arch, 'HEAD')\n"
    "start = time.perf_counter()\n"
    "try:\n"
    "    raws = list(archive.read(sel, messages.MAX_MESSAGE_SIZE))\n"
    "except TypeError:  # before issue 15: no cap while reading\n"
    "    raws = list(archive.read(sel))\n"
    "for raw in raws:\n"
    "    messages.parse_full(raw)\n"
    "print(time.perf_counter() - start)\n"
)


def parse_time(top: Path, src: Path, cap: float, memory: int | None) -> str:
    """Reading and parsing every message in one process, without start-up or the index: seconds."""
    env = {**os.environ, "PYTHONPATH": str(src)}

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory << 20, memory << 20))

    try:
        done = subprocess.run([sys.executable, "-c", _PARSE, str(top)], capture_output=True, text=True, env=env,
                              timeout=cap, preexec_fn=limit, check=False)
    except subprocess.TimeoutExpired:
        return f">{cap:.0f}"
    return f"{float(done.stdout):.3f}" if done.returncode == 0 else "failed"


def floor(top: Path) -> float:
    """The raw-read floor of the archive, seconds."""
    start = time.perf_counter()
    subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=top / "git" / "0.git",
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    """Build, time and print every case."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds after which a run is stopped")
    parser.add_argument("--memory", type=int, default=2048, help="MiB of address space for the 2 GiB blob case")
    parser.add_argument("--src", type=Path, nargs="+", default=[ROOT / "src"],
                        help="the package's src dir to run; several are timed in turn on each case's archive")
    parser.add_argument("--only", nargs="*", default=None, help="case names to run")
    args = parser.parse_args()
    print(f"src: {', '.join(f'[{n}] {s}' for n, s in enumerate(args.src))}; cap {args.cap:.0f} s; median of {args.runs}")
    print(f"{'case':30} {'index s':>9} {'parse s':>8} {'floor s':>8} {'peak MiB':>9}  status")
    for name, build in CASES.items():
        if args.only and name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix="gitdigest-hostile-") as tmp:
            top = Path(tmp)
            build(top)
            memory = args.memory if name in MEMORY_CASES else None
            times: list[list[float | None]] = [[] for _ in args.src]
            last: list[tuple[int, str]] = [(0, "")] * len(args.src)
            for _ in range(args.runs):  # the sources take turns, so that a noisy minute hits all of them
                for n, src in enumerate(args.src):
                    for old in top.glob("index.sqlite*"):
                        old.unlink()
                    seconds, peak, status = run_index(top, src, args.cap, memory)
                    times[n].append(seconds)
                    last[n] = (peak, status)
            floor_s = floor(top)  # the same archive for every source: read once
            for n, src in enumerate(args.src):
                shown = ">" + f"{args.cap:.0f}" if None in times[n] else f"{statistics.median(t for t in times[n] if t is not None):.2f}"
                peak, status = last[n]
                if status.startswith("exit -"):
                    shown = "killed"
                label = name if len(args.src) == 1 else f"{name} [{n}]"
                print(f"{label:30} {shown:>9} {parse_time(top, src, args.cap, memory):>8} {floor_s:8.3f} {peak / 1024:9.0f}  {status}",
                      flush=True)


if __name__ == "__main__":
    main()
