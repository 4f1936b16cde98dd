#!/usr/bin/env bash
# End-to-end checks of the jirasql command line: exit codes and messages.
# Usage: cli_test.sh path/to/jirasql path/to/jirasim path/to/pg_test_server
set -u
bin=$1
sim=$2
pg_server=${3:-}
pass=0 fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config
unset JIRASQL_CONNECT

# run EXPECTED_RC GREP_PATTERN_IN_OUTPUT -- ARGS...
check() {
  local want_rc=$1 pattern=$2 name=$3
  shift 4
  local out rc
  out=$("$bin" "$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want_rc ]] && grep -qE -- "$pattern" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name: rc=$rc (want $want_rc), output:"
    sed 's/^/    /' <<<"$out"
  fi
}
# refute NAME PATTERN -- ARGS...: output must not match
refute() {
  local name=$1 pattern=$2
  shift 3
  local out
  out=$("$bin" "$@" 2>&1)
  if grep -qE -- "$pattern" <<<"$out"; then
    fail=$((fail + 1))
    echo "FAIL: $name: output matches '$pattern'"
  else
    pass=$((pass + 1))
  fi
}

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

check 0 '^jirasql [0-9]+\.[0-9]+\.[0-9]+' version -- --version
check 0 'Subcommands' help -- --help
check 2 'Subcommands' no-subcommand --
check 2 "unknown command 'nosuch'" unknown-subcommand -- nosuch
check 2 "unknown command 'qeury'; did you mean 'query'" misspelled-subcommand -- qeury
check 2 "unknown command 'nosuch'.*see jirasql --help" unknown-command-help -- nosuch
for sub in query explain schema exec props auth; do
  check 0 'Example' "help-example-$sub" -- $sub --help
done
check 0 'The default format is table' help-default-format -- query --help
check 0 'table \(the default\) or json' help-exec-format -- exec --help
# Shell completion: bash runs the function as it would on Tab.
complete_bash() {  # complete_bash WORD... : the candidates for the last word
  bash -c 'eval "$("$0" completion bash)"; COMP_WORDS=(jirasql "$@"); COMP_CWORD=$#; _jirasql; echo " ${COMPREPLY[*]} "' "$bin" "$@"
}
[[ $(complete_bash que) == ' query ' ]] && ok || bad "completion of 'que': $(complete_bash que)"
[[ $(complete_bash auth st) == ' status ' ]] && ok || bad "completion of 'auth st': $(complete_bash auth st)"
[[ $(complete_bash query --format '') == *' markdown '* ]] && ok || bad "completion of --format: $(complete_bash query --format '')"
[[ $(complete_bash schema Iss) == *' Issues '*' IssueTypes '* ]] && ok || bad "completion of tables: $(complete_bash schema Iss)"
[[ $(complete_bash query --no) == ' --no-header ' ]] && ok || bad "completion of query options: $(complete_bash query --no)"
[[ $(complete_bash --Tim) == ' --Timeout --Timezone ' ]] && ok || bad "completion of property flags: $(complete_bash --Tim)"
[[ $(complete_bash --APIT) == '  ' ]] && ok || bad "a secret has a flag in completion: $(complete_bash --APIT)"
check 0 "complete -c jirasql -n '__fish_use_subcommand' -a '.*query" completion-fish -- completion fish
check 0 '^#compdef jirasql' completion-zsh -- completion zsh
check 2 "no completion for the shell 'tcsh'" completion-unknown -- completion tcsh
if command -v zsh >/dev/null; then
  zsh -c 'eval "$("$0" completion zsh)"' "$bin" && ok || bad "zsh cannot load the completion"
fi
if command -v fish >/dev/null; then
  "$bin" completion fish | fish -c 'source' && ok || bad "fish cannot load the completion"
fi
check 0 '^  IssueKey +TEXT +Key of the issue' schema-one-table -- schema Comments
check 2 "no table 'Comment'; did you mean 'Comments'" schema-unknown-table -- schema Comment
check 2 "unknown option '--frobnicate'" unknown-option -- props --frobnicate

# props lists every property of SPEC §2
for p in AuthScheme Url User APIToken Password PersonalAccessToken OAuthVersion OAuthClientId \
  OAuthClientSecret CallbackURL InitiateOAuth OAuthSettingsLocation OAuthAccessToken OAuthRefreshToken \
  OAuthExpiresIn OAuthTokenTimestamp OAuthVerifier Scope GrantType CloudId OAuthServerUrl \
  OAuthAuthorizationURL OAuthAccessTokenURL OAuthRefreshTokenURL OAuthAccessibleResourcesURL \
  OAuthApiGatewayURL UsePKCE Prompt BrowserCommand OAuthListenerTimeout Timeout ProxyServer ProxyPort \
  ProxyUser ProxyPassword SSLServerCert Logfile Verbosity MaxRows Pagesize IncludeCustomFields \
  UseDisplayNames Timezone MaxThreads Readonly PushDown; do
  check 0 "^  $p  \(" "props-lists-$p" -- props
done
check 0 'default: http://localhost:33333' props-default -- props
check 0 '"name": "InitiateOAuth"' props-json -- props --json

# bad connection strings: usage errors that say what to fix
check 2 "Unknown property 'OAuthClientID2'; did you mean 'OAuthClientId'\?" misspelled -- \
  props --connect "AuthScheme=OAuth;OAuthClientID2=x"
check 2 'allowed values: OFF, GETANDREFRESH, REFRESH' bad-enum -- props --connect "InitiateOAuth=SOMETIMES"
check 2 'unterminated " quote' unterminated -- props --connect 'Scope="read'
check 2 'expected a whole number from 0 to 5' bad-int -- props --Verbosity=9
JIRASQL_CONNECT="Timout=3" check 2 "in JIRASQL_CONNECT: Unknown property 'Timout'" bad-env -- props

# effective values, secrets masked, sources and precedence
export JIRASQL_CONNECT="AuthScheme=PAT;Url=https://env.example;Timeout=10;PersonalAccessToken=pat-secret-123"
check 0 'PersonalAccessToken = \*\*\*\*\*\*\*\*' masked -- props
refute no-secret-in-props 'pat-secret-123' -- props
refute no-secret-in-props-json 'pat-secret-123' -- props --json
check 0 'Url = https://env.example  \[JIRASQL_CONNECT\]' env-source -- props
check 0 'Timeout = 20  \[--connect\]' connect-beats-env -- props --connect "Timeout=20"
check 0 'Timeout = 30  \[flag\]' flag-beats-connect -- props --connect "Timeout=20" --timeout=30
check 0 'Timeout = 30  \[flag\]' flag-after-subcommand -- props --Timeout 30
mkdir -p "$XDG_CONFIG_HOME/jirasql/profiles"
printf 'Timeout=15\nVerbosity=3\n' > "$XDG_CONFIG_HOME/jirasql/profiles/work.conn"
check 0 'Timeout = 15  \[profile\]' profile-beats-env -- props --profile work
check 0 'Verbosity = 3  \[profile\]' profile-value -- props --profile work
check 2 'does not exist' missing-profile -- props --profile nope
unset JIRASQL_CONNECT

# secrets are not flags (they would show in the process list), and the value
# typed is never echoed
check 2 'APIToken is a secret and has no flag.*JIRASQL_CONNECT or in a profile' no-secret-flags -- props --APIToken=abc-secret-1
refute no-secret-flag-echo 'abc-secret-1' -- auth status --APIToken=abc-secret-1
refute no-secret-flag-echo-2 'abc-secret-2' -- --oauthclientsecret abc-secret-2 auth status
check 2 "unknown option '--Timout'; did you mean '--Timeout'" misspelled-flag -- props --Timout=5
refute unknown-flag-value-not-echoed 'value-9' -- props --frobnicate=value-9
check 0 'warning: APIToken in --connect can be read by every user' secret-in-connect -- \
  props --connect "AuthScheme=APIToken;APIToken=abc-secret-3"

# a connection attempt
check 2 'needs APIToken' incomplete -- auth status --connect "AuthScheme=APIToken;Url=http://127.0.0.1:9;User=u"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')
JIRASQL_CONNECT="PersonalAccessToken=pat-secret-456" check 1 'cannot connect' refused -- \
  auth status --connect "AuthScheme=PAT;Url=http://127.0.0.1:$port" --Timeout=5
JIRASQL_CONNECT="PersonalAccessToken=pat-secret-456" refute refused-no-secret 'pat-secret-456' -- \
  auth status --connect "AuthScheme=PAT;Url=http://127.0.0.1:$port" --Timeout=5

# against jirasim
"$sim" --issues 50 --sites 1 >"$work/sim.json" 2>/dev/null &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/sim.json" 2>/dev/null && break; sleep 0.1; done
val() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$work/sim.json" "$1"; }
site=$(val 'd["sites"][0]["url"]')
email=$(val 'd["users"][0]["email"]')
token=$(val 'd["users"][0]["apiToken"]')
JIRASQL_CONNECT="AuthScheme=APIToken;Url=$site;User=$email;APIToken=$token" \
  check 0 "^Connected to $site as $(val 'd["users"][0]["displayName"]')" status-api-token -- auth status
JIRASQL_CONNECT="AuthScheme=APIToken;Url=$site;User=$email;APIToken=wrong-token-value" \
  check 1 'HTTP 401 Unauthorized: Client must be authenticated' status-bad-token -- auth status
JIRASQL_CONNECT="AuthScheme=APIToken;Url=$site;User=$email;APIToken=wrong-token-value" \
  refute status-bad-token-not-echoed 'wrong-token-value' -- auth status
# A refused login says what was sent (never the secret) and what to check.
JIRASQL_CONNECT="AuthScheme=APIToken;Url=$site;User=$email;APIToken=wrong-token-value" \
  check 1 "GET $site/rest/api/3/myself: HTTP 401.*AuthScheme=APIToken as User=$email \(the APIToken is not shown\)\. Check User" \
  status-401-names-credentials -- auth status
JIRASQL_CONNECT="AuthScheme=PAT;Url=$site;PersonalAccessToken=wrong-pat-value" \
  check 1 'AuthScheme=PAT \(the PersonalAccessToken is not shown\)\. Check PersonalAccessToken' status-401-pat -- auth status
JIRASQL_CONNECT="AuthScheme=PAT;Url=$site;PersonalAccessToken=wrong-pat-value" refute status-401-pat-not-echoed \
  'wrong-pat-value' -- auth status
JIRASQL_CONNECT="AuthScheme=APIToken;Url=${site%/site/*};User=$email;APIToken=$token" \
  check 1 "GET ${site%/site/*}/rest/api/3/myself: HTTP 404 Not Found\. no Jira REST API answers at this address: check Url" \
  status-404-site-path -- auth status
JIRASQL_CONNECT="AuthScheme=APIToken;Url=${site/http:/https:};User=$email;APIToken=$token" \
  check 1 'the server does not speak TLS at this address.*write the URL with http://' status-tls-to-http -- auth status
log=$work/wire.log
JIRASQL_CONNECT="AuthScheme=APIToken;Url=$site;User=$email;APIToken=$token;Logfile=$log;Verbosity=5" \
  check 0 '^Connected' status-logged -- auth status
if grep -q '< 200 GET' "$log" && ! grep -qF "$token" "$log"; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: wire log missing or holds the API token"; fi
# OAuth through the CLI: auth url + exchange (headless), status, refresh, logout
base=$(val 'd["baseUrl"]')
oauth="AuthScheme=OAuth;OAuthClientId=$(val 'd["app"]["clientId"]');OAuthClientSecret=$(val 'd["app"]["clientSecret"]');OAuthAuthorizationURL=$base/authorize;OAuthAccessTokenURL=$base/oauth/token;OAuthRefreshTokenURL=$base/oauth/token;OAuthAccessibleResourcesURL=$base/oauth/token/accessible-resources;OAuthApiGatewayURL=$base/ex/jira;OAuthSettingsLocation=$work/login.json"
JIRASQL_CONNECT="$oauth" check 1 'no saved login' status-before-login -- auth status
url_json=$(JIRASQL_CONNECT="$oauth" "$bin" auth url --json)
auth_url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["URL"])' "$url_json")
redirect=$("$sim" approve "$auth_url" --user "$email" --password "$(val 'd["users"][0]["password"]')")
JIRASQL_CONNECT="$oauth" check 0 'OAuth login saved in' exchange -- auth exchange --code "$redirect"
JIRASQL_CONNECT="$oauth" check 0 "^Connected to $base/ex/jira/" status-oauth -- auth status
JIRASQL_CONNECT="$oauth" check 0 'lapses if unused for 90 days' status-oauth-ages -- auth status
JIRASQL_CONNECT="$oauth" check 0 "^Connected to $base/ex/jira/" status-oauth-same-url -- auth status --Url="$site/"
chmod 644 "$work/login.json"
JIRASQL_CONNECT="$oauth" check 0 "warning: $work/login.json was readable by other users; its mode is now 0600" \
  status-0644-warning -- auth status
[[ $(stat -c %a "$work/login.json") == 600 ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 0644 not repaired"; }
JIRASQL_CONNECT="$oauth" check 2 'Url=https://other.atlassian.net is not among the Jira sites this login reaches' \
  status-oauth-other-url -- auth status --Url=https://other.atlassian.net
JIRASQL_CONNECT="$oauth" refute status-oauth-other-url-not-connected '^Connected' -- auth status --Url=https://other.atlassian.net
JIRASQL_CONNECT="$oauth" check 1 'authorization code was refused \(invalid_grant: Invalid authorization code\): it was already used' \
  exchange-twice -- auth exchange --code "$redirect"
JIRASQL_CONNECT="$oauth" refute exchange-twice-not-expiry 'no longer valid|90 days' -- auth exchange --code "$redirect"
JIRASQL_CONNECT="$oauth" check 1 'authorization code was refused' exchange-garbage -- auth exchange --code not-a-code
# The same commands against a login kept in PostgreSQL (a fleet's), on a
# throwaway server; the password comes from PGPASSFILE, never the location.
if [[ -n "$pg_server" ]]; then
  coproc PG { "$pg_server"; }
  read -r pg_uri pg_pass <&"${PG[0]}"
  if [[ -z "${pg_uri:-}" ]]; then
    bad "pg_test_server did not start"
  else
    export PGPASSFILE=$pg_pass
    pgloc="$pg_uri?jirasql_login=team"
    pgoauth="${oauth/OAuthSettingsLocation=$work\/login.json/OAuthSettingsLocation=$pgloc}"
    JIRASQL_CONNECT="$pgoauth" check 1 'no saved login in postgresql://' pg-status-before -- auth status
    pg_url=$(JIRASQL_CONNECT="$pgoauth" "$bin" auth url --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["URL"])')
    pg_redirect=$("$sim" approve "$pg_url" --user "$email" --password "$(val 'd["users"][0]["password"]')")
    JIRASQL_CONNECT="$pgoauth" check 0 'OAuth login saved in postgresql://.*\(login team\)' pg-exchange -- \
      auth exchange --code "$pg_redirect"
    JIRASQL_CONNECT="$pgoauth" check 0 "^Connected to $base/ex/jira/" pg-status -- auth status
    JIRASQL_CONNECT="$pgoauth" check 0 'access token:  expires in' pg-refresh -- auth refresh
    JIRASQL_CONNECT="$pgoauth" check 0 '^[0-9]+' pg-query -- query --format csv --no-header "SELECT count(*) FROM Projects"
    JIRASQL_CONNECT="$pgoauth" check 0 '^[0-9]+' pg-query-access-token-only -- \
      query --format csv --no-header --OAuthSettingsLocation="$pgloc&jirasql_read=access-token" "SELECT count(*) FROM Projects"
    JIRASQL_CONNECT="$pgoauth" check 2 'has a password in it.*PGPASSFILE' pg-password-refused -- \
      auth status --OAuthSettingsLocation="${pg_uri/jirasql@/jirasql:hunter2@}"
    JIRASQL_CONNECT="$pgoauth" refute pg-password-not-echoed 'hunter2' -- \
      auth status --OAuthSettingsLocation="${pg_uri/jirasql@/jirasql:hunter2@}"
    JIRASQL_CONNECT="$pgoauth" check 0 'Deleted the saved login in postgresql://' pg-logout -- auth logout
    JIRASQL_CONNECT="$pgoauth" check 1 'no saved login in postgresql://' pg-status-after -- auth status
    unset PGPASSFILE
  fi
  exec {PG[1]}>&-
  wait "$PG_PID" 2>/dev/null
fi
# Headless mistakes, each told apart (on a fresh location: no login saved).
hl="--OAuthSettingsLocation=$work/headless.json"
old_url=$(JIRASQL_CONNECT="$oauth" "$bin" auth url "$hl" 2>/dev/null)
new_url=$(JIRASQL_CONNECT="$oauth" "$bin" auth url "$hl" 2>/dev/null)
old_redirect=$("$sim" approve "$old_url" --user "$email" --password "$(val 'd["users"][0]["password"]')")
JIRASQL_CONNECT="$oauth" check 2 'belongs to an older `jirasql auth url`' exchange-older-url -- auth exchange "$hl" --code "$old_redirect"
old_code=$(python3 -c 'import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["code"][0])' "$old_redirect")
JIRASQL_CONNECT="$oauth" check 1 'belongs to another authorization URL' exchange-older-code -- auth exchange "$hl" --code "$old_code"
JIRASQL_CONNECT="$oauth" check 1 'the authorization was not given \(error=access_denied' exchange-denied -- \
  auth exchange "$hl" --code "http://localhost:33333/?error=access_denied&error_description=User%20denied&state=x"
JIRASQL_CONNECT="$oauth" refute exchange-denied-not-expiry 'no longer valid|90 days' -- \
  auth exchange "$hl" --code "http://localhost:33333/?error=access_denied&state=x"
new_redirect=$("$sim" approve "$new_url" --user "$email" --password "$(val 'd["users"][0]["password"]')")
JIRASQL_CONNECT="$oauth" check 0 'OAuth login saved in' exchange-newest -- auth exchange "$hl" --code "$new_redirect"
JIRASQL_CONNECT="$oauth" check 0 'access token:  expires in' refresh -- auth refresh
if [[ $(stat -c %a "$work/login.json") == 600 ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: login.json mode"; fi
if ! grep -q "$(val 'd["app"]["clientSecret"]')" "$work/login.json"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: client secret saved"; fi
# Tokens never show in a running process's arguments or environment, in a
# wire log at the highest verbosity, or in errors: a query kept alive by a
# slow search has its /proc entries read while it runs.
tok() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/login.json" "$1"; }
secret=$(val 'd["app"]["clientSecret"]')
curl -s -X POST -d '{"path":"/search","latencyMs":1500,"count":1}' "$base/__jirasim/faults" >/dev/null
JIRASQL_CONNECT="$oauth;Logfile=$work/wire.log;Verbosity=5" "$bin" auth refresh >/dev/null 2>&1
JIRASQL_CONNECT="$oauth;Logfile=$work/wire.log;Verbosity=5" "$bin" query "SELECT COUNT(*) FROM Issues" \
  >"$work/q.out" 2>&1 &
qpid=$!
sleep 0.7
tr '\0' '\n' <"/proc/$qpid/cmdline" >"$work/cmdline" 2>/dev/null
tr '\0' '\n' <"/proc/$qpid/environ" >"$work/environ" 2>/dev/null
wait $qpid
at_now=$(tok accessToken) rt_now=$(tok refreshToken)
leaks=0
for f in cmdline environ wire.log q.out; do
  # (the client secret is in the environment because this test put it there)
  for t in "$at_now" "$rt_now" $([[ $f == environ ]] || echo "$secret"); do
    if [[ -z $t ]] || grep -qF -- "$t" "$work/$f"; then leaks=$((leaks + 1)); echo "FAIL: a token or the client secret is in $f"; fi
  done
done
if [[ $leaks -eq 0 && -s $work/cmdline && -s $work/wire.log ]] && grep -q '< 200 POST' "$work/wire.log" && \
   grep -q 'oauth/token' "$work/wire.log"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: token leak check"; fi
JIRASQL_CONNECT="$oauth" refute refresh-error-no-token "$rt_now" -- exec RefreshOAuthAccessToken OAuthRefreshToken="$rt_now-x"
# A login the user revoked: status shows what is saved and says it is gone,
# naming the --profile in its hint.
curl -s -X POST -d "" "$base/__jirasim/revoke" >/dev/null
curl -s -X POST -d '{"seconds": 3700}' "$base/__jirasim/clock/advance" >/dev/null  # the access token expired too
printf '%s\n' "$oauth" | tr ';' '\n' >"$XDG_CONFIG_HOME/jirasql/profiles/oauth.conn"
chmod 600 "$XDG_CONFIG_HOME/jirasql/profiles/oauth.conn"
JIRASQL_CONNECT="$oauth" check 1 'OAuth login saved in' status-revoked-shows-login -- auth status --Timeout=5
JIRASQL_CONNECT="$oauth" check 1 'NO LONGER VALID' status-revoked-says-so -- auth status
JIRASQL_CONNECT="$oauth" check 1 'this saved login can no longer be used.*invalid_grant' status-revoked-why -- auth status
check 1 'jirasql --profile oauth auth login' hint-names-profile -- --profile oauth auth status
JIRASQL_CONNECT="$oauth" check 0 'offers no endpoint to revoke' logout -- auth logout
JIRASQL_CONNECT="$oauth" check 0 'No login is saved in .*; there is nothing to delete' logout-nothing -- auth logout
rm -f "$XDG_CONFIG_HOME/jirasql/profiles/oauth.conn"
JIRASQL_CONNECT="$oauth" check 1 'no saved login' status-after-logout -- auth status
JIRASQL_CONNECT="$oauth;CallbackURL=http://example.com:8080/cb" check 2 'loopback' login-remote-callback -- auth login

# the OAuth procedures (the web flow a host application runs)
JIRASQL_CONNECT="$oauth" check 0 '^URL +http://127\.0\.0\.1:[0-9]+/authorize\?audience=api\.atlassian\.com' exec-url -- \
  exec GetOAuthAuthorizationURL CallbackUrl=http://localhost:33333 State=st-42
web=$(JIRASQL_CONNECT="$oauth" "$bin" exec GetOAuthAuthorizationURL --format json State=st-web)
web_url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["URL"])' "$web")
web_verifier=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["CodeVerifier"])' "$web")
web_state=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["State"])' "$web")
[[ $web_state == st-web ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: State input not used"; }
web_code=$(python3 -c 'import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["code"][0])' \
  "$("$sim" approve "$web_url" --user "$email" --password "$(val 'd["users"][0]["password"]')")")
tokens=$(JIRASQL_CONNECT="$oauth" "$bin" exec GetOAuthAccessToken --format json AuthMode=WEB Verifier="$web_code" CodeVerifier="$web_verifier")
cloud=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["CloudId"])' "$tokens" 2>/dev/null)
[[ $cloud == "$(val 'd["sites"][0]["cloudId"]')" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: GetOAuthAccessToken WEB: $tokens"; }
rt=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["OAuthRefreshToken"])' "$tokens" 2>/dev/null)
at=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["OAuthAccessToken"])' "$tokens" 2>/dev/null)
# SQL through the OAuth gateway with the token just obtained (searches are
# POSTs that need only read:jira-work)
JIRASQL_CONNECT="$oauth;OAuthAccessToken=$at;CloudId=$cloud" check 0 '^\(3 rows\)$' query-oauth -- \
  query "SELECT ProjectKey, COUNT(*) FROM Issues GROUP BY ProjectKey"
out=$(printf '%s\n' "$rt" | JIRASQL_CONNECT="$oauth" "$bin" exec RefreshOAuthAccessToken OAuthRefreshToken=@- 2>&1)
if grep -q '^OAuthRefreshToken  *rt-' <<<"$out" && ! grep -q 'warning' <<<"$out"; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: exec input from stdin: $out"; fi
rt=$(grep '^OAuthRefreshToken' <<<"$out" | awk '{print $2}')
printf '%s\n' "$rt" >"$work/rt.txt"
out=$(JIRASQL_CONNECT="$oauth" "$bin" exec RefreshOAuthAccessToken OAuthRefreshToken=@"$work/rt.txt" 2>&1)
if grep -q '^OAuthRefreshToken  *rt-' <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: exec input from a file: $out"; fi
rt=$(grep '^OAuthRefreshToken' <<<"$out" | awk '{print $2}')
JIRASQL_CONNECT="$oauth" check 0 'warning: OAuthRefreshToken on the command line can be read by every user' exec-refresh -- \
  exec RefreshOAuthAccessToken OAuthRefreshToken="$rt"
JIRASQL_CONNECT="$oauth" check 1 'invalid_grant' exec-refresh-reused-late -- exec RefreshOAuthAccessToken OAuthRefreshToken=not-a-token
JIRASQL_CONNECT="$oauth" check 2 "did you mean 'GetOAuthAccessToken'\? \(procedures: GetOAuthAuthorizationURL, GetOAuthAccessToken, RefreshOAuthAccessToken\)" \
  exec-unknown -- exec GetOAuthAccesToken
JIRASQL_CONNECT="$oauth" check 2 "has no input 'Scopes'; did you mean 'Scope'" exec-bad-input -- exec GetOAuthAuthorizationURL Scopes=x
JIRASQL_CONNECT="$oauth" check 2 'needs OAuthRefreshToken' exec-missing-input -- exec RefreshOAuthAccessToken

# SQL: query, every output format, EXEC, -f and stdin, explain, errors
sql_conn="AuthScheme=APIToken;Url=$site;User=$email;APIToken=$token"
alpha=$(val 'd["sites"][0]["projects"][0]["key"]')
alpha_n=$(val 'd["sites"][0]["projects"][0]["issues"]')
JIRASQL_CONNECT="$sql_conn" check 0 "^$alpha +$alpha_n\$" query-table -- \
  query "SELECT ProjectKey, COUNT(*) AS n FROM Issues GROUP BY ProjectKey"
JIRASQL_CONNECT="$sql_conn" check 0 '^\(1 row\)$' query-table-count -- \
  query "SELECT COUNT(*) FROM Issues WHERE ProjectKey = '$alpha'"
out=$(JIRASQL_CONNECT="$sql_conn" "$bin" query --format csv "SELECT Key, Summary FROM Issues WHERE Key = '$alpha-1'")
if [[ $(printf '%s' "$out" | head -1) == $'Key,Summary\r' ]] && grep -q "^$alpha-1," <<<"$out"; then
  pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: csv: $out"; fi
out=$(JIRASQL_CONNECT="$sql_conn" "$bin" query --format json "SELECT Id, Key, Labels FROM Issues WHERE ProjectKey = '$alpha' LIMIT 3")
if python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert len(r)==3 and isinstance(r[0]["Id"], int) and isinstance(r[0]["Key"], str)' "$out"; then
  pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: json: $out"; fi
out=$(JIRASQL_CONNECT="$sql_conn" "$bin" query --format ndjson "SELECT Key FROM Issues WHERE ProjectKey = '$alpha' LIMIT 4")
if [[ $(wc -l <<<"$out") -eq 4 ]] && python3 -c 'import json,sys; [json.loads(l) for l in sys.argv[1].splitlines()]' "$out"; then
  pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: ndjson: $out"; fi
printf "SELECT COUNT(*) AS n FROM Projects;\n-- a comment; with a semicolon\nSELECT 'x;y' AS s;\n" >"$work/q.sql"
JIRASQL_CONNECT="$sql_conn" check 0 '^x;y$' query-file -- query -f "$work/q.sql"
out=$(JIRASQL_CONNECT="$sql_conn" "$bin" query --format csv <"$work/q.sql")
if grep -q '^3' <<<"$out" && grep -q '^x;y' <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: stdin: $out"; fi
JIRASQL_CONNECT="$sql_conn" check 0 'more rows exist' query-max-rows -- query --max-rows 2 "SELECT Key FROM Issues"
JIRASQL_CONNECT="$sql_conn" check 2 'no such column: Nope' query-bad-sql -- query "SELECT Nope FROM Issues"
JIRASQL_CONNECT="$sql_conn" check 2 "no such column: status; did you mean 'StatusName'" did-you-mean-column -- \
  query "SELECT status FROM Issues"
JIRASQL_CONNECT="$sql_conn" check 2 "no such table: Issue; did you mean 'Issues'" did-you-mean-table -- query "SELECT Key FROM Issue"
JIRASQL_CONNECT="$sql_conn" check 2 "no such column: c.Bdy; did you mean 'Body'" did-you-mean-alias -- \
  query "SELECT c.Bdy FROM Comments c WHERE c.IssueKey = 'X-1'"
JIRASQL_CONNECT="$sql_conn" check 1 'HTTP 400' query-bad-jql -- query "SELECT Key FROM Issues WHERE Jql = 'project = = x'"
JIRASQL_CONNECT="$sql_conn" check 2 'unknown output format|not in' query-bad-format -- query --format xml "SELECT 1"
JIRASQL_CONNECT="$sql_conn" check 2 'no SQL given|not both' query-two-sources -- query "SELECT 1" -f "$work/q.sql"
JIRASQL_CONNECT="$oauth" check 0 '^http://127\.0\.0\.1:[0-9]+/authorize\?.*state=st-sql' query-exec -- \
  query "EXEC GetOAuthAuthorizationURL CallbackUrl='http://localhost:33333', State='st-sql'"
JIRASQL_CONNECT="$oauth" check 2 "CallbackUrl=\\? is a parameter marker, which jirasql query has no value for" query-exec-marker -- \
  query "EXEC GetOAuthAuthorizationURL CallbackUrl=?"
JIRASQL_CONNECT="$oauth" check 0 'state=st-tvf' query-tvf -- \
  query --format csv "SELECT URL FROM GetOAuthAuthorizationURL('http://localhost:33333', NULL, 'st-tvf')"
JIRASQL_CONNECT="$sql_conn" check 0 "JQL: +project = \"$alpha\" AND created >= \"2025-01-01 10:00\"" explain-jql -- \
  explain "SELECT Key, Summary FROM Issues WHERE ProjectKey = '$alpha' AND Created >= '2025-01-01'"
JIRASQL_CONNECT="$sql_conn" check 0 'fields: +summary,project,created' explain-fields -- \
  explain "SELECT Key, Summary FROM Issues WHERE ProjectKey = '$alpha' AND Created >= '2025-01-01'"
JIRASQL_CONNECT="$sql_conn" check 0 'API calls: +[0-9]+ \(one search call per page\)' explain-calls -- \
  explain "SELECT Key FROM Issues WHERE ProjectKey = '$alpha'"
# The points estimate: a point a request plus one per issue (one thread: no id pages).
plan=$(JIRASQL_CONNECT="$sql_conn;MaxThreads=1" "$bin" explain "SELECT Key FROM Issues WHERE ProjectKey = '$alpha'")
est_issues=$(sed -n 's/^ *issues: *about \([0-9]*\).*/\1/p' <<<"$plan")
est_calls=$(sed -n 's/^ *API calls: *\([0-9]*\).*/\1/p' <<<"$plan")
est_points=$(sed -n 's/^ *points: *about \([0-9]*\) for an OAuth app.*/\1/p' <<<"$plan")
if [[ -n $est_points && $est_points -eq $((est_issues + est_calls)) ]]; then
  pass=$((pass + 1))
else
  echo "FAIL explain-points: issues $est_issues, calls $est_calls, points '$est_points'"; fail=$((fail + 1))
fi
JIRASQL_CONNECT="$sql_conn" check 0 '^### Issues$' schema-markdown -- schema --markdown
JIRASQL_CONNECT="$sql_conn" refute sql-no-secret "$token" -- query "SELECT * FROM sys_connection_props"

# explain says when Jira's estimate is not to be had, instead of leaving it out.
curl -s -X POST -d '{"path":"/approximate-count$","body":"{\"nothing\":1}"}' "$base/__jirasim/faults" >/dev/null
JIRASQL_CONNECT="$sql_conn" check 0 'issues: +unknown: Jira.s count could not be had \(POST /search/approximate-count answered without a usable "count"\)' \
  explain-estimate-unusable -- explain "SELECT Key FROM Issues WHERE ProjectKey = '$alpha'"
curl -s -X DELETE "$base/__jirasim/faults" >/dev/null
curl -s -X POST -d '{"path":"/approximate-count$","status":500}' "$base/__jirasim/faults" >/dev/null
JIRASQL_CONNECT="$sql_conn" check 0 'issues: +unknown: .*HTTP 500' explain-estimate-failed -- \
  explain "SELECT Key FROM Issues WHERE ProjectKey = '$alpha'"
curl -s -X DELETE "$base/__jirasim/faults" >/dev/null

# A failure to read the custom fields is a failure (1), not a usage error.
JIRASQL_CONNECT="AuthScheme=APIToken;Url=http://127.0.0.1:$port;User=u;APIToken=x" check 1 'cannot connect' \
  custom-fields-refused -- query --IncludeCustomFields=true --Timeout=5 "SELECT Key FROM Issues"
curl -s -X POST -d '{"path":"/field$","status":500}' "$base/__jirasim/faults" >/dev/null
JIRASQL_CONNECT="$sql_conn" check 1 'reading the custom fields \(IncludeCustomFields=true\).*HTTP 500' custom-fields-500 -- \
  query --IncludeCustomFields=true "SELECT Key FROM Issues"
curl -s -X DELETE "$base/__jirasim/faults" >/dev/null

# Nothing configured: say so and list the ways; a missing property is a
# usage error (2) from every command.
check 2 'no Jira connection is configured.*JIRASQL_CONNECT.*--profile.*jirasql_connect' nothing-status -- auth status
check 2 'no Jira connection is configured' nothing-query -- query "SELECT Key FROM Issues"
check 2 'no Jira connection is configured' nothing-login -- auth login
refute nothing-not-oauth 'OAuthClientId' -- query "SELECT Key FROM Issues"
check 0 '^\(1 row\)$' nothing-needed -- query "SELECT 1 AS n"
check 2 'needs APIToken' incomplete-query -- query --connect "AuthScheme=APIToken;Url=$site;User=u" "SELECT Key FROM Issues"
check 2 'needs APIToken' incomplete-explain -- explain --connect "AuthScheme=APIToken;Url=$site;User=u" "SELECT Key FROM Issues"
# A profile named 'default' is read when none is named; JIRASQL_PROFILE names one.
printf '# the default\nAuthScheme=APIToken  # Cloud\nUrl=%s\nUser=%s\nAPIToken=%s\n' "$site" "$email" "$token" \
  >"$XDG_CONFIG_HOME/jirasql/profiles/default.conn"
chmod 600 "$XDG_CONFIG_HOME/jirasql/profiles/default.conn"
check 0 "^Connected to $site" default-profile -- auth status
JIRASQL_PROFILE=work check 0 'Timeout = 15  \[profile\]' jirasql-profile -- props
printf 'Url=%s\nTimeout="3\n' "$site" >"$XDG_CONFIG_HOME/jirasql/profiles/broken.conn"
check 2 'in profile .*broken.conn, line 2' profile-line-number -- props --profile broken
rm -f "$XDG_CONFIG_HOME/jirasql/profiles/default.conn" "$XDG_CONFIG_HOME/jirasql/profiles/broken.conn"

# The progress line (on a terminal: `script` gives the command one) is
# cleared before results, never written to standard output, and cleared on
# Ctrl-C, which also leaves no --output file behind.
if command -v script >/dev/null; then
  tty_out=$(JIRASQL_CONNECT="$sql_conn" script -qec "'$bin' query --format csv --Pagesize=10 --MaxThreads=1 'SELECT Key FROM Issues'" /dev/null)
  if grep -q 'API call' <<<"$tty_out" && ! grep -aqE 'API calls?[^'$'\r'']' <<<"$tty_out" && grep -q "^$alpha-1" <<<"${tty_out//$'\r'/}"; then
    ok; else bad "progress line mixed with the rows: $(printf '%q' "$tty_out" | head -c 400)"; fi
  JIRASQL_CONNECT="$sql_conn" script -qec "'$bin' query --format csv --Pagesize=10 --MaxThreads=1 'SELECT Key FROM Issues' >'$work/p.csv'" /dev/null >"$work/p.tty"
  if grep -q 'API call' "$work/p.tty" && ! grep -aq $'API call\|\033' "$work/p.csv" && [[ $(wc -l <"$work/p.csv") -eq 51 ]]; then
    ok; else bad "progress line in the redirected output"; fi
  curl -s -X POST -d '{"path":"/search/jql$","latencyMs":1500}' "$base/__jirasim/faults" >/dev/null
  ( JIRASQL_CONNECT="$sql_conn" script -qec "'$bin' query --format csv --Pagesize=10 --MaxThreads=1 -o '$work/int.csv' 'SELECT Key FROM Issues'" /dev/null >"$work/int.tty" ) &
  spid=$!
  for _ in $(seq 100); do grep -q 'API call' "$work/int.tty" 2>/dev/null && break; sleep 0.05; done
  qpid=$(pgrep -f -- "-o $work/int.csv" | grep -v "^$spid\$" | while read -r p; do [[ $(cat /proc/$p/comm) == jirasql ]] && echo "$p"; done | head -1)
  [[ -n $qpid ]] && kill -INT "$qpid"
  wait $spid
  last=$(tail -c 4 "$work/int.tty" | od -An -c | tr -d ' ')
  if [[ -n $qpid && $last == '\r033[K' ]] && ! ls -A "$work" | grep -q 'int.csv'; then ok; else
    bad "Ctrl-C: pid=$qpid last bytes '$last', files: $(ls -A "$work" | grep int)"; fi
  curl -s -X DELETE "$base/__jirasim/faults" >/dev/null
fi

# Output that did not arrive is a failure (exit 1), never a success.
for args in "query|SELECT Key FROM Issues" "props|" "schema|"; do
  cmd=${args%%|*} arg=${args#*|}
  # shellcheck disable=SC2086
  err=$(JIRASQL_CONNECT="$sql_conn" "$bin" $cmd ${arg:+"$arg"} 2>&1 >/dev/full)
  rc=$?
  if [[ $rc -eq 1 ]] && grep -q 'cannot write' <<<"$err"; then ok; else bad "$cmd > /dev/full: rc=$rc: $err"; fi
done
# --output: written whole, or not at all (the previous file stays).
JIRASQL_CONNECT="$sql_conn" "$bin" query --format csv -o "$work/out.csv" "SELECT Key FROM Issues" 2>/dev/null
if [[ $? -eq 0 && $(wc -l <"$work/out.csv") -eq 51 ]]; then ok; else bad "--output csv: $(wc -l <"$work/out.csv") lines"; fi
cp "$work/out.csv" "$work/before.csv"
# (Summary: a scan of ids alone reads its id-only pages sequentially, with no bulkfetch.)
curl -s -X POST -d '{"path":"/bulkfetch$","status":500}' "$base/__jirasim/faults" >/dev/null
JIRASQL_CONNECT="$sql_conn" "$bin" query --format csv --Pagesize=2 --MaxThreads=2 -o "$work/out.csv" \
  "SELECT Key, Summary FROM Issues" 2>"$work/err"
rc=$?
if [[ $rc -eq 1 ]] && cmp -s "$work/out.csv" "$work/before.csv" && [[ -z $(ls -A "$work" | grep jirasql-) ]] &&
   grep -q 'HTTP 500' "$work/err"; then ok; else bad "failed query with --output: rc=$rc $(cat "$work/err")"; fi
# A scan that fails part way: every format says the result is not whole.
for f in table markdown json ndjson csv tsv; do
  out=$(JIRASQL_CONNECT="$sql_conn" "$bin" query --format "$f" --Pagesize=2 --MaxThreads=2 "SELECT Key, Summary FROM Issues" 2>/dev/null)
  rc=$?
  case $f in
    table|markdown) grep -q '^(incomplete: error after 2 rows)$' <<<"$out" && ! grep -q 'rows)$' <<<"${out/incomplete*/}" ;;
    json) ! python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out" 2>/dev/null ;;
    ndjson) ! python3 -c 'import json,sys; [json.loads(l) for l in sys.argv[1].splitlines()]' "$out" 2>/dev/null ;;
    csv|tsv) ! python3 -c 'import csv,io,sys; list(csv.reader(io.StringIO(sys.argv[1]), strict=True))' "$out" 2>/dev/null ;;
  esac
  if [[ $? -eq 0 && $rc -eq 1 ]]; then ok; else bad "partial $f (rc=$rc) passed for whole: $out"; fi
done
curl -s -X DELETE "$base/__jirasim/faults" >/dev/null
# A disk that fills up: a file size limit stands in for it.
(trap '' XFSZ; ulimit -f 4; JIRASQL_CONNECT="$sql_conn" "$bin" query --format csv -o "$work/big.csv" \
  "SELECT Key, Summary, Description FROM Issues" 2>"$work/err")
rc=$?
if [[ $rc -eq 1 && ! -e $work/big.csv ]] && grep -q 'cannot write' "$work/err"; then ok; else
  bad "full disk: rc=$rc $(cat "$work/err") $(ls "$work")"; fi
mkdir -p "$work/ro" && chmod 500 "$work/ro"
if [[ $(id -u) -ne 0 ]]; then
  JIRASQL_CONNECT="$sql_conn" check 1 'cannot write the --output file in' output-read-only -- query -o "$work/ro/x.csv" "SELECT 1"
fi
JIRASQL_CONNECT="$sql_conn" check 2 'is a folder' output-folder -- query -o "$work" "SELECT 1"
JIRASQL_CONNECT="$sql_conn" check 0 $'^1\r$' format-case -- query --format CSV --no-header "SELECT 1 AS n"
JIRASQL_CONNECT="$sql_conn" check 0 '^\| n +\|$' format-markdown -- query --format markdown "SELECT 1 AS n"
out=$(JIRASQL_CONNECT="$sql_conn" "$bin" query --format json "SELECT 1 AS a; SELECT 2 AS b, 3 AS b")
if python3 -c 'import json,sys; assert json.loads(sys.argv[1]) == [[{"a": 1}], [{"b": 2, "b_2": 3}]]' "$out"; then ok; else
  bad "several statements as one JSON document: $out"; fi

# jirasim stops cleanly on SIGTERM
kill -TERM $sim_pid
wait $sim_pid
rc=$?
if [[ $rc -eq 0 ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: jirasim exited $rc on SIGTERM"; fi

echo "cli_test: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
