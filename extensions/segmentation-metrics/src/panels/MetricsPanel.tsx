/**
 * The Metrics panel: per-structure table of every metric of docs/metrics.md (sortable,
 * filterable, "only the worst N", collapsible; definitions on hover) and the case summary,
 * from the viewer's evaluation session whenever the reference or the model's labelmap changes. All names are rendered as text.
 */
import { useEffect, useMemo, useState } from 'react';
import type { HostPanelProps } from '@concord/core';
import PairingTable from './PairingTable.tsx';
import LesionsView from './LesionsView.tsx';
import type { ModelEvaluation } from '@concord/metrics/session';
import { formatValue, isKeyColumn, metricColumns } from './columns.ts';
import { selectRows } from './rows.ts';
import { useEvaluation } from './useEvaluation.ts';

/** The "only the worst N" choices (those below the number of structures are offered). */
const WORST_CHOICES = [5, 10, 20, 50];

/** Metrics of the side-by-side comparison of two models (per structure). */
const COMPARE_KEYS = ['dice', 'hd95', 'volumeDiffPct'] as const;

/**
 * Two models' metrics side by side, from the session's kept results (nothing is computed):
 * per structure Dice, HD95, NSD at the first tolerance and the volume difference, and the mean
 * Dice.
 */
function CompareModels({ models }: { models: ModelEvaluation[] }) {
  const [a, setA] = useState(models[0].modelKey);
  const [b, setB] = useState(models[1].modelKey);
  // a model that left the session's results: fall back to the first two
  useEffect(() => {
    if (!models.some((m) => m.modelKey === a)) setA(models[0].modelKey);
    if (!models.some((m) => m.modelKey === b)) setB(models[1].modelKey);
  }, [models, a, b]);
  const pair = [a, b].map((k) => models.find((m) => m.modelKey === k) ?? models[0]);
  const tol = pair[0].report.definitions.tolerancesMm[0];
  const labels = [...new Set(pair.flatMap((m) => m.report.structures.map((s) => s.label)))].sort(
    (x, y) => x - y,
  );
  const cell = (m: ModelEvaluation, label: number, key: string) => {
    const s = m.report.structures.find((x) => x.label === label);
    if (!s) return null;
    return key === 'nsd'
      ? (s.nsd[String(tol)] ?? null)
      : (s[key as (typeof COMPARE_KEYS)[number]] ?? null);
  };
  const keys = [...COMPARE_KEYS.slice(0, 2), 'nsd', COMPARE_KEYS[2]] as const;
  const heading: Record<string, string> = {
    dice: 'Dice',
    hd95: 'HD95',
    nsd: `NSD@${tol}`,
    volumeDiffPct: 'ΔV %',
  };
  const name = (m: ModelEvaluation) => m.model;
  return (
    <div className="metrics-compare" data-testid="metrics-compare">
      <h3>Compare models</h3>
      <div className="row">
        {(['A', 'B'] as const).map((which, i) => (
          <label key={which}>
            {which}{' '}
            <select
              data-testid={`metrics-compare-${which.toLowerCase()}`}
              value={i === 0 ? a : b}
              onChange={(e) => (i === 0 ? setA : setB)(e.target.value)}
            >
              {models.map((m) => (
                <option key={m.modelKey} value={m.modelKey}>
                  {name(m)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <div className="table-scroll">
        <table data-testid="metrics-compare-table">
          <thead>
            <tr>
              <th rowSpan={2}>structure</th>
              {keys.map((k) => (
                <th key={k} colSpan={2}>
                  {heading[k]}
                </th>
              ))}
            </tr>
            <tr>
              {keys.map((k) => [
                <th key={`${k}a`} title={name(pair[0])}>
                  A
                </th>,
                <th key={`${k}b`} title={name(pair[1])}>
                  B
                </th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {labels.map((label) => (
              <tr key={label} data-label={label}>
                <td className="name">
                  {pair[0].report.structures.find((s) => s.label === label)?.name ??
                    pair[1].report.structures.find((s) => s.label === label)?.name}
                </td>
                {keys.map((k) =>
                  pair.map((m, i) => {
                    const v = cell(m, label, k);
                    const digits = k === 'dice' || k === 'nsd' ? 3 : 1;
                    return (
                      <td
                        key={`${k}${i}`}
                        data-key={k}
                        data-model={m.model}
                        data-value={v === null ? '' : String(v)}
                      >
                        {formatValue(v, digits)}
                      </td>
                    );
                  }),
                )}
              </tr>
            ))}
            <tr data-label="mean">
              <td className="name">mean Dice</td>
              {pair.map((m, i) => (
                <td
                  key={i}
                  data-key="meanDice"
                  data-model={m.model}
                  data-value={m.report.summary.meanDice ?? ''}
                >
                  {formatValue(m.report.summary.meanDice, 3)}
                </td>
              ))}
              <td colSpan={keys.length * 2 - 2} />
            </tr>
          </tbody>
        </table>
      </div>
      <p className="muted small">
        A: {name(pair[0])} · B: {name(pair[1])} (kept results of this session, not re-run)
      </p>
    </div>
  );
}

export default function MetricsPanel({ viewer }: HostPanelProps) {
  // the viewer's evaluation session computes the report (once, for every panel)
  const { session, state } = useEvaluation(viewer);
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'label', desc: false });
  // the pairing section stays as the user left it while a re-pairing is computed
  const [pairingOpen, setPairingOpen] = useState(false);
  const [allColumns, setAllColumns] = useState(false);
  const [lesionsOpen, setLesionsOpen] = useState(false);
  const report = state.report;
  const status = state.status;

  const columns = useMemo(
    () =>
      metricColumns(
        report?.definitions.tolerancesMm ?? [1, 2],
        !!report?.structures.some((s) => s.softDice !== undefined),
      ),
    [report],
  );
  const tolerances = report?.definitions.tolerancesMm ?? [1, 2];
  // with many structures (AAL: 116): filter, only the worst N, collapse the table
  const [query, setQuery] = useState('');
  const [worst, setWorst] = useState<number | null>(null);
  const rows = useMemo(
    () => (report ? selectRows(report.structures, columns, { query, sort, worst }) : []),
    [report, columns, sort, query, worst],
  );

  return (
    <section className="panel metrics-panel" data-testid="metrics-panel">
      <h2>Metrics</h2>
      {status === 'idle' && (
        <p className="muted">Shown when both a reference and a model labelmap are loaded.</p>
      )}
      {status === 'computing' && (
        <p className="muted" data-testid="metrics-running">
          Computing…{' '}
          <button type="button" onClick={() => session.cancel()}>
            Cancel
          </button>
        </p>
      )}
      {status === 'error' && (
        <p className="error" role="alert" data-testid="metrics-error">
          {state.error}{' '}
          <button type="button" onClick={() => session.retry()}>
            Retry
          </button>
        </p>
      )}
      {report && (
        <>
          <dl className="metrics-summary" data-testid="metrics-summary">
            <dt title="Macro mean Dice over structures with status ok">mean Dice</dt>
            <dd data-value={report.summary.meanDice ?? ''}>
              {formatValue(report.summary.meanDice, 4)}
            </dd>
            <dt title="Macro mean Jaccard over structures with status ok">mean Jaccard</dt>
            <dd data-value={report.summary.meanJaccard ?? ''}>
              {formatValue(report.summary.meanJaccard, 4)}
            </dd>
            <dt title="Σ2TP / Σ(2TP+FP+FN) over all evaluated structures">pooled Dice</dt>
            <dd data-value={report.summary.pooledDice ?? ''}>
              {formatValue(report.summary.pooledDice, 4)}
            </dd>
            <dt title="Structures with status ok (the ones the means are taken over)">
              structures
            </dt>
            <dd>{report.summary.structuresEvaluated}</dd>
          </dl>
          <p className="muted small" title={report.definitions.text}>
            {state.disagreement?.cached
              ? 'same model as before: its result · '
              : state.disagreement
                ? `computed in ${Math.round(state.disagreement.ms)} ms · `
                : ''}
            definitions: surface {report.definitions.surface}, percentile{' '}
            {report.definitions.percentile}, NSD τ = {report.definitions.tolerancesMm.join(', ')} mm
          </p>
          <p className="small">
            <span className="muted" data-testid="metrics-model">
              {state.disagreement?.model}
            </span>{' '}
            <button
              type="button"
              data-testid="metrics-all-columns"
              aria-pressed={allColumns}
              onClick={() => setAllColumns((v) => !v)}
            >
              {allColumns ? 'Key metrics' : `All ${columns.length} metrics`}
            </button>
          </p>
          <details className="structures" open data-testid="metrics-structures">
            <summary>
              Structures{' '}
              <span className="muted" data-testid="metrics-shown">
                (
                {rows.length === report.structures.length
                  ? rows.length
                  : `${rows.length} of ${report.structures.length}`}
                )
              </span>
            </summary>
            <div className="table-tools">
              <input
                type="search"
                placeholder="Filter by name or number"
                aria-label="Filter structures by name or number"
                data-testid="metrics-filter"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />{' '}
              <select
                aria-label="Show only the structures of lowest Dice"
                data-testid="metrics-worst"
                value={worst ?? ''}
                onChange={(e) => setWorst(e.target.value ? Number(e.target.value) : null)}
              >
                <option value="">all structures</option>
                {WORST_CHOICES.filter((n) => n < report.structures.length).map((n) => (
                  <option key={n} value={n}>
                    worst {n} by Dice
                  </option>
                ))}
              </select>
            </div>
            <div className="table-scroll">
              <table data-testid="metrics-table" data-columns={allColumns ? 'all' : 'key'}>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th
                        key={c.key}
                        title={c.definition}
                        data-key={c.key}
                        hidden={!allColumns && !isKeyColumn(c.key, tolerances)}
                        aria-sort={
                          sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'
                        }
                        onClick={() =>
                          setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : false }))
                        }
                      >
                        {c.label}
                        {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((s) => (
                    <tr key={s.label} data-label={s.label}>
                      {columns.map((c) => {
                        const v = c.value(s);
                        return (
                          <td
                            key={c.key}
                            data-key={c.key}
                            // every value stays in the table; the compact view hides the rest
                            hidden={!allColumns && !isKeyColumn(c.key, tolerances)}
                            title={c.key === 'name' ? String(v ?? '') : undefined}
                            data-value={v === null || v === undefined ? '' : String(v)}
                          >
                            {formatValue(v, c.digits)}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
          <PairingTable
            report={report}
            session={session}
            open={pairingOpen}
            onToggle={setPairingOpen}
          />
          <LesionsView
            report={report}
            session={session}
            viewer={viewer}
            open={lesionsOpen}
            onToggle={setLesionsOpen}
          />
          {state.models.length >= 2 && <CompareModels models={state.models} />}
        </>
      )}
    </section>
  );
}
