import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isConcordError, userMessage } from '@concord/core';
import { serve } from './commands/serve.ts';
import { registerMetricsCommand } from './commands/metrics.ts';
import { registerInferCommand } from './commands/infer.ts';
import { registerEvaluateCommand } from './commands/evaluate.ts';
import { registerIndexCommand } from './commands/index.ts';
import packageJson from '../package.json' with { type: 'json' };

/** Exit codes of DESIGN §3.5. */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalidInput: 3 } as const;

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be an integer 0-65535');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('concord')
    .description('Compare segmentation models with annotators: viewer server and headless engines')
    .version(packageJson.version)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

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
        const { url, skipped } = await serve({ ...opts, folder });
        if (skipped.length)
          process.stderr.write(`concord serve: skipped ${skipped.length} unreadable files\n`);
        process.stdout.write(`Concord viewer at ${url}\n`);
        await new Promise(() => {}); // serve until killed
      },
    );

  registerMetricsCommand(program);
  registerInferCommand(program);
  registerEvaluateCommand(program);
  registerIndexCommand(program);

  return program;
}

/** Runs the CLI and returns its exit code; user-facing errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`concord: ${userMessage(e)}\n`);
    return isConcordError(e) ? e.exitCode : EXIT.failure;
  }
}
