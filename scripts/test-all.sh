#!/usr/bin/env bash
# `npm test`: every suite, from a fresh machine. Prints the totals of all suites as the
# last line: `N passed, N failed[, N skipped]`.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

ensure_node_modules || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-system-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

results="$REPO_ROOT/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

# A static check counts as one test in the totals.
run_check() {
  local name="$1"; shift
  echo "==> $name"
  if "$@"; then echo "{\"passed\":1,\"failed\":0,\"skipped\":0}" > "$results/$name.counts.json"
  else echo "{\"passed\":0,\"failed\":1,\"skipped\":0}" > "$results/$name.counts.json"; status=1; fi
}

# A Vitest suite reports its counts through its JSON reporter.
run_vitest() {
  local name="$1" config="$2"
  echo "==> $name tests"
  npx --no-install vitest run --config "$config" --reporter=default --reporter=json \
    --outputFile.json="$results/$name.vitest.json" || status=1
}

run_check typecheck npm run --silent typecheck
run_check lint npm run --silent lint
run_check boundaries node scripts/check-boundaries.mjs
run_vitest unit vitest.config.ts
build_app || status=1
build_ohif || status=1
run_vitest e2e vitest.e2e.config.ts

node scripts/sum-test-results.mjs "$results" || status=1
exit $status
