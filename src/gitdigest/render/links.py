"""Where a report links to: a message on lore, a commit on the tree's web pages."""

from __future__ import annotations

import re
import urllib.parse

from gitdigest.model import Digest, Period, Revision

LORE = "https://lore.kernel.org"
# public-inbox's mid_escape: what may stay unescaped in a Message-ID inside a URL path.
_MSGID_SAFE = "!$&'()*+,;=:@~-._"


def lore_list(period: Period) -> str:
    """The list's name as lore spells it: lower case (`KVM` -> `kvm`), else `all`."""
    name = period.list_name.strip().lower()
    return urllib.parse.quote(name, safe="-._") if name else "all"


def message_url(period: Period, msgid: str) -> str:
    """`https://lore.kernel.org/<list>/<msgid>/`."""
    return f"{LORE}/{lore_list(period)}/{urllib.parse.quote(msgid, safe=_MSGID_SAFE)}/"


def revision_url(period: Period, rev: Revision) -> str:
    """The lore page of a revision: its cover letter, else its first patch."""
    return message_url(period, rev.key)


def commit_url(digest: Digest, commit: str) -> str:
    """The commit's page from `digest.treeWeb` (`%s` is the id; appended when absent), or ''."""
    template = digest.period.tree_web.strip()
    # Only a web page: `javascript:` or `data:` in a link would run in the reader's browser.
    web = template.lower().startswith(("http://", "https://"))
    if not web or not re.fullmatch(r"[0-9a-f]{7,64}", commit):
        return ""
    return template.replace("%s", commit) if "%s" in template else template + commit
