/**
 * An HTTP/2 cleartext server for a Restate endpoint handler. Restate keeps one long-lived HTTP/2
 * session per endpoint, so closing destroys the open sessions too — `server.close()` alone would
 * wait for Restate to hang up; in-flight invocations are retried by Restate from their journal.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface Http2Endpoint {
  /** What to register at the admin API, e.g. http://127.0.0.1:9080/v/3f2a9c01b7de */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => void;

/**
 * Listens on `host:port` (0: any free port) and serves `handler` (restate.createEndpointHandler's)
 * under `basePath` only (e.g. `/v/<build version>`). The SDK would answer any prefix (it reads the
 * path's end), so a deployment registered at another version's URL would run this code: such a
 * request is refused with 404 and a JSON body naming the path served (`{"error", "path"}`).
 */
export async function listenHttp2(handler: Handler, port: number, host: string, basePath: string): Promise<Http2Endpoint> {
  const server = http2.createServer((request, response) => {
    const path = new URL(request.url, 'http://endpoint').pathname;
    // /health at the root too: a load balancer's health check knows no version (src/cluster/haproxy.ts).
    if (path.startsWith(`${basePath}/`) || path === '/health') {
      handler(request, response);
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `this endpoint serves ${basePath}, not ${path}`, path: basePath }));
  });
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
    url: `http://${urlHost(host)}:${bound}${basePath}`,
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

/**
 * The URL to register for an endpoint given by its address alone (`http://host:port`, as a person
 * types it): asks it (over HTTP/2, as Restate does) which path it serves, from the 404 that
 * `listenHttp2` answers outside it. A URL that already has a path is returned as it is.
 */
export async function servedUrl(url: string, timeoutMs = 10_000): Promise<string> {
  const parsed = new URL(url);
  if (parsed.pathname !== '/' && parsed.pathname !== '') return url.replace(/\/$/, '');
  const body = await new Promise<string>((resolve, reject) => {
    const session = http2.connect(parsed.origin);
    const fail = (error: Error): void => {
      session.destroy();
      reject(new Error(`cannot reach the service endpoint at ${parsed.origin}: ${error.message}`));
    };
    session.once('error', fail);
    session.setTimeout(timeoutMs, () => { fail(new Error(`no answer in ${timeoutMs / 1000} s`)); });
    const stream = session.request({ ':path': '/', ':method': 'GET' });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.once('error', fail);
    stream.once('end', () => {
      session.close();
      resolve(text);
    });
  });
  let path: unknown;
  try {
    path = (JSON.parse(body) as { path?: unknown }).path;
  } catch {
    path = undefined;
  }
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new Error(`the service endpoint at ${parsed.origin} does not say which path it serves (not a classify serve of this version?): ${body.slice(0, 200)}`);
  }
  return `${parsed.origin}${path}`;
}
