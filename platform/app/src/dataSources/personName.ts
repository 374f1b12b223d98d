/**
 * PatientName as text: a plain string, or DICOM JSON's `{Alphabetic, Ideographic, Phonetic}`
 * joined back with "=" (the PN component-group separator), so nothing of the value is lost.
 */
export function personName(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(personName).join('\\');
  if (typeof v === 'object') {
    const pn = v as { Alphabetic?: unknown; Ideographic?: unknown; Phonetic?: unknown };
    const groups = [pn.Alphabetic, pn.Ideographic, pn.Phonetic].map((g) =>
      g === undefined || g === null ? '' : String(g),
    );
    while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
    return groups.join('=');
  }
  return String(v);
}
