/**
 * The `concord` program (docs/cli.md). Building it loads only commander and the option parsers:
 * each command imports its engines when it runs, so `--version` and `--help` start fast.
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import {
  parseBackend,
  parseFormat,
  parseLabelList,
  parseMetricThreads,
  parsePort,
  parsePositiveInt,
  parseSeed,
  parseThreads,
  parseSegType,
  parseMemorySize,
  parseTolerances,
  parseMatch,
  parseConnectivity,
  parseLesionMatch,
  type LesionMatchOption,
  parseTversky,
  parseEntropyThreshold,
  type BackendOption,
  type MatchOption,
  type SegTypeOption,
} from './options.ts';

/** Shown with exit code 2: options that do not go together. */
function usageError(message: string): never {
  process.stderr.write(`concord: ${message}\n`);
  throw new CommanderError(2, 'concord.usage', message);
}

/** Exit codes of `concord` (docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalidInput: 3 } as const;

/** Set by commands whose outcome is not all-or-nothing (cohort: 1 when some cases failed). */
let actionExit: number = EXIT.ok;

export function buildProgram(): Command {
  const program = new Command('concord')
    .description('Compare segmentation models with annotators: viewer server and headless engines')
    .version(packageJson.version)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .option('--verbose', "also show the DICOM library's own log messages (dcmjs)")
    .hook('preAction', async () => {
      // libraries stay quiet unless asked (docs/cli.md)
      if (program.opts<{ verbose?: boolean }>().verbose) {
        const { setDicomLibraryLogging } = await import('@concord/core');
        setDicomLibraryLogging(true);
      }
    });

  program
    .command('serve')
    .description('serve the viewer (static app with CSP and COOP/COEP) on 127.0.0.1')
    .argument(
      '[folder]',
      'folder of DICOM files to serve as the DICOM JSON data source (default: the sample)',
    )
    .option('--port <n>', 'port to listen on', parsePort, 8080)
    .option('--host <addr>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option('--dicomweb <url>', 'DICOMweb server reached through a same-origin proxy at /dicomweb/')
    .action(
      async (
        folder: string | undefined,
        opts: { port: number; host: string; dicomweb?: string },
      ) => {
        const { serve } = await import('./commands/serve.ts');
        const { url, skipped } = await serve({ ...opts, folder });
        if (skipped.length)
          process.stderr.write(`concord serve: skipped ${skipped.length} unreadable files\n`);
        process.stdout.write(`Concord viewer at ${url}\n`);
        await new Promise(() => {}); // serve until killed
      },
    );

  program
    .command('metrics')
    .description('per-structure segmentation metrics of a prediction against a reference')
    .requiredOption('--reference <file>', 'reference labelmap (.nii, .nii.gz or DICOM SEG)')
    .requiredOption('--prediction <file>', 'predicted labelmap (.nii, .nii.gz or DICOM SEG)')
    .option('--series <dir>', 'DICOM series folder that DICOM SEG inputs refer to')
    .option(
      '--labels <list|names.json>',
      'evaluate exactly these labels: 1,2,5 or a JSON name map (default: labels present in either)',
      (v: string) => (/\.json$/i.test(v) ? v : parseLabelList(v)),
    )
    .option('--names <names.json>', 'label names only (all present labels are evaluated)')
    .option('--tolerance <mm,...>', 'NSD tolerances in mm', parseTolerances, [1, 2])
    .option('--format <json|csv>', 'output format', parseFormat, 'json')
    .option('--out <file>', 'write the report here instead of stdout')
    .option('--threads <n>', 'threads for the surface distances (default 1)', parseMetricThreads)
    .option(
      '--instances <labels>',
      'evaluate these structures lesion-wise too (connected components, detection, panoptic quality), e.g. 3,5',
      parseLabelList,
    )
    .option('--connectivity <6|26>', 'neighbourhood of a lesion (default 26)', parseConnectivity)
    .option(
      '--lesion-match <iou|overlap>',
      'match lesions when IoU > 0.5 (default) or on any overlap (greedy: highest IoU first)',
      parseLesionMatch,
    )
    .option('--lesions-csv <file>', 'with --instances: also write the lesion table (CSV) here')
    .option(
      '--match <how>',
      'pair reference and prediction structures by code, name or number (default auto: code, then name, then number)',
      parseMatch,
      'auto',
    )
    .option(
      '--probabilities <file>',
      'per-class probabilities (4D NIfTI as concord infer writes, frame t = label t) on the reference grid: soft metrics, calibration, surrogate losses',
    )
    .option(
      '--tversky <alpha,beta>',
      'Tversky loss weights of FP and FN (default 0.3,0.7)',
      parseTversky,
    )
    .option(
      '--entropy-threshold <t>',
      'class entropy in bits at or above which a voxel is uncertain, 0-1 (default 0.5)',
      parseEntropyThreshold,
    )
    .action(async (opts) => {
      if (!opts.instances && (opts.connectivity || opts.lesionMatch || opts.lesionsCsv))
        usageError('--connectivity, --lesion-match and --lesions-csv need --instances <labels>');
      const { metricsAction } = await import('./commands/metrics.ts');
      await metricsAction(opts);
    });

  program
    .command('infer')
    .description('run a segmentation model (concord.model/v1 manifest + ONNX) on a volume')
    .requiredOption('--model <manifest>', 'model manifest (.json next to the .onnx)')
    .requiredOption('--input <path>', 'DICOM series folder or NIfTI (.nii, .nii.gz)')
    .requiredOption('--out <file>', 'DICOM SEG (.dcm, needs a DICOM input) or NIfTI labelmap')
    .option(
      '--probabilities <file>',
      'also write per-class probabilities (4D .nii.gz, uint8 / 255)',
    )
    .option(
      '--backend <name>',
      'auto (= native in Node) | wasm (onnxruntime-web, as in the browser) | native (onnxruntime-node)',
      parseBackend,
      'auto',
    )
    .option('--threads <n>', 'runtime threads (default min(cores, 4))', parseThreads)
    .option(
      '--seg-type <type>',
      'binary (default) | labelmap: SegmentationType of a DICOM SEG --out',
      parseSegType,
    )
    .option('--names <names.json>', 'structure names and codes for the SEG (default: the manifest)')
    .option(
      '--max-memory <size>',
      'refuse runs planned above this (default 2GiB), e.g. 4GiB',
      parseMemorySize,
    )
    .action(
      async (opts: {
        model: string;
        input: string;
        out: string;
        probabilities?: string;
        backend: BackendOption;
        threads?: number;
        segType?: SegTypeOption;
        names?: string;
        maxMemory?: number;
      }) => {
        if (opts.segType && !/\.dcm$/i.test(opts.out))
          usageError(`--seg-type applies to a DICOM SEG --out (.dcm), not ${opts.out}`);
        const { infer, describeInference } = await import('./commands/infer.ts');
        const result = await infer(opts);
        process.stdout.write(describeInference(result, opts.out));
      },
    );

  program
    .command('evaluate')
    .description(
      'compare a model (or a prediction file) with the reference on a DICOM series or NIfTI image and write the reports (+ SEG and SR for DICOM)',
    )
    .option('--model <manifest>', 'model manifest (.json next to the .onnx) to run on the input')
    .option(
      '--prediction <file>',
      'instead of --model: a prediction labelmap (.nii, .nii.gz, or DICOM SEG of the series)',
    )
    .requiredOption('--input <series|image>', 'DICOM series folder or NIfTI image (.nii, .nii.gz)')
    .requiredOption('--reference <file>', 'reference DICOM SEG of the series, or NIfTI labelmap')
    .requiredOption('--out <dir>', 'output folder (created when missing)')
    .option('--names <names.json>', 'structure names and codes (see concord metrics --names)')
    .option(
      '--seg-type <type>',
      'binary (default) | labelmap: SegmentationType of the prediction SEG',
      parseSegType,
    )
    .option('--include-phi', 'put patient name, ID and birth date into the CSV and PDF', false)
    .option('--dicomweb <url>', 'also STOW-RS the SEG and SR to this DICOMweb server')
    .option('--tolerance <mm>', 'NSD tolerances in mm, e.g. 1,2', parseTolerances)
    .option(
      '--instances <labels>',
      'evaluate these structures lesion-wise too (connected components, detection, panoptic quality), e.g. 3,5',
      parseLabelList,
    )
    .option('--connectivity <6|26>', 'neighbourhood of a lesion (default 26)', parseConnectivity)
    .option(
      '--lesion-match <iou|overlap>',
      'match lesions when IoU > 0.5 (default) or on any overlap (greedy: highest IoU first)',
      parseLesionMatch,
    )
    .option(
      '--match <how>',
      'pair reference and prediction structures by code, name or number (default auto: code, then name, then number)',
      parseMatch,
      'auto',
    )
    .option(
      '--backend <name>',
      'auto | wasm (onnxruntime-web) | native (onnxruntime-node)',
      parseBackend,
      'auto',
    )
    .option(
      '--tversky <alpha,beta>',
      'Tversky loss weights of FP and FN (default 0.3,0.7)',
      parseTversky,
    )
    .option(
      '--entropy-threshold <t>',
      'class entropy in bits at or above which a voxel is uncertain, 0-1 (default 0.5)',
      parseEntropyThreshold,
    )
    .action(
      async (opts: {
        model?: string;
        prediction?: string;
        input: string;
        reference: string;
        out: string;
        names?: string;
        segType?: SegTypeOption;
        includePhi: boolean;
        dicomweb?: string;
        tolerance?: number[];
        match: MatchOption;
        backend: BackendOption;
        instances?: number[];
        connectivity?: 6 | 26;
        lesionMatch?: LesionMatchOption;
        tversky?: { alpha: number; beta: number };
        entropyThreshold?: number;
      }) => {
        if (Boolean(opts.model) === Boolean(opts.prediction))
          usageError('evaluate needs either --model <manifest> or --prediction <file>, not both');
        if (!opts.instances && (opts.connectivity || opts.lesionMatch))
          usageError('--connectivity and --lesion-match need --instances <labels>');
        const { evaluate, evaluateSummary } = await import('./commands/evaluate.ts');
        const result = await evaluate({ ...opts, tolerancesMm: opts.tolerance });
        process.stdout.write(evaluateSummary(result, opts.out, opts.dicomweb));
      },
    );

  program
    .command('cohort')
    .description(
      'evaluate a cohort of cases (cases.csv): per-case reports, cohort.json, cohort.csv, cohort.pdf',
    )
    .option(
      '--cases <csv>',
      'RFC 4180 cases file: case_id, image, reference, prediction[_<model>], metadata',
    )
    .option(
      '--out <dir>',
      'output folder (created when missing; finished unchanged cases are skipped)',
    )
    .option(
      '--model <manifest>',
      'run this model on each image (repeat for two models)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--workers <n>',
      'cases run in parallel on worker threads (default 1)',
      parsePositiveInt,
      1,
    )
    .option('--queue <redis-url>', 'run the cases as BullMQ jobs on this Redis (redis://host:port)')
    .option('--status', 'with --queue: print the progress of the queue and exit')
    .option('--tolerance <mm,...>', 'NSD tolerances in mm', parseTolerances, [1, 2])
    .option('--bootstrap <n>', 'bootstrap resamples for the CI95', parsePositiveInt, 2000)
    .option('--seed <n>', 'seed of the bootstrap generator (0-4294967295)', parseSeed, 1)
    .option('--group-by <column>', 'also aggregate per value of this metadata column')
    .option(
      '--match <how>',
      'pair reference and prediction structures by code, name or number (default auto), as for metrics',
      parseMatch,
      'auto',
    )
    .option('--no-pdf', 'skip cohort.pdf')
    .action(async (opts) => {
      const { cohortAction } = await import('./commands/cohort/action.ts');
      actionExit = await cohortAction(opts);
    });

  program
    .command('worker')
    .description('process cohort jobs from a BullMQ queue (see concord cohort --queue)')
    .requiredOption('--queue <redis-url>', 'Redis of the queue (redis://host:port)')
    .option('--concurrency <k>', 'jobs at once (default 1)', parsePositiveInt, 1)
    .option(
      '--lock-duration <ms>',
      "job lock: a killed worker's job is retried after about this long (default 30000)",
      parsePositiveInt,
    )
    .action(async (opts: { queue: string; concurrency: number; lockDuration?: number }) => {
      const { workerAction } = await import('./commands/cohort/queue.ts');
      await workerAction(opts);
    });

  program
    .command('index')
    .description('index a folder of DICOM files into a DICOM JSON manifest (OHIF dicomjson)')
    .argument('<folder>', 'folder of DICOM files (searched recursively)')
    .option('--out <file>', 'manifest file to write (default: <folder>/manifest.json)')
    .option('--base-url <url>', 'prefix of instance URLs, e.g. /data/ (default: relative paths)')
    .action(async (folder: string, opts: { out?: string; baseUrl?: string }) => {
      const { indexAction } = await import('./commands/index.ts');
      await indexAction(folder, opts);
    });

  return program;
}

/** Runs the CLI and returns its exit code; user-facing errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  actionExit = EXIT.ok;
  try {
    await program.parseAsync(argv);
    return actionExit;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { isConcordError, userMessage } = await import('@concord/core');
    process.stderr.write(`concord: ${userMessage(e)}\n`);
    return isConcordError(e) ? e.exitCode : EXIT.failure;
  }
}
