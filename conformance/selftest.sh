#!/usr/bin/env bash
# selftest.sh RUNNER CPP_ADAPTER: checks the runner's own mechanics with the
# C++ reference adapter: --list/--run/--skip, the expected-failure list (a
# listed failure is tolerated, a listed pass fails the run, a listed unknown
# case fails the run, a reason is required), the per-case timeout, the
# summary line and the JUnit report.
set -uo pipefail
runner="$1"; adapter="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAILED: $*"; fails=$((fails + 1)); }
run() { "$runner" "$@" >"$tmp/out" 2>&1; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }
last() { tail -n 1 "$tmp/out"; }

one=script/keys/key_64_bytes_too_long
# --list, --run, --skip
total=$("$runner" --list | wc -l)
n=$("$runner" --list --run 'script/keys/*' --skip embedded_nul | wc -l)
keys=$("$runner" --list --run 'script/keys/*' | wc -l)
[ "$total" -gt 100 ] && [ "$n" -eq $((keys - 1)) ] && ok "--list/--run/--skip select ($total cases, $keys keys)" \
  || bad "--list/--run/--skip: total $total, keys $keys, keys minus one $n"

# Every case belongs to a guarantee class the runner knows (runner/classes.cpp).
known="keys values table epochs lifetime roles waiting durability checks resources model feed history expiry prepared format damaged"
stray=$("$runner" --list | awk -F'\t' -v known=" $known " 'index(known, " " $2 " ") == 0 {print $1 " (" $2 ")"}')
[ -z "$stray" ] && ok "every case has a guarantee class" || bad "cases without a known class: $stray"

# Every deliberately broken mode of the reference adapter is a negative control
# (a ctest in CMakeLists.txt, through negative_control.sh): a broken variant no
# control runs proves nothing.
modes=$("$adapter" --broken list 2>&1 | sed -n 's/.*--broken \([^]]*\)\].*/\1/p' | tr '|' ' ')
cmake_file="$(dirname "$0")/CMakeLists.txt"
unchecked=""
for m in $modes; do
  grep -Eq "(splc_negative\($m |--broken $m\")" "$cmake_file" || unchecked="$unchecked $m"
done
[ -n "$modes" ] && [ -z "$unchecked" ] && ok "every --broken mode has a negative control ($(wc -w <<<"$modes") modes)" \
  || bad "--broken modes without a negative control in CMakeLists.txt:${unchecked:- (no modes found)}"

# A clean run: exit 0, summary last line, skipped count, JUnit report.
run --adapter "$adapter" --run "$one" --junit "$tmp/r.xml" --json "$tmp/r.json"
[ "$(rc)" -eq 0 ] && [[ "$(last)" =~ ^1\ passed,\ 0\ failed,\ [0-9]+\ skipped$ ]] && ok "summary line: $(last)" \
  || bad "clean run: status $(rc), last line '$(last)'"
python3 - "$tmp/r.xml" <<'PY' && ok "JUnit report parses" || bad "JUnit report"
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
assert s.get("tests") == "1" and s.get("failures") == "0", s.attrib
assert s.get("name") == "keys", s.attrib
assert s.find("testcase").get("name") == "script/keys/key_64_bytes_too_long"
PY
python3 - "$tmp/r.json" <<'PY' && ok "JSON summary parses" || bad "JSON summary"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["passed"] == 1 and d["failed"] == 0, d
keys = [c for c in d["classes"] if c["class"] == "keys"][0]
assert keys["passed"] == 1 and keys["run"] == 1 and keys["level"] == 1, keys
assert [c["name"] for c in d["cases"] if c["verdict"] == "PASS"] == ["script/keys/key_64_bytes_too_long"], d["cases"]
assert {l["name"] for l in d["levels"]} == {"binding", "format"}, d["levels"]
PY

# A listed case that passes fails the run.
printf '# list\n%s  listed on purpose\n' "$one" >"$tmp/xpass.txt"
run --adapter "$adapter" --run "$one" --expected "$tmp/xpass.txt"
[ "$(rc)" -eq 1 ] && grep -q "listed as expected failure, but passed" "$tmp/out" && ok "listed pass fails the run" \
  || bad "listed pass: status $(rc)"

# A listed case that fails is tolerated and counted.
run --adapter "$adapter --broken wrong-status" --run "$one" --expected "$tmp/xpass.txt"
[ "$(rc)" -eq 0 ] && grep -q "^1 expected failures" "$tmp/out" && ok "listed failure tolerated" \
  || bad "listed failure: status $(rc)"
# ... but an unlisted failure is not.
run --adapter "$adapter --broken wrong-status" --run "$one"
[ "$(rc)" -eq 1 ] && [[ "$(last)" =~ ^0\ passed,\ 1\ failed ]] && ok "unlisted failure fails the run" \
  || bad "unlisted failure: status $(rc), '$(last)'"

# A listed name that is no case fails the run; a line without a reason is refused.
printf 'no/such/case  stale entry\n' >"$tmp/stale.txt"
run --adapter "$adapter" --run "$one" --expected "$tmp/stale.txt"
[ "$(rc)" -eq 1 ] && grep -q "no/such/case (in" "$tmp/out" && ok "stale list entry fails the run" || bad "stale entry: $(rc)"
printf '%s\n' "$one" >"$tmp/noreason.txt"
run --adapter "$adapter" --run "$one" --expected "$tmp/noreason.txt"
[ "$(rc)" -eq 2 ] && ok "entry without a reason refused" || bad "entry without reason: status $(rc)"

# Per-case timeout: an adapter that answers one line, then hangs.
cat >"$tmp/hang.sh" <<'SH'
#!/bin/sh
read line
echo '{"id":1,"status":"OK","adapter":"hang","library":"none"}'
exec sleep 600
SH
chmod +x "$tmp/hang.sh"
start=$(date +%s)
run --adapter "$tmp/hang.sh" --run script/epochs/one_per_mutation --timeout 2
took=$(( $(date +%s) - start ))
[ "$(rc)" -eq 1 ] && grep -q "timed out after 2 s" "$tmp/out" && [ "$took" -lt 20 ] && ok "per-case timeout (${took}s)" \
  || bad "timeout: status $(rc), ${took}s"

# Adapters that misbehave after a good "hello": each must fail the case, with
# a message that says what happened, the transcript, and the adapter's stderr.
cat >"$tmp/fake.py" <<'PY'
import json, os, signal, sys, time
mode = sys.argv[1]
# Written before the first request is read, so it is in the stderr file before anything goes wrong.
print("fake adapter (" + mode + ") started", file=sys.stderr, flush=True)
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"id": req["id"], "status": "OK", "adapter": "fake-" + mode, "library": "none",
                          "pid": os.getpid(), "format_version": 3}), flush=True)
        continue
    if mode == "ok-to-all":
        print(json.dumps({"id": req["id"], "status": "OK"}), flush=True)
        continue
    if mode == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "hang":
        signal.pause()
    elif mode == "garbage":
        print("this is not JSON", flush=True)
    elif mode == "wrong-id":
        print(json.dumps({"id": req["id"] + 1000, "status": "OK"}), flush=True)
    time.sleep(600)
PY
misbehaves() {  # misbehaves MODE EXTRA_ARGS EXPECTED_MESSAGE_REGEX
  local mode="$1" args="$2" want="$3"
  # shellcheck disable=SC2086
  run --adapter "python3 -S $tmp/fake.py $mode" --run "$one" $args
  if [ "$(rc)" -eq 1 ] && grep -q "^FAIL  $one" "$tmp/out" && grep -Eq "$want" "$tmp/out" &&
     grep -q "transcript" "$tmp/out" && grep -q '"op":"create"' "$tmp/out" &&
     grep -q "fake adapter ($mode) started" "$tmp/out"; then
    ok "adapter that misbehaves ($mode): reported with its message, transcript and stderr"
  else
    bad "adapter that misbehaves ($mode): status $(rc)"; sed 's/^/    /' "$tmp/out" | head -40
  fi
}
misbehaves crash "" "killed by signal Segmentation fault"
misbehaves garbage "" "wrote a line that is not JSON: this is not JSON"
misbehaves wrong-id "" "answered id [0-9]+ while request [0-9]+ was outstanding"
# (bounds of a few seconds: the fake must start and answer "hello" within them)
misbehaves hang "--answer-timeout 5000" "did not answer request [0-9]+ within 5000 ms"
misbehaves hang "--timeout 8" "timed out after 8 s"

# A failed step in a case that forked a helper (here the reference writer of
# process/adapter_takes_over_from_killed_reference, when a second writer's open
# answers OK instead of BUSY) fails at once with its message: the helper is
# killed on the way out, the case does not hang until its timeout.
run --adapter "python3 -S $tmp/fake.py ok-to-all" --run process/adapter_takes_over_from_killed_reference --timeout 60
if [ "$(rc)" -eq 1 ] && grep -q 'writer open while the reference writes' "$tmp/out" && ! grep -q "timed out" "$tmp/out"; then
  ok "a failed step with a forked helper reports its message, no timeout"
else
  bad "failed step with a forked helper: status $(rc)"; sed 's/^/    /' "$tmp/out" | head -20
fi

# An adapter that cannot start is a usage error, not a pass.
run --adapter /nonexistent/adapter --run "$one"
[ "$(rc)" -eq 2 ] && ok "unusable adapter: status 2" || bad "unusable adapter: status $(rc)"

echo "$fails failed"
[ "$fails" -eq 0 ]
