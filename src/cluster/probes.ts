/** Health probes of the cluster's parts: HTTP/1 for the nodes (as the engine), HTTP/2 for the services and the load balancer. */
import http2 from 'node:http2';
import { connect, createServer } from 'node:net';
import { adminHealthUrl, ingressHealthUrl, partitionsReady, probe } from '../engine/health.js';

/** A `classify serve` endpoint speaks HTTP/2 cleartext only (h2c, prior knowledge): fetch cannot ask it. */
export function probeH2(url: string, path = '/health', timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const session = http2.connect(url);
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    session.on('error', () => {
      done(false);
    });
    const request = session.request({ ':method': 'GET', ':path': path });
    request.on('response', (headers) => {
      const status = Number(headers[':status']);
      done(status >= 200 && status < 300);
    });
    request.on('error', () => {
      done(false);
    });
    request.end();
  });
}

export interface NodeHealth {
  readonly admin: boolean;
  readonly ingress: boolean;
}

export async function nodeHealth(urls: { admin_url: string; ingress_url: string }): Promise<NodeHealth> {
  const [admin, ingress] = await Promise.all([probe(adminHealthUrl(urls.admin_url)), probe(ingressHealthUrl(urls.ingress_url))]);
  return { admin, ingress };
}

/** A query over every partition answers: the cluster is provisioned and each partition has a leader. */
export function clusterPartitionsReady(adminUrl: string): Promise<boolean> {
  return partitionsReady(adminUrl);
}

/**
 * Partitions whose processor leads on this node: restate-server's own gauge on its node port's
 * `/metrics` (the SQL endpoint has no partition table). Null when the node does not answer.
 */
export async function partitionsLed(nodePort: number, host = '127.0.0.1', timeoutMs = 2_000): Promise<number | null> {
  try {
    const response = await fetch(`http://${host}:${nodePort}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    return leadersFromMetrics(await response.text());
  } catch {
    return null;
  }
}

/** The value of `restate_num_active_partition_leaders` in a Prometheus text page (0 before any partition runs). */
export function leadersFromMetrics(page: string): number {
  const line = page.split('\n').find((row) => row.startsWith('restate_num_active_partition_leaders'));
  const value = Number(line?.trim().split(/\s+/).at(-1));
  return Number.isFinite(value) ? value : 0;
}

export function tcpAccepts(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: timeoutMs }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => {
      resolve(false);
    });
  });
}

/** Whether nothing listens on host:port (a listen attempt succeeds). */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `check` until true; `failed` names a reason to give up at once (the process exited). */
export async function waitUntil(what: string, check: () => Promise<boolean>, options: { timeoutMs: number; failed?: () => string | null; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const reason = options.failed?.() ?? null;
    if (reason !== null) throw new Error(`${what}: ${reason}`);
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`${what}: not ready after ${Math.round(options.timeoutMs / 1000)} s`);
    await sleep(options.intervalMs ?? 250);
  }
}
