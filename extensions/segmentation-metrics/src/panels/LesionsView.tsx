/**
 * The Lesions view (docs/metrics.md#lesion-wise-evaluation): the user marks structures as
 * instances (connectivity and matching chosen here), the evaluation session evaluates them
 * lesion-wise in its worker, and the view lists per structure the missed (FN) and false (FP)
 * lesions with their volume and the matched ones with their Dice; a row's button moves the
 * viewer to the lesion's centre slice. All names are rendered as text.
 */
import type { ViewerHost } from '@concord/core';
import type {
  EvaluationReport,
  LesionMatchMode,
  LesionRow,
  StructureLesions,
} from '@concord/metrics';
import type { EvaluationSession } from '@concord/metrics/session';
import { formatValue } from './columns.ts';

const KIND: Record<LesionRow['kind'], string> = {
  missed: 'missed (FN)',
  false: 'false (FP)',
  matched: 'matched',
};
/** Missed and false lesions first: they are what the user looks for. */
const ORDER: LesionRow['kind'][] = ['missed', 'false', 'matched'];

/** The view's rows of one structure: missed, then false, then matched, each by number. */
export function lesionRows(x: StructureLesions): LesionRow[] {
  return ORDER.flatMap((k) => x.lesions.filter((r) => r.kind === k));
}

function Summary({ x }: { x: StructureLesions }) {
  const items: [string, string, number | null][] = [
    ['TP', 'Matched lesions', x.tp],
    ['FP', 'False lesions (predicted, no reference partner)', x.fp],
    ['FN', 'Missed lesions (reference, no predicted partner)', x.fn],
    ['Prec.', 'Lesion precision TP / (TP + FP)', x.precision],
    ['Recall', 'Lesion recall TP / (TP + FN)', x.recall],
    ['F1', 'Lesion F1 2TP / (2TP + FP + FN)', x.f1],
    ['PQ', 'Panoptic quality SQ × RQ', x.pq],
    ['SQ', 'Segmentation quality: mean IoU of the matched pairs', x.sq],
    ['RQ', 'Recognition quality TP / (TP + FP/2 + FN/2)', x.rq],
  ];
  return (
    <dl className="metrics-summary lesion-summary">
      {items.map(([k, title, v]) => [
        <dt key={`${k}t`} title={title}>
          {k}
        </dt>,
        <dd key={`${k}d`} data-key={k} data-value={v ?? ''}>
          {Number.isInteger(v) ? String(v) : formatValue(v, 3)}
        </dd>,
      ])}
    </dl>
  );
}

function LesionTable({
  label,
  x,
  viewer,
}: {
  label: number;
  x: StructureLesions;
  viewer: ViewerHost;
}) {
  const rows = lesionRows(x);
  if (rows.length === 0) return <p className="muted small">No lesion on either side.</p>;
  return (
    <div className="table-scroll">
      <table data-testid={`lesions-table-${label}`}>
        <thead>
          <tr>
            <th>lesion</th>
            <th title="Component number: reference / model (raster order of the first voxel)">#</th>
            <th title="Volume of the lesion, mL (matched: reference / model)">mL</th>
            <th title="Dice of a matched pair">Dice</th>
            <th title="Slice through the lesion's centre (1-based); click to go there">slice</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const id = `${r.reference ?? '-'}/${r.prediction ?? '-'}`;
            const volume =
              r.kind === 'matched'
                ? `${formatValue(r.referenceMl, 3)} / ${formatValue(r.predictionMl, 3)}`
                : formatValue(r.kind === 'missed' ? r.referenceMl : r.predictionMl, 3);
            return (
              <tr key={`${r.kind}${id}`} data-kind={r.kind} data-slice={r.slice}>
                <td>{KIND[r.kind]}</td>
                <td>{id}</td>
                <td>{volume}</td>
                <td data-value={r.dice ?? ''}>{formatValue(r.dice, 3)}</td>
                <td>
                  <button
                    type="button"
                    data-testid="lesion-go"
                    title={`Go to slice ${r.slice + 1}`}
                    onClick={() => viewer.setSliceIndex(r.slice)}
                  >
                    {r.slice + 1}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export default function LesionsView({
  report,
  session,
  viewer,
  open,
  onToggle,
}: {
  report: EvaluationReport;
  session: EvaluationSession;
  viewer: ViewerHost;
  /** Open or closed as the user left it (kept by the panel while a new evaluation runs). */
  open: boolean;
  onToggle: (open: boolean) => void;
}) {
  const current = session.instances;
  const marked = new Set(current?.labels ?? []);
  const connectivity = current?.connectivity ?? 26;
  const match = current?.match ?? 'iou';
  const apply = (labels: number[], c: 6 | 26, m: LesionMatchMode) =>
    session.setInstances(labels.length ? { labels, connectivity: c, match: m } : null);
  const withLesions = report.structures.filter((s) => s.lesions);
  const shown = open || marked.size > 0;
  return (
    <details
      className="lesions"
      data-testid="lesions"
      open={shown}
      onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        Lesions
        {withLesions.length
          ? ` · ${withLesions.reduce((n, s) => n + s.lesions!.fn + s.lesions!.fp, 0)} missed or false`
          : ''}
      </summary>
      {/* rendered only while open (a checkbox per structure) */}
      {shown && (
        <>
          <p className="muted small">
            Mark structures whose connected components are lesions: each is then matched one-to-one
            with the model&apos;s components (TP, FP, FN, panoptic quality).
          </p>
          <div className="row small">
            {report.structures.map((s) => (
              <label key={s.label}>
                <input
                  type="checkbox"
                  data-testid={`lesions-mark-${s.label}`}
                  checked={marked.has(s.label)}
                  onChange={(e) => {
                    const next = new Set(marked);
                    if (e.target.checked) next.add(s.label);
                    else next.delete(s.label);
                    apply([...next], connectivity, match);
                  }}
                />{' '}
                {s.label} {s.name}
              </label>
            ))}
          </div>
          <div className="row small">
            <label>
              connectivity{' '}
              <select
                data-testid="lesions-connectivity"
                value={connectivity}
                onChange={(e) => apply([...marked], Number(e.target.value) as 6 | 26, match)}
              >
                <option value={26}>26 (faces, edges, corners)</option>
                <option value={6}>6 (faces)</option>
              </select>
            </label>{' '}
            <label>
              match{' '}
              <select
                data-testid="lesions-match"
                value={match}
                onChange={(e) =>
                  apply([...marked], connectivity, e.target.value as LesionMatchMode)
                }
              >
                <option value="iou">IoU &gt; 0.5</option>
                <option value="overlap">any overlap (highest IoU first)</option>
              </select>
            </label>
          </div>
          {withLesions.map((s) => (
            <section key={s.label} data-testid={`lesions-${s.label}`} data-label={s.label}>
              <h4>
                {s.label} {s.name}: {s.lesions!.referenceLesions} reference,{' '}
                {s.lesions!.predictionLesions} model lesions
              </h4>
              <Summary x={s.lesions!} />
              <LesionTable label={s.label} x={s.lesions!} viewer={viewer} />
            </section>
          ))}
        </>
      )}
    </details>
  );
}
