// Emscripten factories of the Cornerstone codecs (CommonJS, no bundled types).
interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface CodecDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete?(): void;
}
interface CodecModuleOptions {
  locateFile?: (file: string, prefix: string) => string;
  print?: (s: string) => void;
  printErr?: (s: string) => void;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: CodecModuleOptions) => Promise<{
    JpegLSDecoder: new () => CodecDecoder;
    getExceptionMessage?: (e: number) => string;
  }>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: CodecModuleOptions) => Promise<{
    J2KDecoder: new () => CodecDecoder;
    getExceptionMessage?: (e: number) => string;
  }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (options?: CodecModuleOptions) => Promise<{
    JPEGDecoder: new () => CodecDecoder;
    getExceptionMessage?: (e: number) => string;
  }>;
  export default factory;
}
