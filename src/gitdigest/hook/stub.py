"""The installed hook: a few lines of sh that run `git-digest hook pre-push` under a watchdog.

This module imports nothing but the standard library, and nothing of gitdigest: it is
what runs when gitdigest itself cannot. `git digest hook install` writes `STUB` as the
repository's pre-push hook; the pre-commit framework runs `main` (the
`git-digest-pre-push` program), which hands the same sh text its arguments. Either way the
push is refused only by exit status 3, a finding that `digest.hook.block` asks to refuse.
"""

from __future__ import annotations

import os
import sys

MARKER = "# git-digest pre-push hook"
"""The line by which `hook install` and `hook uninstall` know the hook as theirs."""
STUB = f"""#!/bin/sh
{MARKER}: installed by `git digest hook install`.
# Prints what the push sends in mailing-list terms (see `man git-digest`).
# It fails open: only exit status 3 (a finding that digest.hook.block or
# digest.hook.blockUnposted refuses) stops the push. A missing program, a crash, a
# signal, or a run longer than digest.hook.timeout (default 5 s) is one warning line.
warn() {{ (echo "git-digest: warning: $*; the push goes on" >&2) || :; }}
if ! command -v git-digest >/dev/null 2>&1; then
	warn "git-digest is not on PATH, no pre-push summary"
	exit 0
fi
limit=$(git config --get digest.hook.timeout 2>/dev/null)
case $limit in ''|*[!0-9]*|0*) limit=5 ;; esac
# git-digest stops itself at the limit; the watchdog, a little later, makes sure.
exec 3<&0
git-digest hook pre-push "$@" <&3 3<&- &
pid=$!
exec 3<&-
(sleep $((limit + 2)); kill -TERM "$pid" || exit; sleep 2; kill -KILL "$pid") >/dev/null 2>&1 &
watchdog=$!
wait "$pid" 2>/dev/null  # no "Terminated" from sh: the warning below says it
status=$?
kill "$watchdog" 2>/dev/null
case $status in
0) exit 0 ;;
3) exit 3 ;;
126|127) warn "git-digest cannot start (exit $status), no pre-push summary" ;;
12[89]|1[3-9][0-9]|2[0-9][0-9]) warn "git-digest stopped by signal $((status - 128)) (digest.hook.timeout is ${{limit}} s), no pre-push summary" ;;
*) warn "git-digest failed (exit $status), no pre-push summary" ;;
esac
exit 0
"""


def main() -> None:
    """`git-digest-pre-push [REMOTE URL]`: the installed hook's sh text, run as it is (pre-commit's entry)."""
    os.execv("/bin/sh", ["/bin/sh", "-c", STUB, "git-digest-pre-push", *sys.argv[1:]])
