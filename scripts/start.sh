#!/usr/bin/env bash
# `npm start`: installs dependencies if needed, builds the viewer and serves it on the
# embedded sample study at http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
build_app
cd "$REPO_ROOT"
exec node platform/cli/bin/concord.mjs serve --port "${PORT:-8080}" "$@"
