#!/usr/bin/env bash
# check.sh -- model-check a Promela model of props/spin with SPIN, exhaustively.
#
#   check.sh pass|fail WORKDIR [MODEL.pml] [--expect REGEX] [-DNAME=VALUE ...]
#
# MODEL.pml: a file of this directory (default protocol.pml).
# Generates pan.c in WORKDIR (never in the source tree), compiles it in
# safety mode (assertions + invalid end states) and runs a full search.
#   pass: exits 0 when the search completed with 0 errors.
#   fail: exits 0 when SPIN found a counterexample (a negative control: the
#         model variant selected by the -D flags has a known bug); prints the
#         trail's last steps. A variant that passes is a failure of the check.
#         With --expect, the violation pan reports (the text of the failed
#         assertion, or "invalid end state") must match REGEX: the control
#         must be caught by the property it is for, not by another.
# Memory is capped (MEMLIM, MB; default 1500) so an oversized model fails
# loudly instead of exhausting the machine; an incomplete search never passes.
set -euo pipefail
expect="$1"; work="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
name=protocol.pml
case "${1:-}" in *.pml) name="$1"; shift ;; esac
model="$here/$name"
want=""
if [ "${1:-}" = --expect ]; then want="$2"; shift 2; fi
mkdir -p "$work"
cd "$work"
rm -f pan pan.* ./*.trail
echo "spin -a $* $model   (in $work)"
spin -a "$@" "$model" >spin.out 2>&1 || { cat spin.out; exit 1; }
# A counterexample is found early: compile fast (-O0). A full search: -O1.
opt=-O1; [ "$expect" = fail ] && opt=-O0
cc $opt -DSAFETY -DMEMLIM="${MEMLIM:-1500}" -w -o pan pan.c
set +e
nice -n 10 ./pan -m200000 >pan.out 2>&1
set -e
grep -E "^pan:|errors:|states, stored|elapsed time|Search not completed" pan.out || true
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.out | head -1)
[ -n "$errors" ] || { echo "check.sh: no result from pan"; cat pan.out; exit 1; }
case "$expect" in
  pass)
    if grep -q "Search not completed" pan.out; then echo "check.sh: search incomplete"; exit 1; fi
    [ "$errors" -eq 0 ] || { spin -t -k $name.trail -p "$@" "$model" | tail -40; echo "check.sh: counterexample above"; exit 1; }
    echo "check.sh: verified, no counterexample";;
  fail)
    [ "$errors" -gt 0 ] || { echo "check.sh: the buggy variant was NOT caught"; exit 1; }
    if [ -n "$want" ]; then
      why=$(grep -E "^pan:1: " pan.out | head -1)
      echo "$why" | grep -qE "$want" || { echo "check.sh: caught, but not by the expected property ($want)"; exit 1; }
      echo "check.sh: caught by the expected property ($want)"
    fi
    echo "check.sh: counterexample found as expected; its last steps:"
    spin -t -k $name.trail -p "$@" "$model" 2>&1 | grep -E "^ *[0-9]+:\s+proc" | tail -15;;
  *) echo "usage: check.sh pass|fail WORKDIR [MODEL.pml] [--expect REGEX] [-D...]"; exit 2;;
esac
