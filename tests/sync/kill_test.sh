#!/usr/bin/env bash
# A sync killed at any instant (SIGKILL, again and again, at random points)
# leaves the mirror consistent — every project's issues as its last commit
# left them, its row in jirasql_sync_state saying so — and the next run
# catches up: the mirror then equals Jira's data.
#   kill_test.sh JIRASIM JIRASQL
set -euo pipefail
jirasim=$1 jirasql=$2
# shellcheck source=tests/odbc/jirasim.sh
source "$(dirname "$0")/../odbc/jirasim.sh"
start_jirasim "$jirasim" 12000
export JIRASQL_CONNECT="AuthScheme=APIToken;Url=$url;User=$email;APIToken=$token"
mirror=$work/mirror.db

# The mirror is consistent: SQLite's own check, and per project the state
# row counts what the Issues table holds (both written in one transaction).
check() {
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
for delay in 0.05 0.3 0.5 0.7 0.9 1.1 0.2 1.4; do
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
want=$("$jirasql" query --format csv --no-header "SELECT count(*), sum(Id) FROM Issues")
got=$("$jirasql" query --mirror "$mirror" --format csv --no-header "SELECT count(*), sum(Id) FROM Issues")
[[ "$want" == "$got" ]] || { echo "FAIL: Jira has $want, the mirror $got"; exit 1; }
want=$("$jirasql" query --format csv --no-header "SELECT count(*), sum(Id) FROM Comments")
got=$("$jirasql" query --mirror "$mirror" --format csv --no-header "SELECT count(*), sum(Id) FROM Comments")
[[ "$want" == "$got" ]] || { echo "FAIL: Jira has $want comments, the mirror $got"; exit 1; }
echo "sync_kill: ok"
