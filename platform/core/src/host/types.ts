/**
 * The host contract: what a viewer offers Concord's extensions. Concord's own viewer
 * implements it natively (platform/app); an implementation over OHIF's services makes the same
 * extensions run in stock OHIF. Extensions depend on this contract, never on a viewer package.
 * Types only: no DOM, no React, no Cornerstone.
 */
import type { DicomSeriesResult } from '../dicom/index.ts';
import type { LabelInfo, LabelVolume, Volume } from '../geometry/index.ts';

/**
 * An overlay source: one labelmap layer over the image, named by its id. `reference` (the
 * annotator) and `prediction` (the model) are the host's own; extensions register theirs (see
 * `OverlaySourceDefinition`), e.g. the Disagreement panel's TP/FP/FN layer `disagreement`.
 */
export type OverlaySource = 'reference' | 'prediction' | (string & {});

export interface OverlayStyle {
  fill: boolean;
  outline: boolean;
  /** Fill opacity 0..1 */
  opacity: number;
}

/**
 * What an overlay source is: the host shows each registered source as its own layer, in
 * registration order (the host's own first).
 * - `structures`: a structure set the user compares (reference, prediction): the host lists it
 *   in its overlay controls and lets the user load a labelmap file into it.
 * - `derived`: a layer an extension computes from the others (e.g. TP/FP/FN codes); shown and
 *   removed by that extension only.
 */
export interface OverlaySourceDefinition {
  id: OverlaySource;
  /** Shown in the host's overlay controls. */
  label: string;
  role: 'structures' | 'derived';
  /** Style of a newly shown labelmap of this source. */
  defaultStyle: OverlayStyle;
  /** Outline width in screen pixels (default 1). */
  outlineWidth?: number;
}

/** Where a labelmap came from, as the report records it (docs/report.md). */
export interface OverlayOrigin {
  kind: 'nifti' | 'dicom-seg' | 'rtstruct' | 'model' | 'labelmap';
  model?: { name: string; version: string; sha256: string };
  backend?: string;
  inferenceMs?: number;
  /** Per-class probabilities on the image grid (label -> p), for soft metrics. */
  probabilities?: Record<number, Float32Array>;
}

export interface OverlayState {
  source: OverlaySource;
  origin: OverlayOrigin;
  /** Increments with every new labelmap, so panels can tell a replacement from a restyle. */
  generation: number;
  /** Where it came from, for the UI (file name, series description, model name). */
  title: string;
  labels: LabelInfo[];
  visible: boolean;
  hiddenLabels: number[];
  style: OverlayStyle;
  /** Voxel count per label on the image grid (0 = structure absent). */
  counts: Record<number, number>;
}

/** A model the host offers (a concord.model/v1 manifest URL on the host's origin). */
export interface ModelConfig {
  /** Shown in the Model panel. */
  name: string;
  /** URL of the concord.model/v1 manifest (the .onnx sits next to it). */
  manifestUrl: string;
}

/** The overlay layers' state and the few controls panels need on them. */
export interface HostOverlays {
  list(): OverlayState[];
  remove(source: OverlaySource): void;
  setVisible(source: OverlaySource, visible: boolean): void;
}

export interface ViewerHost {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** Models the host offers. */
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
  overlays: HostOverlays;
  /**
   * Adds an overlay source (an extension's own layer) to this host; returns a function that
   * removes it again. A source must be registered before a labelmap is shown as it. Extensions
   * can also declare theirs in a utility module named `OVERLAY_SOURCES_MODULE`, which the host
   * registers when it loads the extension.
   */
  registerOverlaySource(definition: OverlaySourceDefinition): () => void;
}

/** Props every panel component of a Concord mode receives. */
export interface HostPanelProps {
  viewer: ViewerHost;
}
