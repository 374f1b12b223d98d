#!/usr/bin/env bash
# `npm run bench`: runs every benchmark that exists (bench:metrics, bench:inference,
# bench:viewer), each printing ratios against anchors measured in the same run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
cd "$REPO_ROOT"
ran=0
for b in metrics inference viewer; do
  if node -e "process.exit(require('./package.json').scripts['bench:$b'] ? 0 : 1)"; then
    npm run --silent "bench:$b"; ran=$((ran + 1))
  fi
done
[ "$ran" -gt 0 ] || { echo "no benchmarks defined yet"; exit 1; }
