/**
 * Vitest global setup: the tests spawn `concord` (platform/cli/bin/concord.mjs), which runs the
 * built JavaScript; build it once here (when stale) instead of in each spawned process.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['platform/cli/scripts/ensure-built.mjs'], { stdio: 'inherit' });
}
