/**
 * The viewports: one Cornerstone controller per viewer page, and the displayed series shown in
 * it as a stack (acquisition plane) or in MPR. Marks the first rendered image for benchmarks and
 * reports image load failures (corrupt or unsupported pixel data).
 */
import { useEffect, useState, type RefObject } from 'react';
import { Enums, eventTarget } from '@cornerstonejs/core';
import { userMessage } from '@concord/core';
import type { DataSource } from '../../dataSources/types.ts';
import { ViewportController, type LayoutKind, type ViewerState } from '../viewportController.ts';

/** Marks the first rendered image for benchmarks: performance mark + a data attribute. */
function markFirstImage(element: HTMLElement) {
  const on = () => {
    element.removeEventListener(Enums.Events.IMAGE_RENDERED, on);
    performance.mark('concord:first-image');
    document.body.dataset.firstImageMs = String(Math.round(performance.now()));
  };
  element.addEventListener(Enums.Events.IMAGE_RENDERED, on);
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

/** The viewport controller (null until the renderer has started) and its state. */
export function useViewportController(setError: (message: string) => void) {
  const [controller, setController] = useState<ViewportController | null>(null);
  const [state, setState] = useState<ViewerState | null>(null);

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
    // setError is left out: the viewer's state setter
  }, []);

  useEffect(() => {
    if (!controller) return;
    const on = () => controller.resize();
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, [controller]);

  return { controller, state };
}

/**
 * Shows the active series in the viewports of the layout. `displayed` counts the series shown
 * so far (0 until the first image): overlays, the reference SEG and thumbnails wait for it.
 */
export function useSeriesDisplay({
  controller,
  dataSource,
  studyUID,
  activeSeries,
  layout,
  stackRef,
  mprRefs,
  setError,
}: {
  controller: ViewportController | null;
  dataSource: DataSource | undefined;
  studyUID: string;
  activeSeries: string | null;
  layout: LayoutKind;
  stackRef: RefObject<HTMLDivElement | null>;
  mprRefs: Array<RefObject<HTMLDivElement | null>>;
  setError: (message: string | null) => void;
}) {
  const [loading, setLoading] = useState(false);
  const [displayed, setDisplayed] = useState(0);

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
    // the refs and setError are left out: stable
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

  return { loading, displayed };
}
