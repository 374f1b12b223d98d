/** PatientName may be a plain string or DICOM JSON's `{Alphabetic}`. */
export function personName(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(personName).join('\\');
  if (typeof v === 'object') return String((v as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(v);
}
