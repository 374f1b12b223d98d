/**
 * Concord's panels in stock OHIF as "islands": OHIF shares no React with runtime plugins, so a
 * component of ours that OHIF renders must not call hooks (React error #321). The component
 * OHIF gets is hook-free and renders one `div`; its ref callback mounts Concord's own React
 * root there (islandRoot.tsx, loaded then: React DOM and the session's code are not part of
 * the plugin entries). docs/ohif.md.
 */
import { createElement, type ComponentType } from 'react';
import type { HostPanelProps } from '@concord/core';
import type { OhifExtensionManager, OhifServicesManager } from './ohifTypes.ts';

interface Mounted {
  unmount(): void;
}

/** Roots by their div, so that a re-render of OHIF (new ref callback) keeps the panel's state. */
const roots = new WeakMap<
  Element,
  { root: Promise<Mounted>; unmount?: ReturnType<typeof setTimeout> }
>();

export interface IslandSource {
  servicesManager: OhifServicesManager;
  extensionManager: OhifExtensionManager;
}

/**
 * A hook-free component for OHIF's panel module that shows `panel` (a Concord panel taking
 * `HostPanelProps`) in its own React root, on the viewer's current host.
 */
export function islandPanel(
  panel: ComponentType<HostPanelProps>,
  name: string,
  source: IslandSource,
): ComponentType<Record<string, unknown>> {
  function ConcordPanelIsland() {
    let node: HTMLElement | null = null;
    const ref = (el: HTMLElement | null) => {
      if (el) {
        node = el;
        const existing = roots.get(el);
        if (existing) {
          clearTimeout(existing.unmount);
          existing.unmount = undefined;
          return;
        }
        const root = import('./islandRoot.tsx').then((m) => m.mountIsland(el, panel, name, source));
        root.catch((e: unknown) => {
          el.textContent = `Concord's ${name} panel did not load: ${(e as Error).message}`;
        });
        roots.set(el, { root });
      } else if (node) {
        const entry = roots.get(node);
        const gone = node;
        node = null;
        if (entry)
          // after OHIF's commit: a re-render attaches the same div again and cancels this
          entry.unmount = setTimeout(() => {
            void entry.root.then((r) => r.unmount());
            roots.delete(gone);
          }, 0);
      }
    };
    // an element of Concord's React: OHIF's React 18 renders it like its own (same element symbol)
    return createElement('div', { ref, className: 'concord-island', 'data-concord-panel': name });
  }
  ConcordPanelIsland.displayName = `ConcordPanelIsland(${name})`;
  return ConcordPanelIsland as ComponentType<Record<string, unknown>>;
}
