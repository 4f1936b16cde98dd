#!/usr/bin/env bash
# The ODBC driver from R (RODBC) against jirasim: rodbc_test.R compares what
# R reads with what the jirasql command reads of the same site.
#   rodbc_test.sh JIRASIM JIRASQL LIBJIRASQLODBC
set -euo pipefail
jirasim=$1 jirasql=$2 driver=$3
work=$(mktemp -d)
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; rm -rf "$work"' EXIT
"$jirasim" --issues 80 --port 0 >"$work/sim.json" 2>/dev/null &
sim=$!
for _ in $(seq 300); do
  /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/sim.json" 2>/dev/null && break
  sleep 0.1
done
field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/sim.json" "$1"; }
url=$(field 'd["sites"][0]["url"]')
email=$(field 'd["users"][0]["email"]')
token=$(field 'd["users"][0]["apiToken"]')
export ODBCSYSINI=$work ODBCINI=$work/odbc.ini XDG_CONFIG_HOME=$work/config TZ=UTC
: >"$work/odbcinst.ini"
: >"$work/odbc.ini"
export JIRASQL_CONNECT="AuthScheme=APIToken;Url=$url;User=$email;APIToken=$token"
q() { "$jirasql" query --format csv "$1" >"$work/$2"; }
q "SELECT Id, Key, Summary, Created, DueDate, TimeSpentSeconds FROM Issues ORDER BY Id" issues.csv
q "SELECT count(*) AS n FROM sys_tables WHERE TableName NOT IN (SELECT ProcedureName FROM sys_procedures)" tables.csv
q "SELECT ColumnName FROM sys_tablecolumns WHERE TableName = 'Issues' AND IsHidden = 0 ORDER BY Ordinal" \
  columns.csv
# The token reaches R as an argument of a test process on a loopback-only
# jirasim: not a secret of anyone's.
Rscript "$(dirname "$0")/rodbc_test.R" \
  "DRIVER=$driver;AuthScheme=APIToken;Url=$url;UID=$email;PWD=$token" "$work"
