/**
 * What the evaluation session's analysis worker computes (docs/architecture.md#workers): the
 * `concord.report/v1` report of one (reference, prediction, probabilities) with the metric
 * engine `concord metrics` uses (same numbers), then its disagreement products (so the numbers
 * show first), then, on request, the TP/FP/FN layer of a structure and the boundary/gross volumes at a threshold τ
 * from the voxel products it keeps for the last few evaluations. DOM-free: `analysis.worker.ts`
 * exposes it in a browser worker, tests expose it on a MessagePort.
 */
import type { LabelVolume } from '@concord/core';
import { transfer } from '@concord/core';
import { boundaryGrossVolumes, classifyDisagreement } from '../disagreement/classify.ts';
import type { BoundaryGrossVolumes } from '../disagreement/classify.ts';
import {
  boxDistances,
  boxValuesOnGrid,
  type StructureDisagreement,
} from '../engine/disagreement.ts';
import { computeMetricsThenDisagreement } from '../engine/metrics.ts';
import { uncertaintyLabelmap, type UncertaintyMeasure } from '../engine/probabilistic.ts';
import type { ManualPair } from '../engine/pairing.ts';
import type { InstanceOptions } from '../engine/lesions.ts';
import {
  buildReport,
  type EvaluationReport,
  type ReportPrediction,
  type ReportSource,
} from '../report/report.ts';
import { distanceLabels } from './distanceLayer.ts';
import { PartStore, type PartData, type StageInput } from './parts.ts';

/** What the panels need of one structure, small enough to keep per study and model. */
export interface StructureSummary {
  label: number;
  name: string;
  /** FP / FN voxel counts per slice along k (the stack's slice axis). */
  fp: Uint32Array;
  fn: Uint32Array;
}

export interface EvaluateInput {
  /** Identifies the inputs; the worker keeps the voxel products of the latest keys. */
  key: string;
  /** The staging token of the arrays below (`reference`, `prediction`, `p<label>`). */
  token: number;
  /** Reference and prediction on the image grid; `data` arrives staged. */
  reference: LabelVolume;
  prediction: LabelVolume;
  /** How many overlap layers of each were staged (`reference.layer1`, …). */
  overlapLayers?: { reference: number; prediction: number };
  /** Labels whose probabilities were staged (`p<label>`), for the soft metrics. */
  probabilityLabels: number[];
  tolerancesMm?: number[];
  /** Structure pairs chosen by the user (docs/structures.md). */
  pairs?: ManualPair[];
  /** Structures evaluated lesion-wise (docs/metrics.md#lesion-wise-evaluation). */
  instances?: InstanceOptions;
  referenceSource: ReportSource;
  predictionSource: ReportPrediction;
  case: { studyInstanceUID: string; seriesInstanceUID: string };
}

export interface EvaluateOutput {
  report: EvaluationReport;
  /** Worker time of the computation, ms. */
  ms: number;
}

/** The disagreement products of an evaluation, computed after its report (`products`). */
export interface ProductsOutput {
  structures: StructureSummary[];
  /** Worker time of the computation (0 when they were computed before), ms. */
  ms: number;
}

export interface LayerInput {
  key: string;
  label: number;
  tauMm: number;
  /** Colour FP/FN by distance bins up to this many mm instead of boundary/gross at τ. */
  distanceMaxMm?: number;
}

/** Code of the error a product request gets when the worker no longer holds the key's voxels. */
export const NOT_COMPUTED = 'NOT_COMPUTED';

interface Products {
  dims: [number, number, number];
  voxelMm3: number;
  structures: StructureDisagreement[];
  /** Structure names by label (the report's). */
  names: Map<number, string>;
  /** The uncertainty overlay's levels per measure (docs/calibration.md); with probabilities. */
  uncertainty?: Record<UncertaintyMeasure, Uint8Array>;
}

/** How many evaluations' voxel products a worker keeps (each may hold tens of MB). */
const KEEP = 2;

function notComputed(key: string): Error {
  return Object.assign(new Error(`The disagreement products of ${key} are not computed`), {
    code: NOT_COMPUTED,
  });
}

/** The worker's API; each worker gets its own state (staged arrays, kept products). */
export function createAnalysisApi() {
  const staged = new PartStore();
  /** Recent evaluations' products, oldest first. */
  const kept = new Map<string, Products>();
  /**
   * The latest evaluation's products, still to compute: the report goes back first (its
   * inputs are held until then; a newer evaluation drops them).
   */
  let pending: { key: string; compute: () => Products } | null = null;
  const productsOf = (key: string): Products => {
    if (pending?.key === key) {
      const compute = pending.compute;
      pending = null;
      kept.delete(key);
      kept.set(key, compute());
      while (kept.size > KEEP) kept.delete(kept.keys().next().value as string);
    }
    const p = kept.get(key);
    if (!p) throw notComputed(key);
    return p;
  };

  return {
    stage(input: StageInput): void {
      staged.stage(input);
    },

    evaluate(req: EvaluateInput): EvaluateOutput {
      const got = staged.take(req.token);
      const part = <T extends PartData>(name: string): T => {
        const data = got.get(name);
        if (!data) throw new Error(`The ${name} array was not sent to the analysis worker`);
        return data as T;
      };
      const layers = (side: 'reference' | 'prediction'): LabelVolume['data'][] | undefined => {
        const n = req.overlapLayers?.[side] ?? 0;
        return n > 0
          ? Array.from({ length: n }, (_, k) => part<LabelVolume['data']>(`${side}.layer${k + 1}`))
          : undefined;
      };
      const reference: LabelVolume = {
        ...req.reference,
        data: part<LabelVolume['data']>('reference'),
        overlapLayers: layers('reference'),
      };
      const prediction: LabelVolume = {
        ...req.prediction,
        data: part<LabelVolume['data']>('prediction'),
        overlapLayers: layers('prediction'),
      };
      const probabilities =
        req.probabilityLabels.length > 0
          ? Object.fromEntries(req.probabilityLabels.map((l) => [l, part<Float32Array>(`p${l}`)]))
          : undefined;
      const t0 = performance.now();
      // each input names its own structures; the engine pairs them (docs/structures.md)
      const { result, disagreement } = computeMetricsThenDisagreement(reference, prediction, {
        tolerancesMm: req.tolerancesMm,
        pairs: req.pairs,
        instances: req.instances,
        probabilities,
      });
      const report = buildReport({
        result,
        reference: req.referenceSource,
        prediction: req.predictionSource,
        case: req.case,
      });
      // the uncertainty levels come with the products, while the probabilities are held
      const classes = probabilities
        ? req.probabilityLabels
            .filter((l) => l > 0)
            .sort((a, b) => a - b)
            .map((l) => probabilities[l])
        : [];
      const voxels = reference.data.length;
      const names = new Map(report.structures.map((st) => [st.label, st.name]));
      kept.delete(req.key);
      pending = {
        key: req.key,
        compute: (): Products => ({
          dims: [...reference.dims] as [number, number, number],
          voxelMm3: reference.spacing[0] * reference.spacing[1] * reference.spacing[2],
          structures: disagreement(),
          names,
          ...(classes.length
            ? {
                uncertainty: {
                  entropy: uncertaintyLabelmap(classes, voxels, 'entropy'),
                  margin: uncertaintyLabelmap(classes, voxels, 'margin'),
                },
              }
            : {}),
        }),
      };
      return { report, ms: performance.now() - t0 };
    },

    /**
     * The disagreement products of an evaluation: per structure its FP/FN counts per slice
     * (the voxel products stay here for `layer` and `boundaryGross`).
     */
    products(req: { key: string }): ProductsOutput {
      const t0 = performance.now();
      const computing = pending?.key === req.key;
      const p = productsOf(req.key);
      const structures: StructureSummary[] = p.structures.map((d) => ({
        label: d.label,
        name: p.names.get(d.label) ?? `Label ${d.label}`,
        fp: d.slices[2].fp,
        fn: d.slices[2].fn,
      }));
      return { structures, ms: computing ? performance.now() - t0 : 0 };
    },

    /**
     * DisagreementClass per voxel of the image grid for one structure at threshold τ; or, with
     * `distanceMaxMm`, the distance-binned labels of `distanceLabels`.
     */
    layer(req: LayerInput) {
      const p = productsOf(req.key);
      const d = p.structures.find((s) => s.label === req.label);
      if (!d) throw new Error(`No structure with label ${req.label}`);
      // classified over the structure's box, then placed on the grid (None = 0 outside): a
      // full-grid copy of its distances cost 4 bytes a voxel (314 MB at 512x512x300)
      const distances = boxDistances(d);
      const inBox =
        req.distanceMaxMm !== undefined
          ? distanceLabels(d.codes, distances, req.distanceMaxMm)
          : classifyDisagreement(d.codes, distances, req.tauMm);
      const [nx, ny, nz] = p.dims;
      const classes = boxValuesOnGrid(d, p.dims, inBox, new Uint8Array(nx * ny * nz));
      return transfer(classes, [classes.buffer as ArrayBuffer]);
    },

    /** The uncertainty overlay's levels over the image grid (a copy, moved to the caller). */
    uncertainty(req: { key: string; measure: UncertaintyMeasure }) {
      const u = productsOf(req.key).uncertainty;
      if (!u) throw new Error('This evaluation has no class probabilities');
      const levels = u[req.measure].slice();
      return transfer(levels, [levels.buffer as ArrayBuffer]);
    },

    /** Boundary (≤ τ) and gross (> τ) FP/FN volumes per structure. */
    boundaryGross(req: { key: string; tauMm: number }): Record<number, BoundaryGrossVolumes> {
      const p = productsOf(req.key);
      return Object.fromEntries(
        p.structures.map((d) => [
          d.label,
          boundaryGrossVolumes(d.codes, d.distancesMm, req.tauMm, p.voxelMm3),
        ]),
      );
    },
  };
}

export type AnalysisApi = ReturnType<typeof createAnalysisApi>;
