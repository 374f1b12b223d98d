import { useEffect, useRef } from 'react';

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
