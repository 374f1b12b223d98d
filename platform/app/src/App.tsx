import { useEffect, useState } from 'react';
import { loadAppConfig, type AppConfig } from './appConfig.ts';
import { bootApp, type BootedApp } from './boot.ts';
import { useLocation } from './router.ts';
import { StudyList } from './studyList/StudyList.tsx';
import { Viewer } from './viewer/Viewer.tsx';

export function App() {
  const [app, setApp] = useState<{ booted: BootedApp; config: AppConfig } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loc = useLocation();

  useEffect(() => {
    loadAppConfig()
      .then(async (config) => ({ booted: await bootApp(config), config }))
      .then(setApp, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  const viewerMatch = /^\/viewer\/([^/]+)\/?$/.exec(loc.pathname);
  const mode =
    viewerMatch &&
    app?.booted.modes.find((m) => m.modeFactory().routeName === decodeURIComponent(viewerMatch[1]));

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
        {!app && !error && <p className="muted">Starting…</p>}
        {app && viewerMatch && !mode && (
          <p className="error" role="alert">
            No mode is registered for the route “{decodeURIComponent(viewerMatch[1])}”.
          </p>
        )}
        {app && mode && (
          <Viewer
            key={loc.search}
            app={app.booted}
            config={app.config}
            mode={mode.modeFactory()}
            studyUID={loc.searchParams.get('StudyInstanceUIDs') ?? ''}
            dataSourceName={loc.searchParams.get('dataSource') ?? app.config.defaultDataSourceName}
          />
        )}
        {app && !viewerMatch && (
          <StudyList
            config={app.config}
            app={app.booted}
            dataSourceName={loc.searchParams.get('dataSource') ?? app.config.defaultDataSourceName}
          />
        )}
      </main>
    </>
  );
}
