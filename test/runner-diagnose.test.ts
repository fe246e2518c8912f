// Which part stopped answering: each probe is real (a closed port refuses, a live server answers),
// and a list of ingresses names only the ones that are down, never the whole list as one URL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHealth, waitForHealth } from '../src/engine/health.js';
import { freePorts } from '../src/engine/ports.js';
import { findDownParts } from '../src/runner/diagnose.js';

let live: Server;
let liveUrl = '';
let closed: number[] = [];

beforeAll(async () => {
  // Answers like a healthy ingress and admin API would (200 on every path).
  live = createServer((_, response) => response.end('ok'));
  await new Promise<void>((resolve) => live.listen(0, '127.0.0.1', resolve));
  liveUrl = `http://127.0.0.1:${(live.address() as AddressInfo).port}`;
  closed = await freePorts(3);
});

afterAll(async () => {
  await new Promise((resolve) => live.close(resolve));
});

describe('engine health of an ingress list', () => {
  it('names the ingress that is down, not the whole list', async () => {
    const down = `http://127.0.0.1:${closed[0] ?? 0}`;
    const health = await engineHealth({ ingressUrl: `${liveUrl},${down}`, adminUrl: liveUrl });
    expect(health).toMatchObject({ admin: true, ingress: false, ingressDown: [down] });
    await expect(waitForHealth({ ingressUrl: `${liveUrl},${down}`, adminUrl: liveUrl, timeoutMs: 300 })).rejects.toThrow(
      new RegExp(`: ingress ${down} not answering$`),
    );
  });
});

describe('findDownParts', () => {
  it('names the engine, the endpoint and the database when none answers', async () => {
    const [ingress = 0, admin = 0, endpoint = 0] = closed;
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${endpoint}/postgres`, connectionTimeoutMillis: 2_000 });
    pool.on('error', () => undefined);
    try {
      const down = await findDownParts({
        ingressUrls: [`http://127.0.0.1:${ingress}`],
        adminUrl: `http://127.0.0.1:${admin}`,
        endpointUrl: `http://127.0.0.1:${endpoint}`,
        pool,
      });
      expect(down).toEqual([
        `the engine's ingress http://127.0.0.1:${ingress} does not answer`,
        `the engine's admin API http://127.0.0.1:${admin} does not answer`,
        `the service endpoint http://127.0.0.1:${endpoint} does not accept connections (ECONNREFUSED)`,
        expect.stringMatching(/^the database does not answer \(.*ECONNREFUSED/),
      ]);
    } finally {
      await pool.end();
    }
  });

  it('is empty when every part answers', async () => {
    const pool = { query: () => Promise.resolve({ rows: [] }) } as unknown as pg.Pool;
    expect(await findDownParts({ ingressUrls: [liveUrl], adminUrl: liveUrl, endpointUrl: liveUrl, pool })).toEqual([]);
  });
});
