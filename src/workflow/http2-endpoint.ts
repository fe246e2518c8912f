/**
 * An HTTP/2 cleartext server for a Restate endpoint handler. Restate keeps one long-lived HTTP/2
 * session per endpoint, so closing destroys the open sessions too — `server.close()` alone would
 * wait for Restate to hang up; in-flight invocations are retried by Restate from their journal.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface Http2Endpoint {
  /** What to register at the admin API, e.g. http://127.0.0.1:9080 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => void;

/** Listens on `host:port` (0: any free port) and serves `handler` (restate.createEndpointHandler's). */
export async function listenHttp2(handler: Handler, port: number, host: string): Promise<Http2Endpoint> {
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    port: bound,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const session of sessions) session.destroy();
      });
      return closing;
    },
  };
}

/** An IPv6 literal needs brackets in a URL. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
