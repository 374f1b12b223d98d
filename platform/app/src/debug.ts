/**
 * The viewer's debug flag (docs/seg.md): `?debug=1` in the page URL, or
 * `localStorage['concord.debug'] = '1'`. Without it, library logging (dcmjs) stays off, so
 * the browser console shows only Concord's own messages.
 */
import { setDicomLibraryLogging } from '@concord/core';

export function debugRequested(
  search: string = globalThis.location?.search ?? '',
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): boolean {
  const param = new URLSearchParams(search).get('debug');
  if (param !== null) return param !== '0' && param !== 'false';
  try {
    return storage?.getItem('concord.debug') === '1';
  } catch {
    return false; // storage blocked (privacy settings)
  }
}

/** Applies the flag to the libraries that log (call once at start-up). */
export function applyDebugFlag(): boolean {
  const on = debugRequested();
  setDicomLibraryLogging(on);
  return on;
}
