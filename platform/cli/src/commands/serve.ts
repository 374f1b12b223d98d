import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '@concord/core';
import { createStaticServer, listen } from '../server/staticServer.ts';

export const APP_DIST = fileURLToPath(new URL('../../../app/dist', import.meta.url));

export interface ServeOptions {
  port: number;
  host: string;
  appDir?: string;
}

/** `concord serve`: the built viewer with our security headers, bound to loopback by default. */
export async function serve(
  options: ServeOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const appDir = options.appDir ?? APP_DIST;
  if (!existsSync(path.join(appDir, 'index.html'))) {
    throw new InvalidInputError(
      `The viewer is not built (${appDir}/index.html missing): run "npm run build" first`,
    );
  }
  const server = createStaticServer({
    host: options.host,
    port: options.port,
    mounts: [{ prefix: '/', dir: appDir, spaFallback: true }],
  });
  const port = await listen(server, options.host, options.port);
  const url = `http://${options.host}:${port}/`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}
