/**
 * A local HTTP server that answers every request with one status and body (a provider refusing the
 * key, a web server's HTML page where the API should be), counting what reached it. Servers started
 * in a test are closed after it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface FixedServer {
  /** The server's base URL as an OpenAI-compatible client wants it (…/v1). */
  readonly url: string;
  /** Requests that reached it. */
  hits(): number;
}

export function useFixedServers(): (status: number, contentType: string, body: string) => Promise<FixedServer> {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(resolve);
          }),
      ),
    );
  });
  return async (status, contentType, body) => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits += 1;
      req.resume();
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, hits: () => hits };
  };
}
