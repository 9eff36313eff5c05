"""Online mode against a real public-inbox-httpd on 127.0.0.1 (tests/local_lore.py).

The server holds every mail of `local_lore.MAILS`; each test's local archive holds
only part of them, so what the digest shows beyond that came from the server.
"""

from __future__ import annotations

import http.server
import json
import socket
import sqlite3
import threading
from pathlib import Path

import local_lore
import pytest
from archives import EpochWriter, build_v2
from conftest import digest_json, git, git_patch_id, invoke
from local_lore import MAILS, Server

from gitdigest import settings
from gitdigest.hook import prepush
from gitdigest.index import corpus
from gitdigest.mail.messages import parse
from gitdigest.model import LORE_EPOCH, LoreConfig, RawMessage
from gitdigest.online import fetch, lore, queries
from gitdigest.series import grouping
from gitdigest.tree import codetree, match, provenance

pytestmark = pytest.mark.online


@pytest.fixture(autouse=True)
def loopback_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever proxy the machine names, the local lore is reached directly; and the tests
    run outside any code tree (in one, `A..B` would name its commits)."""
    monkeypatch.chdir(tmp_path)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def archive_of(tmp_path: Path, *names: str) -> Path:
    """A local archive holding these mails of MAILS, in this order."""
    return build_v2(tmp_path / "list", [MAILS[n] for n in names])


def point_at(url: str, key: str = "digest.onlineUrl") -> None:
    """Name the server in the (sealed) global git config, as a user would."""
    git("config", "--global", key, url)


def one(report: dict, subject: str) -> dict:
    """The series of a JSON report with this subject."""
    return next(s for s in report["series"] if s["subject"] == subject)


def test_a_series_whose_cover_letter_the_archive_lacks_is_completed(tmp_path: Path, lore_server: Server) -> None:
    top = archive_of(tmp_path, "x1", "a1", "a2")
    point_at(lore_server.url)
    offline, _ = digest_json("--archive", str(top), "HEAD~2..HEAD")
    assert one(offline, "net: drop the spare widget")["cover_msgid"] is None
    assert offline["online"] is None

    report, err = digest_json("--archive", str(top), "--online", "HEAD~2..HEAD")
    widget = one(report, "net: tidy the widget queue")
    assert widget["cover_msgid"] == "a0@lore.test"
    assert [p["msgid"] for p in widget["patches"]] == ["a1@lore.test", "a2@lore.test"]
    assert report["online"]["url"] == lore_server.url and report["online"]["fetched"] >= 1
    assert report["online"]["offline"] is None and err == ""
    assert report["messages"] == 2  # fetched mail completes series; it is not counted in the period

    # The second run finds the cover letter in the index, and fetches nothing.
    again, _ = digest_json("--archive", str(top), "--online", "HEAD~2..HEAD")
    assert one(again, "net: tidy the widget queue")["cover_msgid"] == "a0@lore.test"
    assert again["online"]["fetched"] == 0


def test_a_v3_only_on_the_server_supersedes_the_local_v2(tmp_path: Path, lore_server: Server) -> None:
    top = archive_of(tmp_path, "b2-0", "b2-1", "c1")
    point_at(lore_server.url + "/%s", key="b4.midmask")  # b4's own key, as b4 reads it
    offline, _ = digest_json("--archive", str(top), "HEAD")
    assert one(offline, "mm: quiet the pager")["status"] == "new"

    report, _ = digest_json("--archive", str(top), "--online", "HEAD")
    pager = one(report, "mm: quiet the pager")
    assert pager["status"] == "superseded" and pager["version"] == 2
    assert pager["superseded_by"] == {"version": 3, "msgid": "b3-0@lore.test", "date": "2025-03-10T10:00:00+00:00", "on_lore": True}
    # No change-id: found by subject and sender, from the series' date on, as `b4 am -c` does.
    trim = one(report, "fs: trim the inode cache")
    assert trim["status"] == "superseded" and trim["superseded_by"]["msgid"] == "c2@lore.test"

    text = invoke("--archive", str(top), "--online", "HEAD").stdout
    assert "by v3 2025-03-10 on lore" in text and f"Online: {lore_server.url}" in text


def test_once_the_archive_has_the_v3_it_is_read_from_the_archive(tmp_path: Path, lore_server: Server) -> None:
    top = archive_of(tmp_path, "b2-0", "b2-1")
    point_at(lore_server.url)
    report, _ = digest_json("--archive", str(top), "--online", "HEAD")
    assert one(report, "mm: quiet the pager")["superseded_by"]["on_lore"] is True
    writer = EpochWriter(top / "git" / "0.git")  # the archive catches up with the list
    for name in ("b3-0", "b3-1"):
        writer.add(MAILS[name])
    for args in (("HEAD~2",), ("--online", "HEAD~2")):  # offline, and online (which drops the copies)
        report, _ = digest_json("--archive", str(top), *args)
        assert one(report, "mm: quiet the pager")["superseded_by"]["on_lore"] is False
    idx_path = next((Path(settings.cache_dir()) / "index").glob("list-*.sqlite3"))
    with sqlite3.connect(idx_path) as db:
        assert db.execute("SELECT count(*) FROM messages WHERE epoch = ?", (LORE_EPOCH,)).fetchone()[0] == 0


def test_a_stopped_server_gives_one_warning_and_an_offline_digest(tmp_path: Path) -> None:
    with local_lore.serve(tmp_path / "lore", [MAILS["b2-0"], MAILS["b2-1"], MAILS["b3-0"], MAILS["b3-1"]]) as server:
        url = server.url
    top = archive_of(tmp_path, "b2-0", "b2-1")
    point_at(url)
    result = invoke("--archive", str(top), "--online", "--format", "json", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("git-digest: warning: offline only: ") and "connection refused" in result.stderr
    report = json.loads(result.stdout)
    assert one(report, "mm: quiet the pager")["status"] == "new"
    assert report["online"]["offline"].startswith("offline only: ")
    for fmt in ("text", "markdown", "html"):
        out = invoke("--archive", str(top), "--online", "--format", fmt, "HEAD").stdout
        assert "Note: offline only: " in out, fmt


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    top = archive_of(tmp_path, "b2-0", "b2-1")
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        point_at(f"http://127.0.0.1:{silent.getsockname()[1]}/test")
        git("config", "--global", "digest.onlineTimeout", "0.5")
        result = invoke("--archive", str(top), "--online", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("\n") == 1 and "timed out" in result.stderr
    assert "new" in result.stdout and "mm: quiet the pager" in result.stdout


@pytest.mark.parametrize(("status", "body", "words"), [(503, b"busy", "answered HTTP 503"), (200, b"<html>not an mbox", "Not a gzipped file")])
def test_a_server_answering_an_error_gives_one_warning(tmp_path: Path, status: int, body: bytes, words: str) -> None:
    class Broken(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = answer

        def log_message(self, *_args: object) -> None:
            pass

    top = archive_of(tmp_path, "x1", "a1", "a2")
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Broken) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        point_at(f"http://127.0.0.1:{server.server_address[1]}/test")
        try:
            report, err = digest_json("--archive", str(top), "--online", "HEAD")
        finally:
            server.shutdown()
            thread.join(timeout=10)
    assert err.count("\n") == 1 and err.startswith("git-digest: warning: offline only: ") and words in err
    assert one(report, "net: drop the spare widget")["cover_msgid"] is None


def test_a_run_makes_at_most_digest_online_limit_requests(tmp_path: Path, lore_server: Server) -> None:
    top = archive_of(tmp_path, "x1", "a1", "a2", "b2-0", "b2-1")
    point_at(lore_server.url)
    git("config", "--global", "digest.onlineLimit", "1")
    report, err = digest_json("--archive", str(top), "--online", "HEAD")
    # The one request completed the widget series; looking for newer revisions was left out.
    assert one(report, "net: tidy the widget queue")["cover_msgid"] == "a0@lore.test"
    assert one(report, "mm: quiet the pager")["status"] == "new"
    assert err.count("\n") == 1 and "stopped after 1 requests (digest.onlineLimit)" in err


def test_without_online_no_socket_is_opened(tmp_path: Path, lore_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    top = archive_of(tmp_path, "x1", "a1", "a2", "b2-0", "b2-1")
    point_at(lore_server.url)
    opened: list[tuple[object, ...]] = []

    def refuse(_self: socket.socket, *args: object, **_kwargs: object) -> None:
        opened.append(args)
        raise OSError("no socket may be opened here")

    # b4 imports requests, and urllib3's import probes for IPv6 by binding a socket to ::1
    # (HAS_IPV6, no traffic): once per process, whoever imports it first. Done before the guard.
    import urllib3.util.connection  # noqa: F401

    monkeypatch.setattr(socket.socket, "__init__", refuse)
    result = invoke("--archive", str(top), "--format", "json", "HEAD")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["online"] is None and opened == []
    git("config", "--global", "digest.online", "true")
    result = invoke("--archive", str(top), "--offline", "HEAD")
    assert result.exit_code == 0 and result.stderr == "" and opened == []
    # The guard does catch online mode: it tries, is refused, and goes on offline.
    result = invoke("--archive", str(top), "HEAD")
    assert result.exit_code == 0 and opened and "offline only" in result.stderr


def frob_tree(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A code tree whose last commit carries d1's patch under a reworded subject, with no Link:."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-03-20T12:00:00Z")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2025-03-06T10:00:00Z")
    git("init", "-q", str(root))
    (root / "README").write_text("a tree\n")
    git("add", "README", cwd=root)
    git("commit", "-q", "-m", "start", cwd=root)
    (root / "lib").mkdir()
    (root / local_lore.FROB_FILE).write_text(local_lore.FROB_TEXT)
    git("add", ".", cwd=root)
    git("commit", "-q", "--author", local_lore.DAVE, "-m", "lib: frobnicate, a helper\n\nSigned-off-by: Dave Dev <dave@example.org>", cwd=root)
    return root, git("rev-parse", "HEAD", cwd=root).strip()


def test_with_no_archive_git_digest_in_a_tree_finds_the_series_on_lore(
    tmp_path: Path, lore_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _head = frob_tree(tmp_path / "linux", monkeypatch)
    point_at(lore_server.url)
    monkeypatch.chdir(root)
    report, err = digest_json("--online", "HEAD~1..HEAD")
    frob = one(report, "lib: add frobnicate helper")
    assert frob["status"] == "merged" and frob["patches"][0]["merged"]["how"] == "patch-id"
    assert report["online"]["url"] == lore_server.url and err == ""
    assert report["reviewers"] == [{"name": "Rita Reviewer", "email": "rita@example.org", "count": 1}]
    # Without --online, a tree with no archive is still an error, and says so in one line.
    result = invoke("HEAD~1..HEAD")
    assert result.exit_code == 1 and "not a public-inbox archive" in result.stderr


def test_the_hook_lookup_names_a_pushed_commit_s_series_by_a_patchid_search(
    tmp_path: Path, lore_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the pre-push hook does with no archive and digest.online: look each pushed commit
    up on lore (fetch.look_up), then trace it as it does with an archive (provenance)."""
    root, head = frob_tree(tmp_path / "linux", monkeypatch)
    point_at(lore_server.url)
    monkeypatch.chdir(root)
    asked: list[str] = []
    search = lore.Lore.search
    monkeypatch.setattr(lore.Lore, "search", lambda self, query: asked.append(query) or search(self, query))
    config = settings.load(root)
    code = codetree.open_tree(root)
    with fetch.store_index(settings.cache_dir(), config.lore, config.max_message_size, print) as idx:
        commits = codetree.read_commits(code, [head], idx.tree_patch_ids())
        assert commits[0].patch_id and not commits[0].msgids  # no Link:, and a reworded subject
        found, outcome = fetch.look_up(idx, commits, config.lore, config.max_message_size)
        assert found == {head: "d1@lore.test"} and outcome.offline == ""
        assert asked[0] == f"patchid:{commits[0].patch_id} AND d:..20250321"
        wanted = provenance.lookup(commits)
        gathered = corpus.gather(idx, lambda i: i.rows_matching(wanted.msgids, wanted.patch_ids, wanted.titles))
        reports = provenance.reports(provenance.relevant(gathered.topics, {m.msgid for m in gathered.inside}))
        found_in_tree = match.match(reports, commits)
        traced = provenance.trace(commits, reports, found_in_tree, gathered.replies, codetree.messages(code, [head]))
    assert [s.revision.subject for s in traced.series] == ["lib: add frobnicate helper"]
    assert traced.series[0].origins[0].how.value == "patch-id" and traced.unposted == ()
    assert [r.kind for r in traced.series[0].on_list] == ["Reviewed-by"]

    # A second lookup is answered by the store's index: no request at all.
    monkeypatch.setattr(socket.socket, "connect", lambda *_a: (_ for _ in ()).throw(AssertionError("asked lore again")))
    with fetch.store_index(settings.cache_dir(), config.lore, config.max_message_size, print) as idx:
        assert fetch.dig(idx, commits, lore.Lore(config.lore), config.max_message_size) == {head: "d1@lore.test"}


def test_the_pre_push_hook_with_no_archive_names_the_series_through_lore(
    tmp_path: Path, lore_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook itself, with digest.online and no digest.archive: the pushed commit, reworded
    and without Link:, is named by the series it was posted in, found by a patchid: search."""
    root, head = frob_tree(tmp_path / "linux", monkeypatch)
    point_at(lore_server.url)
    git("config", "--global", "digest.online", "true")
    monkeypatch.chdir(root)
    said: list[str] = []
    line = f"refs/heads/master {head} refs/heads/master {'0' * 40}\n"
    outcome = prepush.pre_push(["origin", str(tmp_path / "remote.git")], said.append, line)
    assert outcome.verdict is prepush.Verdict.PASS and not [s for s in said if s.startswith("warning")]
    assert "lib: add frobnicate helper" in outcome.text
    assert "start" in outcome.text  # the first commit was never posted, and is named so


def test_newer_revision_queries_are_b4_am_c_s() -> None:
    """`b4 am -c` (b4.mbox.get_extra_series): change-id first, else subject and sender, from the series' date on."""
    mails = [parse(RawMessage(MAILS[name], name)) for name in ("b2-0", "b2-1", "c1")]
    revisions = {r.key: r for r in grouping.postings(mails)}
    assert queries.newer_query(revisions["b2-0@lore.test"]) == f'(nq:"change-id: {local_lore.CHANGE_ID}") AND d:20250304..'
    assert queries.newer_query(revisions["c1@lore.test"]) == '((s:"fs: trim the inode cache" AND f:"carol@example.org")) AND d:20250305..'


@pytest.mark.parametrize(
    ("explicit", "midmask", "searchmask", "url"),
    [
        ("", "", "", "https://lore.kernel.org/all"),
        ("", "https://lore.kernel.org/all/%s", "", "https://lore.kernel.org/all"),
        ("", "http://127.0.0.1:8080/kvm/%s", "", "http://127.0.0.1:8080/kvm"),
        ("", "", "https://mirror.example/all/?x=m&q=%s", "https://mirror.example/all"),
        ("https://mirror.example/", "https://lore.kernel.org/all/%s", "", "https://mirror.example/all"),
    ],
)
def test_the_lore_url_honours_b4_s_keys(explicit: str, midmask: str, searchmask: str, url: str) -> None:
    assert settings.base_url(explicit, midmask, searchmask) == url


def test_bad_online_settings_are_one_line_errors(tmp_path: Path) -> None:
    top = archive_of(tmp_path, "x1")
    for key, value, words in (
        ("digest.onlineTimeout", "soon", "not a number of seconds"),
        ("digest.onlineUrl", "ftp://lore.kernel.org/all", "not an http(s) URL"),
        ("digest.online", "maybe", "not a boolean"),
        ("digest.onlineLimit", "0", "not a positive number of requests"),
    ):
        git("config", "--global", key, value)
        result = invoke("--archive", str(top), "HEAD")
        assert result.exit_code == 1 and words in result.stderr and result.stderr.count("\n") == 1
        git("config", "--global", "--unset", key)


def test_the_inbox_serves_what_b4_asks_for(lore_server: Server) -> None:
    """The endpoints b4 0.16 and liblore use, as public-inbox 1.9 serves them (README, "Online mode")."""
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for path in ("a1@lore.test/", "a1@lore.test/raw", "a1@lore.test/t.mbox.gz", "new.atom"):
        with opener.open(f"{lore_server.url}/{path}", timeout=10) as answer:
            assert answer.status == 200, path
    node = lore.Lore(LoreConfig(lore_server.url, timeout=10))
    assert len(node.thread("a1@lore.test")) == 3  # the whole thread, cover letter included
    assert node.thread("nosuch@lore.test") == []
    # liblore posts `x=m`, which public-inbox reads as its "full threads" button: whole threads.
    hits = node.search(f"patchid:{git_patch_id(MAILS['a1'])}")
    assert len(hits) == 3
    assert node.search("patchid:0000000000000000000000000000000000000000") == []
