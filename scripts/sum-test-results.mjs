// Sums the per-suite results in test-results/ and prints `N passed, N failed[, N skipped]`.
// A Vitest suite that crashed before writing its JSON counts as one failure.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
let passed = 0,
  failed = 0,
  skipped = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
  const data = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  if (f.endsWith('.counts.json')) {
    passed += data.passed;
    failed += data.failed;
    skipped += data.skipped;
  } else if (f.endsWith('.vitest.json')) {
    passed += data.numPassedTests;
    failed += data.numFailedTests + (data.success === false && data.numFailedTests === 0 ? 1 : 0);
    skipped += data.numPendingTests + data.numTodoTests;
  }
}
const expected = ['unit.vitest.json', 'e2e.vitest.json'];
for (const f of expected) if (!readdirSync(dir).includes(f)) failed += 1;
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed ? 1 : 0);
