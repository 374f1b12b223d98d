/**
 * The React root of one island (island.ts): an error boundary (a panel that throws must not
 * blank the viewer), the panels' styles for OHIF's dark theme, the reference SEG's status line
 * and the session's current host as the panel's `viewer` prop. docs/ohif.md.
 */
import {
  Component,
  Suspense,
  useSyncExternalStore,
  type ComponentType,
  type ReactNode,
} from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { HostPanelProps } from '@concord/core';
import type { IslandSource } from './island.ts';
import { getOhifSession, type ConcordOhifSession } from './session.ts';
import islandCss from './island.css?inline';

class IslandErrorBoundary extends Component<
  { name: string; children: ReactNode },
  { error: Error | null }
> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel" role="alert" data-testid="concord-panel-error">
        <p className="error">
          The {this.props.name} panel failed: {this.state.error.message}
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Retry
        </button>
      </div>
    );
  }
}

function ReferenceLine({ session }: { session: ConcordOhifSession }) {
  const status = useSyncExternalStore(session.subscribe, () => session.referenceStatus);
  if (status.kind === 'none') return null;
  const text =
    status.kind === 'loading'
      ? `Loading ${status.what}…`
      : status.kind === 'shown'
        ? `Reference: ${status.title} (${status.author})`
        : status.message;
  return (
    <p
      className={`small ${status.kind === 'error' ? 'error' : 'muted'}`}
      data-testid="concord-reference-status"
      data-state={status.kind}
    >
      {text}
    </p>
  );
}

/** Without COOP/COEP the page is not cross-origin isolated: no SharedArrayBuffer, one WASM thread. */
export function isolationNote(isolated: boolean): string | null {
  return isolated
    ? null
    : 'This page is not cross-origin isolated (the server sends no COOP/COEP headers): inference runs single-threaded. docs/ohif.md says how to add them.';
}

function IslandContent({
  session,
  panel: Panel,
  name,
}: {
  session: ConcordOhifSession;
  panel: ComponentType<HostPanelProps>;
  name: string;
}) {
  const host = useSyncExternalStore(session.subscribe, session.current);
  const note = name === 'Model' ? isolationNote(globalThis.crossOriginIsolated === true) : null;
  return (
    <IslandErrorBoundary name={name}>
      <ReferenceLine session={session} />
      {note && (
        <p className="small muted" data-testid="concord-isolation-note">
          {note}
        </p>
      )}
      {host ? (
        <Suspense fallback={<p className="muted">Loading the {name} panel…</p>}>
          <Panel viewer={host} />
        </Suspense>
      ) : (
        <p className="muted">Waiting for an image series in the active viewport…</p>
      )}
    </IslandErrorBoundary>
  );
}

let styleInjected = false;
function injectStyle() {
  if (styleInjected || typeof document === 'undefined') return;
  styleInjected = true;
  const style = document.createElement('style');
  style.dataset.concord = 'ohif-panels';
  style.textContent = islandCss;
  document.head.appendChild(style);
}

/** Mounts Concord's React root with the panel in `el` (called from island.ts). */
export function mountIsland(
  el: HTMLElement,
  panel: ComponentType<HostPanelProps>,
  name: string,
  source: IslandSource,
): { unmount(): void } {
  injectStyle();
  const session = getOhifSession(source.servicesManager, source.extensionManager);
  const root: Root = createRoot(el);
  root.render(<IslandContent session={session} panel={panel} name={name} />);
  return { unmount: () => root.unmount() };
}
