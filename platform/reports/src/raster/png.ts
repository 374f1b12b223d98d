/**
 * PNG for report rasters through `fast-png` (pure JavaScript, runs in browser workers and Node):
 * slices are rasterised without a canvas and encoded here; the decoder reads rendered pages back
 * in tests. This module only maps fast-png's image shape onto {@link RasterImage}.
 */
import { convertIndexedToRgb, decode, encode, type DecodedPng } from 'fast-png';

export interface RasterImage {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA) */
  channels: 3 | 4;
  /** row-major, top row first, `channels` bytes per pixel */
  data: Uint8Array;
}

/** Encodes an 8-bit RGB or RGBA image as PNG. */
export function encodePng(image: RasterImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`encodePng: ${data.length} bytes for ${width}x${height}x${channels}`);
  }
  return encode({ width, height, channels, depth: 8, data }, { zlib: { level: 6 } });
}

/** 8-bit samples of a decoded image (16-bit samples keep their high byte). */
function eightBit(png: DecodedPng): Uint8Array {
  if (png.palette) return convertIndexedToRgb(png);
  if (png.depth === 8) return png.data as Uint8Array;
  if (png.depth === 16) return Uint8Array.from(png.data, (v) => v >> 8);
  // 1, 2 or 4-bit greyscale: scale to 0..255
  const max = (1 << png.depth) - 1;
  return Uint8Array.from(png.data, (v) => Math.round((v * 255) / max));
}

/**
 * Decodes a PNG (any bit depth, colour type or interlacing) to 8-bit RGB or RGBA; greyscale
 * becomes RGB and greyscale with alpha RGBA.
 */
export function decodePng(bytes: Uint8Array): RasterImage {
  const png = decode(bytes);
  const { width, height } = png;
  const data = eightBit(png);
  const channels = png.palette ? png.palette[0].length : png.channels;
  if (channels === 3 || channels === 4) return { width, height, channels, data };
  const n = width * height;
  const out = new Uint8Array(n * (channels + 2));
  for (let i = 0; i < n; i++) {
    const grey = data[i * channels];
    if (channels === 1) out.set([grey, grey, grey], 3 * i);
    else out.set([grey, grey, grey, data[i * channels + 1]], 4 * i);
  }
  return { width, height, channels: channels === 1 ? 3 : 4, data: out };
}
