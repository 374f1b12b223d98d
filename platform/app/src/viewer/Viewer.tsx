/**
 * The mode's viewer page: series browser, toolbar, viewport grid (stack or MPR) and the side
 * panels. The first image needs only Cornerstone and the data source; the Model and Metrics
 * panels are lazy chunks loaded after it. The page's state lives in hooks (./hooks): the
 * study's series, the viewports, the overlays and the reference SEG, the host the panels get,
 * the mode's panels and hotkeys.
 */
import {
  Suspense,
  useCallback,
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import { isImageSeries, labelLayers } from '@concord/core';
import type { ModeDefinition } from '@concord/mode-model-vs-annotator';
import type { BootedApp, CoreApp } from '../boot.ts';
import {
  MPR_VIEWPORT_IDS,
  STACK_VIEWPORT_ID,
  WINDOW_PRESETS,
  type LayoutKind,
  type PrimaryTool,
} from './viewportController.ts';
import { OverlaysPanel } from '../segmentation/OverlaysPanel.tsx';
import type { OverlayTask } from '../segmentation/referenceSeg.ts';
import { getInstanceMetadata } from '../cornerstone/metadataProvider.ts';
import { ReadingOverlay, positionOf, type ReadingInfo } from './ReadingOverlay.tsx';
import { centreSlice, layerOf, structureName, structuresAt } from './readingView.ts';
import { Thumbnail } from '../studyList/Thumbnail.tsx';
import { useImageSeries } from './hooks/useImageSeries.ts';
import { useSeriesDisplay, useViewportController } from './hooks/useViewport.ts';
import { useOverlayFileLoader, useOverlayManager, useOverlaySources } from './hooks/useOverlays.ts';
import { useReferenceSeg } from './hooks/useReferenceSeg.ts';
import { useViewerHost } from './hooks/useViewerHost.ts';
import { useVoxelsAfterEvaluation } from './hooks/useVoxelsAfterEvaluation.ts';
import { useExtensionPanels } from './hooks/useExtensionPanels.ts';
import { useHotkeys } from './hooks/useHotkeys.ts';
import { useCaseLabelmaps } from './hooks/useCaseLabelmaps.ts';
import { navigate } from '../router.ts';

export interface ViewerProps {
  core: CoreApp;
  /** The OHIF managers and extensions; null until their chunks have loaded. */
  ohif: BootedApp | null;
  mode: ModeDefinition;
  studyUID: string;
  dataSourceName: string;
  /** false while the viewer is kept, hidden, behind the study list (no hotkeys then). */
  active?: boolean;
  /** a case opened from the cohort view: its series, labelmap files and the way back */
  openedCase?: OpenedCase;
}

/** What the cohort view's address gives the viewer (docs/cohort.md, "Opening a case"). */
export interface OpenedCase {
  series: string | null;
  reference: string | null;
  prediction: string | null;
  model: string | null;
  /** the cohort page to go back to (validated same-origin /cohort address) */
  cohortPage: string | null;
}

/**
 * Cornerstone's keyboard listener on a focused viewport calls preventDefault on every keydown,
 * which suppresses the keypress event that OHIF's hotkeys (Mousetrap) bind character keys to:
 * after a click on the image, `w p z c 1 3 r ] [` did nothing. Character keys without a
 * modifier are kept from that listener (caught here, above the viewport, in the capture
 * phase); Cornerstone's tools only need the modifier keys, and arrows still reach it.
 */
function keepCharacterHotkeys(e: KeyboardEvent<HTMLDivElement>) {
  if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) e.stopPropagation();
}

/** Names of the MPR planes, in the order of the MPR viewports. */
const MPR_PLANES = ['Axial', 'Sagittal', 'Coronal'];

/** Side panel width in px: wide enough for the Metrics table's key columns; resizable. */
const PANEL_WIDTH = { initial: 520, min: 320, max: 1100 };

/** The handle between the viewports and the side panel: drag it, or focus it and use ← →. */
function PanelResizer({ width, onWidth }: { width: number; onWidth: (w: number) => void }) {
  const clamp = (w: number) =>
    Math.round(Math.min(PANEL_WIDTH.max, Math.max(PANEL_WIDTH.min, w, 0)));
  return (
    <div
      className="panel-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the side panel"
      aria-valuemin={PANEL_WIDTH.min}
      aria-valuemax={PANEL_WIDTH.max}
      aria-valuenow={width}
      tabIndex={0}
      data-testid="panel-resizer"
      onPointerDown={(e) => {
        const startX = e.clientX;
        const start = width;
        const el = e.currentTarget;
        el.setPointerCapture(e.pointerId);
        const move = (m: PointerEvent) => onWidth(clamp(start + startX - m.clientX));
        const up = () => {
          el.removeEventListener('pointermove', move);
          el.removeEventListener('pointerup', up);
        };
        el.addEventListener('pointermove', move);
        el.addEventListener('pointerup', up);
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onWidth(clamp(width + 40));
        else if (e.key === 'ArrowRight') onWidth(clamp(width - 40));
        else return;
        e.preventDefault();
      }}
    />
  );
}

export function Viewer({
  core,
  ohif,
  mode,
  studyUID,
  dataSourceName,
  active = true,
  openedCase,
}: ViewerProps) {
  const { config } = core;
  const dataSource = core.dataSources.get(dataSourceName);
  const [layout, setLayout] = useState<LayoutKind>('stack');
  const [error, setError] = useState<string | null>(null);
  const [overlayStatus, setOverlayStatus] = useState<string | null>(null);
  const [overlayTask, setOverlayTask] = useState<OverlayTask | null>(null);
  const [panelWidth, setPanelWidth] = useState(PANEL_WIDTH.initial);
  const stackRef = useRef<HTMLDivElement>(null);
  const mprRefs = [
    useRef<HTMLDivElement>(null),
    useRef<HTMLDivElement>(null),
    useRef<HTMLDivElement>(null),
  ];

  const { series, activeSeries, setActiveSeries } = useImageSeries({
    dataSource,
    dataSourceName,
    studyUID,
    mode,
    setError,
    preferredSeries: openedCase?.series ?? null,
  });
  const { controller, state } = useViewportController(setError);
  const { loading, displayed } = useSeriesDisplay({
    controller,
    dataSource,
    studyUID,
    activeSeries,
    layout,
    stackRef,
    mprRefs,
    setError,
  });
  const { registry: overlaySources, sources } = useOverlaySources(ohif);
  const overlays = useOverlayManager(activeSeries, overlaySources, controller, displayed);
  useReferenceSeg({
    controller,
    overlays,
    series,
    activeSeries,
    dataSource,
    studyUID,
    displayed,
    setOverlayStatus,
    setOverlayTask,
    skip: !!openedCase?.reference,
  });
  const bridge = useViewerHost({
    config,
    controller,
    overlays,
    overlaySources,
    activeSeries,
    studyUID,
    dataSourceName,
  });
  useVoxelsAfterEvaluation(bridge, controller);
  const [overlayWarnings, setOverlayWarnings] = useState<Record<string, string>>({});
  const setOverlayWarning = useCallback(
    (source: string, warning: string | null) =>
      setOverlayWarnings(({ [source]: _, ...rest }) =>
        warning ? { ...rest, [source]: warning } : rest,
      ),
    [],
  );
  const loadOverlayFile = useOverlayFileLoader(
    bridge,
    controller,
    setOverlayStatus,
    setOverlayWarning,
    setOverlayTask,
  );
  useCaseLabelmaps({
    files: { reference: openedCase?.reference ?? null, prediction: openedCase?.prediction ?? null },
    ready: !!bridge && !!controller && displayed > 0,
    load: bridge && controller ? loadOverlayFile : null,
    setWarning: setOverlayWarning,
  });
  const panels = useExtensionPanels(ohif, mode);
  useHotkeys({ ohif: active ? ohif : null, controller, mode, setLayout, viewer: bridge });
  // shown again after the study list: the viewports were laid out while hidden
  useEffect(() => {
    if (active) controller?.resize(true);
  }, [active, controller, panelWidth]);

  const setTool = useCallback((t: PrimaryTool) => controller?.setPrimaryTool(t), [controller]);

  // the cursor probe: intensity and the reference's and model's structure under the cursor
  const [probe, setProbe] = useState<string | null>(null);
  const probeFrame = useRef(0);
  const onProbe = useCallback(
    (e: ReactMouseEvent<HTMLDivElement>) => {
      const rect = e.currentTarget.getBoundingClientRect();
      const xy: [number, number] = [e.clientX - rect.left, e.clientY - rect.top];
      cancelAnimationFrame(probeFrame.current);
      probeFrame.current = requestAnimationFrame(() => {
        const p = controller?.probe(STACK_VIEWPORT_ID, xy);
        if (!p) return setProbe(null);
        const at = (source: string) => {
          const v = overlays?.labelVolume(source);
          return v ? structureName(v.labels, v.data[p.index]) : 'none loaded';
        };
        const value =
          p.value === null
            ? 'loading…'
            : Number.isInteger(p.value)
              ? String(p.value)
              : p.value.toFixed(2);
        setProbe(`Value ${value}  Ref: ${at('reference')}  Model: ${at('prediction')}`);
      });
    },
    [controller, overlays],
  );

  // a structure chosen in the Overlays panel: go to the slice through its centre (on the
  // layer that holds it: overlapping structures lie on further layers)
  const goToStructure = useCallback(
    (source: string, label: number) => {
      const v = overlays?.labelVolume(source);
      const layer = v ? labelLayers(v)[layerOf(v.labels, label)] : undefined;
      const k = v && layer ? centreSlice(layer, v.dims, label) : null;
      if (k !== null) controller?.jumpToImage(k);
    },
    [controller, overlays],
  );

  // Shift+click on the image selects the structures under the cursor (reference and model);
  // the Overlays panel highlights them. Shift: Cornerstone's tools are bound without modifier,
  // so the click does nothing else (docs/viewer.md)
  const [selected, setSelected] = useState<Record<string, number[]> | null>(null);
  const onSelectClick = useCallback(
    (e: ReactMouseEvent<HTMLDivElement>) => {
      if (!e.shiftKey || e.button !== 0) return;
      const rect = e.currentTarget.getBoundingClientRect();
      const p = controller?.probe(STACK_VIEWPORT_ID, [e.clientX - rect.left, e.clientY - rect.top]);
      if (!p) return setSelected(null);
      const at = (source: string) => {
        const v = overlays?.labelVolume(source);
        return v ? structuresAt(labelLayers(v), p.index) : [];
      };
      setSelected({ reference: at('reference'), prediction: at('prediction') });
    },
    [controller, overlays],
  );

  const imageId = controller?.currentImageIds[state?.imageIndex ?? 0];
  const meta = imageId ? getInstanceMetadata(imageId) : undefined;
  const stackInfo: ReadingInfo = {
    patient: meta?.PatientName ? String(meta.PatientName).replace(/\^/g, ' ').trim() : undefined,
    patientId: meta?.PatientID ? String(meta.PatientID) : undefined,
    series: meta?.SeriesDescription ? String(meta.SeriesDescription) : undefined,
    image:
      state && state.imageCount > 0
        ? { number: state.imageIndex + 1, count: state.imageCount }
        : undefined,
    positionMm: positionOf(meta),
    thicknessMm:
      Number.isFinite(Number(meta?.SliceThickness)) && meta?.SliceThickness !== undefined
        ? Number(meta.SliceThickness)
        : undefined,
    camera:
      state?.layout === 'stack' && state.cameraTick !== undefined
        ? controller?.camera(STACK_VIEWPORT_ID)
        : null,
    probe,
  };

  return (
    <div
      className="viewer"
      data-testid="viewer"
      style={{ '--right-width': `${panelWidth}px` } as CSSProperties}
    >
      <aside className="left-panel">
        {openedCase?.cohortPage && (
          <p className="cohort-back">
            <a
              href={openedCase.cohortPage}
              data-testid="viewer-back-to-cohort"
              onClick={(e) => {
                // in-app: the cohort page restores its table state (sort, filters, scroll)
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                e.preventDefault();
                navigate(openedCase.cohortPage!);
              }}
            >
              ← Back to the cohort
            </a>
            {openedCase.model && (
              <span className="muted" data-testid="viewer-case-model">
                {' '}
                model {openedCase.model}
              </span>
            )}
          </p>
        )}
        <h2>Series</h2>
        {!series && !error && <p className="muted">Loading…</p>}
        <ul className="series-list" data-testid="viewer-series">
          {series?.map((s) => (
            <li key={s.SeriesInstanceUID}>
              <button
                type="button"
                className={s.SeriesInstanceUID === activeSeries ? 'active' : ''}
                disabled={!isImageSeries(s)}
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
        <div className={`viewport-grid layout-${layout}`} onKeyDownCapture={keepCharacterHotkeys}>
          <div
            className="viewport"
            data-testid="viewport-stack"
            ref={stackRef}
            hidden={layout !== 'stack'}
            onContextMenu={(e) => e.preventDefault()}
            onMouseMove={onProbe}
            onMouseLeave={() => setProbe(null)}
            onClick={onSelectClick}
          >
            {displayed > 0 && <ReadingOverlay info={stackInfo} testId="reading-stack" />}
          </div>
          {mprRefs.map((r, i) => (
            <div
              key={i}
              className="viewport"
              data-testid={`viewport-mpr-${i}`}
              ref={r}
              hidden={layout !== 'mpr'}
              onContextMenu={(e) => e.preventDefault()}
            >
              {layout === 'mpr' && displayed > 0 && (
                <ReadingOverlay
                  testId={`reading-mpr-${i}`}
                  info={{
                    plane: MPR_PLANES[i],
                    camera:
                      state?.layout === 'mpr' ? controller?.camera(MPR_VIEWPORT_IDS[i]) : null,
                  }}
                />
              )}
            </div>
          ))}
        </div>
      </section>
      <PanelResizer width={panelWidth} onWidth={setPanelWidth} />
      <aside className="right-panel" data-testid="right-panel">
        <OverlaysPanel
          overlays={overlays}
          sources={sources}
          onLoadFile={loadOverlayFile}
          status={overlayStatus}
          task={overlayTask}
          warnings={overlayWarnings}
          onGoToStructure={goToStructure}
          selected={selected}
          onClearSelection={() => setSelected(null)}
        />
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
