#!/usr/bin/env bash
# negative_control.sh RUNNER ADAPTER_COMMAND RUN_PATTERN CASE...
#
# Runs the suite (the cases matching RUN_PATTERN; '*' for all) against a
# deliberately broken adapter or library, and passes only if the run fails
# (exit status 1, not a usage or start-up error) and each named CASE is among
# the failures: proof that the suite catches that bug. Extra environment
# (e.g. SPLINTER_LIBRARY pointing at a mutant library) is passed through;
# SPLC_RUNNER_ARGS adds runner options (e.g. a shorter --answer-timeout, so
# that a control whose case fails by waiting out the answer bound is cheap).
set -uo pipefail
runner="$1"; adapter="$2"; pattern="$3"; shift 3
# shellcheck disable=SC2086  # SPLC_RUNNER_ARGS is a list of options
out="$("$runner" --adapter "$adapter" --run "$pattern" --timeout 60 ${SPLC_RUNNER_ARGS:-} 2>&1)"
rc=$?
grep -E '^(FAIL|FAILED:|[0-9]+ passed)' <<<"$out" | head -40
if [ "$rc" -ne 1 ]; then
  echo "negative control: expected the run to fail with status 1, got $rc"
  tail -20 <<<"$out"
  exit 1
fi
missing=0
for c in "$@"; do
  if ! grep -q -E "^FAIL +$c( |\$)" <<<"$out"; then
    echo "negative control: case $c did not fail, but it must catch this deliberate bug"
    missing=1
  fi
done
[ "$missing" -eq 0 ] && echo "negative control: caught, as it must be ($*)"
exit "$missing"
