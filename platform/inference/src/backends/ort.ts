import type * as OrtWeb from 'onnxruntime-web';
import {
  checkManifestAgainstGraph,
  checkModelSha256,
  type ModelGraphInfo,
  type ValueInfo,
} from '../manifest/validate.ts';
import type { ModelManifest } from '../manifest/types.ts';
import type { BackendName, InferenceBackend } from '../engine/backend.ts';

/**
 * The part of an ORT module we use. onnxruntime-web and onnxruntime-node both fit (they share
 * onnxruntime-common), so the engine never imports a runtime itself.
 */
export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor'>;

export interface OrtBackendOptions {
  /** ORT execution providers, e.g. ['webgpu'], ['wasm'], ['cpu']. */
  executionProviders: string[];
  /** Name recorded in results: 'webgpu', 'wasm', 'native'. */
  name: BackendName;
  /** Threads the runtime uses (recorded; also passed as intraOpNumThreads where it applies). */
  threads: number;
  /** Pass intraOpNumThreads to the session (onnxruntime-node); ORT-web uses env.wasm.numThreads. */
  setIntraOpThreads?: boolean;
  /** Skip the sha256 check (only when the caller has already checked the same bytes). */
  skipSha256?: boolean;
  /**
   * ORT graph optimisation level; default 'extended'. 'all' adds onnxruntime-node's NCHWc
   * layout transforms (~20% faster on CPU) but changes the arithmetic enough that logits differ
   * from the WASM runtime by >1e-4; 'extended' keeps both runtimes within 1e-4.
   */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface OrtBackend extends InferenceBackend {
  readonly graph: ModelGraphInfo;
}

function valueInfo(
  meta: readonly OrtWeb.InferenceSession.ValueMetadata[] | undefined,
): ValueInfo[] | undefined {
  if (!meta) return undefined;
  return meta.map((m) =>
    m.isTensor
      ? {
          name: m.name,
          type: m.type,
          shape: m.shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : d)),
        }
      : { name: m.name },
  );
}

/** What an ORT session says about its graph. */
export function sessionGraphInfo(session: OrtWeb.InferenceSession): ModelGraphInfo {
  const s = session as OrtWeb.InferenceSession & {
    inputMetadata?: readonly OrtWeb.InferenceSession.ValueMetadata[];
    outputMetadata?: readonly OrtWeb.InferenceSession.ValueMetadata[];
  };
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputs: valueInfo(s.inputMetadata),
    outputs: valueInfo(s.outputMetadata),
  };
}

/**
 * Creates an ORT session for a model and checks it against its manifest (sha256 of the bytes,
 * input/output names, ranks, channels, fixed dims) before any inference.
 */
export async function createOrtBackend(
  ort: OrtModule,
  manifest: ModelManifest,
  modelBytes: Uint8Array,
  options: OrtBackendOptions,
): Promise<OrtBackend> {
  if (!options.skipSha256) await checkModelSha256(manifest, modelBytes);
  const sessionOptions: OrtWeb.InferenceSession.SessionOptions = {
    executionProviders:
      options.executionProviders as OrtWeb.InferenceSession.ExecutionProviderConfig[],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'extended',
  };
  if (options.setIntraOpThreads) {
    sessionOptions.intraOpNumThreads = options.threads;
    sessionOptions.interOpNumThreads = 1;
  }
  let session: OrtWeb.InferenceSession | null = await ort.InferenceSession.create(
    modelBytes,
    sessionOptions,
  );
  const graph = sessionGraphInfo(session);
  try {
    checkManifestAgainstGraph(manifest, graph);
  } catch (e) {
    await session.release();
    throw e;
  }
  const inputName = manifest.input.name;
  const outputName = manifest.output.name;
  return {
    name: options.name,
    threads: options.threads,
    graph,
    async run(batch, shape) {
      if (!session) throw new Error('The inference session has been released');
      const tensor = new ort.Tensor('float32', batch, shape as number[]);
      const results = await session.run({ [inputName]: tensor });
      const out = results[outputName];
      const data = out.data as Float32Array;
      // copy out of any runtime-owned buffer, then free the runtime's tensors
      const copy = new Float32Array(data);
      for (const v of Object.values(results)) v.dispose?.();
      return copy;
    },
    async release() {
      const s = session;
      session = null;
      if (s) await s.release();
    },
  };
}
