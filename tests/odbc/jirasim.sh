# shellcheck shell=bash disable=SC2034  # sets variables for the script that sources it
# Sourced by the ODBC client tests: start_jirasim JIRASIM ISSUES starts a
# jirasim of the test's own in a fresh folder $work (both gone at exit) and
# sets $url, $email and $token (site 1, user 1), with field EXPR to read more
# of the JSON it printed.
start_jirasim() {
  work=$(mktemp -d)
  trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; rm -rf "$work"' EXIT
  "$1" --issues "$2" --port 0 >"$work/sim.json" 2>/dev/null &
  sim=$!
  for _ in $(seq 300); do
    /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/sim.json" 2>/dev/null && break
    sleep 0.1
  done
  url=$(field 'd["sites"][0]["url"]')
  email=$(field 'd["users"][0]["email"]')
  token=$(field 'd["users"][0]["apiToken"]')
}
field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/sim.json" "$1"; }
