#!/usr/bin/env bash
# replicate.sh -- publish / follow through a JetStream KV bucket on a
# nats-server started here (127.0.0.1, free port, temporary file store).
#  1. convergence: 10,000 random sets/unsets on the leader; two followers
#     (a memory bus and a file bus) end equal to it, key for key;
#  2. faults, each ending converged: publisher SIGKILLed mid-stream and
#     restarted after more changes (status shows the lag; it resumes from
#     the progress recorded in the bucket);
#     follower SIGKILLed and restarted; nats-server stopped and restarted
#     (file store); a follower started after the leader's changes;
#  3. values larger than the server's max_payload: a clear error at start;
#  4. negative controls: a publisher and a follower that each drop one
#     change (--test-drop-key) must be caught by the comparison.
source "$(dirname "$0")/lib.sh"
lead="bridge-lead-$$"; fa="bridge-fa-$$"
new_shm "$lead" --slots 4096 --max-value 512 --change-ring 4096
SHMS+=("$fa")  # created by its follower
LEAD="shm:$lead"; FA="shm:$fa"; FB="file:$TMP/fb.bus"
start_nats
note "nats-server on $NATS_URL"

# exec: run in the background, $! is the bridge itself (so kill -KILL reaches it)
pub() { exec "${BIN:-$BRIDGE}" publish --bus "$LEAD" --bucket "$1" --nats "$NATS_URL" "${@:2}"; }
fol() { exec "${BIN:-$BRIDGE}" follow --bucket "$1" --bus "$2" --nats "$NATS_URL" --flush-interval 200ms "${@:3}"; }

note "convergence: 10,000 random changes, two followers"
pub main 2>"$TMP/p1.log" & p=$!; PIDS+=("$p")
fol main "$FA" 2>"$TMP/fa1.log" & a=$!; PIDS+=("$a")
fol main "$FB" 2>"$TMP/fb.log" & b=$!; PIDS+=("$b")
"$KIT" churn "$LEAD" 10000 3 >/dev/null
converge "$LEAD" main "$TMP/fa1.log" "$TMP/fb.log"
same_contents "$LEAD" "$FA" || fail "follower A (memory) differs from the leader"
same_contents "$LEAD" "$FB" || fail "follower B (file) differs from the leader"

note "fault: publisher SIGKILLed mid-stream, restarted: resumes from its recorded progress"
e0=$(status_field "$LEAD" main published_epoch)
"$KIT" churn "$LEAD" 4000 4 >/dev/null & churn=$!
wait_until "the publisher publishes" published_above "$LEAD" main $((e0 + 200))
kill -KILL "$p"; wait "$p" 2>/dev/null || true
wait "$churn"
"$KIT" churn "$LEAD" 1000 40 >/dev/null  # changes made while no publisher runs
lag=$(status_field "$LEAD" main lag_epochs); secs=$(status_field "$LEAD" main lag_seconds)
[ "$lag" -gt 0 ] || fail "status: lag_epochs is '$lag' with changes unpublished"
python3 -c "import sys; sys.exit(0 if float('$secs') > 0 else 1)" || fail "status: lag_seconds is '$secs' with changes unpublished"
pub main 2>"$TMP/p2.log" & p=$!; PIDS+=("$p")
converge "$LEAD" main "$TMP/fa1.log" "$TMP/fb.log"
grep -q '"msg":"resuming"' "$TMP/p2.log" || fail "the restarted publisher did not resume from its progress"
if grep -q '"reason":"start"' "$TMP/p2.log"; then fail "the restarted publisher resynchronised instead of resuming"; fi
same_contents "$LEAD" "$FA" || fail "after a publisher restart, follower A differs"

note "fault: follower SIGKILLed mid-stream, restarted: catches up from the bucket"
"$KIT" churn "$LEAD" 3000 5 >/dev/null & churn=$!
wait_until "follower A applies" grep -q '"msg":"caught up"' "$TMP/fa1.log"
kill -KILL "$a"; wait "$a" 2>/dev/null || true
wait "$churn"
"$KIT" churn "$LEAD" 1000 6 >/dev/null
fol main "$FA" 2>"$TMP/fa2.log" & a=$!; PIDS+=("$a")
converge "$LEAD" main "$TMP/fa2.log" "$TMP/fb.log"
same_contents "$LEAD" "$FA" || fail "after a follower restart, follower A differs"
same_contents "$LEAD" "$FB" || fail "after a follower restart, follower B differs"

note "fault: nats-server stopped and restarted (file store) while the leader changes"
stop_nats
"$KIT" churn "$LEAD" 2000 7 >/dev/null
start_nats
converge "$LEAD" main "$TMP/fa2.log" "$TMP/fb.log"
same_contents "$LEAD" "$FA" || fail "after a server restart, follower A differs"
same_contents "$LEAD" "$FB" || fail "after a server restart, follower B differs"

note "a follower started after $(("$("$KIT" epoch "$LEAD")")) changes"
fc="bridge-fc-$$"; SHMS+=("$fc")
fol main "shm:$fc" 2>"$TMP/fc.log" & c=$!; PIDS+=("$c")
converge "$LEAD" main "$TMP/fc.log"
same_contents "$LEAD" "shm:$fc" || fail "the late follower differs"

note "negative control: a publisher dropping one change is caught"
BIN=$BRIDGE_CONTROLS pub ctl --test-drop-key victim 2>"$TMP/pctl.log" & q=$!; PIDS+=("$q")
fd="bridge-fd-$$"; SHMS+=("$fd")
fol ctl "shm:$fd" 2>"$TMP/fd.log" & d=$!; PIDS+=("$d")
wait_until "the control publisher resynchronised" grep -q '"msg":"resynchronised"' "$TMP/pctl.log"
wait_until "the control follower caught up" grep -q '"msg":"caught up"' "$TMP/fd.log"
"$CTL" --shm "$lead" set victim v >/dev/null
converge "$LEAD" ctl "$TMP/fd.log"
grep -q 'dropping a change' "$TMP/pctl.log" || fail "negative control: the publisher did not drop the change"
if same_contents "$LEAD" "shm:$fd"; then fail "negative control: the publisher's dropped change went unnoticed"; fi

note "negative control: a follower dropping one change is caught"
fe="bridge-fe-$$"; SHMS+=("$fe")
BIN=$BRIDGE_CONTROLS fol main "shm:$fe" --test-drop-key victim2 2>"$TMP/fe.log" & f=$!; PIDS+=("$f")
wait_until "the control follower caught up" grep -q '"msg":"caught up"' "$TMP/fe.log"
"$CTL" --shm "$lead" set victim2 v >/dev/null
converge "$LEAD" main "$TMP/fe.log" "$TMP/fa2.log"
grep -q 'dropping a change' "$TMP/fe.log" || fail "negative control: the follower did not drop the change"
if same_contents "$LEAD" "shm:$fe"; then fail "negative control: the follower's dropped change went unnoticed"; fi
same_contents "$LEAD" "$FA" || fail "follower A differs at the end"

note "values above the server's max_payload: a clear error at start (exit 2)"
stop_nats
printf 'max_payload: 1024\n' >"$TMP/small.conf"
start_nats -c "$TMP/small.conf"
big="bridge-big-$$"; new_shm "$big" --slots 16 --max-value 4096
rc=0; "$BRIDGE" publish --bus "shm:$big" --bucket big --nats "$NATS_URL" 2>"$TMP/big.log" || rc=$?
[ "$rc" = 2 ] || fail "publish with values above max_payload exited $rc, not 2"
grep -q "max_payload is 1024" "$TMP/big.log" || fail "the max_payload error does not say why: $(cat "$TMP/big.log")"
note "replicate: ok"
