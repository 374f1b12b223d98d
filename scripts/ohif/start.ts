/**
 * `npm run start:ohif [-- --port N] [--dicomweb <url>] [--no-isolation]`: stock OHIF 3.13.2
 * (unmodified, from npm) with Concord's plugins, on the sample studies; prints the mode's URL
 * on the Colin27 sample. docs/ohif.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLES_DIR, STOCK_OHIF_VERSION, serveStockOhif } from './stockOhif.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const manifest = JSON.parse(readFileSync(path.join(SAMPLES_DIR, 'manifest.json'), 'utf8')) as {
  studies: Array<{ StudyInstanceUID: string; PatientName?: string }>;
};
const colin = manifest.studies.find((s) => /Colin27/.test(s.PatientName ?? ''));
const s = await serveStockOhif({
  port: Number(arg('--port') ?? 8090),
  dicomweb: arg('--dicomweb'),
  isolation: !process.argv.includes('--no-isolation'),
});
console.log(`Stock OHIF ${STOCK_OHIF_VERSION} with Concord's plugins at ${s.origin}/`);
if (colin)
  console.log(`Model vs annotator on the Colin27 sample: ${s.studyUrl(colin.StudyInstanceUID)}`);
