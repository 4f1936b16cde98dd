#!/usr/bin/env bash
# The floors of src/, lowest first: a component may include its own headers
# and those of the floors below it, never one above (the build enforces it
# too: each component sees only the include folders of its floors). Tests
# (*_test.cc) may include anything.
set -u
cd "$(dirname "$0")/../src"
floors=(common connstr http auth jira sql cli)
fail=0
for i in "${!floors[@]}"; do
  comp=${floors[$i]}
  above=("${floors[@]:$((i + 1))}")
  [[ ${#above[@]} -eq 0 ]] && continue
  pattern="#include \"($(IFS='|'; echo "${above[*]}"))/"
  while IFS= read -r hit; do
    echo "FAIL: $comp includes a floor above it: $hit"
    fail=1
  done < <(grep -nE "$pattern" "$comp"/*.h "$comp"/*.cc 2>/dev/null | grep -v '_test\.cc:')
done
# jirasim stands in for Atlassian: it uses the product's common/ only, so
# that a bug in the product is not copied into the emulator.
while IFS= read -r hit; do
  echo "FAIL: jirasim includes the product beyond common/: $hit"
  fail=1
done < <(grep -nE '#include "(connstr|http|auth|jira|sql|cli)/' ../sim/*.h ../sim/*.cc 2>/dev/null | grep -v '_test\.cc:')
[[ $fail -eq 0 ]] && echo "layers: ok"
exit $fail
