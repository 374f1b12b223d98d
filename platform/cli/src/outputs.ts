/**
 * Writes a command's output files all or nothing (docs/cli.md): each file goes to a temporary
 * name next to its target first, and only when every one is written are they renamed into
 * place. A failure removes the temporary files, so no output is left half written.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '@concord/core';

export async function writeOutputs(
  files: { path: string; bytes: Uint8Array | string }[],
): Promise<void> {
  // a target that cannot be replaced by a file fails now, before anything is written
  for (const f of files) {
    const existing = await stat(f.path).catch(() => undefined);
    if (existing?.isDirectory())
      throw new InvalidInputError(`cannot write ${f.path}: it is a folder`);
  }
  const temps: string[] = [];
  try {
    for (const f of files) {
      await mkdir(path.dirname(f.path), { recursive: true });
      const tmp = path.join(
        path.dirname(f.path),
        `.${path.basename(f.path)}.${process.pid}.${temps.length}.tmp`,
      );
      temps.push(tmp);
      await writeFile(tmp, f.bytes);
    }
    for (let i = 0; i < files.length; i++) await rename(temps[i], files[i].path);
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw e;
  }
}
