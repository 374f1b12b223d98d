import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDicomJsonManifest, type DicomJsonIndex } from '@concord/core';

export interface IndexOptions {
  /** output file; default <folder>/manifest.json */
  out?: string;
  /** prefix of instance URLs; default: paths relative to the folder */
  baseUrl?: string;
}

/**
 * `concord index <folder>`: writes the folder's DICOM JSON manifest (OHIF dicomjson format),
 * instance URLs relative to the folder unless --base-url is given.
 */
export async function indexFolder(
  folder: string,
  options: IndexOptions = {},
): Promise<DicomJsonIndex & { out: string }> {
  const index = await buildDicomJsonManifest(folder, { baseUrl: options.baseUrl });
  const out = options.out ?? path.join(folder, 'manifest.json');
  await writeFile(out, `${JSON.stringify(index.manifest, null, 1)}\n`);
  return { ...index, out };
}

/** `concord index <folder>`: writes the manifest and prints what it holds. */
export async function indexAction(folder: string, opts: IndexOptions): Promise<void> {
  const { manifest, skipped, out } = await indexFolder(folder, opts);
  const series = manifest.studies.reduce((n, s) => n + s.series.length, 0);
  const instances = manifest.studies.reduce((n, s) => n + s.NumInstances, 0);
  process.stdout.write(
    `${out}: ${manifest.studies.length} studies, ${series} series, ${instances} instances\n`,
  );
  for (const s of skipped) process.stderr.write(`skipped ${s.name}: ${s.reason}\n`);
}
