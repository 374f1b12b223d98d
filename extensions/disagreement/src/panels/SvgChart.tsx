import { useEffect, useRef, useState } from 'react';
import { nextTask } from '@concord/core';

/** Mounts a chart's SVG element (Observable Plot output) and forwards clicks on it. */
export function SvgChart({
  svg,
  onClick,
  testId,
}: {
  svg: SVGSVGElement | HTMLElement | null;
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

/**
 * A chart built in a main-thread task of its own after the panel has rendered: Observable
 * Plot takes 25-70 ms for a slice profile or the volume bars, too much to add to the React
 * commit that shows a new evaluation in every panel at once (docs/architecture.md#workers).
 * Null until built, and while `deps` change.
 */
export function useChartInTask<T extends SVGSVGElement | HTMLElement>(
  build: () => T | null,
  deps: readonly unknown[],
): T | null {
  const [chart, setChart] = useState<T | null>(null);
  useEffect(() => {
    let alive = true;
    void nextTask().then(() => {
      if (alive) setChart(build());
    });
    return () => {
      alive = false;
    };
    // `deps` name what `build` reads
  }, deps);
  return chart;
}
