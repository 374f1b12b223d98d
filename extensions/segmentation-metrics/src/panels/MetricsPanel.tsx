/**
 * The Metrics panel: per-structure table of every metric of docs/metrics.md (sortable,
 * definitions on hover) and the case summary, from the viewer's evaluation session whenever the
 * reference or the model's labelmap changes. All names are rendered as text.
 */
import { useMemo, useState } from 'react';
import type { HostPanelProps } from '@concord/core';
import { compareValues, formatValue, metricColumns } from './columns.ts';
import PairingTable from './PairingTable.tsx';
import { useEvaluation } from './useEvaluation.ts';

export default function MetricsPanel({ viewer }: HostPanelProps) {
  // the viewer's evaluation session computes the report (once, for every panel)
  const { session, state } = useEvaluation(viewer);
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'label', desc: false });
  // the pairing section stays as the user left it while a re-pairing is computed
  const [pairingOpen, setPairingOpen] = useState(false);
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
  const rows = useMemo(() => {
    if (!report) return [];
    const col = columns.find((c) => c.key === sort.key) ?? columns[0];
    const sorted = [...report.structures].sort((a, b) => compareValues(col.value(a), col.value(b)));
    return sort.desc ? sorted.reverse() : sorted;
  }, [report, columns, sort]);

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
          <div className="table-scroll">
            <table data-testid="metrics-table">
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th
                      key={c.key}
                      title={c.definition}
                      data-key={c.key}
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
          <PairingTable
            report={report}
            session={session}
            open={pairingOpen}
            onToggle={setPairingOpen}
          />
        </>
      )}
    </section>
  );
}
