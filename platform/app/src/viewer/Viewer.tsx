/**
 * The mode's viewer page: series browser, toolbar, viewport grid (stack or MPR) and the side
 * panels. The first image needs only Cornerstone and the data source; the Model and Metrics
 * panels are lazy chunks loaded after it. The page's state lives in hooks (./hooks): the
 * study's series, the viewports, the overlays and the reference SEG, the host the panels get,
 * the mode's panels and hotkeys.
 */
import { Suspense, useCallback, useRef, useState } from 'react';
import { isImageSeries } from '@concord/core';
import type { ModeDefinition } from '@concord/mode-model-vs-annotator';
import type { BootedApp, CoreApp } from '../boot.ts';
import { WINDOW_PRESETS, type LayoutKind, type PrimaryTool } from './viewportController.ts';
import { OverlaysPanel } from '../segmentation/OverlaysPanel.tsx';
import { Thumbnail } from '../studyList/Thumbnail.tsx';
import { useImageSeries } from './hooks/useImageSeries.ts';
import { useSeriesDisplay, useViewportController } from './hooks/useViewport.ts';
import { useOverlayFileLoader, useOverlayManager, useOverlaySources } from './hooks/useOverlays.ts';
import { useReferenceSeg } from './hooks/useReferenceSeg.ts';
import { useViewerHost } from './hooks/useViewerHost.ts';
import { useExtensionPanels } from './hooks/useExtensionPanels.ts';
import { useHotkeys } from './hooks/useHotkeys.ts';

export interface ViewerProps {
  core: CoreApp;
  /** The OHIF managers and extensions; null until their chunks have loaded. */
  ohif: BootedApp | null;
  mode: ModeDefinition;
  studyUID: string;
  dataSourceName: string;
}

export function Viewer({ core, ohif, mode, studyUID, dataSourceName }: ViewerProps) {
  const { config } = core;
  const dataSource = core.dataSources.get(dataSourceName);
  const [layout, setLayout] = useState<LayoutKind>('stack');
  const [error, setError] = useState<string | null>(null);
  const [overlayStatus, setOverlayStatus] = useState<string | null>(null);
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
  const loadOverlayFile = useOverlayFileLoader(bridge, controller, setOverlayStatus);
  const panels = useExtensionPanels(ohif, mode);
  useHotkeys({ ohif, controller, mode, setLayout, viewer: bridge });

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
        <OverlaysPanel
          overlays={overlays}
          sources={sources}
          onLoadFile={loadOverlayFile}
          status={overlayStatus}
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
