/**
 * The mode's viewer page: series browser, toolbar, viewport grid (stack or MPR) and the side
 * panels. The first image needs only Cornerstone and the data source; the Model and Metrics
 * panels are lazy chunks loaded after it.
 */
import {
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ComponentType,
} from 'react';
import { readNiftiLabels, isGzip, userMessage, type Volume } from '@concord/core';
import type { Types } from '@cornerstonejs/core';
import type { ModeDefinition } from '@concord/mode-model-vs-annotator';
import { Enums, eventTarget } from '@cornerstonejs/core';
import type { BootedApp, CoreApp } from '../boot.ts';
import type { SeriesSummary } from '../dataSources/types.ts';
import {
  ViewportController,
  WINDOW_PRESETS,
  type LayoutKind,
  type PrimaryTool,
  type ViewerState,
} from './viewportController.ts';
import { OverlayManager, type OverlaySource } from '../segmentation/overlayManager.ts';
import { OverlaysPanel } from '../segmentation/OverlaysPanel.tsx';
import { readSegForVolume } from '../segmentation/referenceSeg.ts';
import { Thumbnail } from '../studyList/Thumbnail.tsx';
import type { LabelVolume } from '@concord/core';
import { createSharedResults, type ViewerBridge, type ViewerPanelProps } from '../viewerBridge.ts';
import { getInstanceMetadata } from '../cornerstone/metadataProvider.ts';
import type { DataSourceConfig } from '../dataSources/types.ts';
import { displayedSeries } from './displayedSeries.ts';

/** A loaded Cornerstone volume as a @concord/core Volume. */
function imageVolumeOf(v: Types.IImageVolume): Volume {
  return {
    dims: [...v.dimensions] as Volume['dims'],
    spacing: [...v.spacing] as Volume['spacing'],
    origin: [...v.origin] as Volume['origin'],
    direction: [...v.direction] as Volume['direction'],
    frameOfReferenceUID: v.metadata?.FrameOfReferenceUID,
    data: v.voxelManager?.getCompleteScalarDataArray?.() as Volume['data'],
  };
}

/** STOW-RS target of a DICOMweb data source (absolute, same origin through the proxy). */
function dicomWebRootOf(ds: DataSourceConfig | undefined): string | undefined {
  return ds?.type === 'dicomweb' ? new URL(ds.root, location.href).href : undefined;
}

export interface ViewerProps {
  core: CoreApp;
  /** The OHIF managers and extensions; null until their chunks have loaded. */
  ohif: BootedApp | null;
  mode: ModeDefinition;
  studyUID: string;
  dataSourceName: string;
}

const NON_IMAGE = new Set(['SEG', 'SR', 'PR', 'RTSTRUCT', 'KO', 'DOC']);

/** Marks the first rendered image for benchmarks: performance mark + a data attribute. */
function markFirstImage(element: HTMLElement) {
  const on = () => {
    element.removeEventListener(Enums.Events.IMAGE_RENDERED, on);
    performance.mark('concord:first-image');
    document.body.dataset.firstImageMs = String(Math.round(performance.now()));
  };
  element.addEventListener(Enums.Events.IMAGE_RENDERED, on);
}

/** Reads a labelmap file the user chose: NIfTI (.nii / .nii.gz) or a DICOM SEG of the series. */
export async function readLabelFile(
  file: File,
  volume: Types.IImageVolume,
  seriesUID: string,
): Promise<{ labelmap: LabelVolume; kind: 'nifti' | 'dicom-seg' }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isGzip(bytes) || /\.nii(\.gz)?$/i.test(file.name))
    return { labelmap: readNiftiLabels(bytes), kind: 'nifti' };
  const seg = readSegForVolume(bytes.buffer as ArrayBuffer, volume, seriesUID);
  return { labelmap: seg.labels, kind: 'dicom-seg' };
}

type PanelEntry = { name: string; label?: string; component: ComponentType<ViewerPanelProps> };

export function Viewer({ core, ohif, mode, studyUID, dataSourceName }: ViewerProps) {
  const { config } = core;
  const dataSource = core.dataSources.get(dataSourceName);
  const [series, setSeries] = useState<SeriesSummary[] | null>(null);
  const [activeSeries, setActiveSeries] = useState<string | null>(null);
  const [controller, setController] = useState<ViewportController | null>(null);
  const [state, setState] = useState<ViewerState | null>(null);
  const [layout, setLayout] = useState<LayoutKind>('stack');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [overlays, setOverlays] = useState<OverlayManager | null>(null);
  const [overlayStatus, setOverlayStatus] = useState<string | null>(null);
  const [displayed, setDisplayed] = useState(0);
  const stackRef = useRef<HTMLDivElement>(null);
  const mprRefs = [
    useRef<HTMLDivElement>(null),
    useRef<HTMLDivElement>(null),
    useRef<HTMLDivElement>(null),
  ];

  // Series of the study; the default display set is the image series with the most instances.
  useEffect(() => {
    if (!dataSource) return setError(`No data source named “${dataSourceName}” is configured`);
    if (!studyUID) return setError('No StudyInstanceUIDs in the address');
    dataSource.listSeries(studyUID).then(
      (list) => {
        setSeries(list);
        const modalities = list.map((s) => s.Modality).join('\\');
        const valid = mode.isValidMode({ modalities });
        if (!valid.valid)
          return setError(valid.description ?? 'This study cannot be opened in this mode');
        const images = list.filter((s) => !NON_IMAGE.has(s.Modality));
        images.sort((a, b) => b.NumInstances - a.NumInstances);
        setActiveSeries(images[0]?.SeriesInstanceUID ?? null);
      },
      (e) => setError(userMessage(e)),
    );
  }, [dataSource, dataSourceName, studyUID, mode]);

  useEffect(() => {
    let alive = true;
    let made: ViewportController | null = null;
    ViewportController.create().then(
      (c) => {
        made = c;
        if (!alive) return c.destroy();
        setController(c);
        c.subscribe(setState);
      },
      (e) => setError(`Could not start the renderer: ${userMessage(e)}`),
    );
    return () => {
      alive = false;
      made?.destroy();
    };
  }, []);

  useEffect(() => {
    if (!controller) return;
    const on = () => controller.resize();
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, [controller]);

  // Display the active series as a stack (acquisition plane) or in MPR.
  useEffect(() => {
    if (!controller || !activeSeries || !dataSource) return;
    let alive = true;
    setLoading(true);
    setError(null);
    (async () => {
      const imageIds = await dataSource.getImageIds(studyUID, activeSeries);
      if (!alive) return;
      if (imageIds.length === 0) throw new Error('This series has no images');
      if (layout === 'stack') {
        const el = stackRef.current as HTMLDivElement;
        markFirstImage(el);
        await controller.showStack(el, imageIds, activeSeries);
      } else {
        await controller.showMpr(
          mprRefs.map((r) => r.current as HTMLDivElement),
          imageIds,
          activeSeries,
        );
      }
      if (!alive) return;
      setDisplayed((n) => n + 1);
    })()
      .catch((e) => alive && setError(`Could not display the series: ${imageErrorText(e)}`))
      .finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [controller, activeSeries, dataSource, studyUID, layout]);

  // Image load failures (corrupt or unsupported pixel data) come as events, not rejections.
  useEffect(() => {
    const on = (evt: Event) => {
      const detail = (evt as CustomEvent).detail as { error?: unknown; imageId?: string };
      setError(`Could not load an image of this series: ${imageErrorText(detail?.error)}`);
    };
    // IMAGE_LOAD_FAILED comes from the loader itself (e.g. a codec that cannot decode a frame)
    const events = [Enums.Events.IMAGE_LOAD_ERROR, Enums.Events.IMAGE_LOAD_FAILED];
    for (const e of events) eventTarget.addEventListener(e, on);
    return () => {
      for (const e of events) eventTarget.removeEventListener(e, on);
    };
  }, []);

  // One overlay manager per displayed series; re-attached to the viewports of each layout.
  useEffect(() => {
    if (!activeSeries) return;
    const m = new OverlayManager(activeSeries);
    setOverlays(m);
    return () => m.destroy();
  }, [activeSeries]);
  useEffect(() => {
    if (controller && overlays && displayed > 0) overlays.attach(controller.viewportIds());
  }, [controller, overlays, displayed]);

  // The study's DICOM SEG that references the displayed series becomes the reference overlay.
  // An annotator's SEG (MANUAL/SEMIAUTOMATIC segments) wins over a model's (all AUTOMATIC, e.g.
  // one this viewer sent to the PACS earlier), which is used only when it is the only one.
  useEffect(() => {
    if (!controller || !overlays || !series || !activeSeries || !dataSource || displayed === 0)
      return;
    const segs = series.filter((s) => s.Modality === 'SEG');
    if (segs.length === 0 || overlays.labelVolume('reference')) return;
    let alive = true;
    (async () => {
      const volume = await controller.ensureVolume();
      const problems: string[] = [];
      let modelSeg: { labels: LabelVolume; title: string } | null = null;
      const show = (labels: LabelVolume, title: string) => {
        overlays.setLabelmap('reference', volume, labels, title, { kind: 'dicom-seg' });
        setOverlayStatus(null);
      };
      for (const seg of segs) {
        setOverlayStatus(`Loading ${seg.SeriesDescription || 'the reference SEG'}…`);
        try {
          const [bytes] = await dataSource.retrieveInstances(studyUID, seg.SeriesInstanceUID);
          if (!alive) return;
          const result = readSegForVolume(bytes, volume, activeSeries);
          const title = seg.SeriesDescription || 'DICOM SEG';
          if (result.segments.every((s) => s.algorithmType === 'AUTOMATIC')) {
            modelSeg ??= { labels: result.labels, title };
            continue;
          }
          return show(result.labels, title);
        } catch (e) {
          problems.push(`${seg.SeriesDescription || seg.SeriesInstanceUID}: ${userMessage(e)}`);
        }
      }
      if (!alive) return;
      if (modelSeg) return show(modelSeg.labels, modelSeg.title);
      setOverlayStatus(`No reference SEG for this series. ${problems.join('; ')}`);
    })().catch((e) => alive && setOverlayStatus(`Reference SEG: ${userMessage(e)}`));
    return () => {
      alive = false;
    };
  }, [controller, overlays, series, activeSeries, dataSource, studyUID, displayed]);

  const bridge = useMemo<ViewerBridge | null>(() => {
    if (!controller || !overlays || !activeSeries) return null;
    return {
      studyInstanceUID: studyUID,
      seriesInstanceUID: activeSeries,
      models: config.models,
      overlays,
      getImageVolume: () => controller.loadedVolume().then(imageVolumeOf),
      async getSeries() {
        const v = await controller.loadedVolume();
        const metas = v.imageIds.map((id) => getInstanceMetadata(id) ?? {});
        return displayedSeries(imageVolumeOf(v), metas, studyUID, activeSeries);
      },
      dicomWebRoot: dicomWebRootOf(config.dataSources.find((d) => d.name === dataSourceName)),
      getLabelmap: (source) => overlays.labelVolume(source),
      showLabelmap: (source, labelmap, title, origin) => {
        const volume = controller.currentVolume();
        if (!volume) throw new Error('The series is still loading');
        return overlays.setLabelmap(source, volume, labelmap, title, origin);
      },
      async showLabelmapInTasks(source, labelmap, title, origin = { kind: 'labelmap' }) {
        const volume = controller.currentVolume();
        if (!volume) throw new Error('The series is still loading');
        return overlays.setLabelmapInTasks(source, volume, labelmap, title, origin);
      },
      subscribe: (fn) => overlays.subscribe(fn),
      getSliceIndex: () => controller.currentImageIndex(),
      setSliceIndex: (index) => controller.jumpToImage(index),
      // keyed by overlay generations, which are this overlay manager's: new bridge, new store
      shared: createSharedResults(),
    };
  }, [
    controller,
    overlays,
    activeSeries,
    studyUID,
    config.models,
    config.dataSources,
    dataSourceName,
  ]);

  const loadOverlayFile = useCallback(
    (source: OverlaySource, file: File) => {
      if (!bridge || !controller) return;
      setOverlayStatus(`Loading ${file.name}…`);
      (async () => {
        const volume = await controller.ensureVolume();
        const { labelmap, kind } = await readLabelFile(file, volume, bridge.seriesInstanceUID);
        bridge.showLabelmap(source, labelmap, file.name, { kind });
        setOverlayStatus(null);
      })().catch((e) => setOverlayStatus(`Could not show ${file.name}: ${userMessage(e)}`));
    },
    [bridge, controller],
  );

  const panels = useMemo(
    () =>
      mode.rightPanels
        .map((id) => ohif?.extensionManager.getModuleEntry(id) as PanelEntry | undefined)
        .filter((p): p is PanelEntry => !!p),
    [ohif, mode],
  );

  // The mode's hotkeys run these commands through OHIF's CommandsManager/HotkeysManager.
  useEffect(() => {
    if (!controller || !ohif) return;
    const { commandsManager, hotkeysManager } = ohif;
    commandsManager.createContext('VIEWER');
    const commands: Record<string, (o: Record<string, unknown>) => void> = {
      setToolActive: (o) => controller.setPrimaryTool(o.toolName as PrimaryTool),
      nextImage: () => controller.scroll(1),
      previousImage: () => controller.scroll(-1),
      setLayout: (o) => setLayout(o.layout as LayoutKind),
      resetViewport: () => controller.resetView(),
    };
    for (const [name, fn] of Object.entries(commands))
      commandsManager.registerCommand('VIEWER', name, { commandFn: fn });
    hotkeysManager.setHotkeys(mode.hotkeys);
    return () => {
      hotkeysManager.setHotkeys([]); // next viewer re-creates the VIEWER context
    };
  }, [ohif, controller, mode]);

  const setTool = useCallback((t: PrimaryTool) => controller?.setPrimaryTool(t), [controller]);

  return (
    <div className="viewer" data-testid="viewer">
      <aside className="left-panel">
        <h2>Series</h2>
        {!series && !error && <p className="muted">Loading…</p>}
        <ul className="series-list" data-testid="viewer-series">
          {series?.map((s) => (
            <li key={s.SeriesInstanceUID}>
              <button
                type="button"
                className={s.SeriesInstanceUID === activeSeries ? 'active' : ''}
                disabled={NON_IMAGE.has(s.Modality)}
                onClick={() => setActiveSeries(s.SeriesInstanceUID)}
              >
                {/* thumbnails only after the first image: they must not delay it */}
                {displayed > 0 && dataSource && (
                  <Thumbnail
                    dataSource={dataSource}
                    studyUID={studyUID}
                    seriesUID={s.SeriesInstanceUID}
                    modality={s.Modality}
                  />
                )}
                <span className="badge">{s.Modality}</span>{' '}
                {s.SeriesDescription || '(no description)'}{' '}
                <span className="muted">{s.NumInstances}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section className="center">
        <div className="toolbar" role="toolbar" data-testid="toolbar">
          <div className="group">
            {mode.toolbar.layouts.map((l) => (
              <button
                key={l.id}
                type="button"
                data-testid={`layout-${l.id}`}
                aria-pressed={layout === l.id}
                onClick={() => setLayout(l.id)}
              >
                {l.label}
              </button>
            ))}
          </div>
          <div className="group">
            {mode.toolbar.tools.map((t) => (
              <button
                key={t.id}
                type="button"
                data-testid={`tool-${t.id}`}
                aria-pressed={state?.tool === t.id}
                disabled={t.mprOnly && layout !== 'mpr'}
                onClick={() => setTool(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div className="group">
            <select
              aria-label="Window preset"
              data-testid="wl-preset"
              defaultValue=""
              onChange={(e) => {
                controller?.applyPreset(e.target.value);
                e.target.value = '';
              }}
            >
              <option value="" disabled>
                W/L preset…
              </option>
              {WINDOW_PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
            <button type="button" onClick={() => controller?.resetView()}>
              Reset
            </button>
          </div>
          <span className="muted status" data-testid="viewport-status">
            {state && state.layout === 'stack' && state.imageCount > 0
              ? `Image ${state.imageIndex + 1}/${state.imageCount}`
              : ''}
            {state?.voi
              ? `  W ${Math.round(state.voi.upper - state.voi.lower)} L ${Math.round((state.voi.upper + state.voi.lower) / 2)}`
              : ''}
            {loading ? '  loading…' : ''}
          </span>
        </div>
        {error && (
          <p className="error" role="alert" data-testid="viewer-error">
            {error}
          </p>
        )}
        <div className={`viewport-grid layout-${layout}`}>
          <div
            className="viewport"
            data-testid="viewport-stack"
            ref={stackRef}
            hidden={layout !== 'stack'}
            onContextMenu={(e) => e.preventDefault()}
          />
          {mprRefs.map((r, i) => (
            <div
              key={i}
              className="viewport"
              data-testid={`viewport-mpr-${i}`}
              ref={r}
              hidden={layout !== 'mpr'}
              onContextMenu={(e) => e.preventDefault()}
            />
          ))}
        </div>
      </section>
      <aside className="right-panel" data-testid="right-panel">
        <OverlaysPanel overlays={overlays} onLoadFile={loadOverlayFile} status={overlayStatus} />
        {bridge &&
          panels.map((p) => (
            <Suspense key={p.name} fallback={<p className="muted">Loading {p.label ?? p.name}…</p>}>
              <p.component viewer={bridge} />
            </Suspense>
          ))}
      </aside>
    </div>
  );
}

/** Image loader errors are objects of various shapes; keep one readable line. */
export function imageErrorText(e: unknown): string {
  if (e === undefined || e === null || e === '') return 'unknown error';
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  // the WASM codecs throw bare numbers
  if (typeof e === 'number') return `the pixel data could not be decoded (codec error ${e})`;
  const o = e as { message?: unknown; error?: unknown; status?: unknown };
  if (typeof o.message === 'string') return o.message;
  if (o.error) return imageErrorText(o.error);
  if (o.status) return `HTTP ${String(o.status)}`;
  return 'unknown error';
}
