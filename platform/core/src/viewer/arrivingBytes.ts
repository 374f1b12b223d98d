/**
 * A label file's bytes as they arrive (docs/performance.md): a download or a file the user chose
 * comes in chunks into one buffer, and a reader may wait for the first n bytes. A DICOM SEG is
 * then decoded piece by piece while the rest is still on its way (labelFiles.ts), so a 220 MB
 * SEG costs about its download time instead of its download plus its decode.
 */

/** What a stream's reader offers (core has no DOM types; fetch bodies and Blob.stream()). */
export interface ChunkReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}

export class ArrivingBytes {
  private buf: Uint8Array;
  /** Bytes received so far (the buffer's first `received` bytes). */
  received = 0;
  /** Every byte has arrived (or the stream failed: `atLeast` then throws its error). */
  done = false;
  private failure: unknown = null;
  private waiters: Array<() => void> = [];

  /**
   * `total`: the size announced ahead (a Content-Length, a file's size), a hint for the buffer
   * and progress: more or fewer bytes may come. `describeFailure` turns a stream error into
   * the error a reader sees.
   */
  constructor(
    reader: ChunkReader | null,
    readonly total: number | null,
    private describeFailure: (e: unknown) => Error = (e) =>
      e instanceof Error ? e : new Error(String(e)),
  ) {
    this.buf = new Uint8Array(total ?? 1 << 20);
    if (reader) void this.pump(reader);
  }

  /** Bytes that are all here already. */
  static whole(bytes: Uint8Array): ArrivingBytes {
    const b = new ArrivingBytes(null, bytes.length);
    b.buf = bytes;
    b.received = bytes.length;
    b.done = true;
    return b;
  }

  private async pump(reader: ChunkReader): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value?.length) this.append(value);
        this.wake();
      }
    } catch (e) {
      this.failure = e;
    }
    this.done = true;
    this.wake();
  }

  private append(chunk: Uint8Array) {
    const need = this.received + chunk.length;
    if (need > this.buf.length) {
      // views handed out earlier keep the old buffer, whose bytes stay valid
      const grown = new Uint8Array(Math.max(need, 2 * this.buf.length));
      grown.set(this.buf.subarray(0, this.received));
      this.buf = grown;
    }
    this.buf.set(chunk, this.received);
    this.received = need;
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * The first `n` bytes (fewer when the file is shorter), once they have arrived; calls
   * `onWait` with the bytes received so far while it waits.
   */
  async atLeast(n: number, onWait?: (received: number) => void): Promise<Uint8Array> {
    while (this.received < n && !this.done) {
      onWait?.(this.received);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure && this.received < n) throw this.describeFailure(this.failure);
    return this.buf.subarray(0, Math.min(n, this.received));
  }

  /** The whole file once it has arrived, as an ArrayBuffer of exactly its bytes. */
  async all(onWait?: (received: number) => void): Promise<ArrayBuffer> {
    const bytes = await this.atLeast(Infinity, onWait);
    if (this.failure) throw this.describeFailure(this.failure);
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? (bytes.buffer as ArrayBuffer)
      : (bytes.slice().buffer as ArrayBuffer);
  }
}
