/**
 * Owns the Cornerstone rendering engine of the viewer page: the stack viewport in the
 * acquisition plane, the 3-plane MPR layout, tool groups and window/level presets.
 * Imperative on purpose: React renders the frame, this class drives Cornerstone.
 */
import {
  RenderingEngine,
  Enums,
  volumeLoader,
  setVolumesForViewports,
  cache,
  utilities,
  eventTarget,
  imageLoadPoolManager,
  type Types,
} from '@cornerstonejs/core';
import {
  ToolGroupManager,
  WindowLevelTool,
  PanTool,
  ZoomTool,
  StackScrollTool,
  CrosshairsTool,
  Enums as ToolEnums,
} from '@cornerstonejs/tools';
import { initCornerstone, VOXEL_REQUESTS } from '../cornerstone/init.ts';

export type LayoutKind = 'stack' | 'mpr';

/** How many of a streaming volume's image requests may start (0: held). */
function setPrefetch(n: number) {
  imageLoadPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Prefetch, n);
  // requests queued while held start now (protected in the typings: the pool's own way to
  // resume, which addRequest calls too)
  if (n > 0) (imageLoadPoolManager as unknown as { startGrabbing(): void }).startGrabbing();
}

export type PrimaryTool = 'WindowLevel' | 'Pan' | 'Zoom' | 'Crosshairs';

export const RENDERING_ENGINE_ID = 'concord';
export const STACK_VIEWPORT_ID = 'stack';
export const MPR_VIEWPORT_IDS = ['mpr-axial', 'mpr-sagittal', 'mpr-coronal'] as const;
const STACK_TOOLGROUP = 'concord-stack';
const MPR_TOOLGROUP = 'concord-mpr';

export interface WindowPreset {
  id: string;
  label: string;
  /** Returns [lower, upper] for the current series' pixel range. */
  range: (min: number, max: number) => [number, number];
}

/** Presets that make sense on any modality: computed from the series' intensity range. */
export const WINDOW_PRESETS: WindowPreset[] = [
  { id: 'full', label: 'Full range', range: (min, max) => [min, max] },
  {
    id: 'soft',
    label: 'Soft tissue',
    range: (min, max) => [min + 0.05 * (max - min), min + 0.6 * (max - min)],
  },
  {
    id: 'bright',
    label: 'High contrast',
    range: (min, max) => [min + 0.1 * (max - min), min + 0.4 * (max - min)],
  },
  { id: 'brain-ct', label: 'CT brain (40/80)', range: () => [0, 80] },
  { id: 'bone-ct', label: 'CT bone (300/1500)', range: () => [-450, 1050] },
];

export interface ViewerState {
  layout: LayoutKind;
  tool: PrimaryTool;
  imageIndex: number;
  imageCount: number;
  voi?: { lower: number; upper: number };
  /** Counts camera changes (pan, zoom, reset, MPR slice moves): the orientation markers follow. */
  cameraTick?: number;
}

/** What the cursor probe reads at a point of a viewport. */
export interface ProbeResult {
  /** voxel indices of the series volume */
  ijk: [number, number, number];
  /** linear index into the volume (and into labelmaps on its grid) */
  index: number;
  /** null while the slice's voxels have not arrived (the volume streams after the SEG) */
  value: number | null;
}

type Listener = (s: ViewerState) => void;

/**
 * The mouse bindings of each tool when `primary` has the left button: Pan keeps the middle
 * button and Zoom the right one, every other tool has none. A pure function of the choice, so
 * that switching tools never depends on what was bound before.
 */
export function toolBindings(primary: string): Record<string, number[]> {
  const { Primary, Auxiliary, Secondary } = ToolEnums.MouseBindings;
  const out: Record<string, number[]> = {
    [WindowLevelTool.toolName]: [],
    [PanTool.toolName]: [Auxiliary],
    [ZoomTool.toolName]: [Secondary],
    [CrosshairsTool.toolName]: [],
  };
  // the primary tool takes the left button on top of its own secondary binding
  out[primary] = [...(out[primary] ?? []), Primary];
  return out;
}

function bindPrimary(
  group: NonNullable<ReturnType<typeof ToolGroupManager.getToolGroup>>,
  tool: string,
) {
  // Cornerstone's setToolActive adds to a tool's earlier bindings, so Pan or Zoom re-activated
  // on its own button would keep the left button it had as the primary tool: clear every
  // binding first, then set exactly the ones wanted.
  for (const [t, buttons] of Object.entries(toolBindings(tool))) {
    if (!group.hasTool(t)) continue;
    group.setToolPassive(t, { removeAllBindings: true });
    if (buttons.length > 0)
      group.setToolActive(t, { bindings: buttons.map((mouseButton) => ({ mouseButton })) });
  }
}

function createToolGroup(id: string, withCrosshairs: boolean) {
  ToolGroupManager.destroyToolGroup(id);
  const group = ToolGroupManager.createToolGroup(id);
  if (!group) throw new Error(`Could not create tool group ${id}`);
  group.addTool(WindowLevelTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(StackScrollTool.toolName);
  if (withCrosshairs) group.addTool(CrosshairsTool.toolName);
  group.setToolActive(StackScrollTool.toolName, {
    bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }],
  });
  bindPrimary(group, WindowLevelTool.toolName);
  return group;
}

/**
 * The page's one rendering engine (one WebGL context), shared by the viewers opened in turn.
 * An engine per viewer leaked: Cornerstone's RenderingEngine.destroy leaves vtk's context to
 * the garbage collector, and releasing it by hand still left contexts behind after a few
 * studies (docs/platform-notes.md, "Cornerstone3D 5.14 WebGL contexts"). Reusing it bounds the
 * page's contexts by construction. `owner` is the controller that may drive it: a viewer that
 * has been replaced never disables the viewports of the next one (the static `owner`).
 */
let sharedEngine: RenderingEngine | null = null;

export class ViewportController {
  private static owner: ViewportController | null = null;
  readonly engine: RenderingEngine;
  private imageIds: string[] = [];
  private volumeId: string | null = null;
  private listeners = new Set<Listener>();
  private pixelRange: [number, number] | null = null;
  state: ViewerState = { layout: 'stack', tool: 'WindowLevel', imageIndex: 0, imageCount: 0 };

  private constructor() {
    sharedEngine ??= new RenderingEngine(RENDERING_ENGINE_ID);
    this.engine = sharedEngine;
    // the previous viewer's viewports and tool groups go; the engine and its context stay
    ViewportController.owner?.release();
    ViewportController.owner = this;
  }

  static async create(): Promise<ViewportController> {
    await initCornerstone();
    return new ViewportController();
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(patch: Partial<ViewerState>) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  get currentImageIds(): string[] {
    return this.imageIds;
  }

  /**
   * The series' image volume: its geometry, created on demand (MPR and overlays share it). Its
   * voxels stream only once `startLoading` is called: the reference SEG is downloaded and
   * decoded first, and the image requests would compete with it for the network and the CPU.
   */
  async ensureVolume(): Promise<Types.IImageVolume> {
    if (!this.volumeId) throw new Error('No series is displayed');
    const existing = cache.getVolume(this.volumeId) as Types.IImageVolume | undefined;
    if (existing) return existing;
    // one creation per volume, however many callers ask at once
    const volumeId = this.volumeId;
    let creating = this.creating.get(volumeId);
    if (!creating) {
      creating = volumeLoader
        .createAndCacheVolume(volumeId, { imageIds: this.imageIds })
        .finally(() => this.creating.delete(volumeId));
      this.creating.set(volumeId, creating);
    }
    return creating;
  }

  private creating = new Map<string, Promise<Types.IImageVolume>>();

  /** Starts streaming the volume's voxels (once; later calls do nothing). */
  async startLoading(): Promise<Types.IImageVolume> {
    const volume = await this.ensureVolume();
    // Cornerstone's load() returns at once when the volume is loading or loaded
    (volume as unknown as { load: () => void }).load();
    return volume;
  }

  /**
   * Holds the volume's voxel stream back (Cornerstone's prefetch requests; the stack's own
   * image requests go on; those already sent finish) while a label file loads: on two cores
   * the stream's main-thread work took the CPU from a 220 MB SEG's read (docs/performance.md). Returns the release; holds nest, and
   * end for good once something needs the voxels (`loadedVolume`).
   */
  holdVoxelStream(): () => void {
    if (this.voxelsNeeded) return () => undefined;
    if (this.holds++ === 0) setPrefetch(0);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && !this.voxelsNeeded) setPrefetch(VOXEL_REQUESTS);
    };
  }

  private holds = 0;
  private voxelsNeeded = false;

  /** The cached image volume of the displayed series, if created. */
  currentVolume(): Types.IImageVolume | undefined {
    return this.volumeId ? (cache.getVolume(this.volumeId) as Types.IImageVolume) : undefined;
  }

  /** The image volume with every slice loaded. */
  async loadedVolume(): Promise<Types.IImageVolume> {
    // wanted now: no label file holds the stream back any more
    if (!this.voxelsNeeded) {
      this.voxelsNeeded = true;
      if (this.holds > 0) setPrefetch(VOXEL_REQUESTS);
    }
    const volume = await this.startLoading();
    const status = (volume as unknown as { loadStatus?: { loaded: boolean } }).loadStatus;
    if (status?.loaded) return volume;
    await new Promise<void>((resolve, reject) => {
      const done = (evt: Event) => {
        const d = (evt as CustomEvent).detail as { volumeId?: string };
        if (d?.volumeId !== volume.volumeId) return;
        eventTarget.removeEventListener(Enums.Events.IMAGE_VOLUME_LOADING_COMPLETED, done);
        resolve();
      };
      eventTarget.addEventListener(Enums.Events.IMAGE_VOLUME_LOADING_COMPLETED, done);
      if (status?.loaded) done(new CustomEvent('x', { detail: { volumeId: volume.volumeId } }));
      setTimeout(() => reject(new Error('Loading the series timed out')), 300_000);
    });
    return volume;
  }

  /** Shows a series as a stack in its acquisition plane (the lean first-image path). */
  async showStack(element: HTMLDivElement, imageIds: string[], seriesUID: string): Promise<void> {
    this.imageIds = imageIds;
    this.voxelsNeeded = false; // a new series: its voxels are not wanted yet
    this.volumeId = `cornerstoneStreamingImageVolume:${seriesUID}`;
    this.disableAll();
    this.engine.enableElement({
      viewportId: STACK_VIEWPORT_ID,
      type: Enums.ViewportType.STACK,
      element,
      defaultOptions: { background: [0, 0, 0] as Types.Point3 },
    });
    const group = createToolGroup(STACK_TOOLGROUP, false);
    group.addViewport(STACK_VIEWPORT_ID, RENDERING_ENGINE_ID);
    const viewport = this.engine.getViewport(STACK_VIEWPORT_ID) as Types.IStackViewport;
    element.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => {
      this.emit({ imageIndex: viewport.getCurrentImageIdIndex() });
    });
    this.watchCamera(element);
    element.addEventListener(Enums.Events.VOI_MODIFIED, () => {
      const voi = viewport.getProperties().voiRange;
      if (voi) this.emit({ voi: { lower: voi.lower, upper: voi.upper } });
    });
    const start = Math.floor(imageIds.length / 2);
    this.emit({
      layout: 'stack',
      imageCount: imageIds.length,
      imageIndex: start,
      tool: 'WindowLevel',
    });
    await viewport.setStack(imageIds, start);
    viewport.render();
    const voi = viewport.getProperties().voiRange;
    if (voi) this.emit({ voi: { lower: voi.lower, upper: voi.upper } });
  }

  /** Axial, sagittal and coronal views of the series' volume with crosshairs. */
  async showMpr(elements: HTMLDivElement[], imageIds: string[], seriesUID: string): Promise<void> {
    this.imageIds = imageIds;
    this.volumeId = `cornerstoneStreamingImageVolume:${seriesUID}`;
    this.disableAll();
    const orientations = [
      Enums.OrientationAxis.AXIAL,
      Enums.OrientationAxis.SAGITTAL,
      Enums.OrientationAxis.CORONAL,
    ];
    this.engine.setViewports(
      MPR_VIEWPORT_IDS.map((viewportId, i) => ({
        viewportId,
        type: Enums.ViewportType.ORTHOGRAPHIC,
        element: elements[i],
        defaultOptions: { orientation: orientations[i], background: [0, 0, 0] as Types.Point3 },
      })),
    );
    for (const el of elements) this.watchCamera(el);
    const group = createToolGroup(MPR_TOOLGROUP, true);
    for (const id of MPR_VIEWPORT_IDS) group.addViewport(id, RENDERING_ENGINE_ID);
    const volume = await this.startLoading();
    await setVolumesForViewports(
      this.engine,
      [{ volumeId: volume.volumeId }],
      [...MPR_VIEWPORT_IDS],
    );
    this.engine.renderViewports([...MPR_VIEWPORT_IDS]);
    this.emit({ layout: 'mpr', tool: 'WindowLevel' });
  }

  private watchCamera(element: HTMLDivElement) {
    element.addEventListener(Enums.Events.CAMERA_MODIFIED, () =>
      this.emit({ cameraTick: (this.state.cameraTick ?? 0) + 1 }),
    );
  }

  /** The camera's up and plane-normal vectors of a viewport (LPS), for orientation markers. */
  camera(viewportId: string): { viewUp: Types.Point3; viewPlaneNormal: Types.Point3 } | null {
    const vp = this.engine.getViewport(viewportId);
    const c = vp?.getCamera();
    return c?.viewUp && c.viewPlaneNormal
      ? { viewUp: c.viewUp, viewPlaneNormal: c.viewPlaneNormal }
      : null;
  }

  /** The series voxel under a canvas point of a viewport, and its intensity; null outside. */
  probe(viewportId: string, canvas: [number, number]): ProbeResult | null {
    const vp = this.engine.getViewport(viewportId);
    const volume = this.currentVolume();
    if (!vp || !volume) return null;
    const world = vp.canvasToWorld(canvas as Types.Point2);
    const ijk = utilities.transformWorldToIndex(volume.imageData, world).map(Math.round) as [
      number,
      number,
      number,
    ];
    const [nx, ny, nz] = volume.dimensions;
    if (ijk.some((v, a) => v < 0 || v >= [nx, ny, nz][a])) return null;
    const index = ijk[0] + nx * (ijk[1] + ny * ijk[2]);
    // an unloaded slice reads as zeros: say "loading", not a wrong intensity
    const frames = (volume as unknown as { cachedFrames?: unknown[] }).cachedFrames;
    if (frames && !frames[ijk[2]]) return { ijk, index, value: null };
    const value = volume.voxelManager?.getAtIJK(ijk[0], ijk[1], ijk[2]) as number | undefined;
    if (value === undefined || !Number.isFinite(value)) return null;
    return { ijk, index, value };
  }

  private disableAll() {
    for (const vp of this.engine.getViewports()) this.engine.disableElement(vp.id);
    ToolGroupManager.destroyToolGroup(STACK_TOOLGROUP);
    ToolGroupManager.destroyToolGroup(MPR_TOOLGROUP);
  }

  viewportIds(): string[] {
    return this.state.layout === 'stack' ? [STACK_VIEWPORT_ID] : [...MPR_VIEWPORT_IDS];
  }

  setPrimaryTool(tool: PrimaryTool) {
    const group = ToolGroupManager.getToolGroup(
      this.state.layout === 'stack' ? STACK_TOOLGROUP : MPR_TOOLGROUP,
    );
    if (!group) return;
    if (tool === 'Crosshairs' && this.state.layout !== 'mpr') return;
    bindPrimary(group, `${tool}`);
    this.emit({ tool });
  }

  /** The intensity range of the displayed image (stack) or volume (MPR). */
  private currentPixelRange(): [number, number] {
    if (this.state.layout === 'stack') {
      const vp = this.engine.getViewport(STACK_VIEWPORT_ID) as Types.IStackViewport;
      const image = vp.getCornerstoneImage();
      if (image) return [image.minPixelValue, image.maxPixelValue];
    } else if (this.volumeId) {
      const volume = cache.getVolume(this.volumeId);
      const range = volume?.voxelManager?.getRange?.();
      if (range) return range as [number, number];
    }
    return this.pixelRange ?? [0, 1];
  }

  applyPreset(presetId: string) {
    const preset = WINDOW_PRESETS.find((p) => p.id === presetId);
    if (!preset) return;
    const [lower, upper] = preset.range(...this.currentPixelRange());
    for (const id of this.viewportIds()) {
      const vp = this.engine.getViewport(id) as Types.IStackViewport | Types.IVolumeViewport;
      vp.setProperties({ voiRange: { lower, upper } });
      vp.render();
    }
    this.emit({ voi: { lower, upper } });
  }

  resetView() {
    for (const id of this.viewportIds()) {
      const vp = this.engine.getViewport(id) as Types.IStackViewport;
      vp.resetCamera();
      vp.resetProperties?.();
      vp.render();
    }
    const first = this.engine.getViewport(this.viewportIds()[0]) as Types.IStackViewport;
    const voi = first?.getProperties().voiRange;
    if (voi) this.emit({ voi: { lower: voi.lower, upper: voi.upper } });
  }

  scroll(delta: number) {
    for (const id of this.viewportIds().slice(0, 1)) {
      const vp = this.engine.getViewport(id);
      if (vp) utilities.scroll(vp, { delta });
    }
  }

  /** Index of the stack's displayed image (= k of the image volume). */
  currentImageIndex(): number {
    return this.state.imageIndex;
  }

  /** Moves the stack (or, in MPR, the first viewport) to an image index (Disagreement panel). */
  jumpToImage(index: number) {
    const id = this.viewportIds()[0];
    const vp = id ? this.engine.getViewport(id) : undefined;
    if (vp?.element) void utilities.jumpToSlice(vp.element, { imageIndex: index });
  }

  /** Fits the viewports to their elements; `keepCamera` keeps zoom and pan (shown again). */
  resize(keepCamera = false) {
    this.engine.resize(true, keepCamera);
  }

  /** The viewer is gone: its viewports and tool groups go, the shared engine stays. */
  destroy() {
    if (ViewportController.owner === this) {
      this.release();
      ViewportController.owner = null;
    }
    this.listeners.clear();
  }

  private release() {
    this.disableAll();
    this.listeners.clear();
  }
}
