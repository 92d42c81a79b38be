#!/usr/bin/env bash
# bench.sh -- the bridge's benchmark (not part of CI; results in
# tools/bridge/README.md): changes per second through the bridge and the
# end-to-end lag (a set on the leader to the value readable on the follower)
# p50/p99, on loopback, for `mirror` and for publish -> nats-server -> follow.
# Each run: N changes as fast as the writer goes (throughput), then N at a
# fixed rate (lag without queueing). Usage: bench.sh [N] [RATE]
source "$(dirname "$0")/lib.sh"
N="${1:-20000}"; RATE="${2:-2000}"
lead="bridge-bench-lead-$$"; fol="bridge-bench-fol-$$"; mir="bridge-bench-mir-$$"
new_shm "$lead" --slots 4096 --max-value 256 --change-ring 65536
SHMS+=("$fol" "$mir")
start_nats
"$BRIDGE" mirror --from "shm:$lead" --to "shm:$mir" 2>"$TMP/m.log" & PIDS+=("$!")
"$BRIDGE" publish --bus "shm:$lead" --bucket bench --nats "$NATS_URL" 2>"$TMP/p.log" & PIDS+=("$!")
"$BRIDGE" follow --bus "shm:$fol" --bucket bench --nats "$NATS_URL" 2>"$TMP/f.log" & PIDS+=("$!")
wait_until "the mirror is running" grep -q '"msg":"resynchronised"' "$TMP/m.log"
wait_until "the follower caught up" grep -q '"msg":"caught up"' "$TMP/f.log"
for rate in 0 "$RATE"; do
  printf 'mirror (shm -> shm):               '; "$KIT" bench "shm:$lead" "shm:$mir" "$N" "$rate"
  printf 'publish -> nats-server -> follow:  '; "$KIT" bench "shm:$lead" "shm:$fol" "$N" "$rate"
done
