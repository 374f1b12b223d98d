import { lazy, Suspense, useEffect, useState } from 'react';
import { userMessage } from '@concord/core';
import { loadAppConfig } from './appConfig.ts';
import { bootOhif, createCore, type BootedApp, type CoreApp } from './boot.ts';
import { navigate, useLocation } from './router.ts';
import { StudyList } from './studyList/StudyList.tsx';
import { Viewer, type OpenedCase } from './viewer/Viewer.tsx';
import { CASE_PARAMS, cohortReturnUrl } from './caseLinks.ts';

// the cohort view (docs/cohort.md) is its own chunk: the charts load only there
const CohortPage = lazy(() =>
  import('./cohort/CohortPage.tsx').then((m) => ({ default: m.CohortPage })),
);

export function App() {
  const [core, setCore] = useState<CoreApp | null>(null);
  const [ohif, setOhif] = useState<BootedApp | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loc = useLocation();

  useEffect(() => {
    loadAppConfig().then((config) => {
      setCore(createCore(config));
      // OHIF managers + extensions load in parallel with the first image
      bootOhif(config).then(setOhif, (e: unknown) => setError(userMessage(e)));
    });
  }, []);

  const viewerMatch = /^\/viewer\/([^/]+)\/?$/.exec(loc.pathname);
  const route = viewerMatch ? decodeURIComponent(viewerMatch[1]) : null;
  const mode = route && core?.modes.find((m) => m.modeFactory().routeName === route);
  const cohort = /^\/cohort\/?$/.test(loc.pathname);

  // The last viewer stays mounted (hidden) while the study list is shown: going back to it
  // (the browser's Back, or opening the same study again) finds its overlays, model results
  // and metrics as they were. Another study replaces it: one viewer, one WebGL context.
  const [kept, setKept] = useState<{ route: string; search: string } | null>(null);
  useEffect(() => {
    if (route && mode) setKept({ route, search: loc.search });
  }, [route, mode, loc.search]);
  const shown = route && mode ? { route, search: loc.search } : kept;
  const shownMode = shown && core?.modes.find((m) => m.modeFactory().routeName === shown.route);
  const shownParams = new URLSearchParams(shown?.search ?? '');
  const openedCase = openedCaseOf(shownParams);

  return (
    <>
      <header className="app-header">
        <a
          href="/"
          className="brand"
          onClick={(e) => {
            // in-app navigation: a reload would drop the dropped files and the results
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
            e.preventDefault();
            navigate('/');
          }}
        >
          <h1>Concord</h1>
        </a>
        <span className="muted">model vs annotator</span>
      </header>
      <main>
        {error && (
          <p className="error" role="alert">
            Could not start the viewer: {error}
          </p>
        )}
        {!core && !error && <p className="muted">Starting…</p>}
        {core && route && !mode && (
          <p className="error" role="alert">
            No mode is registered for the route “{route}”.
          </p>
        )}
        {core && shown && shownMode && (
          <div className="viewer-route" hidden={!(route && mode)} data-testid="viewer-route">
            <Viewer
              key={shown.search}
              core={core}
              ohif={ohif}
              mode={shownMode.modeFactory()}
              active={!!(route && mode)}
              studyUID={shownParams.get('StudyInstanceUIDs') ?? ''}
              dataSourceName={shownParams.get('dataSource') ?? core.config.defaultDataSourceName}
              openedCase={openedCase}
            />
          </div>
        )}
        {cohort && (
          <Suspense fallback={<p className="muted">Loading the cohort view…</p>}>
            <CohortPage search={loc.searchParams} />
          </Suspense>
        )}
        {core && !route && !cohort && (
          <StudyList
            core={core}
            ohif={ohif}
            dataSourceName={loc.searchParams.get('dataSource') ?? core.config.defaultDataSourceName}
          />
        )}
      </main>
    </>
  );
}

/** A case opened from the cohort view, from the viewer's address (docs/cohort.md). */
function openedCaseOf(params: URLSearchParams): OpenedCase | undefined {
  const get = (k: string) => params.get(k) || null;
  const c: OpenedCase = {
    series: get(CASE_PARAMS.series),
    reference: get(CASE_PARAMS.reference),
    prediction: get(CASE_PARAMS.prediction),
    model: get(CASE_PARAMS.model),
    cohortPage: cohortReturnUrl(get(CASE_PARAMS.cohort), location.origin),
  };
  return Object.values(c).some((v) => v !== null) ? c : undefined;
}
