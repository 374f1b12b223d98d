#!/usr/bin/env bash
# Stops an Orthanc started by start.sh: SIGTERM to the PID it recorded (Orthanc's own), waits
# for it to exit (SIGKILL after 10 s), then removes its temporary folder.
# Usage: scripts/orthanc/stop.sh <ORTHANC_DIR>
set -euo pipefail
DIR="${1:?usage: stop.sh <ORTHANC_DIR printed by start.sh>}"
case "$DIR" in
  */concord-orthanc.*) ;;
  *) echo "orthanc: $DIR is not a folder made by start.sh" >&2; exit 2 ;;
esac
if [ -f "$DIR/orthanc.pid" ]; then
  PID="$(cat "$DIR/orthanc.pid")"
  if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 200); do
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
  fi
fi
rm -rf "$DIR"
