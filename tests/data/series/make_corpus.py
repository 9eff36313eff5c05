"""Write the series corpus: one mbox, one expected result per case, and the README.

Run from the repository root, only when a case is added or changed on purpose:

    python tests/data/series/make_corpus.py

The cases live in the `cases_*.py` modules beside this one; each states its expected result from what it was built to be, never from
gitdigest's output. The mail tools are in `corpus.py`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import cases_habits
import cases_links
import cases_postings
import cases_revisions
import cases_sends
import cases_subjects
from corpus import Case, Mail, Patches

HERE = Path(__file__).resolve().parent


def write(found: Case) -> None:
    order = found.mbox_order or list(range(len(found.mails)))
    (HERE / f"{found.name}.mbox").write_bytes(b"".join(mbox_entry(found.mails[i]) for i in order))
    expected = {
        "case": found.name,
        "what": found.what,
        "postings": found.postings,
        "topics": found.topics,
        "statuses": found.statuses,
    }
    if found.links:
        expected["links"] = found.links
    if found.in_reply_to:
        expected["in_reply_to"] = found.in_reply_to
    (HERE / f"{found.name}.json").write_text(json.dumps(expected, indent=2) + "\n")


def mbox_entry(mail: Mail) -> bytes:
    """One mbox entry; its `From ` line carries the mail's own date, so rebuilding is stable."""
    data = mail.as_bytes()
    assert not any(line.startswith(b"From ") for line in data.split(b"\n")), mail.msgid
    stamp = mail.date.strftime("%a %b %e %H:%M:%S %Y")
    return b"From mboxrd@z " + stamp.encode() + b"\n" + data.rstrip(b"\n") + b"\n\n"


def readme(cases: Sequence[Case]) -> str:
    rows = "\n".join(f"| `{c.name}.mbox` | {c.what} |" for c in cases)
    return f"""# Series corpus

One small mbox per case, written for gitdigest's series stage (`series.postings`,
`series.topics`, `classify.classify`), and beside each a `<case>.json` with the
expected result:

- `postings`: every posting, oldest first, with its key (the cover letter's
  message-id, else the first patch's), version, N, flags and message-ids in order
  (cover letter first, then the patches by number);
- `topics`: which postings are revisions of one series, each oldest first;
- `statuses`: for every posting (all are in the period), new / revised /
  superseded, the revision that supersedes it and its history (newest first);
- `links` (where a case declares them): every link between postings, as
  [earlier, later, signal]; `in_reply_to`: the posting a posting was sent in reply to.

`tests/test_series.py::test_corpus_case` reads every case and asserts all three,
and `test_corpus_case_json` asserts the same (and the links) through
`git digest --mbox FILE --format json`.
The patches are real `git format-patch` output from a scratch repository, so their
patch-ids are real; the mail headers were then set by hand for each case.
`make_corpus.py` rebuilds the files ({len(cases)} cases); run it only to add or change
a case on purpose, and review the diff. `iouring-linked-topics.json` is separate: a
hand-checked sample of linked topics from the real io-uring archive (see
`test_iouring_linked_topics`).

| file | what it exercises |
|---|---|
{rows}
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        patches = Patches(Path(scratch))
        built = [make(patches) for make in cases()]
    names = [c.name for c in built]
    assert len(names) == len(set(names)), "two cases share a name"
    for found in built:
        write(found)
    (HERE / "README.md").write_text(readme(built))
    print(f"wrote {len(built)} cases to {HERE}")


def cases() -> list[Callable[[Patches], Case]]:
    """Every `case_*` function of the case modules, in the order they are written."""
    modules: tuple[ModuleType, ...] = (
        cases_postings,
        cases_sends,
        cases_subjects,
        cases_revisions,
        cases_links,
        cases_habits,
    )
    return [f for m in modules for name, f in vars(m).items() if name.startswith("case_")]


if __name__ == "__main__":
    main()
