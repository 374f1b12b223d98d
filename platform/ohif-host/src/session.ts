/**
 * Concord inside one stock OHIF viewer: one session per OHIF services manager (kept in a
 * WeakMap, as the evaluation session is per host). It follows which image display set the
 * active viewport shows, keeps one `OhifViewerHost` per display set (so the panels' evaluation
 * session survives tab switches; OHIF mounts only the active panel), and shows the study's
 * reference SEG once that series is on screen. docs/ohif.md.
 */
import {
  createOverlaySourceRegistry,
  declaredOverlaySources,
  prewarmLabelFileWorker,
  userMessage,
  type ModelConfig,
  type OverlaySourceRegistry,
} from '@concord/core';
import { OhifViewerHost } from './host.ts';
import {
  hostCornerstone,
  type HostCornerstone,
  type OhifDisplaySet,
  type OhifExtensionManager,
  type OhifServicesManager,
} from './ohifTypes.ts';
import { isSegDisplaySet, loadReferenceSeg, segDisplaySetsOf } from './referenceSeg.ts';
import { registerSession } from './registry.ts';

/** Models built into dist/ohif/models/ by `npm run build:ohif` (scripts/build-ohif). */
declare const __CONCORD_OHIF_MODELS__: Array<{ name: string; file: string }> | undefined;

/** The models shipped next to the plugin files, as absolute URLs (any deployment path). */
export function bundledModels(): ModelConfig[] {
  const list = typeof __CONCORD_OHIF_MODELS__ === 'undefined' ? [] : __CONCORD_OHIF_MODELS__;
  return list.map((m) => ({
    name: m.name,
    manifestUrl: new URL(/* @vite-ignore */ `./models/${m.file}`, import.meta.url).href,
  }));
}

/** The image display set the active viewport shows (not a SEG/SR/PR). */
export function activeImageDisplaySet(sm: OhifServicesManager): OhifDisplaySet | null {
  const { viewportGridService, displaySetService } = sm.services;
  const state = viewportGridService.getState();
  const order = [
    ...(state.activeViewportId ? [state.activeViewportId] : []),
    ...state.viewports.keys(),
  ];
  for (const id of order) {
    for (const uid of state.viewports.get(id)?.displaySetInstanceUIDs ?? []) {
      const ds = displaySetService.getDisplaySetByUID(uid);
      if (ds && !isSegDisplaySet(ds) && (ds.imageIds?.length ?? 0) > 1) return ds;
    }
  }
  return null;
}

export type ReferenceStatus =
  | { kind: 'none' }
  | { kind: 'loading'; what: string }
  | { kind: 'shown'; title: string; author: string }
  | { kind: 'error'; message: string };

export class ConcordOhifSession {
  readonly sources: OverlaySourceRegistry = createOverlaySourceRegistry();
  readonly models: ModelConfig[];
  private readonly cs: HostCornerstone;
  private hosts = new Map<string, OhifViewerHost>();
  private activeHost: OhifViewerHost | null = null;
  private listeners = new Set<() => void>();
  private unsubscribers: Array<() => void> = [];
  private referenceStarted = new WeakSet<OhifViewerHost>();
  /** Hosts whose evaluation session this session keeps subscribed (see `keepEvaluating`). */
  private evaluating = new WeakSet<OhifViewerHost>();
  referenceStatus: ReferenceStatus = { kind: 'none' };

  constructor(
    private readonly servicesManager: OhifServicesManager,
    private readonly extensionManager: OhifExtensionManager,
    options: { models?: ModelConfig[] } = {},
  ) {
    this.cs = hostCornerstone(extensionManager);
    this.models = options.models ?? bundledModels();
    for (const d of declaredOverlaySources(extensionManager.getModulesByType?.('utilityModule')))
      this.sources.register(d);
    const { viewportGridService, displaySetService, cornerstoneViewportService } =
      servicesManager.services;
    const on = (
      svc: { subscribe: typeof displaySetService.subscribe; EVENTS: Record<string, string> },
      name: string,
    ) => {
      const event = svc.EVENTS[name];
      if (event) this.unsubscribers.push(svc.subscribe(event, () => this.refresh()).unsubscribe);
    };
    on(viewportGridService, 'ACTIVE_VIEWPORT_ID_CHANGED');
    on(viewportGridService, 'GRID_STATE_CHANGED');
    on(viewportGridService, 'VIEWPORTS_READY');
    on(displaySetService, 'DISPLAY_SETS_ADDED');
    on(cornerstoneViewportService, 'VIEWPORT_DATA_CHANGED');
    this.refresh();
  }

  /** The host of the series in the active viewport (null until one is shown). */
  current = (): OhifViewerHost | null => this.activeHost;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };

  private emit() {
    for (const fn of this.listeners) fn();
  }

  private refresh() {
    const ds = activeImageDisplaySet(this.servicesManager);
    if (!ds) return;
    let host = this.hosts.get(ds.displaySetInstanceUID);
    if (!host) {
      host = new OhifViewerHost({
        cs: this.cs,
        services: this.servicesManager.services,
        displaySet: ds,
        models: this.models,
        sources: this.sources,
        dicomWebRoot: this.dicomWebRoot(),
      });
      this.hosts.set(ds.displaySetInstanceUID, host);
      this.keepEvaluating(host);
    } else {
      // OHIF may have re-created the viewport: its representations are gone then
      void host.overlays.attachAll();
    }
    if (host !== this.activeHost) {
      this.activeHost = host;
      this.emit();
    }
    this.showReference(host);
  }

  /**
   * OHIF mounts only the active panel, and an evaluation session stops (and forgets its running
   * evaluation) when its last panel leaves. So the session subscribes to the host's evaluation
   * itself: metrics are computed while the Model tab is still open, and survive every tab switch.
   * It does so from the first overlay on (the reference SEG, usually), not from the model's
   * labelmap: the session's code is loaded by then, and the evaluation starts in the task that
   * shows the model's labelmap, not after a chunk load behind the viewport's render frames
   * (docs/ohif.md#performance); and, as in Concord's viewer, the evaluation session starts its
   * analysis worker once a reference is shown, so its module has loaded by then.
   */
  private keepEvaluating(host: OhifViewerHost) {
    const off = host.subscribe((overlays) => {
      if (this.evaluating.has(host) || !overlays.length) return;
      this.evaluating.add(host);
      queueMicrotask(() => off());
      void import('@concord/metrics/session').then(({ getEvaluationSession }) => {
        if (this.hosts.get(host.displaySet.displaySetInstanceUID) !== host) return;
        this.unsubscribers.push(getEvaluationSession(host).subscribe(() => {}));
      });
    });
  }

  /** The active data source's DICOMweb root, when it is DICOMweb (STOW-RS target). */
  private dicomWebRoot(): string | undefined {
    const ds = this.extensionManager.getActiveDataSource?.()?.[0];
    const config = ds?.getConfig?.() as { wadoRoot?: string; qidoRoot?: string } | undefined;
    const root = config?.wadoRoot;
    return root ? new URL(root, location.href).href : undefined;
  }

  private setReferenceStatus(status: ReferenceStatus) {
    this.referenceStatus = status;
    this.emit();
  }

  /** Reads and shows the study's reference SEG for the host's series, once. */
  private showReference(host: OhifViewerHost) {
    if (this.referenceStarted.has(host)) return;
    const segs = segDisplaySetsOf(
      this.servicesManager.services.displaySetService.getActiveDisplaySets(),
      host.studyInstanceUID,
    );
    if (!segs.length) return; // more display sets may still come (DISPLAY_SETS_ADDED)
    this.referenceStarted.add(host);
    prewarmLabelFileWorker(); // its module loads while the series and the SEG download
    void (async () => {
      this.setReferenceStatus({ kind: 'loading', what: 'the reference SEG' });
      const volume = await host.loadedVolume();
      const { chosen, problems } = await loadReferenceSeg(
        this.cs,
        volume,
        host.seriesInstanceUID,
        segs,
        { wadoRoot: host.dicomWebRoot },
      );
      if (!chosen) {
        this.setReferenceStatus({
          kind: 'error',
          message: `No reference SEG for this series. ${problems.join('; ')}`,
        });
        return;
      }
      await host.showLabelmapInTasks('reference', chosen.labels, chosen.title, {
        kind: 'dicom-seg',
      });
      this.setReferenceStatus({ kind: 'shown', title: chosen.title, author: chosen.author });
    })().catch((e) =>
      this.setReferenceStatus({ kind: 'error', message: `Reference SEG: ${userMessage(e)}` }),
    );
  }

  destroy() {
    for (const u of this.unsubscribers) u();
    for (const h of this.hosts.values()) h.destroy();
    this.hosts.clear();
    this.listeners.clear();
  }
}

const sessions = new WeakMap<OhifServicesManager, ConcordOhifSession>();

/** The Concord session of an OHIF viewer (created on first use). */
export function getOhifSession(
  servicesManager: OhifServicesManager,
  extensionManager: OhifExtensionManager,
): ConcordOhifSession {
  let s = sessions.get(servicesManager);
  if (!s) {
    s = new ConcordOhifSession(servicesManager, extensionManager);
    sessions.set(servicesManager, s);
    registerSession(servicesManager, s);
  }
  return s;
}

/** Ends the viewer's Concord session (mode exit): overlays removed, listeners dropped. */
export function endOhifSession(servicesManager: OhifServicesManager) {
  sessions.get(servicesManager)?.destroy();
  sessions.delete(servicesManager);
  registerSession(servicesManager, undefined);
}
