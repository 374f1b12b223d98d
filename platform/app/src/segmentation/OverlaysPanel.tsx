/**
 * The Overlays panel: one block per structure source (reference, model: the registered sources
 * of role `structures`) with visibility, fill/outline, opacity, a file loader and a
 * per-structure toggle list in the SEG / manifest colours (long lists collapsed, with a filter
 * and an order). Derived layers (an extension's) are controlled by their extension's panel.
 */
import { useEffect, useRef, useState } from 'react';
import { filterStructures, type OverlaySourceDefinition, type StructureOrder } from '@concord/core';
import type { OverlayManager, OverlaySource, OverlayState } from './overlayManager.ts';
import type { OverlayTask } from './referenceSeg.ts';

/** A button (reachable with Tab) that opens a hidden file input. */
function FileButton({
  label,
  title,
  testId,
  accept,
  onFile,
}: {
  label: string;
  title: string;
  testId: string;
  accept: string;
  onFile: (file: File) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="file-button"
        title={title}
        data-testid={testId}
        onClick={() => input.current?.click()}
      >
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = '';
        }}
      />
    </>
  );
}

/** Lists longer than this start collapsed and get a filter and an order. */
const LONG_LIST = 12;

/**
 * One source's structures with a visibility toggle and "go" each. A long list (AAL: 116)
 * starts collapsed, so that the panels below stay in reach, and can be filtered and ordered.
 */
function StructureList({
  source,
  state: s,
  overlays,
  onGoToStructure,
  selected,
}: {
  source: OverlaySource;
  state: OverlayState;
  overlays: OverlayManager | null;
  onGoToStructure?: (source: OverlaySource, label: number) => void;
  /** labels selected on the image (Shift+click): highlighted */
  selected?: readonly number[];
}) {
  const [query, setQuery] = useState('');
  const [order, setOrder] = useState<StructureOrder>('label');
  const long = s.labels.length > LONG_LIST;
  const shown = long ? filterStructures(s.labels, query, order, s.counts) : s.labels;
  return (
    <details className="structures" open={!long} data-testid={`overlay-${source}-structures`}>
      <summary>
        {s.labels.length} structure{s.labels.length === 1 ? '' : 's'}
        {shown.length !== s.labels.length && ` (${shown.length} shown)`}
      </summary>
      {long && (
        <div className="table-tools">
          <input
            type="search"
            placeholder="Filter by name or number"
            aria-label={`Filter the ${source} structures by name or number`}
            data-testid={`overlay-${source}-filter`}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />{' '}
          <select
            aria-label={`Order of the ${source} structures`}
            data-testid={`overlay-${source}-order`}
            value={order}
            onChange={(e) => setOrder(e.target.value as StructureOrder)}
          >
            <option value="label">by number</option>
            <option value="name">by name</option>
            <option value="size">largest first</option>
          </select>
        </div>
      )}
      <ul className="structure-list" data-testid={`overlay-${source}-list`}>
        {shown.map((l) => (
          <li
            key={l.label}
            data-label={l.label}
            className={selected?.includes(l.label) ? 'selected' : undefined}
            data-testid={`overlay-${source}-item-${l.label}`}
            data-selected={selected?.includes(l.label) ? 'true' : undefined}
            aria-current={selected?.includes(l.label) ? 'true' : undefined}
          >
            <label>
              <input
                type="checkbox"
                data-testid={`overlay-${source}-label-${l.label}`}
                checked={!s.hiddenLabels.includes(l.label)}
                onChange={(e) => overlays?.setLabelVisible(source, l.label, e.target.checked)}
              />
              <span
                className="swatch"
                style={{ background: `rgb(${(l.color ?? [255, 255, 255]).join(',')})` }}
              />
              {l.name}
              {!s.counts[l.label] && <span className="muted"> (empty)</span>}
            </label>
            {onGoToStructure && !!s.counts[l.label] && (
              <button
                type="button"
                className="goto"
                title={`Go to the slice through the centre of ${l.name}`}
                aria-label={`Go to ${l.name}`}
                data-testid={`overlay-${source}-goto-${l.label}`}
                onClick={() => onGoToStructure(source, l.label)}
              >
                go
              </button>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function OverlaysPanel({
  overlays,
  sources,
  onLoadFile,
  status,
  task,
  warnings = {},
  onGoToStructure,
  selected = null,
  onClearSelection,
}: {
  overlays: OverlayManager | null;
  /** The registered overlay sources; the panel shows those of role `structures`. */
  sources: readonly OverlaySourceDefinition[];
  onLoadFile: (source: OverlaySource, file: File) => void;
  status: string | null;
  /** A label file being read or shown: its progress and Cancel. */
  task?: OverlayTask | null;
  /** Per source: a non-blocking warning about the loaded labelmap (e.g. another field of view). */
  warnings?: Readonly<Record<string, string>>;
  /** Moves the viewport to the slice through a structure's centre. */
  onGoToStructure?: (source: OverlaySource, label: number) => void;
  /** Per source: the structures selected on the image (Shift+click), highlighted here. */
  selected?: Readonly<Record<string, readonly number[]>> | null;
  onClearSelection?: () => void;
}) {
  const [states, setStates] = useState<OverlayState[]>([]);
  const panel = useRef<HTMLElement>(null);
  // the first highlighted structure is scrolled into view
  useEffect(() => {
    panel.current?.querySelector('li.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const nameOf = (source: string, label: number) =>
    states.find((x) => x.source === source)?.labels.find((l) => l.label === label)?.name ??
    `Label ${label}`;
  useEffect(() => overlays?.subscribe(setStates), [overlays]);
  const derivedShown = states.find(
    (s) => s.visible && sources.find((d) => d.id === s.source)?.role === 'derived',
  );

  return (
    <section className="panel" data-testid="overlays-panel" ref={panel}>
      <h2>Overlays</h2>
      {task && (
        <div className="overlay-task" role="status" data-testid="overlay-task">
          <span className="muted">{task.text}</span>{' '}
          <progress max={1} value={task.fraction} aria-label={task.text} />
          {task.cancel && (
            <button type="button" data-testid="overlay-task-cancel" onClick={task.cancel}>
              Cancel
            </button>
          )}
        </div>
      )}
      {selected && (
        <p className="selection" role="status" data-testid="overlay-selection">
          Selected on the image:{' '}
          {Object.entries(selected)
            .map(
              ([source, labels]) =>
                `${sources.find((d) => d.id === source)?.label ?? source}: ${
                  labels.length ? labels.map((l) => nameOf(source, l)).join(', ') : 'none'
                }`,
            )
            .join(' · ')}{' '}
          {onClearSelection && (
            <button type="button" className="goto" onClick={onClearSelection}>
              clear
            </button>
          )}
        </p>
      )}
      {status && (
        <p className="muted" data-testid="overlay-status">
          {status}
        </p>
      )}
      {derivedShown && (
        <p className="muted small" data-testid="overlay-outline-rule">
          Structures are drawn as outlines while the{' '}
          {sources.find((d) => d.id === derivedShown.source)?.label.toLowerCase()} layer is shown.
        </p>
      )}
      {sources
        .filter((d) => d.role === 'structures')
        .map(({ id: source, label: title }) => {
          const s = states.find((x) => x.source === source);
          return (
            <div key={source} className="overlay-source" data-testid={`overlay-${source}`}>
              <div className="overlay-head">
                <label>
                  <input
                    type="checkbox"
                    data-testid={`overlay-${source}-visible`}
                    disabled={!s}
                    checked={!!s?.visible}
                    onChange={(e) => overlays?.setVisible(source, e.target.checked)}
                  />{' '}
                  <strong>{title}</strong>
                </label>
                <FileButton
                  label="Load…"
                  title={`Load a NIfTI labelmap or a DICOM SEG as the ${title.toLowerCase()}`}
                  testId={`overlay-${source}-load`}
                  accept=".nii,.nii.gz,.gz,.dcm,application/dicom"
                  onFile={(f) => onLoadFile(source, f)}
                />
              </div>
              {warnings[source] && (
                <p className="warning" role="status" data-testid={`overlay-${source}-warning`}>
                  ⚠ {warnings[source]}
                </p>
              )}
              {!s && <p className="muted">None loaded.</p>}
              {s && (
                <>
                  <p className="muted overlay-title">{s.title}</p>
                  <div className="overlay-style">
                    <label>
                      <input
                        type="checkbox"
                        checked={s.style.fill}
                        data-testid={`overlay-${source}-fill`}
                        onChange={(e) => overlays?.setStyle(source, { fill: e.target.checked })}
                      />{' '}
                      fill
                    </label>
                    <label>
                      <input
                        type="checkbox"
                        checked={s.style.outline}
                        data-testid={`overlay-${source}-outline`}
                        onChange={(e) => overlays?.setStyle(source, { outline: e.target.checked })}
                      />{' '}
                      outline
                    </label>
                    <label>
                      opacity{' '}
                      <input
                        type="range"
                        min={0}
                        max={1}
                        step={0.05}
                        value={s.style.opacity}
                        aria-label={`${source} opacity`}
                        onChange={(e) =>
                          overlays?.setStyle(source, { opacity: Number(e.target.value) })
                        }
                      />
                    </label>
                  </div>
                  <StructureList
                    source={source}
                    state={s}
                    overlays={overlays}
                    onGoToStructure={onGoToStructure}
                    selected={selected?.[source]}
                  />
                </>
              )}
            </div>
          );
        })}
    </section>
  );
}
