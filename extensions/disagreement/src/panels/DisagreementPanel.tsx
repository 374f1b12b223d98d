/**
 * The Disagreement panel: per structure the FP/FN slice profile along the stack (click a bar to
 * go to that slice; hotkeys step through the worst slices), the TP/FP/FN layer on the viewport
 * with its legend, boundary-vs-gross error volumes at a threshold τ, and the structure-by-
 * structure confusion matrix in mL. Everything heavy runs in the viewer's evaluation session
 * (its analysis worker), which the Metrics, Volumetric-bias and Export panels share.
 */
import { useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { isAbortError, type HostPanelProps } from '@concord/core';
import type { BoundaryGrossVolumes } from '@concord/metrics';
import { confusionMatrixMl } from '@concord/metrics';
import { disagreementLegend } from '@concord/metrics';
import { distanceLabelInfo, tauOf } from '@concord/metrics/session';
import { worstSliceRanking } from './commands.ts';
import { SvgChart, useChart } from './SvgChart.tsx';
import { useEvaluation } from './useEvaluation.ts';

const fmt = (v: number, digits = 2) => v.toFixed(digits);
/** How the structure sets are drawn under the layer (the host applies it, `displayedStyle`). */
const OUTLINE_RULE = 'Structures: outlines only while this layer is shown';
/** Distance at which the distance colouring reaches the gross colour. */
const DISTANCE_MAX_MM = 10;

/** Legend rows: the classes at τ, or the two distance ramps. */
function legendRows(tauMm: number, byDistance: boolean) {
  if (!byDistance)
    return disagreementLegend(tauMm).map((l) => ({
      key: String(l.cls),
      label: l.label,
      background: `rgb(${l.color.join(',')})`,
    }));
  const ramp = (kind: 'FP' | 'FN') => {
    const stops = distanceLabelInfo(DISTANCE_MAX_MM)
      .filter((l) => l.name.startsWith(kind))
      .map((l) => `rgb(${(l.color ?? [0, 0, 0]).join(',')})`);
    return `linear-gradient(to right, ${stops.join(', ')})`;
  };
  const [tp] = disagreementLegend(tauMm);
  return [
    { key: 'tp', label: tp.label, background: `rgb(${tp.color.join(',')})` },
    {
      key: 'fp',
      label: `FP, 0 → ≥ ${DISTANCE_MAX_MM} mm from the reference surface`,
      background: ramp('FP'),
    },
    {
      key: 'fn',
      label: `FN, 0 → ≥ ${DISTANCE_MAX_MM} mm from the reference surface`,
      background: ramp('FN'),
    },
  ];
}

export default function DisagreementPanel({ viewer }: HostPanelProps) {
  const { session, state } = useEvaluation(viewer);
  const { report, disagreement } = state;
  // the products follow the report: shown once they are here
  const current = useMemo(
    () =>
      report && disagreement?.structures
        ? { ...disagreement, structures: disagreement.structures, report }
        : null,
    [report, disagreement],
  );
  const [label, setLabel] = useState<number | null>(null);
  // one τ for the viewer and the PDF export: the session's (default: the report's first NSD
  // tolerance)
  const tauMm = tauOf(state);
  const setTauMm = (v: number) => session.setTauMm(v);
  const [layerOn, setLayerOn] = useState(true);
  const [byDistance, setByDistance] = useState(false);
  const [layerError, setLayerError] = useState<string | null>(null);
  const [volumes, setVolumes] = useState<Record<number, BoundaryGrossVolumes> | null>(null);

  // default structure: the one with the most disagreement
  useEffect(() => {
    if (!current) return setLabel(null);
    if (label !== null && current.structures.some((s) => s.label === label)) return;
    const worst = [...current.report.structures].sort((a, b) => b.fp + b.fn - (a.fp + a.fn))[0];
    setLabel(worst?.label ?? null);
  }, [current, label]);

  const structure = current?.structures.find((s) => s.label === label) ?? null;
  const ranking = useMemo(() => (structure ? worstSliceRanking(structure) : []), [structure]);

  // what the worst-slice hotkeys of this viewer step through
  useEffect(() => {
    session.setWorstSlices(structure ? ranking : null);
    return () => session.setWorstSlices(null);
  }, [session, structure, ranking]);

  const chart = useChart(
    () =>
      structure
        ? {
            kind: 'sliceProfile',
            profile: { axis: 2, fp: structure.fp, fn: structure.fn },
            options: { width: 320 },
          }
        : null,
    [structure],
  );

  // boundary-vs-gross volumes at τ, from the worker
  useEffect(() => {
    if (!current) return setVolumes(null);
    let alive = true;
    session.boundaryGross(tauMm).then(
      (v) => alive && setVolumes(v),
      () => alive && setVolumes(null),
    );
    return () => {
      alive = false;
    };
  }, [session, current, tauMm]);

  // the TP/FP/FN layer of the chosen structure on the viewport
  useEffect(() => {
    if (!current || label === null) {
      if (viewer.getLabelmap('disagreement')) viewer.overlays.remove('disagreement');
      return;
    }
    if (!layerOn) {
      viewer.overlays.setVisible('disagreement', false);
      return;
    }
    let alive = true;
    setLayerError(null);
    session
      .layer(label, tauMm, byDistance ? DISTANCE_MAX_MM : undefined)
      .then((classes) => {
        const grid = viewer.getLabelmap('reference');
        if (!alive || !grid) return;
        const name = current.structures.find((s) => s.label === label)?.name ?? `Label ${label}`;
        // millions of voxels into the viewer: in short tasks, not one long one
        return viewer.showLabelmapInTasks(
          'disagreement',
          {
            dims: grid.dims,
            spacing: grid.spacing,
            origin: grid.origin,
            direction: grid.direction,
            frameOfReferenceUID: grid.frameOfReferenceUID,
            data: classes,
            labels: byDistance
              ? distanceLabelInfo(DISTANCE_MAX_MM)
              : disagreementLegend(tauMm).map((l) => ({
                  label: l.cls,
                  name: l.label,
                  color: l.color,
                })),
          },
          byDistance
            ? `Disagreement: ${name} (distance to the reference surface)`
            : `Disagreement: ${name} (τ = ${tauMm} mm)`,
        );
      })
      // a newer evaluation (or a newer layer) superseded this one: its own layer follows
      .catch(
        (e: unknown) =>
          alive && !isAbortError(e) && setLayerError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      alive = false;
    };
  }, [session, viewer, current, label, tauMm, layerOn, byDistance]);

  const confusion = useMemo(() => {
    const c = current?.report.confusion;
    if (!c || !current) return null;
    const [sx, sy, sz] = current.report.grid.spacing;
    const cells = confusionMatrixMl(c.counts.flat(), c.labels, sx * sy * sz);
    const ml = new Map(cells.map((x) => [`${x.referenceLabel}/${x.predictedLabel}`, x.volumeMl]));
    const names = new Map(current.report.structures.map((s) => [s.label, s.name]));
    names.set(0, 'background');
    return { labels: c.labels, ml, names };
  }, [current]);

  // the legend sits on the image while the layer is shown
  const [legendHost, setLegendHost] = useState<HTMLElement | null>(null);
  useEffect(() => {
    setLegendHost(document.querySelector<HTMLElement>('[data-testid=viewport-stack]'));
  }, []);
  const viewportLegend =
    legendHost && current && layerOn && label !== null
      ? createPortal(
          <ul
            className="disagreement-legend-viewport"
            data-testid="disagreement-legend-viewport"
            style={{
              position: 'absolute',
              right: 8,
              bottom: 8,
              zIndex: 5,
              margin: 0,
              padding: '4px 8px',
              listStyle: 'none',
              background: 'rgba(0, 0, 0, 0.7)',
              color: '#e6e8f2',
              fontSize: 11,
              pointerEvents: 'none',
            }}
          >
            <li>
              <strong>{current.structures.find((s) => s.label === label)?.name}</strong>
            </li>
            {legendRows(tauMm, byDistance).map((l) => (
              <li key={l.key}>
                <span
                  style={{
                    display: 'inline-block',
                    width: byDistance && l.key !== 'tp' ? 30 : 10,
                    height: 10,
                    marginRight: 4,
                    background: l.background,
                  }}
                />
                {l.label}
              </li>
            ))}
            <li data-testid="disagreement-legend-rule">{OUTLINE_RULE}</li>
          </ul>,
          legendHost,
        )
      : null;

  const status = state.status;
  return (
    <section className="panel disagreement-panel" data-testid="disagreement-panel">
      <h2>Disagreement</h2>
      {viewportLegend}
      {status === 'idle' && (
        <p className="muted">Shown when both a reference and a model labelmap are loaded.</p>
      )}
      {(status === 'computing' || (status === 'ready' && !current)) && (
        <p className="muted" data-testid="disagreement-running">
          {status === 'computing' ? 'Computing…' : 'Computing where they disagree…'}
        </p>
      )}
      {status === 'error' && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {current && (
        <>
          <p className="muted small" data-testid="disagreement-status">
            {current.model} · {current.cached ? 'cached' : 'computed'} in {Math.round(current.ms)}{' '}
            ms
          </p>
          <div className="row">
            <label>
              Structure{' '}
              <select
                data-testid="disagreement-structure"
                value={label ?? ''}
                onChange={(e) => setLabel(Number(e.target.value))}
              >
                {current.report.structures.map((s) => (
                  <option key={s.label} value={s.label}>
                    {s.name} ({s.fp + s.fn} errors)
                  </option>
                ))}
              </select>
            </label>
          </div>
          <h3>FP / FN voxels per slice</h3>
          <SvgChart
            svg={chart}
            testId="slice-profile"
            onClick={(t) => {
              const s = t.closest('[data-slice]')?.getAttribute('data-slice');
              if (s) viewer.setSliceIndex(Number(s));
            }}
          />
          <div className="row">
            <button
              type="button"
              data-testid="worst-prev"
              title="Previous worst slice ([)"
              onClick={() => session.stepToWorstSlice(-1)}
            >
              ◀ worst
            </button>
            <button
              type="button"
              data-testid="worst-next"
              title="Next worst slice (])"
              onClick={() => session.stepToWorstSlice(1)}
            >
              worst ▶
            </button>
            <span className="muted small" data-testid="worst-slices">
              {/* slices numbered from 1, as the viewport's "Image n/N" */}
              worst:{' '}
              {ranking
                .slice(0, 5)
                .map((k) => k + 1)
                .join(', ') || '—'}
            </span>
          </div>
          <h3>Layer</h3>
          <div className="row">
            <label>
              <input
                type="checkbox"
                data-testid="disagreement-layer-toggle"
                checked={layerOn}
                onChange={(e) => setLayerOn(e.target.checked)}
              />{' '}
              show on the image
            </label>{' '}
            <label title="FP/FN voxels within τ of the reference surface are boundary errors, farther ones gross errors">
              τ{' '}
              <input
                type="number"
                data-testid="disagreement-tau"
                min={0}
                step={0.5}
                value={tauMm}
                onChange={(e) => {
                  const v = Number(e.target.value);
                  if (Number.isFinite(v) && v >= 0) setTauMm(v);
                }}
                style={{ width: '4em' }}
              />{' '}
              mm
            </label>{' '}
            <label title="Colour FP/FN voxels by their distance to the reference surface instead of boundary/gross at τ">
              <input
                type="checkbox"
                data-testid="disagreement-by-distance"
                checked={byDistance}
                onChange={(e) => setByDistance(e.target.checked)}
              />{' '}
              by distance
            </label>
          </div>
          {layerError && <p className="error">{layerError}</p>}
          <ul className="legend" data-testid="disagreement-legend">
            {legendRows(tauMm, byDistance).map((l) => (
              <li key={l.key}>
                <span
                  className="swatch"
                  style={{
                    display: 'inline-block',
                    width: byDistance && l.key !== 'tp' ? '2.7em' : '0.9em',
                    height: '0.9em',
                    marginRight: '0.4em',
                    background: l.background,
                  }}
                />
                {l.label}
              </li>
            ))}
            <li className="muted">{OUTLINE_RULE}</li>
          </ul>
          <h3>Boundary vs gross errors (mL, τ = {tauMm} mm)</h3>
          <div className="table-scroll">
            <table data-testid="boundary-gross">
              <thead>
                <tr>
                  <th>structure</th>
                  <th title="false positives within τ of the reference surface">FP ≤ τ</th>
                  <th title="false positives farther than τ">FP &gt; τ</th>
                  <th title="false negatives within τ of the reference surface">FN ≤ τ</th>
                  <th title="false negatives farther than τ">FN &gt; τ</th>
                </tr>
              </thead>
              <tbody>
                {current.report.structures.map((s) => {
                  const v = volumes?.[s.label];
                  return (
                    <tr key={s.label} data-label={s.label}>
                      <td>{s.name}</td>
                      {(['fpBoundaryMl', 'fpGrossMl', 'fnBoundaryMl', 'fnGrossMl'] as const).map(
                        (k) => (
                          <td key={k} data-key={k} data-value={v ? v[k] : ''}>
                            {v ? fmt(v[k]) : '…'}
                          </td>
                        ),
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {confusion && (
            <>
              <h3>Confusion matrix (mL)</h3>
              <p className="muted small">
                Rows: reference structure; columns: what the model labelled it.
              </p>
              {confusion.labels.length <= MATRIX_MAX_LABELS ? (
                <ConfusionTable confusion={confusion} />
              ) : (
                <LargeConfusion confusion={confusion} />
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

/** Up to this many labels the matrix is shown at once; beyond, its largest cells first. */
const MATRIX_MAX_LABELS = 25;

interface Confusion {
  labels: number[];
  ml: Map<string, number>;
  names: Map<number, string>;
}

function ConfusionTable({ confusion }: { confusion: Confusion }) {
  return (
    <div className="table-scroll">
      <table data-testid="confusion-matrix" className="confusion">
        <thead>
          <tr>
            <th>ref \ model</th>
            {confusion.labels.map((p) => (
              <th key={p} title={confusion.names.get(p)}>
                {p}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.labels.map((r) => (
            <tr key={r}>
              <th title={confusion.names.get(r)}>
                {r} {confusion.names.get(r)}
              </th>
              {confusion.labels.map((p) => {
                const v = confusion.ml.get(`${r}/${p}`) ?? 0;
                return (
                  <td
                    key={p}
                    data-ref={r}
                    data-pred={p}
                    data-value={v}
                    className={r !== p && v > 0 ? 'off-diagonal' : undefined}
                  >
                    {v === 0 ? '·' : fmt(v, 1)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The matrix of many structures (116 AAL regions: 13,000 cells): the largest off-diagonal
 * cells as a list, the whole matrix only when asked for (rendered only while open).
 */
function LargeConfusion({ confusion }: { confusion: Confusion }) {
  const [open, setOpen] = useState(false);
  const largest = useMemo(
    () =>
      [...confusion.ml.entries()]
        .map(([k, v]) => ({ r: Number(k.split('/')[0]), p: Number(k.split('/')[1]), v }))
        .filter((c) => c.r !== c.p && c.v > 0)
        .sort((a, b) => b.v - a.v)
        .slice(0, 10),
    [confusion],
  );
  const name = (l: number) => `${l} ${confusion.names.get(l) ?? ''}`;
  return (
    <>
      <p className="small">Largest confusions ({confusion.labels.length} labels):</p>
      <ol className="small" data-testid="confusion-largest">
        {largest.map((c) => (
          <li key={`${c.r}/${c.p}`} data-ref={c.r} data-pred={c.p} data-value={c.v}>
            {name(c.r)} → {name(c.p)}: {fmt(c.v, 1)} mL
          </li>
        ))}
      </ol>
      <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>Whole matrix</summary>
        {open && <ConfusionTable confusion={confusion} />}
      </details>
    </>
  );
}
