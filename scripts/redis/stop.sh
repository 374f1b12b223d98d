#!/usr/bin/env bash
# Stops a redis-server started by start.sh: SIGTERM to the PID it recorded (redis-server's own),
# waits for it to exit (SIGKILL after 10 s), then removes its folder unless --keep (to restart
# it later on the same data with start.sh <port> <dir>).
# Usage: scripts/redis/stop.sh <REDIS_DIR> [--keep]
set -euo pipefail
DIR="${1:?usage: stop.sh <REDIS_DIR printed by start.sh> [--keep]}"
case "$DIR" in
  */concord-redis.*) ;;
  *) echo "redis: $DIR is not a folder made by start.sh" >&2; exit 2 ;;
esac
if [ -f "$DIR/redis.pid" ]; then
  PID="$(cat "$DIR/redis.pid")"
  if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 200); do
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
  fi
fi
[ "${2:-}" = "--keep" ] || rm -rf "$DIR"
