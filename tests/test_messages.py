"""bytes -> Message: subjects, authors, trailers, diffstats, as b4 reads them."""

from __future__ import annotations

from archives import make_mail

from gitdigest.mail import messages
from gitdigest.model import RawMessage, Skipped

DIFF = """---
 hw/hyperv/meson.build | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/hw/hyperv/meson.build b/hw/hyperv/meson.build
index 1111111..2222222 100644
--- a/hw/hyperv/meson.build
+++ b/hw/hyperv/meson.build
@@ -1,2 +1,3 @@
 a
-b
+c
+d
--
2.39.5
"""


def parse(data: bytes):
    result = messages.parse(RawMessage(data, "0" * 40))
    assert not isinstance(result, Skipped), result
    return result


def test_patch_with_in_body_from_and_trailers() -> None:
    body = (
        "From: =?UTF-8?q?Philippe=20Mathieu-Daud=C3=A9?= <PhilMD@Linaro.org>\n\n"
        "Make it common.\n\nReviewed-by: Richard Henderson <richard.henderson@linaro.org>\n"
        "Signed-off-by: Pierrick Bouvier <pierrick.bouvier@linaro.org>\n" + DIFF
    )
    msg = parse(make_mail("p1@x", "[PATCH v4 1/7] hw/hyperv: common unit", "Pierrick Bouvier <pierrick.bouvier@linaro.org>", body=body, in_reply_to="c@x"))
    assert msg.author.name == "Philippe Mathieu-Daudé"
    assert msg.author.email == "philmd@linaro.org"
    assert msg.sender.email == "pierrick.bouvier@linaro.org"
    assert (msg.subject.version, msg.subject.counter, msg.subject.total) == (4, 1, 7)
    assert msg.is_patch and msg.is_contribution and not msg.is_cover
    assert msg.diffstat.splitlines()[-1] == " 1 file changed, 2 insertions(+), 1 deletion(-)"
    assert [t.name for t in msg.trailers] == ["Reviewed-by", "Signed-off-by"]
    # A patch's own Reviewed-by is part of the commit, not a review given in a reply.
    assert msg.subject.is_reply is False


def test_b4_relay_sender_uses_x_original_from() -> None:
    data = make_mail(
        "r@x", "[PATCH] foo", "Akihiko Odaki via B4 Relay <devnull+akihiko.odaki.daynix.com@kernel.org>",
        body="Change.\n" + DIFF, extra_headers=[("X-Original-From", "Akihiko Odaki <akihiko.odaki@daynix.com>")],
    )
    assert parse(data).author.email == "akihiko.odaki@daynix.com"


def test_cover_letter_and_prefixes() -> None:
    msg = parse(make_mail("c@x", "[kvm-unit-tests PATCH v8 0/6] riscv: add SBI SSE extension tests", body="change-id: 20250101-sse-abc\nbase-commit: 0123456789abcdef\n"))
    assert msg.is_cover and msg.is_contribution and not msg.is_patch
    assert msg.subject.prefixes == ("kvm-unit-tests", "PATCH")
    assert msg.subject.tag == "[kvm-unit-tests PATCH v8 0/6]"
    assert msg.change_id == "20250101-sse-abc" and msg.base_commit == "0123456789abcdef"


def test_reply_with_review_trailer_and_quoted_diff_is_not_a_contribution() -> None:
    body = "> diff --git a/x b/x\n> +foo\n\nLooks good.\n\nReviewed-by: Sean Christopherson <seanjc@google.com>\n"
    msg = parse(make_mail("re@x", "Re: [PATCH v3 01/10] x86: foo", "Sean Christopherson <seanjc@google.com>", body=body, in_reply_to="p1@x"))
    assert msg.subject.is_reply and not msg.is_contribution
    assert [(t.lname, t.person.email) for t in msg.review_trailers] == [("reviewed-by", "seanjc@google.com")]


def test_pull_request_is_labelled() -> None:
    msg = parse(make_mail("pull@x", "[GIT PULL] io_uring fixes for 6.19-rc6", body="Please pull.\n"))
    assert msg.subject.is_pull and not msg.is_contribution


def test_message_without_message_id_is_skipped() -> None:
    data = make_mail("x@y", "[PATCH] foo").replace(b"Message-ID: <x@y>\n", b"")
    result = messages.parse(RawMessage(data, "1" * 40))
    assert isinstance(result, Skipped) and "Message-ID" in result.reason


def test_removed_and_missing_blobs_are_skipped() -> None:
    assert "removed" in messages.parse(RawMessage(b"x", "1" * 40, removed=True)).reason
    assert "missing" in messages.parse(RawMessage(b"", "1" * 40)).reason


def test_unparsable_date_falls_back_to_archive_time() -> None:
    data = make_mail("d@x", "[PATCH] foo", date="not a date")
    msg = messages.parse(RawMessage(data, "2" * 40, time=1_700_000_000))
    assert msg.date.timestamp() == 1_700_000_000


def test_text_of_gives_description_and_diffstat() -> None:
    body = "From: Kai Huang <kai.huang@intel.com>\n\nAdd the wrapper.\n\nSigned-off-by: Kai Huang <kai.huang@intel.com>\n" + DIFF
    text = messages.text_of(RawMessage(make_mail("t@x", "[PATCH] foo", body=body), "3" * 40), "t@x")
    assert text.description == "Add the wrapper.\n\nSigned-off-by: Kai Huang <kai.huang@intel.com>"
    assert text.diffstat.startswith(" hw/hyperv/meson.build | 3 ++-")
