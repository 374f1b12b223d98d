/**
 * The one thing the engine needs from a runtime: run a batch through the model.
 * Implemented by onnxruntime-web (WASM / WebGPU, browser worker and Node) and onnxruntime-node.
 */
export interface InferenceBackend {
  /** What actually runs the model: 'wasm', 'webgpu' or 'native' (onnxruntime-node CPU). */
  readonly name: BackendName;
  /** Intra-op threads the runtime was configured with. */
  readonly threads: number;
  /**
   * Runs one batch (layout NCHW / NCDHW, float32) and returns the output tensor's data
   * (N x classes x spatial). The input buffer may be detached (ORT proxy worker): do not reuse it.
   */
  run(batch: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  /** Frees the session (and its WASM / GPU memory). Safe to call twice. */
  release(): Promise<void>;
}

export type BackendName = 'wasm' | 'webgpu' | 'native' | (string & {});
