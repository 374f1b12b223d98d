/**
 * Labelmap overlays on the viewer: the annotator's reference and the model's prediction at
 * the same time, and the layers extensions register (e.g. the Disagreement panel's TP/FP/FN
 * codes), each its own Cornerstone segmentation (labelmap images derived from the displayed
 * series), each styled separately, toggleable per source and per structure. Which sources
 * there are, their default style and order come from an `OverlaySourceRegistry`. A source whose
 * structures overlap (docs/structures.md) is one Cornerstone segmentation per layer, so that
 * both structures show where they overlap.
 */
import { imageLoader, type Types } from '@cornerstonejs/core';
import { segmentation, Enums as ToolEnums } from '@cornerstonejs/tools';
import {
  nextTask,
  alignToReference,
  displayedStyle,
  imageVolumeGrid,
  labelLayers,
  LabelCounter,
  overlayLabels,
  type Grid,
  type LabelInfo,
  type LabelVolume,
  type OverlayOrigin,
  type OverlaySource,
  type OverlaySourceRegistry,
  type OverlayState,
  type OverlayStyle,
} from '@concord/core';
import { fallbackColor } from '@concord/metrics';

export type { OverlaySource, OverlayStyle, OverlayOrigin, OverlayState };

const LABELMAP = ToolEnums.SegmentationRepresentations.Labelmap;

export { fallbackColor };

/** Grid of a Cornerstone image volume, in the @concord/core convention. */
export function volumeGrid(volume: Types.IImageVolume): Grid {
  return imageVolumeGrid(volume);
}

type Listener = (states: OverlayState[]) => void;

export class OverlayManager {
  private states = new Map<OverlaySource, OverlayState>();
  /** Cornerstone segmentations of a source: one per layer of its structure set. */
  private segmentationIds = new Map<OverlaySource, string[]>();
  /** The labelmap on the image grid, for metrics and exports. */
  private volumes = new Map<OverlaySource, LabelVolume>();
  private listeners = new Set<Listener>();
  private viewportIds: string[] = [];
  private generation = 0;
  /** The latest `setLabelmapInTasks` per source (an earlier one still filling gives up). */
  private pendingShow = new Map<OverlaySource, object>();
  /** Visibility set while a show was still filling: the new overlay lands with it. */
  private pendingVisible = new Map<OverlaySource, boolean>();
  /** How many times each source was asked to show or drop a labelmap (see `changeCount`). */
  private changes = new Map<OverlaySource, number>();

  constructor(
    private readonly seriesKey: string,
    private readonly sources: OverlaySourceRegistry,
  ) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    fn(this.list());
    return () => this.listeners.delete(fn);
  }

  /** The shown overlays, in the order of their sources' registration. */
  list(): OverlayState[] {
    const order = this.sources.list().map((d) => d.id);
    const rank = (s: OverlaySource) => (order.includes(s) ? order.indexOf(s) : order.length);
    return [...this.states.values()].sort((a, b) => rank(a.source) - rank(b.source));
  }

  labelVolume(source: OverlaySource): LabelVolume | undefined {
    return this.volumes.get(source);
  }

  /**
   * A stamp of `source`'s requests: a slow automatic load (the study's reference SEG, decoded
   * in a worker) notes it when it starts and gives way if it moved meanwhile, so it never
   * replaces a labelmap the user chose while it was decoding.
   */
  changeCount(source: OverlaySource): number {
    return this.changes.get(source) ?? 0;
  }

  private changed(source: OverlaySource) {
    this.changes.set(source, this.changeCount(source) + 1);
  }

  private emit() {
    const l = this.list();
    for (const fn of this.listeners) fn(l);
  }

  /**
   * Shows a labelmap (any grid sharing the series' frame of reference; resampled by nearest
   * neighbour onto the image grid) as one source's overlay, replacing the previous one.
   */
  setLabelmap(
    source: OverlaySource,
    imageVolume: Types.IImageVolume,
    labelmap: LabelVolume,
    title: string,
    origin: OverlayOrigin = { kind: 'labelmap' },
  ): LabelVolume {
    this.sources.require(source);
    this.changed(source);
    const aligned = alignToReference(labelmap, volumeGrid(imageVolume));
    this.pendingShow.delete(source); // supersedes a `setLabelmapInTasks` still filling
    this.pendingVisible.delete(source);
    this.remove(source);
    const fills = layerFills(imageVolume, aligned);
    for (const fill of fills) fill.run(fill.nz);
    return this.register(source, aligned, fills, labelmap, title, origin);
  }

  /**
   * Like `setLabelmap`, but the per-slice work (Cornerstone's derived images, copying and
   * counting millions of voxels) is spread over main-thread tasks of about `budgetMs` each. The previous overlay of `source` stays until the new one is
   * ready; a later call for the same source supersedes this one (it then rejects).
   */
  async setLabelmapInTasks(
    source: OverlaySource,
    imageVolume: Types.IImageVolume,
    labelmap: LabelVolume,
    title: string,
    origin: OverlayOrigin,
    budgetMs = 12,
  ): Promise<LabelVolume> {
    this.sources.require(source);
    this.changed(source);
    const token = {};
    this.pendingShow.set(source, token);
    this.pendingVisible.delete(source);
    // Each step is a task of its own, marked `concord:show:<source>` for the e2e long-task
    // record; the budget is wall time, so a busy machine gives shorter steps, not longer ones.
    const step = async <T>(work: () => T): Promise<T> => {
      await nextTask();
      if (this.pendingShow.get(source) !== token)
        throw new DOMException('Superseded by a newer labelmap', 'AbortError');
      const t0 = performance.now();
      const out = work();
      performance.measure(`concord:show:${source}`, { start: t0 });
      return out;
    };
    const aligned = await step(() => alignToReference(labelmap, volumeGrid(imageVolume)));
    const fills = await step(() => layerFills(imageVolume, aligned));
    for (const fill of fills) {
      while (fill.done < fill.nz) {
        await step(() => {
          const t0 = performance.now();
          do
            fill.run(1); // at least one slice per task, however small the budget
          while (fill.done < fill.nz && performance.now() - t0 < budgetMs);
        });
      }
    }
    return step(() => {
      this.pendingShow.delete(source);
      this.remove(source);
      return this.register(source, aligned, fills, labelmap, title, origin);
    });
  }

  /** Adds the filled slices as `source`'s segmentation and announces it. */
  private register(
    source: OverlaySource,
    aligned: LabelVolume,
    fills: SliceFill[],
    labelmap: LabelVolume,
    title: string,
    origin: OverlayOrigin,
  ): LabelVolume {
    const visible = this.pendingVisible.get(source) ?? true; // hidden while it was filling?
    this.pendingVisible.delete(source);
    const counts: Record<number, number> = {};
    for (const f of fills) Object.assign(counts, f.counts()); // a label lives in one layer
    const base = `${source}:${this.seriesKey}:${++this.generation}`;
    const ids = fills.map((_, i) => (i === 0 ? base : `${base}:layer${i}`));
    const labels: LabelInfo[] = overlayLabels(labelmap.labels, counts, fallbackColor);
    segmentation.addSegmentations(
      fills.map((fill, i) => ({
        segmentationId: ids[i],
        representation: {
          type: LABELMAP,
          data: { imageIds: fill.images.map((im) => im.imageId) },
        },
        config: {
          label: i === 0 ? title : `${title} (overlapping, layer ${i + 1})`,
          segments: Object.fromEntries(
            labels
              .filter((l) => (l.layer ?? 0) === i)
              .map((l) => [l.label, { label: l.name, segmentIndex: l.label }]),
          ),
        },
      })),
    );
    this.segmentationIds.set(source, ids);
    this.volumes.set(source, { ...aligned, labels });
    this.states.set(source, {
      source,
      origin,
      generation: this.generation,
      title,
      labels,
      visible,
      hiddenLabels: [],
      style: { ...this.sources.require(source).defaultStyle },
      counts,
    });
    this.attachOne(source);
    this.emit();
    return this.volumes.get(source) as LabelVolume;
  }

  /** Removes the source's overlay; a `setLabelmapInTasks` of it still filling gives up. */
  remove(source: OverlaySource) {
    this.pendingShow.delete(source);
    const ids = this.segmentationIds.get(source);
    if (!ids) return;
    for (const id of ids) segmentation.removeSegmentation(id);
    this.segmentationIds.delete(source);
    this.states.delete(source);
    this.volumes.delete(source);
    if (this.sources.get(source)?.role === 'derived') this.applyAll();
    this.emit();
  }

  /** Adds every overlay to the viewports of the current layout (after a layout change). */
  attach(viewportIds: string[]) {
    this.viewportIds = viewportIds;
    for (const s of this.states.keys()) this.attachOne(s);
  }

  private attachOne(source: OverlaySource) {
    const ids = this.segmentationIds.get(source);
    const state = this.states.get(source);
    if (!ids || !state) return;
    for (const viewportId of this.viewportIds) {
      segmentation.addLabelmapRepresentationToViewport(
        viewportId,
        ids.map((segmentationId) => ({ segmentationId })),
      );
    }
    if (this.sources.get(source)?.role === 'derived') this.applyAll();
    else this.applyDisplay(source);
  }

  /** Whether a derived layer (e.g. the TP/FP/FN codes) is on the image now. */
  derivedLayerShown(): boolean {
    for (const s of this.states.values())
      if (s.visible && this.sources.get(s.source)?.role === 'derived') return true;
    return false;
  }

  /** Re-applies every source's display (a derived layer came, went or changed visibility). */
  private applyAll() {
    for (const s of this.states.keys()) this.applyDisplay(s);
  }

  private applyDisplay(source: OverlaySource) {
    const ids = this.segmentationIds.get(source);
    const state = this.states.get(source);
    if (!ids || !state) return;
    const definition = this.sources.get(source);
    const outlineWidth = definition?.outlineWidth ?? 1;
    // structure fills become outlines while a derived layer is shown (docs/metrics.md)
    const style = displayedStyle(state.style, definition?.role, this.derivedLayerShown());
    ids.forEach((segmentationId, layer) =>
      this.applyLayerDisplay(segmentationId, layer, state, style, outlineWidth),
    );
  }

  private applyLayerDisplay(
    segmentationId: string,
    layer: number,
    state: OverlayState,
    style: OverlayStyle,
    outlineWidth: number,
  ) {
    for (const viewportId of this.viewportIds) {
      // first the whole source: this also resets every segment's visibility
      segmentation.config.visibility.setSegmentationRepresentationVisibility(
        viewportId,
        { segmentationId, type: LABELMAP },
        state.visible,
      );
      for (const l of state.labels.filter((x) => (x.layer ?? 0) === layer)) {
        const [r, g, b] = l.color ?? fallbackColor(l.label);
        segmentation.config.color.setSegmentIndexColor(viewportId, segmentationId, l.label, [
          r,
          g,
          b,
          255,
        ]);
        if (state.visible)
          segmentation.config.visibility.setSegmentIndexVisibility(
            viewportId,
            { segmentationId, type: LABELMAP },
            l.label,
            !state.hiddenLabels.includes(l.label),
          );
      }
      segmentation.config.style.setStyle(
        { viewportId, segmentationId, type: LABELMAP },
        {
          renderFill: style.fill,
          renderOutline: style.outline,
          fillAlpha: style.opacity,
          outlineOpacity: 1,
          outlineWidth,
          renderFillInactive: style.fill,
          renderOutlineInactive: style.outline,
          fillAlphaInactive: style.opacity,
          outlineOpacityInactive: 1,
          outlineWidthInactive: outlineWidth,
        },
      );
    }
  }

  private update(source: OverlaySource, patch: Partial<OverlayState>) {
    const state = this.states.get(source);
    if (!state) return;
    this.states.set(source, { ...state, ...patch });
    if (this.sources.get(source)?.role === 'derived') this.applyAll();
    else this.applyDisplay(source);
    this.emit();
  }

  /** Shows or hides the source's overlay, and the one a `setLabelmapInTasks` still filling puts up. */
  setVisible(source: OverlaySource, visible: boolean) {
    if (this.pendingShow.has(source)) this.pendingVisible.set(source, visible);
    this.update(source, { visible });
  }

  setLabelVisible(source: OverlaySource, label: number, visible: boolean) {
    const state = this.states.get(source);
    if (!state) return;
    const hidden = new Set(state.hiddenLabels);
    if (visible) hidden.delete(label);
    else hidden.add(label);
    this.update(source, { hiddenLabels: [...hidden] });
  }

  setStyle(source: OverlaySource, style: Partial<OverlayStyle>) {
    const state = this.states.get(source);
    if (state) this.update(source, { style: { ...state.style, ...style } });
  }

  destroy() {
    for (const s of [...this.segmentationIds.keys()]) this.remove(s);
    this.listeners.clear();
  }
}

/**
 * Cornerstone labelmap images derived from the displayed series, filled slice by slice from a
 * labelmap on the image grid, with voxel counts per label.
 */
class SliceFill {
  readonly images: Types.IImage[] = [];
  readonly nz: number;
  done = 0;
  private readonly sliceSize: number;
  private readonly counter: LabelCounter;

  constructor(
    private readonly imageVolume: Types.IImageVolume,
    dims: readonly [number, number, number],
    private readonly layer: LabelVolume['data'],
  ) {
    const [nx, ny, nz] = dims;
    this.nz = nz;
    this.sliceSize = nx * ny;
    this.counter = new LabelCounter(layer);
  }

  /** Fills the next `n` slices. */
  run(n: number) {
    const end = Math.min(this.nz, this.done + n);
    for (let k = this.done; k < end; k++) {
      const image = imageLoader.createAndCacheDerivedLabelmapImage(this.imageVolume.imageIds[k], {
        instanceNumber: k + 1,
      });
      this.images.push(image);
      const slice = this.layer.subarray(k * this.sliceSize, (k + 1) * this.sliceSize);
      const vm = image.voxelManager as Types.IVoxelManager<number> | undefined;
      const target = vm?.getScalarData() as Types.PixelDataTypedArray | undefined;
      if (target) target.set(slice);
      this.counter.add(slice);
    }
    this.done = end;
  }

  /** Voxel count per label present (background left out). */
  counts(): Record<number, number> {
    return this.counter.counts();
  }
}

/** One slice filler per layer of a structure set (one for exclusive structures). */
function layerFills(imageVolume: Types.IImageVolume, aligned: LabelVolume): SliceFill[] {
  return labelLayers(aligned).map((layer) => new SliceFill(imageVolume, aligned.dims, layer));
}
