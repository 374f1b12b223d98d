/** Number formats of the human-readable reports (PDF); tests format expected values with these. */

export const NOT_AVAILABLE = 'n/a';

function fixed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? NOT_AVAILABLE : v.toFixed(digits);
}

/** Dice, Jaccard, NSD, precision, recall: 4 decimals. */
export const formatRatio = (v: number | null | undefined): string => fixed(v, 4);
/** Distances in mm: 2 decimals. */
export const formatMm = (v: number | null | undefined): string => fixed(v, 2);
/** Volumes in mL: 3 decimals. */
export const formatMl = (v: number | null | undefined): string => fixed(v, 3);
/** Percentages: 1 decimal, explicit sign for differences. */
export function formatSignedPct(v: number | null | undefined): string {
  const s = fixed(v, 1);
  return s !== NOT_AVAILABLE && v! > 0 ? `+${s}` : s;
}
