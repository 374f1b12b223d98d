import { useEffect, useState } from 'react';
import { appConfig } from './appConfig.ts';
import { bootApp, type BootedApp } from './boot.ts';

export function App() {
  const [app, setApp] = useState<BootedApp | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    bootApp(appConfig).then(setApp, (e: unknown) =>
      setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  return (
    <>
      <header className="app-header">
        <h1>Concord</h1>
        <span className="muted">model vs annotator</span>
      </header>
      <main>
        {error && (
          <p className="error" role="alert">
            Could not start the viewer: {error}
          </p>
        )}
        {!app && !error && <p className="muted">Starting…</p>}
        {app && (
          <section data-testid="boot-status">
            <h2>Extensions</h2>
            <ul>
              {app.extensionManager.registeredExtensionIds.map((id) => (
                <li key={id}>{id}</li>
              ))}
            </ul>
            <h2>Modes</h2>
            <ul>
              {app.modes.map((m) => (
                <li key={m.id}>{m.modeFactory().displayName}</li>
              ))}
            </ul>
          </section>
        )}
      </main>
    </>
  );
}
