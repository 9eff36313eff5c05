"""The mail corpus (tests/data/mail): every case through `git digest --mbox FILE --format json`.

What each case must give comes from how make_corpus.py built it: who sent it (after
unmunging), the patch and its patch-id, the reviews, the pull requests.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from conftest import DATA, digest_json, git_patch_id, invoke

CORPUS = DATA / "mail"
JANE = {"name": "Jane Doe", "email": "jane@corp.example", "count": 1}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mail_corpus", CORPUS / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()
FOO_ID = git_patch_id(GENERATE.DIFF.encode())
BAR_ID = git_patch_id(GENERATE.OTHER_DIFF.encode())


def digest(name: str) -> dict:
    report, _err = digest_json("--mbox", CORPUS / f"{name}.mbox")
    return report


def only_patch(report: dict) -> dict:
    (series,) = report["series"]
    (patch,) = series["patches"]
    return patch


def test_files_are_what_make_corpus_writes_and_the_readme_names_them() -> None:
    written = GENERATE.cases()
    assert sorted(p.stem for p in CORPUS.glob("*.mbox")) == sorted(written)
    readme = (CORPUS / "README.md").read_text()
    for name, data in written.items():
        assert (CORPUS / f"{name}.mbox").read_bytes() == data, f"{name}.mbox differs: rerun make_corpus.py"
        assert f"`{name}.mbox`" in readme


@pytest.mark.parametrize(
    "name",
    [
        "munged-mailman-reply-to", "munged-mailman-cc", "munged-several", "munged-google-x-original-from",
        "munged-via-no-list-name", "munged-no-via", "munged-in-body-from",
    ],
)
def test_munged_sender_is_the_real_author(name: str) -> None:
    report = digest(name)
    assert report["contributors"] == [JANE]
    assert report["domains"] == [{"domain": "corp.example", "count": 1}]
    patch = only_patch(report)
    assert patch["author"] == {"name": "Jane Doe", "email": "jane@corp.example"}
    assert report["series"][0]["author"] == patch["author"]
    assert patch["patch_id"] == FOO_ID


def test_munged_sender_nobody_names_keeps_the_cleaned_name() -> None:
    report = digest("munged-unresolved")
    assert report["contributors"] == [{"name": "Jane Doe", "email": "foo-devel@lists.example.org", "count": 1}]


def test_via_inside_a_name_is_no_munging() -> None:
    report = digest("not-munged-name-with-via")
    assert report["contributors"] == [{"name": "Olivia Viaduct", "email": "olivia@corp.example", "count": 1}]


def test_raw_utf8_and_encoded_name_are_one_person() -> None:
    report = digest("header-raw-utf8")
    assert report["contributors"] == [{"name": "Michal Koutný", "email": "mkoutny@suse.example", "count": 2}]
    (series,) = report["series"]
    assert [p["patch_id"] for p in series["patches"]] == [FOO_ID, BAR_ID]
    assert all("\ufffd" not in p["author"]["name"] for p in series["patches"])


def test_latin1_header_in_a_latin1_message() -> None:
    assert digest("header-latin1")["contributors"] == [{"name": "José María", "email": "jose@corp.example", "count": 1}]


@pytest.mark.parametrize("name", ["attachment-octet-stream", "attachment-x-patch"])
def test_diff_in_an_attachment_is_a_patch(name: str) -> None:
    report = digest(name)
    assert report["contributors"] == [JANE]
    assert only_patch(report)["patch_id"] == FOO_ID


@pytest.mark.parametrize("name", ["plain-diff-u", "plain-cvs-index"])
def test_plain_diff_has_the_patch_id_of_the_same_change_in_git_form(name: str) -> None:
    report = digest(name)
    assert report["contributors"] == [JANE]
    assert only_patch(report)["patch_id"] == FOO_ID


def test_restated_trailers_are_not_new_reviews() -> None:
    report = digest("review-restated")
    reviewers = {r["email"]: (r["reviewed"], r["acked"], r["tested"], r["on_behalf"]) for r in report["reviews"]["reviewers"]}
    # Rita's trailer is the patch's own: restating it (quoted or not) gives nothing.
    assert reviewers == {"bob@other.example": (1, 0, 0, 0), "carol@other.example": (0, 1, 0, 1)}
    assert {r["email"]: r["count"] for r in report["reviewers"]} == {"bob@other.example": 1, "carol@other.example": 1}
    assert report["reviews"]["reviewed"] == 1
    assert report["contributors"] == [JANE]


def test_pull_requests_by_what_they_are() -> None:
    report = digest("pull-git")
    assert report["contributors"] == []
    pulls = {s["patches"][0]["msgid"] if not s["cover_msgid"] else s["cover_msgid"]: s["pull"] for s in report["series"]}
    assert pulls == {
        "pull.git@net.example": True, "pull.gitpull@net.example": True, "pull.untagged@net.example": True,
        "pull.qemu.0@net.example": True,
    }
    # Every one of the five mails is listed: none disappears.
    listed = {m for s in report["series"] for m in [s["cover_msgid"], *(p["msgid"] for p in s["patches"])] if m}
    assert len(listed) == report["messages"] == 5


def test_pull_request_tag_on_a_patch_cover_keeps_it_a_series() -> None:
    report = digest("pull-request-cover")
    (series,) = report["series"]
    assert (series["pull"], series["version"], series["total"]) == (False, 6, 2)
    assert series["cover_msgid"] == "pr-cover.0@intel.example"
    assert [p["patch_id"] for p in series["patches"]] == [FOO_ID, BAR_ID]
    assert report["contributors"] == [{"name": "Tony Nguyen", "email": "tony@intel.example", "count": 3}]


def test_look_alike_revision_does_not_supersede() -> None:
    report = digest("spoofed-revision")
    statuses = {s["patches"][0]["msgid"]: (s["status"], s["superseded_by"]) for s in report["series"]}
    assert statuses == {"spoof.v1@real.example": ("new", None), "spoof.v2@evil.example": ("new", None)}
    assert sorted(c["email"] for c in report["contributors"]) == ["alice@evil.example", "alice@real.example"]



def test_tagged_mail_no_series_holds_is_listed_as_left_out() -> None:
    report = digest("left-out")
    assert report["series"] == [] and report["contributors"] == []
    assert report["left_out"] == [
        {"msgid": "left.announce@corp.example", "subject": "[ANNOUNCE] foo 1.0 released"},
        {"msgid": "left.nodiff@corp.example", "subject": "[PATCH] foo: add c"},
    ]
    verbose = invoke("--mbox", CORPUS / "left-out.mbox", "-v", "--no-pager")
    assert verbose.exit_code == 0, verbose.output
    named = [line for line in verbose.stderr.splitlines() if line.startswith("left out ")]
    assert named == [
        "left out <left.announce@corp.example>: [ANNOUNCE] foo 1.0 released: not a patch, cover letter or pull request",
        "left out <left.nodiff@corp.example>: [PATCH] foo: add c: not a patch, cover letter or pull request",
    ]
    assert "2 tagged messages left out" in verbose.stdout
