#!/usr/bin/env bash
# The ODBC driver from R (RODBC) against jirasim: rodbc_test.R compares what
# R reads with what the jirasql command reads of the same site.
#   rodbc_test.sh JIRASIM JIRASQL LIBJIRASQLODBC
set -euo pipefail
jirasim=$1 jirasql=$2 driver=$3
# shellcheck source=tests/odbc/jirasim.sh
source "$(dirname "$0")/jirasim.sh"
start_jirasim "$jirasim" 80
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
