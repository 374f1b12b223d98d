/**
 * Whether a labelmap loaded from a file can be told to belong to the displayed series. A DICOM
 * SEG names its series and frame of reference (the reader refuses another series' SEG); a NIfTI
 * file names neither, so what there is to go by is where its voxels are: the same field of view
 * as the series (stored flipped or permuted is fine), or not. The warnings do not block: the
 * labelmap is shown, resampled onto the series.
 */
import { describeGrid, worldBounds, type Grid } from '@concord/core';

/** Largest distance (mm) between the two grids' world bounding boxes (min and max corners). */
export function boundsDistanceMm(a: Grid, b: Grid): number {
  const ba = worldBounds(a);
  const bb = worldBounds(b);
  let d = 0;
  for (let i = 0; i < 3; i++)
    d = Math.max(d, Math.abs(ba.min[i] - bb.min[i]), Math.abs(ba.max[i] - bb.max[i]));
  return d;
}

/** The warning to show for a labelmap file on this series, or null. */
export function labelmapWarning(labelmap: Grid, series: Grid, fileName: string): string | null {
  if (
    labelmap.frameOfReferenceUID &&
    series.frameOfReferenceUID &&
    labelmap.frameOfReferenceUID !== series.frameOfReferenceUID
  )
    return (
      `${fileName} is in another frame of reference than this series (another patient, study ` +
      `or session?): it is placed by its coordinates only. Check that it belongs here.`
    );
  // the same field of view within half the coarsest voxel: the same image grid, maybe stored
  // in another voxel order
  const tolerance = 0.5 * Math.max(...series.spacing, ...labelmap.spacing);
  const off = boundsDistanceMm(labelmap, series);
  if (off <= tolerance) return null;
  return (
    `${fileName} covers another field of view than this series (its corners are up to ` +
    `${off.toFixed(1)} mm away): it was resampled onto the series. A NIfTI file names no ` +
    `patient or study; check that it belongs to this series (its grid: ${describeGrid(labelmap)}).`
  );
}
