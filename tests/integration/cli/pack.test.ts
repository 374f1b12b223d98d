/**
 * The published packages (docs/cli.md): build them, `npm pack` @concord/cli and its workspace
 * dependencies, install the tarballs into an empty folder (third-party packages from the npm
 * registry or the local npm cache) and run `npx concord metrics` there on a committed NIfTI pair.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationReport } from '@concord/metrics';

const ROOT = path.resolve('.');
const F = path.join(ROOT, 'tests/fixtures/metrics');
const PACKAGES = ['core', 'metrics', 'inference', 'reports', 'cli'];
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// the CUDA download of onnxruntime-node is skipped (the CPU runtime ships in its package)
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('npm pack of @concord/cli and its workspace dependencies', () => {
  it('installs into an empty folder, where `npx concord metrics` gives the expected report', () => {
    execFileSync(process.execPath, ['platform/cli/scripts/build.mjs', '--types'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const tarballs = path.join(tmp, 'tarballs');
    mkdirSync(tarballs);
    const packed = JSON.parse(
      npm(
        [
          'pack',
          '--json',
          '--pack-destination',
          tarballs,
          ...PACKAGES.flatMap((p) => ['-w', `@concord/${p}`]),
        ],
        ROOT,
      ),
    ) as { name: string; files: { path: string }[] }[];
    expect(packed.map((p) => p.name)).toEqual(PACKAGES.map((p) => `@concord/${p}`));
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      // built JavaScript and declarations, no sources or tests
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.test.ts'))).toEqual([]);
    }

    const app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), '{ "name": "pack-check", "private": true }\n');
    npm(
      [
        'install',
        ...readdirSync(tarballs).map((t) => path.join(tarballs, t)),
        '--prefer-offline',
        // @ohif/core (the browser facade of @concord/core) names a peer that is not published
        '--legacy-peer-deps',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
      ],
      app,
    );

    const run = (...args: string[]) =>
      spawnSync('npx', ['--no-install', 'concord', ...args], { cwd: app, env, encoding: 'utf8' });
    const version = run('--version');
    expect(version.stderr).toBe('');
    expect(version.stdout).toBe(
      `${JSON.parse(readFileSync(path.join(ROOT, 'platform/cli/package.json'), 'utf8')).version}\n`,
    );

    const r = run(
      'metrics',
      '--reference',
      path.join(F, 'mixed-reference.nii.gz'),
      '--prediction',
      path.join(F, 'mixed-prediction.nii.gz'),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as EvaluationReport;
    const expected = JSON.parse(readFileSync(path.join(F, 'mixed-expected.json'), 'utf8')) as {
      structures: EvaluationReport['structures'];
    };
    expect(report.structures.map((s) => [s.label, s.status, s.tp, s.fp, s.fn])).toEqual(
      expected.structures.map((s) => [s.label, s.status, s.tp, s.fp, s.fn]),
    );
    expected.structures.forEach((e, i) => {
      const s = report.structures[i];
      if (e.dice !== null) expect(s.dice).toBeCloseTo(e.dice!, 9);
      if (e.hd95 !== null) expect(s.hd95).toBeCloseTo(e.hd95!, 3);
    });
  }, 300_000);
});
