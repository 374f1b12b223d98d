/**
 * What the mode's side panels (Model, Metrics, …) get from the viewer: the displayed series
 * as a @concord/core Volume, the overlays, and a way to show a prediction. Panels live in
 * the extensions and import this type only (`import type { ViewerBridge } from '@concord/app'`).
 */
import type { DicomSeriesResult, LabelVolume, Volume } from '@concord/core';
import type {
  OverlayManager,
  OverlayOrigin,
  OverlaySource,
  OverlayState,
} from './segmentation/overlayManager.ts';
import type { ModelConfig } from './appConfig.ts';

/**
 * Results one panel computed that others may reuse instead of computing them again (the
 * Metrics panel's report for the Export panel). One entry per name, the latest; a value is
 * only returned under the key it was stored with: the key names its inputs (study, series,
 * overlay generations), so a stale result is never handed out.
 */
export interface SharedResults {
  get(name: string, key: string): unknown;
  set(name: string, key: string, value: unknown): void;
}

/** A SharedResults in memory (one per viewer bridge). */
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

export interface ViewerBridge {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** Models listed in the app config (manifest URLs on our origin). */
  models: ModelConfig[];
  /** The displayed series on its image grid (waits until every slice is loaded). */
  getImageVolume(): Promise<Volume>;
  /**
   * The displayed series as @concord/core describes a read series: the image volume plus
   * each slice's instance attributes (UIDs, patient/study) — what a SEG or SR referencing it needs.
   */
  getSeries(): Promise<DicomSeriesResult>;
  /** Absolute URL of the active data source's DICOMweb root (same origin), if it is DICOMweb: STOW-RS goes there. */
  dicomWebRoot?: string;
  /** The labelmap of a source on the image grid, if one is shown. */
  getLabelmap(source: OverlaySource): LabelVolume | undefined;
  /** Shows a labelmap as one source's overlay (resampled onto the image grid if needed). */
  showLabelmap(
    source: OverlaySource,
    labelmap: LabelVolume,
    title: string,
    origin?: OverlayOrigin,
  ): LabelVolume;
  /**
   * `showLabelmap` spread over several short main-thread tasks (for a model's result: millions
   * of voxels to copy into the viewer). The previous overlay stays until the new one is shown;
   * a later show of the same source supersedes it (this one then rejects with an AbortError).
   */
  showLabelmapInTasks(
    source: OverlaySource,
    labelmap: LabelVolume,
    title: string,
    origin?: OverlayOrigin,
  ): Promise<LabelVolume>;
  /** Index of the displayed stack image (= slice k of the image volume and its labelmaps). */
  getSliceIndex(): number;
  /** Moves the viewport to slice k (e.g. a worst slice of the Disagreement panel). */
  setSliceIndex(index: number): void;
  /** Overlay state changes (a new reference or prediction, visibility, style). */
  subscribe(fn: (overlays: OverlayState[]) => void): () => void;
  overlays: OverlayManager;
  /** Results shared between panels (see SharedResults), for this bridge's overlays. */
  shared: SharedResults;
}

/** Props every panel component of the mode receives. */
export interface ViewerPanelProps {
  viewer: ViewerBridge;
}
