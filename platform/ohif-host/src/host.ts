/**
 * `ViewerHost` (@concord/core) over a stock OHIF viewer: one host per image display set. The
 * voxels come from the host's Cornerstone (a streaming image volume of the display set's
 * images, sorted along the slice normal by Cornerstone as in Concord's own viewer), overlays go
 * through OHIF's segmentationService (overlays.ts), slices move through the viewport OHIF shows
 * the series in. docs/ohif.md.
 */
import {
  displayedSeries,
  type DicomSeriesResult,
  type LabelVolume,
  type ModelConfig,
  type OverlayOrigin,
  type OverlaySource,
  type OverlaySourceDefinition,
  type OverlaySourceRegistry,
  type OverlayState,
  type ViewerHost,
  type Volume,
} from '@concord/core';
import type { CsImageVolume, HostCornerstone, OhifDisplaySet, OhifServices } from './ohifTypes.ts';
import { OhifOverlays } from './overlays.ts';

/** A loaded Cornerstone volume as a @concord/core Volume. */
export function imageVolumeOf(v: CsImageVolume): Volume {
  const data = v.voxelManager?.getCompleteScalarDataArray?.();
  if (!data) throw new Error('The series has no voxel data in the viewer’s cache');
  return {
    dims: [...v.dimensions] as Volume['dims'],
    spacing: [...v.spacing] as Volume['spacing'],
    origin: [...v.origin] as Volume['origin'],
    direction: Array.from(v.direction) as Volume['direction'],
    frameOfReferenceUID: v.metadata?.FrameOfReferenceUID,
    data: data as Volume['data'],
  };
}

export interface OhifHostOptions {
  cs: HostCornerstone;
  services: OhifServices;
  displaySet: OhifDisplaySet;
  models: ModelConfig[];
  sources: OverlaySourceRegistry;
  dicomWebRoot?: string;
}

export class OhifViewerHost implements ViewerHost {
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly models: ModelConfig[];
  readonly dicomWebRoot?: string;
  readonly overlays: OhifOverlays;
  readonly displaySet: OhifDisplaySet;
  private readonly cs: HostCornerstone;
  private readonly services: OhifServices;
  private readonly sources: OverlaySourceRegistry;
  private volume: Promise<CsImageVolume> | null = null;
  private loadedVolumeNow: CsImageVolume | null = null;

  constructor(o: OhifHostOptions) {
    this.cs = o.cs;
    this.services = o.services;
    this.sources = o.sources;
    this.displaySet = o.displaySet;
    this.studyInstanceUID = o.displaySet.StudyInstanceUID;
    this.seriesInstanceUID = o.displaySet.SeriesInstanceUID;
    this.models = o.models;
    this.dicomWebRoot = o.dicomWebRoot;
    this.overlays = new OhifOverlays(
      o.cs,
      o.services.segmentationService,
      o.sources,
      () => this.viewportIds(),
      o.displaySet.displaySetInstanceUID.replace(/[^\w.-]/g, '_'),
    );
  }

  /** Viewports OHIF shows this display set in (the active one first). */
  viewportIds(): string[] {
    const state = this.services.viewportGridService.getState();
    const uid = this.displaySet.displaySetInstanceUID;
    const ids = [...state.viewports.values()]
      .filter((v) => v.displaySetInstanceUIDs?.includes(uid))
      .map((v) => v.viewportId);
    const active = state.activeViewportId;
    return active && ids.includes(active) ? [active, ...ids.filter((i) => i !== active)] : ids;
  }

  /** The display set's images as one Cornerstone volume, every slice loaded. */
  loadedVolume(): Promise<CsImageVolume> {
    this.volume ??= this.createVolume();
    return this.volume;
  }

  private async createVolume(): Promise<CsImageVolume> {
    const { cornerstone } = this.cs;
    const imageIds = this.displaySet.imageIds ?? [];
    if (imageIds.length < 2)
      throw new Error(
        `Series ${this.displaySet.SeriesDescription ?? this.seriesInstanceUID} has ${imageIds.length} image(s): Concord needs a volume`,
      );
    const volumeId = `cornerstoneStreamingImageVolume:concord-${this.displaySet.displaySetInstanceUID}`;
    const volume =
      cornerstone.cache.getVolume(volumeId) ??
      (await cornerstone.volumeLoader.createAndCacheVolume(volumeId, { imageIds }));
    if (!volume.loadStatus?.loaded) {
      await new Promise<void>((resolve, reject) => {
        const event = cornerstone.Enums.Events.IMAGE_VOLUME_LOADING_COMPLETED;
        const timer = setTimeout(() => {
          cornerstone.eventTarget.removeEventListener(event, done);
          reject(new Error('Loading the series timed out'));
        }, 300_000);
        const done = (evt: Event) => {
          const d = (evt as CustomEvent<{ volumeId?: string }>).detail;
          if (d?.volumeId !== volumeId) return;
          cornerstone.eventTarget.removeEventListener(event, done);
          clearTimeout(timer);
          resolve();
        };
        cornerstone.eventTarget.addEventListener(event, done);
        volume.load();
        if (volume.loadStatus?.loaded) done(new CustomEvent('x', { detail: { volumeId } }));
      });
    }
    this.loadedVolumeNow = volume;
    return volume;
  }

  async getImageVolume(): Promise<Volume> {
    return imageVolumeOf(await this.loadedVolume());
  }

  async getSeries(): Promise<DicomSeriesResult> {
    const v = await this.loadedVolume();
    const byImageId = new Map(
      (this.displaySet.instances ?? []).map((i) => [String(i.imageId ?? ''), i]),
    );
    const metas = v.imageIds.map((id) => (byImageId.get(id) ?? {}) as Record<string, unknown>);
    return displayedSeries(
      imageVolumeOf(v),
      metas as Parameters<typeof displayedSeries>[1],
      this.studyInstanceUID,
      this.seriesInstanceUID,
    );
  }

  getLabelmap(source: OverlaySource): LabelVolume | undefined {
    return this.overlays.labelVolume(source);
  }

  showLabelmap(
    source: OverlaySource,
    labelmap: LabelVolume,
    title: string,
    origin?: OverlayOrigin,
  ): LabelVolume {
    const volume = this.loadedVolumeNow;
    if (!volume) throw new Error('The series is still loading');
    return this.overlays.showNow(source, volume, labelmap, title, origin);
  }

  async showLabelmapInTasks(
    source: OverlaySource,
    labelmap: LabelVolume,
    title: string,
    origin?: OverlayOrigin,
  ): Promise<LabelVolume> {
    const volume = await this.loadedVolume();
    return this.overlays.show(source, volume, labelmap, title, origin, 12);
  }

  private viewport() {
    const id = this.viewportIds()[0];
    return id ? this.services.cornerstoneViewportService.getCornerstoneViewport(id) : null;
  }

  /** Slice k of the image volume shown in the (active) viewport of the series. */
  getSliceIndex(): number {
    const vp = this.viewport();
    if (!vp) return 0;
    const imageId = vp.getCurrentImageId?.();
    const ids = this.loadedVolumeNow?.imageIds;
    const k = imageId && ids ? ids.indexOf(imageId) : -1;
    return k >= 0 ? k : vp.getCurrentImageIdIndex();
  }

  setSliceIndex(index: number): void {
    const vp = this.viewport();
    if (!vp) return;
    const imageId = this.loadedVolumeNow?.imageIds[index];
    const stackIndex = imageId ? vp.getImageIds().indexOf(imageId) : index;
    if (stackIndex < 0) return;
    void this.cs.cornerstone.utilities.jumpToSlice(vp.element, { imageIndex: stackIndex });
  }

  subscribe(fn: (overlays: OverlayState[]) => void): () => void {
    return this.overlays.subscribe(fn);
  }

  registerOverlaySource(definition: OverlaySourceDefinition): () => void {
    return this.sources.register(definition);
  }

  destroy() {
    this.overlays.destroy();
  }
}
