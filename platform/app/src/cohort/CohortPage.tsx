/**
 * The cohort view (docs/cohort.md, "Cohort view"): opens a `concord.cohort/v1` file — by
 * `?url=` (same origin), a file input or a drop — with the per-case reports it names, and
 * shows the cases x structures table (sortable, Dice on a viridis scale, filters on the
 * cases' metadata), the Dice box/strip plots and the Bland–Altman plots. A row's case opens
 * in the viewer with its reference and that model's prediction (or, when the viewer cannot
 * show it, in the same page, `&case=<id>`, with its report's numbers); the table state (sort,
 * filters, scroll) is kept in sessionStorage, so the way back restores it. Metadata and names from the
 * files are untrusted: rendered as React text only.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { userMessage } from '@concord/core';
import type { CohortReport } from '@concord/metrics/cohort';
import {
  blandAltmanChart,
  distributionChart,
  type DistributionBox,
  type DistributionPoint,
  type VolumePoint,
} from '@concord/extension-disagreement/charts';
import { MODE_ROUTE } from '@concord/mode-model-vs-annotator';
import { navigate } from '../router.ts';
import { caseViewerHref, type CaseViewerLink } from '../caseLinks.ts';
import {
  caseViewerLink,
  cohortRows,
  DEFAULT_TABLE_STATE,
  diceColour,
  droppedPath,
  findDropped,
  metadataColumns,
  parseCohort,
  parseReport,
  resolveCohortPath,
  sameOriginUrl,
  visibleRows,
  type CaseState,
  type CohortRow,
  type SortKey,
  type TableState,
} from './cohortData.ts';

interface Loaded {
  /** names the source in sessionStorage and in the page */
  sourceId: string;
  cohort: CohortReport;
  cases: CaseState[];
}

/** The cohort page of a cohort opened by address: where the viewer's back link returns. */
const cohortPageOf = (raw: string) => `/cohort?${new URLSearchParams({ url: raw })}`;

async function loadFromUrl(raw: string): Promise<Loaded> {
  const url = sameOriginUrl(raw, location.origin);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not read ${url}: HTTP ${res.status}`);
  const cohort = parseCohort(await res.text());
  const cases = await Promise.all(
    cohort.cases.map(async (c): Promise<CaseState> => {
      const state: CaseState = { ...caseBase(c), reports: {}, unreachable: [] };
      for (const [model, rel] of Object.entries(c.reports ?? {})) {
        const at = resolveCohortPath(url, rel);
        if (!at) {
          state.unreachable.push(`${rel}: a path outside the cohort folder is not read`);
          continue;
        }
        try {
          const r = await fetch(at);
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          state.reports[model] = parseReport(await r.text());
        } catch (e) {
          state.unreachable.push(`${rel}: ${userMessage(e)}`);
        }
      }
      state.viewer = Object.fromEntries(
        Object.entries(state.reports).map(([model, report]) => [
          model,
          caseViewerLink(c, report, model, url, MODE_ROUTE, cohortPageOf(raw)),
        ]),
      );
      return state;
    }),
  );
  return { sourceId: `url:${url}`, cohort, cases };
}

async function loadFromFiles(files: File[]): Promise<Loaded> {
  const candidates = files.filter((f) => /(^|\/)cohort\.json$/.test(droppedPath(f)));
  if (candidates.length === 0) throw new Error('No cohort.json among the chosen files');
  if (candidates.length > 1)
    throw new Error('More than one cohort.json among the chosen files: choose one cohort folder');
  const main = candidates[0];
  const cohortPath = droppedPath(main);
  const cohort = parseCohort(await main.text());
  const cases = await Promise.all(
    cohort.cases.map(async (c): Promise<CaseState> => {
      const state: CaseState = { ...caseBase(c), reports: {}, unreachable: [] };
      for (const [model, rel] of Object.entries(c.reports ?? {})) {
        const f = findDropped(files, cohortPath, rel);
        if (!f) {
          state.unreachable.push(
            `${rel}: not among the chosen files (choose or drop the whole cohort folder)`,
          );
          continue;
        }
        try {
          state.reports[model] = parseReport(await f.text());
        } catch (e) {
          state.unreachable.push(`${rel}: ${userMessage(e)}`);
        }
      }
      const why =
        'the cohort was opened from files: open it by address (/cohort?url=…) to view its images';
      state.viewer = Object.fromEntries(Object.keys(state.reports).map((m) => [m, why]));
      return state;
    }),
  );
  return { sourceId: `files:${cohortPath}:${main.size}:${main.lastModified}`, cohort, cases };
}

function caseBase(c: CohortReport['cases'][number]) {
  return {
    id: String(c.id),
    status: c.status,
    error: c.error,
    metadata: Object.fromEntries(
      Object.entries(c.metadata ?? {}).map(([k, v]) => [String(k), String(v)]),
    ),
  };
}

const storageKey = (sourceId: string) => `concord.cohort.table:${sourceId}`;

function readTableState(sourceId: string): TableState {
  try {
    const s = sessionStorage.getItem(storageKey(sourceId));
    return s
      ? { ...DEFAULT_TABLE_STATE, ...(JSON.parse(s) as Partial<TableState>) }
      : DEFAULT_TABLE_STATE;
  } catch {
    return DEFAULT_TABLE_STATE;
  }
}

const fmt = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

/** A chart of @concord/extension-disagreement/charts mounted as a DOM node. */
function Chart({ draw, label }: { draw: () => SVGSVGElement; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const svg = draw();
    el.replaceChildren(svg);
    return () => el.replaceChildren();
  }, [draw]);
  return <div ref={ref} role="img" aria-label={label} className="cohort-chart" />;
}

export function CohortPage({ search }: { search: URLSearchParams }) {
  const urlParam = search.get('url');
  const openCase = search.get('case');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    if (!urlParam || loaded?.sourceId.startsWith('url:')) return;
    setBusy(true);
    loadFromUrl(urlParam).then(
      (l) => {
        setLoaded(l);
        setError(null);
        setBusy(false);
      },
      (e) => {
        setError(userMessage(e));
        setBusy(false);
      },
    );
  }, [urlParam, loaded]);

  const openFiles = useCallback(
    (list: FileList | null) => {
      const files = list ? Array.from(list) : [];
      if (!files.length) return;
      setBusy(true);
      loadFromFiles(files).then(
        (l) => {
          setLoaded(l);
          setError(null);
          setBusy(false);
          // a dropped cohort has no address: the page is /cohort (with &case= when a case is open)
          if (urlParam) navigate('/cohort');
        },
        (e) => {
          setError(userMessage(e));
          setBusy(false);
        },
      );
    },
    [urlParam],
  );

  const caseHref = (id: string | null) => {
    const q = new URLSearchParams();
    if (urlParam) q.set('url', urlParam);
    if (id !== null) q.set('case', id);
    const s = q.toString();
    return `/cohort${s ? `?${s}` : ''}`;
  };

  return (
    <div
      className={`cohort-page${dragging ? ' dragging' : ''}`}
      data-testid="cohort-page"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        openFiles(e.dataTransfer.files);
      }}
    >
      <h2>Cohort</h2>
      <div className="cohort-open">
        <label>
          Open cohort.json and its reports (or drop them here):{' '}
          <input
            type="file"
            multiple
            accept=".json,application/json"
            data-testid="cohort-file-input"
            onChange={(e) => openFiles(e.target.files)}
          />
        </label>{' '}
        <label>
          or the cohort folder:{' '}
          <input
            type="file"
            data-testid="cohort-folder-input"
            // @ts-expect-error non-standard but universally supported folder picker
            webkitdirectory=""
            onChange={(e) => openFiles(e.target.files)}
          />
        </label>
      </div>
      {busy && <p className="muted">Loading the cohort…</p>}
      {error && (
        <p className="error" role="alert" data-testid="cohort-error">
          {error}
        </p>
      )}
      {loaded && openCase === null && (
        <CohortTable loaded={loaded} onOpen={(id) => navigate(caseHref(id))} />
      )}
      {loaded && openCase !== null && (
        <CaseDetail
          loaded={loaded}
          caseId={openCase}
          onBack={() => (history.length > 1 ? history.back() : navigate(caseHref(null)))}
        />
      )}
    </div>
  );
}

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'caseId', label: 'Case' },
  { key: 'model', label: 'Model' },
  { key: 'structure', label: 'Structure' },
  { key: 'dice', label: 'Dice', numeric: true },
  { key: 'hd95', label: 'HD95 (mm)', numeric: true },
  { key: 'assd', label: 'ASSD (mm)', numeric: true },
  { key: 'volumeRefMl', label: 'V ref (mL)', numeric: true },
  { key: 'volumePredMl', label: 'V pred (mL)', numeric: true },
  { key: 'volumeDiffMl', label: 'ΔV (mL)', numeric: true },
  { key: 'status', label: 'Status' },
];

function CohortTable({ loaded, onOpen }: { loaded: Loaded; onOpen: (id: string) => void }) {
  const { cohort, cases, sourceId } = loaded;
  const [state, setState] = useState<TableState>(() => readTableState(sourceId));
  const rows = useMemo(() => cohortRows(cases, cohort.models), [cases, cohort.models]);
  const meta = useMemo(() => metadataColumns(cases), [cases]);
  const shown = useMemo(() => visibleRows(rows, state), [rows, state]);
  const keptCases = new Set(shown.map((r) => r.caseId));
  const problemCases = cases.filter(
    (c) =>
      (c.status === 'failed' || c.unreachable.length > 0) &&
      Object.entries(state.filters).every(([col, v]) => !v || c.metadata[col] === v),
  );

  // the state survives opening a case (this component unmounts) and coming back
  useEffect(() => {
    sessionStorage.setItem(storageKey(sourceId), JSON.stringify(state));
  }, [sourceId, state]);
  useLayoutEffect(() => {
    window.scrollTo(0, state.scrollY);
    // once, when the table is first drawn (state.scrollY is the saved position)
  }, []);
  const keep = () =>
    sessionStorage.setItem(
      storageKey(sourceId),
      JSON.stringify({ ...state, scrollY: window.scrollY }),
    );
  const open = (id: string) => {
    keep();
    onOpen(id);
  };
  // a row's case opens in the viewer with that row's model when it can, else its detail page
  const openRow = (row: CohortRow) => {
    const link = cases.find((c) => c.id === row.caseId)?.viewer?.[row.model];
    if (link && typeof link !== 'string') {
      keep();
      navigate(caseViewerHref(link));
    } else open(row.caseId);
  };

  const sortBy = (key: SortKey) =>
    setState((s) => ({
      ...s,
      sort: key,
      descending: s.sort === key ? !s.descending : false,
    }));
  const ariaSort = (key: SortKey) =>
    state.sort === key ? (state.descending ? 'descending' : 'ascending') : 'none';
  const allColumns: { key: SortKey; label: string; numeric?: boolean }[] = [
    ...COLUMNS.slice(0, 2),
    ...meta.map((m) => ({ key: `meta:${m.column}` as SortKey, label: m.column })),
    ...COLUMNS.slice(2),
  ];

  return (
    <>
      <CohortSummary cohort={cohort} />
      {meta.length > 0 && (
        <div className="cohort-filters" data-testid="cohort-filters">
          {meta.map((m) => (
            <label key={m.column}>
              {m.column}{' '}
              <select
                data-testid={`cohort-filter-${m.column}`}
                value={state.filters[m.column] ?? ''}
                onChange={(e) =>
                  setState((s) => ({ ...s, filters: { ...s.filters, [m.column]: e.target.value } }))
                }
              >
                <option value="">all</option>
                {m.values.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
      <p className="muted" data-testid="cohort-count">
        {shown.length} rows of {keptCases.size} cases
      </p>
      <table className="cohort-table" data-testid="cohort-table">
        <thead>
          <tr>
            {allColumns.map((c) => (
              <th key={c.key} aria-sort={ariaSort(c.key)} scope="col">
                <button
                  type="button"
                  data-testid={`cohort-sort-${c.key}`}
                  onClick={() => sortBy(c.key)}
                >
                  {c.label}
                  {state.sort === c.key ? (state.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <Row
              key={r.key}
              row={r}
              meta={meta.map((m) => m.column)}
              viewable={isLink(cases.find((c) => c.id === r.caseId)?.viewer?.[r.model])}
              onOpen={openRow}
            />
          ))}
          {problemCases.map((c) => (
            <tr key={`problem-${c.id}`} data-testid="cohort-problem-row" data-case={c.id}>
              <td>
                <button type="button" onClick={() => open(c.id)}>
                  {c.id}
                </button>
              </td>
              <td colSpan={allColumns.length - 1} className="error">
                {c.status === 'failed'
                  ? `Failed in the run: ${c.error ?? 'no reason recorded'}`
                  : `Reports not reachable from this browser: ${c.unreachable.join('; ')}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <CohortCharts cohort={cohort} rows={rows} />
    </>
  );
}

const isLink = (l: CaseViewerLink | string | undefined): l is CaseViewerLink =>
  !!l && typeof l !== 'string';

function Row({
  row,
  meta,
  viewable,
  onOpen,
}: {
  row: CohortRow;
  meta: string[];
  viewable: boolean;
  onOpen: (row: CohortRow) => void;
}) {
  const dice = row.dice === null ? undefined : diceColour(row.dice);
  return (
    <tr
      data-testid="cohort-row"
      data-case={row.caseId}
      data-model={row.model}
      data-label={row.label}
    >
      <td>
        <button
          type="button"
          data-testid="cohort-open-case"
          data-viewer={viewable ? 'yes' : 'no'}
          title={
            viewable
              ? `Open case ${row.caseId} in the viewer with model ${row.model}'s prediction`
              : `Case ${row.caseId}: its report`
          }
          onClick={() => onOpen(row)}
        >
          {row.caseId}
        </button>
      </td>
      <td>{row.model}</td>
      {meta.map((m) => (
        <td key={m}>{row.metadata[m] ?? ''}</td>
      ))}
      <td>{row.structure}</td>
      <td className="num" data-metric="dice" data-value={row.dice ?? ''} style={dice}>
        {fmt(row.dice, 4)}
      </td>
      <td className="num" data-metric="hd95" data-value={row.hd95 ?? ''}>
        {fmt(row.hd95, 2)}
      </td>
      <td className="num" data-metric="assd" data-value={row.assd ?? ''}>
        {fmt(row.assd, 2)}
      </td>
      <td className="num">{fmt(row.volumeRefMl, 2)}</td>
      <td className="num">{fmt(row.volumePredMl, 2)}</td>
      <td className="num">{fmt(row.volumeDiffMl, 2)}</td>
      <td>{row.status}</td>
    </tr>
  );
}

function CohortSummary({ cohort }: { cohort: CohortReport }) {
  const s = cohort.summary;
  return (
    <div className="cohort-summary" data-testid="cohort-summary">
      <p>
        {s.cases} cases, {s.ok} ok, {s.failed} failed
        {s.failedCases.length ? ` (${s.failedCases.join(', ')})` : ''}.
      </p>
      <ul>
        {s.models.map((m) => (
          <li key={m.model} data-testid="cohort-summary-model" data-model={m.model}>
            {m.model}: mean Dice {fmt(m.meanDice, 4)}, pooled Dice {fmt(m.pooledDice, 4)}
          </li>
        ))}
      </ul>
      <h3>Per structure (all cases)</h3>
      <StructureStats
        rows={cohort.structures.filter((st) => st.group === null)}
        testId="cohort-structures"
        rowTestId="cohort-structure-row"
      />
      {cohort.groupBy && (
        <>
          <h3 data-testid="cohort-groups-title">Per {cohort.groupBy}</h3>
          <p className="muted">
            The cases of each value of the metadata column “{cohort.groupBy}” (concord cohort
            --group-by), as written in cohort.json.
          </p>
          <StructureStats
            rows={cohort.structures.filter((st) => st.group !== null)}
            groupColumn={cohort.groupBy}
            testId="cohort-groups"
            rowTestId="cohort-group-row"
          />
        </>
      )}
    </div>
  );
}

type StructureStat = CohortReport['structures'][number];

/** Per-structure statistics of cohort.json (one row per structure x model, or x group). */
function StructureStats({
  rows,
  groupColumn,
  testId,
  rowTestId,
}: {
  rows: StructureStat[];
  groupColumn?: string;
  testId: string;
  rowTestId: string;
}) {
  return (
    <table className="cohort-table" data-testid={testId}>
      <thead>
        <tr>
          {groupColumn && <th scope="col">{groupColumn}</th>}
          <th scope="col">Structure</th>
          <th scope="col">Model</th>
          <th scope="col">n</th>
          <th scope="col">Dice mean [CI95]</th>
          <th scope="col">Dice median [IQR]</th>
          <th scope="col">HD95 mean (mm)</th>
          <th scope="col">ASSD mean (mm)</th>
          <th scope="col">ΔV mean (mL)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((st) => {
          const d = st.metrics.dice;
          return (
            <tr
              key={`${st.group?.value ?? ''}\u0000${st.model}\u0000${st.label}`}
              data-testid={rowTestId}
              data-group={st.group?.value}
              data-model={st.model}
              data-label={st.label}
            >
              {groupColumn && <td>{st.group?.value}</td>}
              <td>
                {st.label} {st.name}
              </td>
              <td>{st.model}</td>
              <td className="num">{st.n}</td>
              <td
                className="num"
                data-metric="dice-mean"
                data-value={d?.mean ?? ''}
                data-ci={d?.ci95 ? d.ci95.join(' ') : ''}
              >
                {fmt(d?.mean ?? null, 4)}
                {d?.ci95 ? ` [${fmt(d.ci95[0], 4)}, ${fmt(d.ci95[1], 4)}]` : ''}
              </td>
              <td className="num">
                {fmt(d?.median ?? null, 4)} [{fmt(d?.q1 ?? null, 4)}, {fmt(d?.q3 ?? null, 4)}]
              </td>
              <td className="num">{fmt(st.metrics.hd95?.mean ?? null, 2)}</td>
              <td className="num">{fmt(st.metrics.assd?.mean ?? null, 2)}</td>
              <td className="num">{fmt(st.metrics.volumeDiffMl?.mean ?? null, 2)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Box/strip of Dice per structure (one chart per model) and Bland–Altman per structure and model. */
function CohortCharts({ cohort, rows }: { cohort: CohortReport; rows: CohortRow[] }) {
  // the statistics' inclusion rule (docs/cohort.md): every row but both-empty, non-null values
  const included = useMemo(() => rows.filter((r) => r.status !== 'both-empty'), [rows]);
  const all = useMemo(() => cohort.structures.filter((s) => s.group === null), [cohort]);
  const draws = useMemo(
    () =>
      cohort.models.map((model) => {
        const boxes: DistributionBox[] = all
          .filter((s) => s.model === model)
          .flatMap((s) => {
            const d = s.metrics.dice;
            return d && d.q1 !== null && d.median !== null && d.q3 !== null
              ? [{ structure: `${s.label} ${s.name}`, q1: d.q1, median: d.median, q3: d.q3 }]
              : [];
          });
        const points: DistributionPoint[] = included
          .filter((r) => r.model === model && r.dice !== null)
          .map((r) => ({
            structure: `${r.label} ${r.structure}`,
            caseId: r.caseId,
            value: r.dice!,
          }));
        return { model, draw: () => distributionChart(boxes, points, { metric: 'Dice' }) };
      }),
    [cohort, all, included],
  );
  const ba = useMemo(
    () =>
      all.map((s) => {
        const points: VolumePoint[] = included
          .filter(
            (r) =>
              r.model === s.model &&
              r.label === s.label &&
              r.volumeRefMl !== null &&
              r.volumePredMl !== null,
          )
          .map((r) => ({
            caseId: r.caseId,
            referenceMl: r.volumeRefMl!,
            predictedMl: r.volumePredMl!,
          }));
        return { s, draw: () => blandAltmanChart(points, s.volume.blandAltman) };
      }),
    [cohort, all, included],
  );
  return (
    <section className="cohort-charts" data-testid="cohort-charts">
      <h3>Dice per structure</h3>
      <p className="muted">
        All cases (the filters apply to the table): box = quartiles, line = median, whiskers =
        range, dots = cases, as in cohort.pdf.
      </p>
      {draws.map((d) => (
        <figure key={d.model}>
          <figcaption>{d.model}</figcaption>
          <Chart draw={d.draw} label={`Dice per structure, model ${d.model}`} />
        </figure>
      ))}
      <h3>Volume agreement (Bland–Altman)</h3>
      <div className="cohort-ba">
        {ba.map(({ s, draw }) => (
          <figure key={`${s.model}-${s.label}`} data-testid="cohort-ba">
            <figcaption>
              {s.label} {s.name} — {s.model} (n {s.volume.n}): bias{' '}
              {fmt(s.volume.blandAltman.bias, 2)} mL, LoA [{fmt(s.volume.blandAltman.loaLow, 2)},{' '}
              {fmt(s.volume.blandAltman.loaHigh, 2)}]
            </figcaption>
            <Chart draw={draw} label={`Bland–Altman, ${s.name}, model ${s.model}`} />
          </figure>
        ))}
      </div>
    </section>
  );
}

function CaseDetail({
  loaded,
  caseId,
  onBack,
}: {
  loaded: Loaded;
  caseId: string;
  onBack: () => void;
}) {
  const c = loaded.cases.find((x) => x.id === caseId);
  return (
    <section className="cohort-case" data-testid="cohort-case">
      <button type="button" data-testid="cohort-back" onClick={onBack}>
        ← Back to the cohort table
      </button>
      {!c && (
        <p className="error" role="alert">
          There is no case “{caseId}” in this cohort.
        </p>
      )}
      {c && (
        <>
          <h3 data-testid="cohort-case-id">Case {c.id}</h3>
          {Object.keys(c.metadata).length > 0 && (
            <dl className="cohort-meta">
              {Object.entries(c.metadata).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
          {c.status === 'failed' && (
            <p className="error" role="alert">
              This case failed in the run: {c.error ?? 'no reason recorded'}
            </p>
          )}
          {c.unreachable.map((u) => (
            <p key={u} className="error" role="alert">
              Not reachable from this browser: {u}
            </p>
          ))}
          {Object.entries(c.reports).map(([model, r]) => (
            <div key={model} data-testid="cohort-case-report" data-model={model}>
              <h4>
                Model {model}: reference {r.reference.source}, prediction {r.prediction.source}
              </h4>
              <ViewerNote link={c.viewer?.[model]} />
              <table className="cohort-table">
                <thead>
                  <tr>
                    <th scope="col">Structure</th>
                    <th scope="col">Dice</th>
                    <th scope="col">HD95 (mm)</th>
                    <th scope="col">ASSD (mm)</th>
                    <th scope="col">V ref (mL)</th>
                    <th scope="col">V pred (mL)</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {cohortRows([{ ...c, reports: { [model]: r } }], [model]).map((row) => (
                    <tr key={row.key} data-testid="cohort-case-row" data-label={row.label}>
                      <td>
                        {row.label} {row.structure}
                      </td>
                      <td className="num" data-value={row.dice ?? ''}>
                        {fmt(row.dice, 4)}
                      </td>
                      <td className="num">{fmt(row.hd95, 2)}</td>
                      <td className="num">{fmt(row.assd, 2)}</td>
                      <td className="num">{fmt(row.volumeRefMl, 2)}</td>
                      <td className="num">{fmt(row.volumePredMl, 2)}</td>
                      <td>{row.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </>
      )}
    </section>
  );
}

/** The case in the viewer with this model's prediction, or why the viewer cannot show it. */
function ViewerNote({ link }: { link: CaseViewerLink | string | undefined }) {
  if (isLink(link))
    return (
      <p data-testid="cohort-viewer-note">
        <a
          href={caseViewerHref(link)}
          data-testid="cohort-open-viewer"
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
            e.preventDefault();
            navigate(caseViewerHref(link));
          }}
        >
          Open in the viewer
        </a>{' '}
        with the reference and this model&apos;s prediction.
      </p>
    );
  return (
    <p className="muted" data-testid="cohort-viewer-note">
      Images not viewable here: {link ?? 'no report'}. The numbers below are the case&apos;s report.
    </p>
  );
}
