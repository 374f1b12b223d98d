/**
 * The cohort's seeded pseudo-random generator: mulberry32 (Tommy Ettinger's 32-bit generator),
 * chosen because a few lines of integer arithmetic reproduce it exactly in any language
 * (docs/cohort.md#bootstrap gives the Python). Not cryptographic.
 */

/** Returns a generator of uint32 values for `seed` (taken modulo 2^32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A uniform index in [0, n): floor(u32 * n / 2^32), exact in doubles for n < 2^21. */
export function drawIndex(next: () => number, n: number): number {
  return Math.floor((next() * n) / 4294967296);
}
