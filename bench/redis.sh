# bench/redis.sh -- sourced by bench/run and ci/test-bench: a throw-away
# redis-server on 127.0.0.1, on a free port, persistence off, stopped by pid.
#
#   redis_start DIR   starts it (DIR holds its log); exports SPLINTER_BENCH_REDIS
#   redis_stop        stops it (safe to call twice; call it from an EXIT trap)
REDIS_PID=""

redis_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

redis_start() {
  local dir="$1" port tries
  command -v redis-server >/dev/null || { echo "redis-server not installed" >&2; return 1; }
  mkdir -p "$dir"
  for tries in 1 2 3; do
    port=$(redis_free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --protected-mode yes \
      --dir "$dir" --logfile "$dir/redis.log" --daemonize no &
    REDIS_PID=$!
    for _ in $(seq 1 200); do
      if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
        export SPLINTER_BENCH_REDIS="127.0.0.1:$port"
        echo "redis-server pid $REDIS_PID on 127.0.0.1:$port (persistence off)" >&2
        return 0
      fi
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.05
    done
    redis_stop  # lost the port race or did not start: try another port
  done
  echo "could not start redis-server; see $dir/redis.log" >&2
  return 1
}

redis_stop() {
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
}
