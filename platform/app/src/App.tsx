import { lazy, Suspense, useEffect, useState } from 'react';
import { userMessage } from '@concord/core';
import { loadAppConfig } from './appConfig.ts';
import { bootOhif, createCore, type BootedApp, type CoreApp } from './boot.ts';
import { useLocation } from './router.ts';
import { StudyList } from './studyList/StudyList.tsx';
import { Viewer } from './viewer/Viewer.tsx';

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

  return (
    <>
      <header className="app-header">
        <a href="/" className="brand">
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
        {core && mode && (
          <Viewer
            key={loc.search}
            core={core}
            ohif={ohif}
            mode={mode.modeFactory()}
            studyUID={loc.searchParams.get('StudyInstanceUIDs') ?? ''}
            dataSourceName={loc.searchParams.get('dataSource') ?? core.config.defaultDataSourceName}
          />
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
