/**
 * The Volumetric-bias panel: per structure the reference volume and the model's hard (argmax)
 * and soft (probability-weighted) volumes with differences in mL and %, for every model run on
 * this study (e.g. the cross-entropy and the soft-Dice model side by side), as the viewer's
 * evaluation session keeps them. The chart exports as SVG or PNG.
 */
import { useMemo } from 'react';
import type { HostPanelProps } from '@concord/core';
import { HARD_VS_SOFT_HELP, largestBiasRows, volumetricBias } from '@concord/metrics';
import { chartMarkupInWorker, SvgChart, useChart } from './SvgChart.tsx';
import { useEvaluation } from './useEvaluation.ts';

const num = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));
const signed = (v: number | null, digits = 2) =>
  v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;

function download(name: string, url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
}

/** Rasterises an SVG chart to PNG at 2x through a data: URL image (allowed by the CSP). */
async function svgToPngUrl(svgText: string): Promise<string> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await img.decode();
  const [width, height] = [img.naturalWidth, img.naturalHeight];
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas');
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0, width, height);
  return canvas.toDataURL('image/png');
}

export default function VolumeBiasPanel({ viewer }: HostPanelProps) {
  const { state } = useEvaluation(viewer);
  const rows = useMemo(
    () =>
      volumetricBias(
        state.models.map((m) => ({
          model: m.model,
          structures: m.report.structures.filter((s) => s.status !== 'both-empty'),
        })),
      ),
    [state.models],
  );
  // many structures: the chart shows those with the largest volume difference, the table all
  const charted = useMemo(() => largestBiasRows(rows), [rows]);
  const structureCount = useMemo(() => new Set(rows.map((r) => r.label)).size, [rows]);
  const chartedCount = useMemo(() => new Set(charted.map((r) => r.label)).size, [charted]);
  const chart = useChart(
    () =>
      charted.length
        ? { kind: 'volumeBias', rows: charted, options: { width: 340, height: 240 } }
        : null,
    [charted],
  );
  const exportChart = async (kind: 'svg' | 'png') => {
    if (!chart) return;
    // one standalone SVG with the legend drawn in it (the panel's legend is HTML)
    const options = { width: 680, height: 360 };
    const text = await chartMarkupInWorker({ kind: 'volumeBiasSvg', rows: charted, options });
    if (kind === 'svg')
      download(
        'volumetric-bias.svg',
        `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`,
      );
    else download('volumetric-bias.png', await svgToPngUrl(text));
  };

  return (
    <section className="panel volume-bias-panel" data-testid="volume-bias-panel">
      <h2>Volumetric bias</h2>
      <p className="muted small" data-testid="hard-vs-soft-help">
        {HARD_VS_SOFT_HELP}
      </p>
      {rows.length === 0 && (
        <p className="muted">
          {state.status === 'computing'
            ? 'Computing…'
            : 'Shown after a model has run on a series with a reference.'}
        </p>
      )}
      {rows.length > 0 && (
        <>
          <p className="muted small" data-testid="volume-bias-models">
            models: {state.models.map((m) => m.model).join(' · ')}
          </p>
          {chartedCount < structureCount && (
            <p className="muted small" data-testid="volume-bias-chart-subset">
              Chart: the {chartedCount} of {structureCount} structures with the largest hard-volume
              difference; the table lists all.
            </p>
          )}
          <SvgChart svg={chart} testId="volume-bias-chart" />
          <div className="row">
            <button type="button" data-testid="export-svg" onClick={() => void exportChart('svg')}>
              Export SVG
            </button>
            <button type="button" data-testid="export-png" onClick={() => void exportChart('png')}>
              Export PNG
            </button>
          </div>
          <div className="table-scroll">
            <table data-testid="volume-bias-table">
              <thead>
                <tr>
                  <th>structure</th>
                  <th>model</th>
                  <th title="reference volume">ref mL</th>
                  <th title="hard (argmax) volume">hard mL</th>
                  <th title="hard − reference">Δ mL</th>
                  <th>Δ %</th>
                  <th title="soft (expected) volume">soft mL</th>
                  <th title="soft − reference">Δ mL</th>
                  <th>Δ %</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.label}/${r.model}`} data-label={r.label} data-model={r.model}>
                    <td>{r.name}</td>
                    <td>{r.model}</td>
                    {(
                      [
                        ['referenceMl', num],
                        ['hardMl', num],
                        ['hardDiffMl', signed],
                        ['hardDiffPct', (v: number | null) => signed(v, 1)],
                        ['softMl', num],
                        ['softDiffMl', signed],
                        ['softDiffPct', (v: number | null) => signed(v, 1)],
                      ] as const
                    ).map(([k, f]) => (
                      <td key={k} data-key={k} data-value={r[k] ?? ''}>
                        {f(r[k])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
