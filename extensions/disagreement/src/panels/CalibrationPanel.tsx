/**
 * The Calibration view (docs/calibration.md): per structure the reliability diagram (15 bins,
 * mean confidence vs observed frequency, bin counts), ECE and Brier over the evaluated region;
 * the uncertainty overlay (entropy in bits or 1 − max p, quantised, colour-ramp legend)
 * beside the disagreement layer; and, for every model run on the study, the share of FP and FN
 * voxels lying in uncertain voxels (entropy ≥ the threshold, bits). Everything per voxel
 * was computed by the analysis worker; this panel only reads the report and sums histograms.
 */
import { useEffect, useMemo, useState } from 'react';
import type { HostPanelProps } from '@concord/core';
import {
  DEFAULT_ENTROPY_THRESHOLD,
  shareAbove,
  uncertaintyLegend,
  type UncertaintyMeasure,
} from '@concord/metrics';
import { OVERLAY_SOURCE_IDS } from '../ids.ts';
import { SvgChart, useChart } from './SvgChart.tsx';
import { useEvaluation } from './useEvaluation.ts';

const fmt = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? '—' : v.toFixed(digits);
const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
const isAbortError = (e: unknown) => e instanceof Error && e.name === 'AbortError';
const SOURCE = OVERLAY_SOURCE_IDS.uncertainty;

export default function CalibrationPanel({ viewer }: HostPanelProps) {
  const { session, state } = useEvaluation(viewer);
  const report = state.status === 'ready' ? state.report : null;
  const calibration = report?.calibration ?? null;
  const [label, setLabel] = useState<number | null>(null);
  const [threshold, setThreshold] = useState(DEFAULT_ENTROPY_THRESHOLD);
  const [measure, setMeasure] = useState<UncertaintyMeasure>('entropy');
  const [overlayOn, setOverlayOn] = useState(false);
  const [overlayError, setOverlayError] = useState<string | null>(null);

  // what the host shows of the layer (its per-level voxel counts), for the status line
  const [shown, setShown] = useState<Record<number, number> | null>(null);
  useEffect(() => {
    const update = (list: ReturnType<typeof viewer.overlays.list>) => {
      const o = list.find((x) => x.source === SOURCE);
      setShown(o && o.visible ? o.counts : null);
    };
    update(viewer.overlays.list());
    return viewer.subscribe(update);
  }, [viewer]);

  useEffect(() => {
    if (!calibration) return setLabel(null);
    if (label !== null && calibration.structures.some((s) => s.label === label)) return;
    setLabel(calibration.structures.find((s) => s.regionVoxels > 0)?.label ?? null);
  }, [calibration, label]);

  const cal = calibration?.structures.find((s) => s.label === label) ?? null;
  const row = report?.structures.find((s) => s.label === label) ?? null;
  const chart = useChart(
    () =>
      cal
        ? { kind: 'reliability', bins: cal.reliability, options: { width: 300, height: 260 } }
        : null,
    [cal],
  );

  // the share of FP / FN voxels in uncertain voxels, per structure and per model
  const shares = useMemo(
    () =>
      state.models.flatMap((m) =>
        (m.report.calibration?.structures ?? [])
          .filter((s) => s.regionVoxels > 0)
          .map((s) => ({
            label: s.label,
            name: m.report.structures.find((r) => r.label === s.label)?.name ?? `Label ${s.label}`,
            model: m.model,
            fp: shareAbove(s.fpEntropyHistogram, threshold),
            fn: shareAbove(s.fnEntropyHistogram, threshold),
            fpVoxels: s.fpEntropyHistogram.reduce((a, b) => a + b, 0),
            fnVoxels: s.fnEntropyHistogram.reduce((a, b) => a + b, 0),
          })),
      ),
    [state.models, threshold],
  );

  // the uncertainty overlay, from the worker, shown in short tasks like the disagreement layer
  useEffect(() => {
    if (!calibration || !overlayOn) {
      if (viewer.getLabelmap(SOURCE)) viewer.overlays.remove(SOURCE);
      return;
    }
    let alive = true;
    setOverlayError(null);
    session
      .uncertaintyLayer(measure)
      .then((levels) => {
        const grid = viewer.getLabelmap('reference') ?? viewer.getLabelmap('prediction');
        if (!alive || !grid) return;
        return viewer.showLabelmapInTasks(
          SOURCE,
          {
            dims: grid.dims,
            spacing: grid.spacing,
            origin: grid.origin,
            direction: grid.direction,
            frameOfReferenceUID: grid.frameOfReferenceUID,
            data: levels,
            labels: uncertaintyLegend(measure),
          },
          `Uncertainty: ${measure === 'entropy' ? 'entropy (bits)' : '1 − max p'}`,
        );
      })
      .catch(
        (e: unknown) =>
          alive && !isAbortError(e) && setOverlayError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      alive = false;
    };
  }, [session, viewer, calibration, overlayOn, measure]);

  return (
    <section className="panel calibration-panel" data-testid="calibration-panel">
      <h2>Calibration</h2>
      {!calibration && (
        <p className="muted" data-testid="calibration-empty">
          {state.status === 'computing'
            ? 'Computing…'
            : 'Shown after a model with class probabilities has run on a series with a reference.'}
        </p>
      )}
      {calibration && (
        <>
          <p className="muted small">
            One-vs-rest over the evaluated region: the union box of reference and prediction grown
            by {calibration.regionMarginMm} mm; {calibration.bins} equal-width bins of p_k.
          </p>
          <div className="row">
            <label>
              Structure{' '}
              <select
                data-testid="calibration-structure"
                value={label ?? ''}
                onChange={(e) => setLabel(Number(e.target.value))}
              >
                {calibration.structures.map((s) => (
                  <option key={s.label} value={s.label}>
                    {report?.structures.find((r) => r.label === s.label)?.name ?? s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {row && cal && (
            <>
              <table className="compact" data-testid="calibration-summary">
                <tbody>
                  <tr>
                    <th title="expected calibration error">ECE</th>
                    <td data-key="ece" data-value={row.ece ?? ''}>
                      {fmt(row.ece)}
                    </td>
                    <th title="mean squared error of p_k">Brier</th>
                    <td data-key="brier" data-value={row.brier ?? ''}>
                      {fmt(row.brier)}
                    </td>
                    <th>N</th>
                    <td data-key="regionVoxels" data-value={cal.regionVoxels}>
                      {cal.regionVoxels}
                    </td>
                  </tr>
                </tbody>
              </table>
              <SvgChart svg={chart} testId="reliability-chart" />
              <details>
                <summary>Bins</summary>
                <table className="compact" data-testid="reliability-table">
                  <thead>
                    <tr>
                      <th>p_k</th>
                      <th>voxels</th>
                      <th>mean p</th>
                      <th>observed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {cal.reliability.map((b, i) => (
                      <tr key={i} data-bin={i}>
                        <td>
                          {(i / calibration.bins).toFixed(2)}–
                          {((i + 1) / calibration.bins).toFixed(2)}
                        </td>
                        <td data-key="count" data-value={b.count}>
                          {b.count}
                        </td>
                        <td data-key="meanConfidence" data-value={b.meanConfidence ?? ''}>
                          {fmt(b.meanConfidence, 3)}
                        </td>
                        <td data-key="observedFrequency" data-value={b.observedFrequency ?? ''}>
                          {fmt(b.observedFrequency, 3)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          )}
          <h3>Uncertainty</h3>
          <div className="row">
            <label>
              <input
                type="checkbox"
                data-testid="uncertainty-overlay"
                checked={overlayOn}
                onChange={(e) => setOverlayOn(e.target.checked)}
              />{' '}
              Show on the image
            </label>
            <label>
              Measure{' '}
              <select
                data-testid="uncertainty-measure"
                value={measure}
                onChange={(e) => setMeasure(e.target.value as UncertaintyMeasure)}
              >
                <option value="entropy">entropy (bits, ≥ 1 as 1)</option>
                <option value="margin">1 − max p</option>
              </select>
            </label>
          </div>
          {overlayError && (
            <p className="error" role="alert">
              {overlayError}
            </p>
          )}
          {overlayOn && shown && (
            <p className="muted small" data-testid="uncertainty-status">
              shown: {Object.values(shown).reduce((a, b) => a + b, 0)} voxels at ≥ 0.1
            </p>
          )}
          {overlayOn && (
            <ul className="legend" data-testid="uncertainty-legend">
              {uncertaintyLegend(measure).map((l) => (
                <li key={l.label}>
                  <span
                    style={{
                      display: 'inline-block',
                      width: 10,
                      height: 10,
                      marginRight: 4,
                      background: rgb(l.color),
                    }}
                  />
                  {l.name}
                </li>
              ))}
              <li className="muted small">below 0.1: not drawn</li>
            </ul>
          )}
          <label>
            Uncertain when entropy (bits) ≥{' '}
            <input
              type="number"
              data-testid="uncertainty-threshold"
              min={0}
              max={1}
              step={0.01}
              value={threshold}
              onChange={(e) => {
                const t = Number(e.target.value);
                if (t >= 0 && t <= 1) setThreshold(Math.round(t * 100) / 100);
              }}
            />{' '}
            <span className="muted small">(default {DEFAULT_ENTROPY_THRESHOLD})</span>
          </label>
          <div className="table-scroll">
            <table data-testid="uncertain-share-table">
              <thead>
                <tr>
                  <th>structure</th>
                  <th>model</th>
                  <th title="share of the FP voxels in uncertain voxels">FP uncertain</th>
                  <th title="share of the FN voxels in uncertain voxels">FN uncertain</th>
                </tr>
              </thead>
              <tbody>
                {shares.map((s) => (
                  <tr key={`${s.label}/${s.model}`} data-label={s.label} data-model={s.model}>
                    <td>{s.name}</td>
                    <td>{s.model}</td>
                    <td data-key="uncertainFpShare" data-value={s.fp ?? ''}>
                      {fmt(s.fp, 3)} <span className="muted small">of {s.fpVoxels}</span>
                    </td>
                    <td data-key="uncertainFnShare" data-value={s.fn ?? ''}>
                      {fmt(s.fn, 3)} <span className="muted small">of {s.fnVoxels}</span>
                    </td>
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
