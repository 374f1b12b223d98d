// The boundary check of `npm test` (docs/architecture.md#layering): dependency-cruiser applies
// the layering rules of .dependency-cruiser.cjs, then every bare import of a package's files
// must be declared in that package's package.json (tests may also use the root devDependencies).
// Prints one line per violation; exit code 1 if any.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const config = require(path.join(root, '.dependency-cruiser.cjs'));

const { output } = await cruise(['platform', 'extensions', 'modes', 'tests', 'scripts'], {
  ...config.options,
  validate: true,
  ruleSet: { forbidden: config.forbidden },
});

const problems = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const rootPkg = readJson('package.json');
const declaredOf = new Map();
function declared(pkgDir) {
  if (!declaredOf.has(pkgDir)) {
    const j = readJson(path.join(pkgDir, 'package.json'));
    declaredOf.set(
      pkgDir,
      new Set([
        j.name,
        ...Object.keys(j.dependencies ?? {}),
        ...Object.keys(j.devDependencies ?? {}),
        ...Object.keys(j.peerDependencies ?? {}),
        ...Object.keys(j.optionalDependencies ?? {}),
      ]),
    );
  }
  return declaredOf.get(pkgDir);
}
const rootDev = new Set(Object.keys(rootPkg.devDependencies ?? {}));
const isTestFile = (f) => /\.test\.tsx?$|\/testing\//.test(f);
const builtins = new Set(builtinModules);
const packageName = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];

for (const m of output.modules) {
  const match = /^(platform|extensions|modes)\/[^/]+/.exec(m.source);
  if (!match) continue;
  const pkgDir = match[0];
  for (const d of m.dependencies) {
    const spec = d.module;
    // relative paths, node builtins and the package's own subpath imports ("#...")
    if (/^(\.|\/|node:|#)/.test(spec)) continue;
    if (builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
    const name = packageName(spec.replace(/\?.*$/, ''));
    if (declared(pkgDir).has(name)) continue;
    if (isTestFile(m.source) && rootDev.has(name)) continue;
    // virtual modules of the bundler, not packages
    if (name.startsWith('virtual:') || name === 'vite' || name === 'vitest') {
      if (rootDev.has(name) || name.startsWith('virtual:')) continue;
    }
    problems.push(
      `undeclared-dependency: ${m.source} imports ${spec} (not in ${pkgDir}/package.json)`,
    );
  }
}

for (const p of [...new Set(problems)]) console.log(p);
console.log(
  problems.length
    ? `boundary check: ${problems.length} violation(s) in ${output.summary.totalCruised} modules`
    : `boundary check: ok (${output.summary.totalCruised} modules, ${output.summary.totalDependenciesCruised} imports)`,
);
process.exit(problems.length ? 1 : 0);
