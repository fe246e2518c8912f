/** Starting the dashboard: the app of app.ts on a node HTTP server, resolved once it listens. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

export function listen(app: Hono, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const onError = (error: Error) => {
      reject(error);
    };
    server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server?.off('error', onError);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}/`,
        close: () =>
          new Promise((done) => {
            // Polling pages keep connections alive: close them, or close() waits for their timeout.
            if (server !== undefined && 'closeAllConnections' in server) server.closeAllConnections();
            server?.close(() => {
              done();
            });
          }),
      });
    });
    server.once('error', onError);
  });
}
