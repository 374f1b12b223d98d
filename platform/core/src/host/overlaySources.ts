/**
 * The overlay sources a host shows: its own (reference, prediction) and those extensions
 * register. Pure bookkeeping, no rendering: a viewer keeps one registry and asks it for each
 * source's default style, outline width and order.
 */
import type { OverlaySource, OverlaySourceDefinition, OverlayStyle } from './types.ts';

/**
 * Name of the utility module entry (OHIF `getUtilityModule`) in which an extension declares
 * its overlay sources: `{ name: OVERLAY_SOURCES_MODULE, exports: { sources: OverlaySourceDefinition[] } }`.
 */
export const OVERLAY_SOURCES_MODULE = 'overlaySources';

/** The host's own sources: the annotator's reference (outlined) and the model's prediction (filled). */
export const HOST_OVERLAY_SOURCES: readonly OverlaySourceDefinition[] = [
  {
    id: 'reference',
    label: 'Reference (annotator)',
    role: 'structures',
    defaultStyle: { fill: false, outline: true, opacity: 0.5 },
    outlineWidth: 2,
  },
  {
    id: 'prediction',
    label: 'Model',
    role: 'structures',
    defaultStyle: { fill: true, outline: false, opacity: 0.45 },
  },
];

export interface OverlaySourceRegistry {
  /** Adds a source (or replaces the definition of one with the same id); returns its removal. */
  register(definition: OverlaySourceDefinition): () => void;
  get(id: OverlaySource): OverlaySourceDefinition | undefined;
  /** Definition of a source, or an error naming the sources there are. */
  require(id: OverlaySource): OverlaySourceDefinition;
  /** Every source, the host's first, then in registration order. */
  list(): OverlaySourceDefinition[];
  /** Called after every register/unregister. */
  subscribe(fn: () => void): () => void;
}

function checked(d: OverlaySourceDefinition): OverlaySourceDefinition {
  if (!d.id) throw new Error('An overlay source needs an id');
  const { opacity } = d.defaultStyle;
  if (!(opacity >= 0 && opacity <= 1))
    throw new Error(`Overlay source "${d.id}": opacity ${opacity} is not within 0..1`);
  return { ...d, defaultStyle: { ...d.defaultStyle } };
}

export function createOverlaySourceRegistry(
  initial: readonly OverlaySourceDefinition[] = HOST_OVERLAY_SOURCES,
): OverlaySourceRegistry {
  const sources = new Map<OverlaySource, OverlaySourceDefinition>();
  const listeners = new Set<() => void>();
  const emit = () => {
    for (const fn of listeners) fn();
  };
  for (const d of initial) sources.set(d.id, checked(d));
  return {
    register(definition) {
      const d = checked(definition);
      sources.set(d.id, d);
      emit();
      return () => {
        if (sources.get(d.id) !== d) return; // replaced since: not ours to remove
        sources.delete(d.id);
        emit();
      };
    },
    get: (id) => sources.get(id),
    require(id) {
      const d = sources.get(id);
      if (!d)
        throw new Error(
          `Unknown overlay source "${id}" (registered: ${[...sources.keys()].join(', ')})`,
        );
      return d;
    },
    list: () => [...sources.values()],
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

/**
 * The overlay sources extensions declare in their utility modules, from OHIF's
 * `extensionManager.getModulesByType('utilityModule')` (one item per extension).
 */
export function declaredOverlaySources(
  utilityModules: ReadonlyArray<{ module: unknown }> | undefined,
): OverlaySourceDefinition[] {
  const out: OverlaySourceDefinition[] = [];
  for (const { module } of utilityModules ?? []) {
    for (const entry of (module as Array<{ name?: string; exports?: unknown }>) ?? []) {
      if (entry?.name !== OVERLAY_SOURCES_MODULE) continue;
      const sources = (entry.exports as { sources?: OverlaySourceDefinition[] })?.sources;
      if (Array.isArray(sources)) out.push(...sources);
    }
  }
  return out;
}

/**
 * The style a source is drawn with, given its chosen style: while a derived layer (such as
 * the TP/FP/FN disagreement codes) is shown, the structure sets are drawn as outlines only,
 * so that the layer's fill is the only fill on the image and its colours cannot be read as a
 * structure's (docs/metrics.md#disagreement-colours). The chosen style comes back when the
 * layer is hidden.
 */
export function displayedStyle(
  style: OverlayStyle,
  role: OverlaySourceDefinition['role'] | undefined,
  derivedLayerShown: boolean,
): OverlayStyle {
  if (role !== 'structures' || !derivedLayerShown || !style.fill) return style;
  return { ...style, fill: false, outline: true };
}
