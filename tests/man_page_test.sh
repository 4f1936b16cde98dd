#!/usr/bin/env bash
# The man page made at build time holds the commands and our own sections,
# and man can format it.
set -u
page=$1
fail=0
for want in '^\.TH JIRASQL' 'query' 'completion' '^\.SH ENVIRONMENT' 'JIRASQL_PROFILE' '^\.SH "EXIT STATUS"' 'OAuthSettings.json'; do
  grep -q -- "$want" "$page" || { echo "FAIL: the man page lacks $want"; fail=1; }
done
if command -v man >/dev/null; then
  MANWIDTH=100 man -l "$page" 2>/dev/null | grep -q 'Jira as SQL tables' || { echo "FAIL: man -l cannot format it"; fail=1; }
fi
[[ $fail -eq 0 ]] && echo "man_page: ok"
exit $fail
