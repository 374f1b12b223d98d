/**
 * The Metrics panel: per-structure table of every DESIGN §3.2 metric (sortable, definitions on
 * hover) and the case summary, computed in a worker whenever the reference or the model's
 * labelmap changes. All names are rendered as text.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { HostPanelProps, OverlayState } from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import { MetricsClient } from './metricsClient.ts';
import { publishReport } from '@concord/metrics';
import { compareValues, formatValue, metricColumns } from './columns.ts';

type Status =
  | { kind: 'waiting' }
  | { kind: 'running' }
  | { kind: 'done'; ms: number }
  | { kind: 'error'; message: string };

export default function MetricsPanel({ viewer }: HostPanelProps) {
  const client = useRef<MetricsClient | null>(null);
  const [overlays, setOverlays] = useState<OverlayState[]>([]);
  const [report, setReport] = useState<EvaluationReport | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'waiting' });
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'label', desc: false });
  const [runs, setRuns] = useState(0);

  useEffect(() => viewer.subscribe(setOverlays), [viewer]);
  useEffect(() => {
    client.current = new MetricsClient();
    return () => client.current?.terminate();
  }, []);

  const ref = overlays.find((o) => o.source === 'reference');
  const pred = overlays.find((o) => o.source === 'prediction');
  const key = ref && pred ? `${ref.generation}/${pred.generation}/${runs}` : null;

  useEffect(() => {
    if (!key || !ref || !pred || !client.current) {
      setStatus({ kind: 'waiting' });
      setReport(null);
      return;
    }
    const reference = viewer.getLabelmap('reference');
    const prediction = viewer.getLabelmap('prediction');
    if (!reference || !prediction) return;
    let alive = true;
    setStatus({ kind: 'running' });
    client.current
      .run({
        reference,
        prediction,
        probabilities: pred.origin.probabilities,
        referenceSource: { kind: ref.origin.kind, source: ref.title },
        predictionSource: {
          kind: pred.origin.kind,
          source: pred.title,
          ...(pred.origin.model ? { model: pred.origin.model } : {}),
          ...(pred.origin.backend ? { backend: pred.origin.backend } : {}),
          ...(pred.origin.inferenceMs !== undefined
            ? { inferenceMs: pred.origin.inferenceMs }
            : {}),
        },
        case: {
          studyInstanceUID: viewer.studyInstanceUID,
          seriesInstanceUID: viewer.seriesInstanceUID,
        },
      })
      .then((res) => {
        if (!alive) return;
        if (res.ok) {
          // the Export panel reuses it for these labelmaps instead of recomputing it
          publishReport(viewer, ref, pred, res.report);
          setReport(res.report);
          setStatus({ kind: 'done', ms: res.ms });
        } else {
          setReport(null);
          setStatus({ kind: 'error', message: res.error });
        }
      });
    return () => {
      alive = false;
    };
    // `key` (the overlay generations) identifies the labelmaps read inside
  }, [key, viewer]);

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
      {status.kind === 'waiting' && (
        <p className="muted">Shown when both a reference and a model labelmap are loaded.</p>
      )}
      {status.kind === 'running' && (
        <p className="muted" data-testid="metrics-running">
          Computing…{' '}
          <button type="button" onClick={() => client.current?.cancel()}>
            Cancel
          </button>
        </p>
      )}
      {status.kind === 'error' && (
        <p className="error" role="alert" data-testid="metrics-error">
          {status.message}{' '}
          <button type="button" onClick={() => setRuns((n) => n + 1)}>
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
            {status.kind === 'done' ? `computed in ${Math.round(status.ms)} ms · ` : ''}
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
        </>
      )}
    </section>
  );
}
