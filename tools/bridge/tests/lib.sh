# tools/bridge/tests/lib.sh -- sourced by the bridge tests (ci/test-bridge).
# Processes are coordinated by events: a test waits for an observable state
# (a log line, a bus's contents, a status field) in a bounded retry loop,
# never for a fixed duration. Every process a test starts is recorded and
# stopped by its pid on exit.
set -euo pipefail
BUILD="${BUILD:-build/release}"
BRIDGE="$BUILD/tools/bridge/splinter-bridge"
BRIDGE_CONTROLS="$BUILD/tools/bridge/splinter-bridge-controls"  # with --test-drop-key
KIT="$BUILD/tools/bridge/splinter-bridge-testkit"
CTL="$BUILD/tools/splinterctl/splinterctl"
for t in "$BRIDGE" "$BRIDGE_CONTROLS" "$KIT" "$CTL"; do [ -x "$t" ] || { echo "test: missing $t (build it first)" >&2; exit 1; }; done
TMP="$(mktemp -d)"
PIDS=()
SHMS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; kill -CONT "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for s in "${SHMS[@]}"; do "$CTL" --shm "$s" destroy >/dev/null 2>&1 || true; done
  if [ -n "${KEEP_TMP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
note() { printf -- '-- %s\n' "$*" >&2; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# wait_until DESCRIPTION COMMAND...: re-checks COMMAND until it succeeds;
# fails after a generous bound (an ample margin on a busy machine: the bound
# is a hang guard, not a timing assumption).
wait_until() {
  local what="$1"; shift
  local i
  for ((i = 0; i < ${WAIT_TRIES:-1800}; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fail "timed out waiting for: $what"
}
# log_has FILE MSG EPOCH_FIELD VALUE: a JSON log line with that msg and field value.
log_has() { grep -q "\"$3\":$4,.*\"msg\":\"$2\"" "$1"; }
# same_contents BUS_A BUS_B: equal key for key, value for value.
same_contents() { cmp -s <("$KIT" dump "$1") <("$KIT" dump "$2"); }
new_shm() {  # new_shm NAME [splinterctl create options]: a shm bus destroyed on exit
  local name="$1"; shift
  SHMS+=("$name")
  "$CTL" --shm "$name" create "$@" >/dev/null
}

# ---- NATS ----------------------------------------------------------------
NATS_PORT=""
NATS_PID=""
# start_nats [extra nats-server args]: JetStream on 127.0.0.1, a free port
# (chosen by the server on the first start, kept on restarts), file store in $TMP.
start_nats() {
  command -v nats-server >/dev/null || fail "nats-server is not installed (ci/packages.txt)"
  local port="${NATS_PORT:--1}"
  : >"$TMP/nats.log"
  nats-server -js -a 127.0.0.1 -p "$port" -sd "$TMP/js" -l "$TMP/nats.log" "$@" & NATS_PID=$!; PIDS+=("$NATS_PID")
  wait_until "nats-server listening" grep -q "Server is ready" "$TMP/nats.log"
  NATS_PORT=$(sed -n 's/.*Listening for client connections on 127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/nats.log" | tail -1)
  [ -n "$NATS_PORT" ] || fail "no port in nats-server's log"
  NATS_URL="nats://127.0.0.1:$NATS_PORT"
}
stop_nats() { kill -TERM "$NATS_PID"; wait "$NATS_PID" 2>/dev/null || true; }

# status_field BUS BUCKET FIELD: one field of `splinter-bridge status`.
status_field() {
  "$BRIDGE" status --bus "$1" --bucket "$2" --nats "$NATS_URL" 2>/dev/null |
    python3 -c "import json,sys; v=json.load(sys.stdin).get('$3'); print('' if v is None else v)"
}
# published BUS BUCKET: the publisher has recorded the bus's current epoch.
published() { [ "$(status_field "$1" "$2" lag_epochs)" = 0 ] && [ -n "$(status_field "$1" "$2" published_epoch)" ]; }
# published_above BUS BUCKET N: the publisher has recorded an epoch above N.
published_above() { local e; e=$(status_field "$1" "$2" published_epoch); [ -n "$e" ] && [ "$e" -gt "$3" ]; }
# follower_at LOG REV: the follower logged `idle` at revision >= REV.
follower_at() {
  local r
  r=$(grep '"msg":"idle"' "$1" | grep -o '"revision":[0-9]*' | tail -1 | cut -d: -f2)
  [ -n "$r" ] && [ "$r" -ge "$2" ]
}
# converged LEADER BUCKET FOLLOWER_LOG...: waits until the publisher has
# published the leader's epoch and every follower has applied the bucket
# up to its last revision (events, no durations).
converge() {
  local leader="$1" bucket="$2"; shift 2
  wait_until "the publisher has published $leader" published "$leader" "$bucket"
  local rev; rev=$(status_field "$leader" "$bucket" bucket_revision)
  local log
  for log in "$@"; do wait_until "follower $log at revision $rev" follower_at "$log" "$rev"; done
}
# epoch_above BUS N: the bus epoch is above N (re-read at each check).
epoch_above() { [ "$("$KIT" epoch "$1")" -gt "$2" ]; }
