#!/usr/bin/env bash
# mirror.sh -- `splinter-bridge mirror`: a memory bus onto a file bus.
#  1. the mirror follows 5,000 random changes and is SIGKILLed mid-stream;
#     restarted, it resynchronises, and after SIGTERM the file validates
#     clean (`splinterctl check`) and equals the source;
#  2. a mirror stopped (SIGSTOP) while the source's feed wraps resumes with
#     a resynchronisation (COMPACTED) and converges;
#  3. --once copies and exits; a smaller target is refused (exit 2), a bad
#     address is a usage error (exit 64);
#  4. negative control: a mirror that drops one change (--test-drop-key)
#     ends different from the source, and the comparison says so.
source "$(dirname "$0")/lib.sh"
src="bridge-mirror-$$"
new_shm "$src" --slots 2048 --max-value 512 --change-ring 1024
SRC="shm:$src"
DST="file:$TMP/mirror.bus"

note "mirror: follows changes; SIGKILL mid-stream; restart converges"
"$BRIDGE" mirror --from "$SRC" --to "$DST" --flush-interval 200ms 2>"$TMP/m1.log" & m=$!; PIDS+=("$m")
wait_until "the first mirror resynchronised" grep -q '"msg":"resynchronised"' "$TMP/m1.log"
"$KIT" churn "$SRC" 5000 1 >/dev/null & churn=$!
wait_until "the mirror applied changes" epoch_above "$DST" 300
kill -KILL "$m"; wait "$m" 2>/dev/null || true
wait "$churn"
e=$("$KIT" epoch "$SRC")
"$BRIDGE" mirror --from "$SRC" --to "$DST" --flush-interval 200ms 2>"$TMP/m2.log" & m=$!; PIDS+=("$m")
wait_until "the restarted mirror is idle at the source's epoch $e" log_has "$TMP/m2.log" idle epoch "$e"
same_contents "$SRC" "$DST" || fail "after restart the mirror differs from the source"

note "mirror: stopped while the feed wraps (ring 1024, 3,000 changes): resync on COMPACTED"
kill -STOP "$m"
"$KIT" churn "$SRC" 3000 2 >/dev/null
e=$("$KIT" epoch "$SRC")
kill -CONT "$m"
wait_until "a resync on COMPACTED" grep -q '"msg":"resynchronising".*"reason":"compacted"\|"reason":"compacted".*"msg":"resynchronising"' "$TMP/m2.log"
wait_until "the mirror is idle at $e" log_has "$TMP/m2.log" idle epoch "$e"
kill -TERM "$m"; wait "$m" || fail "the mirror exited $? on SIGTERM"
"$CTL" --file "$TMP/mirror.bus" check >/dev/null || fail "the mirrored file does not validate clean"
same_contents "$SRC" "$DST" || fail "the flushed file differs from the source"

note "mirror --once"
"$BRIDGE" mirror --from "$SRC" --to "file:$TMP/once.bus" --once 2>"$TMP/once.log" || fail "mirror --once failed"
same_contents "$SRC" "file:$TMP/once.bus" || fail "mirror --once: the copy differs"
"$CTL" --file "$TMP/once.bus" check >/dev/null || fail "mirror --once: the file does not validate clean"

note "mirror: a target smaller than the source is refused (exit 2); bad arguments exit 64"
"$CTL" --file "$TMP/small.bus" create --slots 16 --max-value 512 >/dev/null
rc=0; "$BRIDGE" mirror --from "$SRC" --to "file:$TMP/small.bus" --once 2>"$TMP/small.log" || rc=$?
[ "$rc" = 2 ] || fail "mirror into a smaller bus exited $rc, not 2"
grep -q "cannot hold" "$TMP/small.log" || fail "the refusal does not say why: $(cat "$TMP/small.log")"
rc=0; "$BRIDGE" mirror --from "bogus" --to "$DST" --once 2>/dev/null || rc=$?
[ "$rc" = 64 ] || fail "a bad bus address exited $rc, not 64"

note "negative control: a mirror dropping one change must be caught"
"$BRIDGE_CONTROLS" mirror --from "$SRC" --to "file:$TMP/broken.bus" --test-drop-key victim 2>"$TMP/b.log" & m=$!; PIDS+=("$m")
wait_until "the broken mirror resynchronised" grep -q '"msg":"resynchronised"' "$TMP/b.log"
"$CTL" --shm "$src" set victim value >/dev/null
e=$("$KIT" epoch "$SRC")
wait_until "the broken mirror is idle at $e" log_has "$TMP/b.log" idle epoch "$e"
if same_contents "$SRC" "file:$TMP/broken.bus"; then fail "negative control: the dropped change went unnoticed"; fi
grep -q 'dropping a change' "$TMP/b.log" || fail "negative control: the mirror did not drop the change"
note "mirror: ok"
