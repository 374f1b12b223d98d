/**
 * `--probabilities <4D NIfTI>` of `concord metrics` (docs/cli.md, docs/calibration.md): the
 * per-class probabilities `concord infer --probabilities` writes, frame t = class label t.
 */
import { gridDifference, InvalidInputError, readNiftiFrames, type Grid } from '@concord/core';
import { readFileBytes } from '@concord/core/node';

/**
 * Reads the frames as p_k (label k = frame k; frame 0, the background, is left out: the engine
 * derives p_0 from the others). Values on the uint8 grid q/255 that `concord infer` writes are
 * read as Math.fround(q / 255), exactly what the viewer holds, so both give the same numbers.
 */
export function readProbabilities(file: string, referenceGrid: Grid): Map<number, Float32Array> {
  let read: ReturnType<typeof readNiftiFrames>;
  try {
    read = readNiftiFrames(readFileBytes(file, 'probabilities'));
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError(`--probabilities ${file}: not a readable NIfTI (${String(e)})`);
  }
  const diff = gridDifference(referenceGrid, read.grid);
  if (diff)
    throw new InvalidInputError(
      `--probabilities ${file} is not on the reference grid (${diff}); write them on the reference's grid`,
    );
  if (read.frames.length < 2)
    throw new InvalidInputError(
      `--probabilities ${file} has ${read.frames.length} frame; expected one per class (frame t = label t, background first)`,
    );
  const out = new Map<number, Float32Array>();
  for (let t = 1; t < read.frames.length; t++) {
    const f = read.frames[t];
    const p = new Float32Array(f.length);
    let onGrid = true;
    for (let i = 0; i < f.length; i++) {
      const v = f[i];
      if (!(v >= -1e-6 && v <= 1 + 1e-6))
        throw new InvalidInputError(
          `--probabilities ${file}: frame ${t} holds ${v} at voxel ${i}, outside [0, 1]`,
        );
      const q = Math.round(v * 255);
      if (onGrid && Math.abs(v * 255 - q) > 1e-3) onGrid = false;
      p[i] = onGrid ? q / 255 : v;
    }
    if (!onGrid) p.set(f as ArrayLike<number>);
    out.set(t, p);
  }
  return out;
}
