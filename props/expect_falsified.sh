#!/usr/bin/env bash
# expect_falsified.sh -- negative control: run a property-test executable
# built against a deliberately broken library (src/mutants.h) and succeed
# only if it fails *because RapidCheck found a falsifying command sequence*
# (not because it crashed, hung or could not start).
#
#   expect_falsified.sh EXECUTABLE [gtest args...]
set -uo pipefail
exe="$1"; shift
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
# No shrinking: we only need to know that a counterexample exists.
RC_PARAMS="${RC_CONTROL_PARAMS:-noshrink=1 max_success=1000 max_size=60}" "$exe" "$@" >"$out" 2>&1
rc=$?
grep -m1 -A3 "Falsifiable" "$out" | head -4
awk '/^RC_FAIL\(/ {f = 1; next} f && NF {print "  failed check: " $0; exit}' "$out"
grep -E "RC_PARAMS=|seed" "$out" | head -2
if [ "$rc" -eq 0 ]; then echo "control: $exe PASSED: the property suite did not catch this mutant"; exit 1; fi
if ! grep -q "Falsifiable" "$out"; then
  echo "control: $exe failed (exit $rc) without a falsifying case:"; tail -20 "$out"; exit 1
fi
echo "control: caught (exit $rc, falsifying case found)"
