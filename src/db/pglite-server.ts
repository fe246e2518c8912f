/**
 * Serves a PGlite database on a TCP port so node-postgres (and other processes) reach it exactly
 * like a Postgres server. pglite-socket's handler speaks the wire protocol; the session queue
 * (pglite-session.ts) decides whose messages run, which pglite-socket's own server gets wrong for
 * concurrent parameterized queries.
 */
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SessionQueue } from './pglite-session.js';

export interface PGliteServer {
  readonly host: string;
  readonly port: number;
  /** Closes every connection and stops listening; PGlite itself stays open (the caller owns it). */
  stop(): Promise<void>;
}

export interface ServeOptions {
  readonly host?: string;
  /** 0 (default): a free port chosen by the system. */
  readonly port?: number;
  readonly maxConnections?: number;
}

export async function servePGlite(db: PGlite, options: ServeOptions = {}): Promise<PGliteServer> {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 64;
  const queue = new SessionQueue(db);
  // The handler is typed against pglite-socket's queue class (private members); ours has its public shape.
  const queryQueue = queue as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const handlers = new Set<PGLiteSocketHandler>();

  const server = createServer((socket: Socket) => {
    if (handlers.size >= maxConnections) {
      socket.destroy();
      return;
    }
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    host,
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      handlers.clear();
      await closed;
      await queue.idle();
    },
  };
}
