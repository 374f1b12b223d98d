/**
 * How the reference and prediction structures were paired (docs/structures.md): each pair with
 * both numbers and names and what decided it, the warnings of the evaluation, and a choice of
 * the prediction structure for every reference structure. A change re-evaluates with the user's
 * pairs first. All names are rendered as text.
 */
import type { EvaluationReport, ManualPair } from '@concord/metrics';
import type { EvaluationSession } from '@concord/metrics/session';

const BY: Record<string, string> = {
  code: 'code',
  name: 'name',
  number: 'number',
  user: 'chosen',
};

/**
 * The user's pairs after choosing `prediction` for reference `reference` (null: none): an
 * earlier choice of either structure gives way; the engine pairs the rest automatically.
 */
export function repair(
  chosen: readonly ManualPair[],
  reference: number,
  prediction: number | null,
): ManualPair[] {
  const out = chosen.filter((p) => p.reference !== reference && p.prediction !== prediction);
  if (prediction !== null) out.push({ reference, prediction });
  return out;
}

export default function PairingTable({
  report,
  session,
  open,
  onToggle,
}: {
  report: EvaluationReport;
  session: EvaluationSession;
  /** Open or closed as the user left it (kept by the panel while a new evaluation runs). */
  open: boolean;
  onToggle: (open: boolean) => void;
}) {
  const pairing = report.pairing;
  if (!pairing) return null;
  const predictions = pairing.pairs
    .map((p) => p.prediction)
    .filter((p): p is NonNullable<typeof p> => p !== null)
    .sort((a, b) => a.number - b.number);
  const overlap = pairing.overlap.reference || pairing.overlap.prediction;
  const shown = open || !!report.warnings?.length;
  return (
    <details
      className="pairing"
      data-testid="metrics-pairing"
      open={shown}
      onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        Structure pairing
        {report.warnings?.length ? ` · ${report.warnings.length} to check` : ''}
      </summary>
      {/* rendered only while open: 116 structures make 13,000 <option>s */}
      {shown && (
        <>
          {report.warnings?.map((w) => (
            <p key={w} className="warning small" data-testid="metrics-warning">
              {w}
            </p>
          ))}
          {overlap && (
            <p className="muted small" data-testid="metrics-overlap-note">
              {pairing.overlap.reference ? 'Reference' : 'Prediction'}
              {pairing.overlap.reference && pairing.overlap.prediction
                ? ' and prediction have'
                : ' has'}{' '}
              overlapping structures: each is evaluated on its own mask, and the confusion matrix
              counts a voxel once for every structure it is in.
            </p>
          )}
          <div className="table-scroll">
            <table data-testid="pairing-table">
              <thead>
                <tr>
                  <th>label</th>
                  <th>reference</th>
                  <th>prediction</th>
                  <th>by</th>
                </tr>
              </thead>
              <tbody>
                {pairing.pairs.map((p) => (
                  <tr key={p.label} data-label={p.label} data-matched-by={p.matchedBy ?? ''}>
                    <td>{p.label}</td>
                    <td title={p.reference?.codes?.type?.CodeMeaning}>
                      {p.reference ? `${p.reference.number} ${p.reference.name}` : '—'}
                    </td>
                    <td>
                      {p.reference ? (
                        <select
                          aria-label={`prediction structure for ${p.reference.name}`}
                          data-testid={`pairing-select-${p.reference.number}`}
                          value={p.prediction?.number ?? ''}
                          onChange={(e) => {
                            const v = e.target.value === '' ? null : Number(e.target.value);
                            session.setPairs(repair(session.pairs, p.reference!.number, v));
                          }}
                        >
                          <option value="">none</option>
                          {predictions.map((x) => (
                            <option key={x.number} value={x.number}>
                              {x.number} {x.name}
                            </option>
                          ))}
                        </select>
                      ) : (
                        `${p.prediction!.number} ${p.prediction!.name}`
                      )}
                    </td>
                    <td>{p.matchedBy ? BY[p.matchedBy] : 'one side only'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {session.pairs.length > 0 && (
            <button type="button" data-testid="pairing-reset" onClick={() => session.setPairs([])}>
              Pair automatically again
            </button>
          )}
        </>
      )}
    </details>
  );
}
