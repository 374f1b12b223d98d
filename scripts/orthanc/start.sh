#!/usr/bin/env bash
# Starts Debian's Orthanc with the DICOMweb plugin for tests: a fresh temporary storage folder,
# HTTP on 127.0.0.1:<port> (RemoteAccessAllowed false refuses non-loopback clients), no DICOM
# port, authentication off. Waits until GET /system answers, then prints, one per line:
#   ORTHANC_URL=http://127.0.0.1:<port>
#   ORTHANC_DICOMWEB=http://127.0.0.1:<port>/dicom-web
#   ORTHANC_PID=<pid of the Orthanc process itself>
#   ORTHANC_DIR=<temporary folder: config, storage, log; pass it to stop.sh>
# Usage: scripts/orthanc/start.sh [port]   (default: a free port chosen here)
set -euo pipefail

ORTHANC_BIN="${ORTHANC_BIN:-$(command -v Orthanc || echo /usr/sbin/Orthanc)}"
PLUGIN="${ORTHANC_DICOMWEB_PLUGIN:-/usr/share/orthanc/plugins/libOrthancDicomWeb.so}"
[ -x "$ORTHANC_BIN" ] || { echo "orthanc: Orthanc not installed (Debian package orthanc)" >&2; exit 1; }
[ -f "$PLUGIN" ] || { echo "orthanc: DICOMweb plugin missing: $PLUGIN (Debian package orthanc-dicomweb)" >&2; exit 1; }

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "orthanc: no free port found" >&2
  exit 1
}

PORT="${1:-$(free_port)}"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/concord-orthanc.XXXXXX")"
mkdir -p "$DIR/db"
cat > "$DIR/config.json" <<JSON
{
  "Name": "concord-test",
  "StorageDirectory": "$DIR/db",
  "IndexDirectory": "$DIR/db",
  "HttpPort": $PORT,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": false,
  "HttpCompressionEnabled": false,
  "StorageCompression": false,
  "ConcurrentJobs": 1,
  "Plugins": ["$PLUGIN"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false, "Ssl": false }
}
JSON

# exec inside the background subshell so that $! is Orthanc's own PID (not a wrapper shell's)
( exec "$ORTHANC_BIN" "$DIR/config.json" > "$DIR/orthanc.log" 2>&1 ) &
PID=$!
echo "$PID" > "$DIR/orthanc.pid"

for _ in $(seq 1 200); do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "orthanc: exited during start-up; log:" >&2
    tail -n 20 "$DIR/orthanc.log" >&2
    rm -rf "$DIR"
    exit 1
  fi
  if curl -sf "http://127.0.0.1:$PORT/system" > /dev/null 2>&1; then
    echo "ORTHANC_URL=http://127.0.0.1:$PORT"
    echo "ORTHANC_DICOMWEB=http://127.0.0.1:$PORT/dicom-web"
    echo "ORTHANC_PID=$PID"
    echo "ORTHANC_DIR=$DIR"
    exit 0
  fi
  sleep 0.05
done
echo "orthanc: no answer on port $PORT after 10 s; log:" >&2
tail -n 20 "$DIR/orthanc.log" >&2
kill -TERM "$PID" 2>/dev/null || true
exit 1
