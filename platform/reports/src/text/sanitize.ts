/**
 * Neutralising untrusted strings (DICOM attributes, structure names, file paths) for the
 * output formats: spreadsheet formulas in CSV, control characters everywhere.
 */

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Prefixes `'` to a string cell that a spreadsheet would evaluate as a formula. Only strings
 * are neutralised: numbers are written by the CSV writer from `number` values, so a negative
 * volume difference stays the number `-1.5` rather than the text `'-1.5`.
 */
export function neutralizeFormula(value: string): string {
  return value.length > 0 && FORMULA_TRIGGERS.has(value[0]) ? `'${value}` : value;
}

/** Removes C0/C1 control characters except tab, LF and CR (NUL and ESC have no place in a report). */
export function stripControlChars(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
}
