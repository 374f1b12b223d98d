import type { SharedResults } from './types.ts';

/** A SharedResults in memory (one per host). */
export function createSharedResults(): SharedResults {
  const latest = new Map<string, { key: string; value: unknown }>();
  return {
    get: (name, key) => {
      const e = latest.get(name);
      return e && e.key === key ? e.value : undefined;
    },
    set: (name, key, value) => void latest.set(name, { key, value }),
  };
}
