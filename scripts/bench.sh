#!/usr/bin/env bash
# `npm run bench`: the CLI start-up time, then every benchmark that exists (bench:metrics,
# bench:inference, bench:viewer), each printing ratios against anchors measured in the same run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
cd "$REPO_ROOT"

# CLI start-up: the whole `concord --version` process (Node start, module loading, exit),
# median of N runs after one warm-up that also builds the CLI when its sources changed
node platform/cli/scripts/ensure-built.mjs
node --input-type=module -e '
import { spawnSync } from "node:child_process";
const n = Number(process.env.BENCH_CLI_RUNS ?? 21);
const run = () => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["platform/cli/bin/concord.mjs", "--version"]);
  if (r.status !== 0) throw new Error(`concord --version failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
run();
const t = Array.from({ length: n }, run).sort((a, b) => a - b);
const node = Array.from({ length: n }, () => {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, ["-e", "0"]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}).sort((a, b) => a - b);
const med = (a) => a[a.length >> 1];
console.log(`\nCLI start-up: concord --version, whole process, median of ${n}`);
console.log(`  ${"concord --version".padEnd(44)} ${med(t).toFixed(3).padStart(7)} s   target <= 0.15 s (${med(t) <= 0.15 ? "met" : "NOT met"})`);
console.log(`  ${"node -e 0 (Node start alone)".padEnd(44)} ${med(node).toFixed(3).padStart(7)} s`);
'

ran=0
for b in metrics inference viewer; do
  if node -e "process.exit(require('./package.json').scripts['bench:$b'] ? 0 : 1)"; then
    npm run --silent "bench:$b"; ran=$((ran + 1))
  fi
done
[ "$ran" -gt 0 ] || { echo "no benchmarks defined yet"; exit 1; }
