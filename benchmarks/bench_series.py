"""Postings and topics over a whole archive: how many, and how long they take.

    python benchmarks/bench_series.py [--archive DIR] [--runs 3] [--dump FILE]
    python benchmarks/bench_series.py --flood 100000

It prints the counts a change to grouping must report before and after: postings,
topics, topics with more than one revision, and resends (postings of a version
already posted in their topic, and copies dropped as duplicates, if any). --dump
writes one line per topic (its revisions' keys, versions and dates) to compare runs.

Without --archive it clones ../shared/data/io-uring-0.bundle into a temporary dir.
Reading, parsing and patch-ids are done once and not timed; the times are medians
of `grouping.postings` and of `grouping.topics` over every message of the archive.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import arguments, clone_iouring, median_time

from gitdigest.mail import archive, messages, patchid
from gitdigest.model import Message, Parsed, Person, Topic, unique
from gitdigest.series import grouping, topics
from gitdigest.series import postings as split_postings


def load(top: Path) -> list[Message]:
    """Every message of the archive, parsed, with patch-ids, as the pipeline gives them."""
    raws = archive.read(archive.select_range(archive.open_archive(top), "HEAD"))
    parsed = [p for p in map(messages.parse_full, raws) if isinstance(p, Parsed)]
    ids = patchid.email_patch_ids([p.body for p in parsed])
    return [
        dataclasses.replace(p.message, patch_id=pid) if p.message.has_diff else p.message
        for p, pid in zip(parsed, ids)
    ]


def resends(found: list[Topic] | tuple[Topic, ...]) -> int:
    """Postings of a version already posted earlier in their topic (a send again)."""
    count = 0
    for topic in found:
        seen: set[tuple[int, bool]] = set()
        for rev in topic.revisions:
            count += (rev.version, rev.rfc) in seen
            seen.add((rev.version, rev.rfc))
    return count


def dropped(history: list[Message], kept: int) -> int:
    """Postings the splitter found that `grouping.postings` did not keep (copies dropped)."""
    candidates = [m for m in history if split_postings.is_series_message(m)]
    return len(split_postings.split(list(unique(candidates)))) - kept


def dump(found: list[Topic] | tuple[Topic, ...], path: Path) -> None:
    """One line per topic: its revisions' keys, versions and dates, oldest first."""
    with path.open("w") as out:
        for topic in found:
            revs = " ".join(f"{r.key}|v{r.version}|{r.date:%Y-%m-%dT%H:%M}" for r in topic.revisions)
            out.write(f"{revs}\n")


def unthreaded(count: int, same_title: bool) -> list[Message]:
    """`count` unthreaded one-patch postings from one sender within an hour (issue 17's flood):
    each with its own title, or all under one title (every one a resend of the one before)."""
    start = datetime.datetime(2025, 3, 3, tzinfo=datetime.timezone.utc)
    who = Person("Flood Sender", "flood@example.org")
    out = []
    for n in range(count):
        title = "ring: the same fix" if same_title else f"ring: fix number {n}"
        subject = messages.parse_subject(f"[PATCH] {title}")
        date = start + datetime.timedelta(seconds=3600 * n / count)
        out.append(Message(f"flood.{n}@example.org", date, who, who, subject, has_diff=True, patch_id=f"{n:040x}"))
    return out


def flood(count: int, runs: int) -> None:
    """Time postings + topics over the two flood shapes."""
    for same in (False, True):
        mails = unthreaded(count, same)
        t = median_time(lambda mails=mails: grouping.topics(grouping.postings(mails)), runs)
        shape = "one title" if same else "distinct titles"
        found = grouping.topics(grouping.postings(mails))
        print(f"flood: {count} unthreaded patches, one sender, one hour, {shape}: {t:.2f} s, {len(found)} topics")


def main() -> None:
    """Load once, time the two stages, print the figures."""
    parser = arguments(__doc__)
    parser.add_argument("--dump", type=Path, help="write one line per topic to this file")
    parser.add_argument("--flood", type=int, metavar="N", help="instead, time N unthreaded patches from one sender")
    args = parser.parse_args()
    if args.flood:
        flood(args.flood, args.runs)
        return
    top = args.archive or clone_iouring()
    start = time.perf_counter()
    history = load(top)
    loaded = time.perf_counter() - start
    revisions = grouping.postings(history)
    found = grouping.topics(revisions)
    t_postings = median_time(lambda: grouping.postings(history), args.runs)
    t_topics = median_time(lambda: grouping.topics(revisions), args.runs)
    sizes = collections.Counter(len(t.revisions) for t in found)
    signals = collections.Counter(getattr(link.signal, "value", link.signal) for link in topics.links(revisions))
    print(f"archive: {top}   runs: {args.runs} (medians)")
    print(
        f"messages                        {len(history):8d}   (read, parsed, patch-ids: {loaded:.1f} s, untimed)"
    )
    print(
        f"postings                        {len(revisions):8d}   of which pull requests {sum(r.is_pull for r in revisions)}"
    )
    print(f"topics                          {len(found):8d}")
    print(f"topics with more than one revision {sum(n for k, n in sizes.items() if k > 1):5d}")
    print(f"resends (same version again)    {resends(found):8d}   copies dropped as duplicates {dropped(history, len(revisions))}")
    print(f"revisions per topic             {dict(sorted(sizes.items()))}")
    print(f"links by signal                 {dict(signals.most_common())}")
    if args.dump:
        dump(found, args.dump)
    print(
        f"time: postings {t_postings:.3f} s + topics {t_topics:.3f} s = {t_postings + t_topics:.3f} s"
    )


if __name__ == "__main__":
    main()
