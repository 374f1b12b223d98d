#!/usr/bin/env bash
# Starts Debian's redis-server for the cohort queue (docs/cohort.md#distributed-runs): bound to
# 127.0.0.1 only, protected mode, no password, append-only file fsynced on every write (jobs
# survive a restart), in a fresh temporary folder. Waits until it answers PING, then prints:
#   REDIS_URL=redis://127.0.0.1:<port>
#   REDIS_PID=<pid of redis-server itself>
#   REDIS_DIR=<temporary folder: data, log; pass it to stop.sh, or to start.sh to restart>
# Usage: scripts/redis/start.sh [port [dir]]   (default: a free port, a new folder; give both to
#        restart a stopped server on its data)
set -euo pipefail

REDIS_BIN="${REDIS_BIN:-$(command -v redis-server || echo /usr/bin/redis-server)}"
[ -x "$REDIS_BIN" ] || { echo "redis: redis-server not installed (Debian package redis-server)" >&2; exit 1; }

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "redis: no free port found" >&2
  exit 1
}

PORT="${1:-$(free_port)}"
DIR="${2:-$(mktemp -d "${TMPDIR:-/tmp}/concord-redis.XXXXXX")}"
case "$DIR" in
  */concord-redis.*) ;;
  *) echo "redis: $DIR is not a folder made by start.sh" >&2; exit 2 ;;
esac

# exec inside the background subshell so that $! is redis-server's own PID
( exec "$REDIS_BIN" --bind 127.0.0.1 --port "$PORT" --protected-mode yes --dir "$DIR" \
    --appendonly yes --appendfsync always --save '' --daemonize no \
    --logfile "$DIR/redis.log" > /dev/null 2>&1 < /dev/null ) &
PID=$!
echo "$PID" > "$DIR/redis.pid"

for _ in $(seq 1 200); do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "redis: exited during start-up; log:" >&2
    tail -n 20 "$DIR/redis.log" >&2
    exit 1
  fi
  if [ "$(printf 'PING\r\n' | timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; head -c 7 <&3" 2>/dev/null)" = "+PONG"$'\r' ]; then
    echo "REDIS_URL=redis://127.0.0.1:$PORT"
    echo "REDIS_PID=$PID"
    echo "REDIS_DIR=$DIR"
    exit 0
  fi
  sleep 0.05
done
echo "redis: no answer on port $PORT" >&2
kill -TERM "$PID" 2>/dev/null || true
exit 1
