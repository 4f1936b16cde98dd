#!/usr/bin/env bash
# A sync killed at any instant (SIGKILL, again and again, at random points)
# leaves the mirror consistent — every project's issues as its last commit
# left them, its row in jirasql_sync_state saying so — and the next run
# catches up: the mirror then equals Jira's data. With PG_TEST_SERVER, the
# same for a mirror in PostgreSQL (a throwaway server).
#   kill_test.sh JIRASIM JIRASQL [PG_TEST_SERVER]
set -euo pipefail
jirasim=$1 jirasql=$2 pg_server=${3:-}
# shellcheck source=tests/odbc/jirasim.sh
source "$(dirname "$0")/../odbc/jirasim.sh"
start_jirasim "$jirasim" 12000
export JIRASQL_CONNECT="AuthScheme=APIToken;Url=$url;User=$email;APIToken=$token"
mirror=$work/mirror.db

if [[ -n "$pg_server" ]]; then
  coproc PG { "$pg_server"; }
  read -r pg_uri pg_pass <&"${PG[0]}"
  [[ -n "${pg_uri:-}" ]] || { echo "FAIL: pg_test_server did not start"; exit 1; }
  export PGPASSFILE=$pg_pass
  mirror="$pg_uri?jirasql_schema=killed"
fi

# What the mirror holds, as "TABLE count sum(id)" (one line per table).
held() {
  if [[ -n "$pg_server" ]]; then
    for t in issues comments; do
      echo "$t $(psql "$pg_uri" -XAtq -F ' ' -c "SELECT count(*), coalesce(sum(id), 0) FROM killed.$t")"
    done
  else
    for t in Issues Comments; do
      echo "${t,,} $("$jirasql" query --mirror "$mirror" --format csv --no-header "SELECT count(*), sum(Id) FROM $t" |
        tr -d '\r' | tr , ' ')"
    done
  fi
}

# The mirror is consistent: per project the state row counts what the
# Issues table holds (both written in one transaction), no child row lacks
# its issue (and SQLite's own check). Prints how many projects are synced.
check() {
  if [[ -n "$pg_server" ]]; then
    if [[ $(psql "$pg_uri" -XAtq -c "SELECT to_regclass('killed.jirasql_sync_state') IS NULL") == t ]]; then
      echo 0
      return
    fi
    local verdict
    verdict=$(psql "$pg_uri" -XAtq -v ON_ERROR_STOP=1 -c "
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM killed.jirasql_sync_state s
               WHERE s.issues <> (SELECT count(*) FROM killed.issues i WHERE i.projectkey = s.projectkey))
    THEN 'a state row counts other than the issues its project holds'
  WHEN EXISTS (SELECT 1 FROM killed.comments c WHERE NOT EXISTS (SELECT 1 FROM killed.issues i WHERE i.id = c.issueid))
    OR EXISTS (SELECT 1 FROM killed.worklogs c WHERE NOT EXISTS (SELECT 1 FROM killed.issues i WHERE i.id = c.issueid))
    OR EXISTS (SELECT 1 FROM killed.issuechangelogs c
               WHERE NOT EXISTS (SELECT 1 FROM killed.issues i WHERE i.id = c.issueid))
    THEN 'child rows without their issue'
  ELSE (SELECT count(*)::text FROM killed.jirasql_sync_state) END")
    [[ $verdict =~ ^[0-9]+$ ]] || { echo "FAIL: $verdict" >&2; return 1; }
    echo "$verdict"
    return
  fi
  /usr/bin/python3 - "$mirror" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
tables = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
if "jirasql_sync_state" in tables:
    for project, n in db.execute("SELECT ProjectKey, Issues FROM jirasql_sync_state"):
        have = db.execute("SELECT count(*) FROM Issues WHERE ProjectKey = ?", (project,)).fetchone()[0]
        assert have == n, f"{project}: state says {n} issues, the mirror holds {have}"
    # No child row without its issue.
    for t in ("Comments", "Worklogs", "IssueChangelogs"):
        orphans = db.execute(f"SELECT count(*) FROM {t} WHERE IssueId NOT IN (SELECT Id FROM Issues)").fetchone()[0]
        assert orphans == 0, f"{t}: {orphans} rows without their issue"
    print(db.execute("SELECT count(*) FROM jirasql_sync_state").fetchone()[0])
else:
    print(0)
PY
}

kills=0 partial=0
delays="0.05 0.3 0.5 0.7 0.9 1.1 0.2 1.4"
# PostgreSQL: later too, into the sending of a project's rows and past it.
[[ -n "$pg_server" ]] && delays="0.3 1.3 0.9 1.6 0.6 1.9 1.1 2.3 0.4 2.8"
for delay in $delays; do
  "$jirasql" sync --to "$mirror" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  synced=$(check)
  # Some projects committed, not all: a run that was cut short kept them.
  [[ $synced -gt 0 && $synced -lt 3 ]] && partial=$((partial + 1))
done
echo "killed $kills syncs ($partial left some projects synced); the mirror stayed consistent"
[[ $kills -ge 4 ]] || { echo "FAIL: too few syncs were killed mid-run ($kills)"; exit 1; }

# Catching up: then the mirror holds what Jira holds.
"$jirasql" sync --to "$mirror" >/dev/null
[[ $(check) -eq 3 ]] || { echo "FAIL: not every project synced"; exit 1; }
for t in Issues Comments; do
  want=$("$jirasql" query --format csv --no-header "SELECT count(*), sum(Id) FROM $t" | tr -d '\r' | tr , ' ')
  got=$(held | grep "^${t,,} " | cut -d' ' -f2-)
  [[ "$want" == "$got" ]] || { echo "FAIL: Jira's $t: $want, the mirror's: $got"; exit 1; }
done
echo "sync_kill${pg_server:+ (PostgreSQL)}: ok"
