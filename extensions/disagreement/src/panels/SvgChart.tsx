import { useEffect, useRef, useState } from 'react';
import { connect, isAbortError, type Endpoint, type Remote } from '@concord/core';
import { buildChart, type ChartApi, type ChartSpec } from '../charts/chartApi.ts';

/** Mounts a chart's element (Observable Plot output) and forwards clicks on it. */
export function SvgChart({
  svg,
  onClick,
  testId,
}: {
  svg: Element | null;
  onClick?: (target: Element) => void;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    el.replaceChildren(...(svg ? [svg] : []));
  }, [svg]);
  return (
    <div
      ref={host}
      className="chart"
      data-testid={testId}
      onClick={onClick ? (e) => onClick(e.target as Element) : undefined}
    />
  );
}

let charts: Remote<ChartApi> | null = null;

/** The page's one chart worker (started with the first chart, shared by every panel). */
function chartWorker(): Remote<ChartApi> {
  charts ??= connect<ChartApi>(
    new Worker(new URL('../charts/chart.worker.ts', import.meta.url), {
      type: 'module',
      name: 'concord-charts',
    }) as unknown as Endpoint,
  );
  return charts;
}

/** A chart's markup, built by the chart worker. */
export function chartMarkupInWorker(spec: ChartSpec, signal?: AbortSignal): Promise<string> {
  return chartWorker().call('markup', spec, { signal });
}

/**
 * Markup from the chart worker as an element of this page. A template parses it inertly (no
 * script runs, no resource loads); the worker's DOM escaped every text, structure and model
 * names included.
 */
function parseChartMarkup(markup: string): Element | null {
  const template = document.createElement('template');
  template.innerHTML = markup;
  return template.content.firstElementChild;
}

/**
 * A chart built by the chart worker: Observable Plot takes 15-70 ms a chart, too long for the
 * main thread while a new evaluation is shown in every panel at once; the page only parses the
 * markup (docs/architecture.md#workers). If the worker cannot run, the chart is built here.
 * Null until built, and while `deps` change.
 */
export function useChart(spec: () => ChartSpec | null, deps: readonly unknown[]): Element | null {
  const [chart, setChart] = useState<Element | null>(null);
  useEffect(() => {
    const s = spec();
    setChart(null);
    if (!s) return;
    const abort = new AbortController();
    chartMarkupInWorker(s, abort.signal).then(
      (markup) => {
        if (!abort.signal.aborted) setChart(parseChartMarkup(markup));
      },
      (e: unknown) => {
        if (abort.signal.aborted || isAbortError(e)) return;
        console.warn('Chart worker failed; drawing the chart on the page', e);
        setChart(buildChart(s, document));
      },
    );
    return () => abort.abort();
    // `deps` name what `spec` reads
  }, deps);
  return chart;
}
