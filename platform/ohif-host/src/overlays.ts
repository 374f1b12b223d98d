/**
 * Concord's overlay sources (reference, prediction, the layers extensions register) as OHIF
 * segmentations: each labelmap becomes labelmap images derived from the displayed series in the
 * host's Cornerstone cache, added through OHIF's `segmentationService` (so OHIF's own
 * segmentation panel lists it) and shown on the viewports that display the series, styled per
 * source (docs/ohif.md). Several segmentations show together on one stack viewport; a source
 * whose structures overlap (docs/structures.md) is one segmentation per layer.
 */
import {
  alignToReference,
  imageVolumeGrid,
  labelLayers,
  LabelCounter,
  nextTask,
  overlayLabels,
  type Grid,
  type HostOverlays,
  type LabelInfo,
  type LabelVolume,
  type OverlayOrigin,
  type OverlaySource,
  type OverlaySourceRegistry,
  type OverlayState,
} from '@concord/core';
import { fallbackColor } from '@concord/metrics';
import type { CsImage, CsImageVolume, HostCornerstone, SegmentationService } from './ohifTypes.ts';

export { fallbackColor };

/** Grid of a Cornerstone image volume, in the @concord/core convention. */
export function volumeGrid(volume: CsImageVolume): Grid {
  return imageVolumeGrid(volume);
}

/** Labelmap images derived from the series for one layer, filled slice by slice, with counts. */
class SliceFill {
  readonly images: CsImage[] = [];
  readonly nz: number;
  done = 0;
  private readonly sliceSize: number;
  private readonly counter: LabelCounter;

  constructor(
    private readonly cs: HostCornerstone,
    readonly volume: CsImageVolume,
    dims: readonly [number, number, number],
    private readonly layer: LabelVolume['data'],
  ) {
    const [nx, ny, nz] = dims;
    this.nz = nz;
    this.sliceSize = nx * ny;
    this.counter = new LabelCounter(layer);
  }

  run(n: number) {
    const end = Math.min(this.nz, this.done + n);
    for (let k = this.done; k < end; k++) {
      const image = this.cs.cornerstone.imageLoader.createAndCacheDerivedLabelmapImage(
        this.volume.imageIds[k],
        { instanceNumber: k + 1 },
      );
      this.images.push(image);
      const slice = this.layer.subarray(k * this.sliceSize, (k + 1) * this.sliceSize);
      image.voxelManager?.getScalarData().set(slice);
      this.counter.add(slice);
    }
    this.done = end;
  }

  counts(): Record<number, number> {
    return this.counter.counts();
  }
}

/** One fill per layer of a structure set (docs/structures.md): overlapping structures both show. */
function layerFills(cs: HostCornerstone, volume: CsImageVolume, aligned: LabelVolume): SliceFill[] {
  return labelLayers(aligned).map((layer) => new SliceFill(cs, volume, aligned.dims, layer));
}

/**
 * Cornerstone colour LUT of one layer's structures: index = label, RGBA 0-255, transparent
 * where no structure of the layer is (label 0 and gaps).
 */
export function colorLut(
  labels: readonly LabelInfo[],
  layer: number,
): Array<[number, number, number, number]> {
  const mine = labels.filter((l) => (l.layer ?? 0) === layer);
  const max = mine.reduce((m, l) => Math.max(m, l.label), 0);
  const lut = Array.from(
    { length: max + 1 },
    () => [0, 0, 0, 0] as [number, number, number, number],
  );
  for (const l of mine) {
    const [r, g, b] = l.color ?? fallbackColor(l.label);
    lut[l.label] = [r, g, b, 255];
  }
  return lut;
}

/** Cornerstone's labelmap style for an overlay's state (hidden: fill and outline transparent). */
export function displayStyle(
  state: Pick<OverlayState, 'style' | 'visible'>,
  outlineWidth: number,
): Record<string, unknown> {
  const { fill, outline, opacity } = state.style;
  const fillAlpha = state.visible ? opacity : 0;
  const outlineOpacity = state.visible ? 1 : 0;
  return {
    renderFill: fill,
    renderOutline: outline,
    fillAlpha,
    outlineOpacity,
    outlineWidth,
    renderFillInactive: fill,
    renderOutlineInactive: outline,
    fillAlphaInactive: fillAlpha,
    outlineOpacityInactive: outlineOpacity,
    outlineWidthInactive: outlineWidth,
  };
}

type Listener = (states: OverlayState[]) => void;

export class OhifOverlays implements HostOverlays {
  private states = new Map<OverlaySource, OverlayState>();
  /** OHIF segmentations of a source: one per layer of its structure set. */
  private segmentationIds = new Map<OverlaySource, string[]>();
  private volumes = new Map<OverlaySource, LabelVolume>();
  private listeners = new Set<Listener>();
  private generation = 0;
  private pendingShow = new Map<OverlaySource, object>();
  /** Visibility set while a show was still filling: the new overlay lands with it. */
  private pendingVisible = new Map<OverlaySource, boolean>();
  /** `viewportId|segmentationId` being added now (two attaches must not add it twice). */
  private adding = new Set<string>();

  constructor(
    private readonly cs: HostCornerstone,
    private readonly segmentationService: SegmentationService,
    private readonly sources: OverlaySourceRegistry,
    /** Viewports that show the series now (their ids). */
    private readonly viewportIds: () => string[],
    private readonly key: string,
  ) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    fn(this.list());
    return () => void this.listeners.delete(fn);
  }

  list(): OverlayState[] {
    const order = this.sources.list().map((d) => d.id);
    const rank = (s: OverlaySource) => (order.includes(s) ? order.indexOf(s) : order.length);
    return [...this.states.values()].sort((a, b) => rank(a.source) - rank(b.source));
  }

  labelVolume(source: OverlaySource): LabelVolume | undefined {
    return this.volumes.get(source);
  }

  private emit() {
    const l = this.list();
    for (const fn of this.listeners) fn(l);
  }

  /** Shows a labelmap at once (one task), replacing the source's previous one. */
  showNow(
    source: OverlaySource,
    volume: CsImageVolume,
    labelmap: LabelVolume,
    title: string,
    origin: OverlayOrigin = { kind: 'labelmap' },
  ): LabelVolume {
    this.sources.require(source);
    this.pendingShow.delete(source);
    this.pendingVisible.delete(source);
    const aligned = alignToReference(labelmap, volumeGrid(volume));
    const fills = layerFills(this.cs, volume, aligned);
    for (const fill of fills) fill.run(fill.nz);
    this.remove(source);
    return this.register(source, aligned, fills, labelmap, title, origin);
  }

  /**
   * Like `showNow`, spread over main-thread tasks of about `budgetMs`; the previous overlay
   * stays until the new one is ready, and a later show of the same source supersedes this one.
   */
  async show(
    source: OverlaySource,
    volume: CsImageVolume,
    labelmap: LabelVolume,
    title: string,
    origin: OverlayOrigin = { kind: 'labelmap' },
    budgetMs = Infinity,
  ): Promise<LabelVolume> {
    this.sources.require(source);
    const token = {};
    this.pendingShow.set(source, token);
    this.pendingVisible.delete(source);
    const aligned = alignToReference(labelmap, volumeGrid(volume));
    const fills = layerFills(this.cs, volume, aligned);
    for (const fill of fills) {
      while (fill.done < fill.nz) {
        const t0 = performance.now();
        do
          fill.run(1); // at least one slice per task, however small the budget
        while (fill.done < fill.nz && performance.now() - t0 < budgetMs);
        if (fill.done < fill.nz) await nextTask();
        if (this.pendingShow.get(source) !== token)
          throw new DOMException('Superseded by a newer labelmap', 'AbortError');
      }
    }
    this.pendingShow.delete(source);
    this.remove(source);
    return this.register(source, aligned, fills, labelmap, title, origin);
  }

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
    const base = `concord-${source}-${this.key}-${++this.generation}`;
    const ids = fills.map((_, i) => (i === 0 ? base : `${base}-layer${i + 1}`));
    const labels: LabelInfo[] = overlayLabels(labelmap.labels, counts, fallbackColor);
    const definition = this.sources.require(source);
    fills.forEach((fill, i) =>
      this.segmentationService.addOrUpdateSegmentation({
        segmentationId: ids[i],
        representation: {
          type: this.cs.cornerstoneTools.Enums.SegmentationRepresentations.Labelmap,
          data: {
            imageIds: fill.images.map((im) => im.imageId),
            referencedImageIds: fill.volume.imageIds,
          },
        },
        config: {
          label: `${definition.label}: ${title}${i ? ` (overlapping, layer ${i + 1})` : ''}`,
          segments: Object.fromEntries(
            labels
              .filter((l) => (l.layer ?? 0) === i)
              .map((l) => [l.label, { label: l.name, segmentIndex: l.label, locked: true }]),
          ),
        },
      }),
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
      style: { ...definition.defaultStyle },
      counts,
    });
    void this.attach(source);
    this.emit();
    return this.volumes.get(source) as LabelVolume;
  }

  /**
   * Adds the source's segmentations to every viewport showing the series that lacks them, each
   * with its colours as one colour LUT and then its style. Few calls on purpose: Cornerstone
   * 5.6's SegmentationRenderingEngine renders one queued request per animation frame, and each
   * `setSegmentColor` or `setStyle` queues one; with software WebGL a frame of the stack viewport
   * takes 0.3-1 s, so a colour call per label kept the page busy for tens of seconds after each
   * labelmap (docs/ohif.md#performance). A viewport that already shows a segmentation is left
   * alone (OHIF's events call this again for every display set it adds).
   */
  async attach(source: OverlaySource) {
    const ids = this.segmentationIds.get(source);
    const state = this.states.get(source);
    if (!ids || !state) return;
    const type = this.cs.cornerstoneTools.Enums.SegmentationRepresentations.Labelmap;
    const outlineWidth = this.sources.get(source)?.outlineWidth ?? 1;
    for (const viewportId of this.viewportIds())
      for (const [layer, segmentationId] of ids.entries()) {
        const shown = this.segmentationService.getSegmentationRepresentations?.(viewportId, {
          segmentationId,
        });
        const key = `${viewportId}|${segmentationId}`;
        if (shown?.length || this.adding.has(key)) continue;
        this.adding.add(key);
        try {
          await this.segmentationService.addSegmentationRepresentation(viewportId, {
            segmentationId,
            type,
            config: { colorLUTOrIndex: colorLut(state.labels, layer) },
          });
        } finally {
          this.adding.delete(key);
        }
        // the source may have been replaced or removed while OHIF added the representation
        if (this.segmentationIds.get(source) !== ids) return;
        this.segmentationService.setStyle(
          { viewportId, segmentationId, type },
          displayStyle(this.states.get(source) ?? state, outlineWidth),
        );
      }
  }

  /** Re-adds every overlay (after OHIF re-created a viewport). */
  async attachAll() {
    for (const s of this.segmentationIds.keys()) await this.attach(s);
  }

  /** The source's style (visibility, fill, outline) on every viewport: one call per segmentation. */
  private applyDisplay(source: OverlaySource) {
    const ids = this.segmentationIds.get(source);
    const state = this.states.get(source);
    if (!ids || !state) return;
    const type = this.cs.cornerstoneTools.Enums.SegmentationRepresentations.Labelmap;
    const style = displayStyle(state, this.sources.get(source)?.outlineWidth ?? 1);
    for (const viewportId of this.viewportIds())
      for (const segmentationId of ids)
        this.segmentationService.setStyle({ viewportId, segmentationId, type }, style);
  }

  /** Removes the source's overlay; a show of it still filling gives up (it rejects). */
  remove(source: OverlaySource) {
    this.pendingShow.delete(source);
    const ids = this.segmentationIds.get(source);
    if (!ids) return;
    for (const id of ids) this.segmentationService.remove(id);
    this.segmentationIds.delete(source);
    this.states.delete(source);
    this.volumes.delete(source);
    this.emit();
  }

  /** Shows or hides the source's overlay, and the one a show still filling will put up. */
  setVisible(source: OverlaySource, visible: boolean) {
    if (this.pendingShow.has(source)) this.pendingVisible.set(source, visible);
    const state = this.states.get(source);
    if (!state) return;
    this.states.set(source, { ...state, visible });
    this.applyDisplay(source);
    this.emit();
  }

  /** The OHIF segmentations of a source, one per layer. */
  segmentationIdsOf(source: OverlaySource): string[] {
    return this.segmentationIds.get(source) ?? [];
  }

  destroy() {
    for (const s of [...this.segmentationIds.keys()]) this.remove(s);
    this.listeners.clear();
  }
}
