import { describe, expect, it } from 'vitest';
import { StructureLayers } from '../geometry/index.ts';
import { binaryFrameRuns, fractionalFrameRuns } from './read.ts';

/** Runs of a 0/1 pixel array, the obvious way. */
function naiveRuns(bits: number[]): number[] {
  const runs: number[] = [];
  for (let p = 0; p < bits.length; p++) {
    if (bits[p] && (p === 0 || !bits[p - 1])) runs.push(p);
    if (bits[p] && (p === bits.length - 1 || !bits[p + 1])) runs.push(p + 1);
  }
  return runs;
}

/** Packs 0/1 pixels starting at bit `bit0` (first pixel in the lowest bit). */
function pack(bits: number[], bit0: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((bit0 + bits.length) / 8) + 1);
  bits.forEach((b, p) => {
    if (b) out[(bit0 + p) >> 3] |= 1 << ((bit0 + p) & 7);
  });
  return out;
}

describe('SEG frame runs', () => {
  it('decode 1-bit frames at any bit offset and length like a per-pixel scan', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 90);
      const bit0 = Math.floor(rand() * 20);
      // runs of set and unset pixels of random lengths: zero and full bytes both occur
      const bits: number[] = [];
      let v = rand() < 0.5 ? 1 : 0;
      while (bits.length < n) {
        const len = 1 + Math.floor(rand() * 20);
        for (let i = 0; i < len && bits.length < n; i++) bits.push(v);
        v ^= 1;
      }
      expect(binaryFrameRuns(pack(bits, bit0), bit0, n)).toEqual(naiveRuns(bits));
    }
  });

  it('decode long frames read as 32-bit words at every buffer alignment like a per-pixel scan', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 700);
      const bit0 = Math.floor(rand() * 40);
      // long zero and one stretches (whole words) and short mixed ones (bytes, bits)
      const bits: number[] = [];
      let v = rand() < 0.5 ? 1 : 0;
      while (bits.length < n) {
        const len = 1 + Math.floor(rand() * (rand() < 0.5 ? 8 : 120));
        for (let i = 0; i < len && bits.length < n; i++) bits.push(v);
        v ^= 1;
      }
      // a view at byte offset 0..7 of its buffer, as a frame inside a file buffer is
      const shift = trial % 8;
      const packed = pack(bits, bit0);
      const backing = new Uint8Array(packed.length + shift);
      backing.set(packed, shift);
      const view = backing.subarray(shift);
      expect(binaryFrameRuns(view, bit0, n)).toEqual(naiveRuns(bits));
    }
  });

  it('thresholds FRACTIONAL frames', () => {
    const px = new Uint8Array([0, 200, 128, 127, 255, 0, 128]);
    expect(fractionalFrameRuns(px, 1, 6, 127.5)).toEqual([0, 2, 3, 4, 5, 6]);
  });

  it('places runs on the first free layer; touching structures share a layer', () => {
    const layers = new StructureLayers(2 * 8, 8, 3);
    expect(layers.placeRuns(1, new Map([[0, [0, 4]]]))).toBe(0);
    expect(
      layers.placeRuns(
        2,
        new Map([
          [0, [4, 8]],
          [1, [0, 2, 1, 3]],
        ]),
      ),
    ).toBe(0);
    expect(layers.placeRuns(3, new Map([[1, [2, 5]]]))).toBe(1); // pixel 2 of slice 1 is taken
    expect([...layers.arrays[0]]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0]);
    expect([...layers.arrays[1]]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0, 0]);
  });
});
