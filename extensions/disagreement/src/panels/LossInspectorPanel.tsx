/**
 * The loss inspector (docs/calibration.md): for the case and each structure, the values the
 * training losses would take on this prediction (soft Dice, soft Jaccard, Lovász-softmax,
 * cross-entropy, class-weighted cross-entropy, Tversky at the chosen α and β, region-wise),
 * the hard Dice and Jaccard with the identity D = 2J/(1+J) and the bounds J ≤ D ≤ 2J, and how
 * each surrogate ranks the structures next to Dice (Kendall's τ). The per-voxel sums come from
 * the analysis worker; Tversky at another α, β is a formula on the region's sums.
 */
import { useMemo, useState } from 'react';
import type { HostPanelProps } from '@concord/core';
import {
  DEFAULT_TVERSKY,
  kendallTau,
  LOSS_KEYS,
  metricSpec,
  surrogateRankings,
  tverskyFromSums,
  type LossKey,
  type RankingKey,
} from '@concord/metrics';
import { useEvaluation } from './useEvaluation.ts';

const fmt = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? '—' : v.toFixed(digits);

const HEADINGS: Record<RankingKey, string> = {
  dice: 'Dice',
  softDiceLoss: 'soft Dice',
  softJaccardLoss: 'soft Jaccard',
  lovaszLoss: 'Lovász',
  ceLoss: 'CE',
  weightedCeLoss: 'weighted CE',
  tverskyLoss: 'Tversky',
  regionLoss: 'region-wise',
};

export default function LossInspectorPanel({ viewer }: HostPanelProps) {
  const { state } = useEvaluation(viewer);
  const report = state.status === 'ready' ? state.report : null;
  const losses = report?.losses ?? null;
  const [alpha, setAlpha] = useState<number>(DEFAULT_TVERSKY.alpha);
  const [beta, setBeta] = useState<number>(DEFAULT_TVERSKY.beta);

  // rows with Tversky at the chosen α, β (the report's value when they are the report's)
  const rows = useMemo(() => {
    if (!report?.calibration || !losses) return [];
    const sums = new Map(report.calibration.structures.map((s) => [s.label, s]));
    const same = alpha === losses.tverskyAlpha && beta === losses.tverskyBeta;
    return report.structures
      .filter((s) => s.softDiceLoss !== undefined && s.softDiceLoss !== null)
      .map((s) => {
        const c = sums.get(s.label);
        return {
          ...s,
          tverskyLoss: same || !c ? s.tverskyLoss : tverskyFromSums(c.sums, alpha, beta),
        };
      });
  }, [report, losses, alpha, beta]);
  const rankings = useMemo(() => surrogateRankings(rows), [rows]);
  const rankOf = (key: RankingKey, label: number) => rankings[key].indexOf(label) + 1;
  const names = new Map(rows.map((r) => [r.label, r.name]));

  const weight = (v: string, set: (x: number) => void) => {
    const x = Number(v);
    if (Number.isFinite(x) && x >= 0) set(x);
  };

  return (
    <section className="panel loss-panel" data-testid="loss-panel">
      <h2>Surrogate losses</h2>
      {!losses && (
        <p className="muted" data-testid="loss-empty">
          {state.status === 'computing'
            ? 'Computing…'
            : 'Shown after a model with class probabilities has run on a series with a reference.'}
        </p>
      )}
      {losses && (
        <>
          <p className="muted small">
            One-vs-rest per structure over its evaluated region; ε = {losses.epsilon}; lower is
            better. The number in brackets is the structure's rank under that loss (Dice: higher is
            better).
          </p>
          <div className="row">
            <label>
              Tversky α (FP){' '}
              <input
                type="number"
                data-testid="tversky-alpha"
                min={0}
                step={0.05}
                value={alpha}
                onChange={(e) => weight(e.target.value, setAlpha)}
              />
            </label>
            <label>
              β (FN){' '}
              <input
                type="number"
                data-testid="tversky-beta"
                min={0}
                step={0.05}
                value={beta}
                onChange={(e) => weight(e.target.value, setBeta)}
              />
            </label>
          </div>
          <div className="table-scroll">
            <table data-testid="loss-table">
              <thead>
                <tr>
                  <th>structure</th>
                  <th title="hard Dice 2TP/(2TP+FP+FN)">Dice</th>
                  <th title="hard Jaccard TP/(TP+FP+FN)">J</th>
                  <th title="2J/(1+J), equal to Dice">2J/(1+J)</th>
                  <th title="J ≤ D ≤ 2J">bounds</th>
                  {LOSS_KEYS.map((k) => (
                    <th key={k} title={metricSpec(k).definition}>
                      {HEADINGS[k]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const identity = (2 * r.jaccard) / (1 + r.jaccard);
                  const bounded = r.jaccard <= r.dice + 1e-12 && r.dice <= 2 * r.jaccard + 1e-12;
                  return (
                    <tr key={r.label} data-label={r.label}>
                      <td>{r.name}</td>
                      <td data-key="dice" data-value={r.dice}>
                        {fmt(r.dice)}{' '}
                        <span className="muted small">({rankOf('dice', r.label)})</span>
                      </td>
                      <td data-key="jaccard" data-value={r.jaccard}>
                        {fmt(r.jaccard)}
                      </td>
                      <td data-key="identity" data-value={identity}>
                        {fmt(identity)}
                      </td>
                      <td data-key="bounds" data-value={bounded ? 'ok' : 'violated'}>
                        {bounded
                          ? `${fmt(r.jaccard, 3)} ≤ ${fmt(r.dice, 3)} ≤ ${fmt(2 * r.jaccard, 3)}`
                          : 'violated'}
                      </td>
                      {LOSS_KEYS.map((k: LossKey) => (
                        <td key={k} data-key={k} data-value={r[k] ?? ''}>
                          {fmt(r[k])}{' '}
                          <span className="muted small" data-rank={rankOf(k, r.label)}>
                            ({rankOf(k, r.label)})
                          </span>
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h3>Rankings, best first</h3>
          <div className="table-scroll">
            <table data-testid="loss-rankings">
              <thead>
                <tr>
                  <th>by</th>
                  <th title="Kendall's τ with the Dice ranking: 1 = same order">τ vs Dice</th>
                  <th>structures</th>
                </tr>
              </thead>
              <tbody>
                {(Object.keys(HEADINGS) as RankingKey[]).map((k) => (
                  <tr key={k} data-key={k} data-ranking={rankings[k].join(',')}>
                    <td>{HEADINGS[k]}</td>
                    <td>{fmt(kendallTau(rankings.dice, rankings[k]), 2)}</td>
                    <td>{rankings[k].map((l) => names.get(l) ?? l).join(' › ')}</td>
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
