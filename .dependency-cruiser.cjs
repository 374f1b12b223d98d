/**
 * The boundary check of `npm test` (docs/architecture.md#layering): imports point one way,
 * core <- engines <- extensions <- modes <- app and core <- engines <- cli (core <- ohif-host <-
 * extensions, modes: Concord in stock OHIF); packages import each
 * other by name only; core and the engines stay free of React, the DOM-bound viewer libraries
 * and OHIF. Run: npx depcruise --config .dependency-cruiser.cjs platform extensions modes tests scripts
 */
const PKG = '^(platform|extensions|modes)/([^/]+)/';
const ENGINES = '^platform/(metrics|inference|reports)/';
const CORE = '^platform/core/';

module.exports = {
  forbidden: [
    {
      name: 'no-relative-import-across-packages',
      comment: 'A package reaches another only through its package name (and exports).',
      severity: 'error',
      from: { path: PKG },
      to: {
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased-workspace'],
        path: '^(platform|extensions|modes)/',
        pathNot: '^$1/$2/',
      },
    },
    {
      name: 'no-relative-import-into-packages',
      comment: 'Tests and scripts import packages by name, never their files.',
      severity: 'error',
      from: { path: '^(tests|scripts)/' },
      to: {
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased-workspace'],
        path: '^(platform|extensions|modes)/',
      },
    },
    {
      name: 'core-imports-no-concord-package',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^(platform|extensions|modes)/', pathNot: CORE },
    },
    {
      name: 'engines-import-core-and-engines-only',
      comment: 'reports may read metrics; metrics and inference only core.',
      severity: 'error',
      from: { path: ENGINES },
      to: {
        path: '^(platform|extensions|modes)/',
        pathNot: ['^platform/core/', '^platform/$1/', '^platform/metrics/'],
      },
    },
    {
      name: 'metrics-and-inference-import-core-only',
      severity: 'error',
      from: { path: '^platform/(metrics|inference)/' },
      to: { path: '^(platform|extensions|modes)/', pathNot: ['^platform/core/', '^platform/$1/'] },
    },
    {
      name: 'extensions-import-core-and-engines-only',
      severity: 'error',
      from: { path: '^extensions/([^/]+)/' },
      to: {
        path: '^(platform|extensions|modes)/',
        pathNot: ['^platform/(core|metrics|inference|reports|ohif-host)/', '^extensions/$1/'],
      },
    },
    {
      name: 'ohif-host-imports-core-and-metrics-only',
      comment:
        'The OHIF host adapter (Concord in stock OHIF) sits between the engines and the extensions: it sees core and the evaluation session.',
      severity: 'error',
      from: { path: '^platform/ohif-host/' },
      to: {
        path: '^(platform|extensions|modes)/',
        pathNot: ['^platform/core/', '^platform/metrics/', '^platform/ohif-host/'],
      },
    },
    {
      name: 'modes-import-core-engines-extensions',
      severity: 'error',
      from: { path: '^modes/' },
      to: { path: '^platform/(app|cli)/' },
    },
    {
      name: 'cli-imports-no-ui',
      severity: 'error',
      from: { path: '^platform/cli/' },
      to: { path: '^(extensions|modes)/|^platform/app/' },
    },
    {
      name: 'nothing-imports-app-or-cli',
      comment: 'The app and the CLI are leaves (tests may drive the CLI).',
      severity: 'error',
      from: { path: '^(platform|extensions|modes)/', pathNot: '^platform/(app|cli)/' },
      to: { path: '^platform/(app|cli)/' },
    },
    {
      name: 'core-and-engines-are-headless',
      comment:
        'No React, no Cornerstone rendering, no OHIF in core or engines (core/src/ohif is the one facade).',
      severity: 'error',
      from: {
        path: '^platform/(core|metrics|inference|reports)/',
        pathNot: '^platform/core/src/ohif/',
      },
      to: {
        path: 'node_modules/(react|react-dom|@ohif|@cornerstonejs/(core|tools|dicom-image-loader)|@observablehq)/',
      },
    },
    {
      name: 'no-undeclared-dependency',
      comment:
        'Every package (workspace or npm) a file imports is declared in the package.json of its package.',
      severity: 'error',
      from: { path: '^(platform|extensions|modes)/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-cycles-between-packages',
      severity: 'error',
      from: { path: PKG },
      to: { circular: true, path: '^(platform|extensions|modes)/', pathNot: '^$1/$2/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|\\.generated\\.' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types'],
    },
    combinedDependencies: false,
    preserveSymlinks: false,
  },
};
