/**
 * Addresses between the cohort view and the viewer (docs/cohort.md, "Opening a case"): a
 * case's reference and prediction files as addresses under the folder `concord serve` serves,
 * the viewer's address that opens a case with them, and the way back to the cohort. The
 * viewer fetches labelmaps only from this server's served folder: never another origin, never
 * a path that leaves the folder. Pure functions: no DOM, no fetch.
 */
import { viewerUrl } from './router.ts';

/** The folder `concord serve DIR` serves DIR under (the CLI's DATA_PREFIX, docs/cli.md). */
export const SERVED_DATA_PREFIX = '/data/';

/** The viewer's query parameters of a case opened from the cohort view. */
export const CASE_PARAMS = {
  series: 'SeriesInstanceUIDs',
  reference: 'reference',
  prediction: 'prediction',
  /** the model's name in the cohort, shown as the prediction's name */
  model: 'model',
  /** the cohort page to come back to */
  cohort: 'cohort',
} as const;

/**
 * A file the cohort names (a path relative to the folder of cohort.json, as in its
 * `cases[].inputs`) as an address under the served folder, or null when it is not one: an
 * absolute path or URL, a backslash, or `..` that climbs above the served folder (resolved
 * segment by segment, so such a path is refused instead of being clamped onto another file).
 */
export function servedFileUrl(cohortUrl: string, relative: string): string | null {
  if (!relative || /^[a-z][a-z0-9+.-]*:|^\/|\\|\0/i.test(relative)) return null;
  const base = new URL(cohortUrl);
  if (!base.pathname.startsWith(SERVED_DATA_PREFIX)) return null;
  const segments = base.pathname.slice(SERVED_DATA_PREFIX.length).split('/').slice(0, -1);
  for (const s of relative.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length === 0) return null;
      segments.pop();
    } else segments.push(encodeURIComponent(s));
  }
  if (segments.length === 0) return null;
  return new URL(SERVED_DATA_PREFIX + segments.join('/'), base.origin).href;
}

/**
 * A labelmap address from the viewer's query (`reference=`, `prediction=`) as an address on
 * this origin under the served folder, or a one-line reason it is refused.
 */
export function servedLabelmapUrl(raw: string, origin: string): string {
  let u: URL;
  try {
    u = new URL(raw, origin);
  } catch {
    throw new Error(`“${raw}” is not an address`);
  }
  if (u.origin !== origin)
    throw new Error(`${u.href} is refused: labelmaps are read from this server only`);
  // URL parsing has already resolved `..` (also written %2e%2e); an encoded separator could
  // still hide one from that, so it is refused
  if (!u.pathname.startsWith(SERVED_DATA_PREFIX) || /%2f|%5c/i.test(u.pathname))
    throw new Error(
      `${u.pathname} is refused: labelmaps are read from the served folder (${SERVED_DATA_PREFIX}) only`,
    );
  return u.href;
}

/** The cohort page to go back to from `cohort=`: a same-origin /cohort address, else null. */
export function cohortReturnUrl(raw: string | null, origin: string): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw, origin);
    return u.origin === origin && /^\/cohort\/?$/.test(u.pathname) ? u.pathname + u.search : null;
  } catch {
    return null;
  }
}

/** What the viewer needs to open one case x model of a cohort. */
export interface CaseViewerLink {
  route: string;
  studyUID: string;
  seriesUID: string | null;
  referenceUrl: string;
  predictionUrl: string;
  model: string;
  /** the cohort page (path + query) that the viewer's back link returns to */
  cohortPage: string;
}

/** The viewer's address of a case: the study, the case's reference and prediction, the way back. */
export function caseViewerHref(link: CaseViewerLink): string {
  const base = viewerUrl(link.route, link.studyUID, '');
  const q = new URLSearchParams(base.slice(base.indexOf('?') + 1));
  // no data source: the viewer's default (the served folder, or the DICOMweb server with --dicomweb)
  q.delete('dataSource');
  if (link.seriesUID) q.set(CASE_PARAMS.series, link.seriesUID);
  q.set(CASE_PARAMS.reference, new URL(link.referenceUrl).pathname);
  q.set(CASE_PARAMS.prediction, new URL(link.predictionUrl).pathname);
  q.set(CASE_PARAMS.model, link.model);
  q.set(CASE_PARAMS.cohort, link.cohortPage);
  return `${base.slice(0, base.indexOf('?'))}?${q}`;
}
