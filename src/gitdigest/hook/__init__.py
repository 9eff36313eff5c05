"""Hook: what a `git push` sends, in mailing-list terms.

`push` reads git's pre-push lines into ref updates; `provenance` traces pushed commits
to posted series (pure); `prepush` is the thin shell that runs it, installs the hook
and chooses the exit status. The summary's wording is in `render.summary`.
"""
