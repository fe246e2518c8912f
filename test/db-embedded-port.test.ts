/**
 * The embedded database started again serves on the port it had (src/db/embedded.ts): processes
 * still holding the old url (a run, its endpoint) reconnect to it after its server process was
 * killed and restarted, as to a Postgres server restarted in place. A port taken meanwhile: any free one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../src/db/embedded.js';

const SLOW = 120_000;
let base = '';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'classify-embedded-port-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one ?? 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe('the embedded database\'s port', () => {
  it('is the same after a restart, so an open pool reconnects; a new one when it is taken', async () => {
    const dir = join(base, 'data');
    const first = await startEmbeddedDatabase(dir);
    const pool = new pg.Pool({ connectionString: first.url, max: 2 });
    pool.on('error', () => undefined);
    try {
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      await first.stop();
      await expect(pool.query('SELECT 1')).rejects.toThrow();

      const second = await startEmbeddedDatabase(dir);
      expect(second.url).toBe(first.url);
      // The pool made for the first server works again, untouched.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      await second.stop();
    } finally {
      await pool.end();
    }

    // Someone else listens there now: the server takes another port rather than failing.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(portOf(first.url), '127.0.0.1', resolve));
    try {
      const third = await startEmbeddedDatabase(dir);
      expect(portOf(third.url)).not.toBe(portOf(first.url));
      expect(await selectOne(third.url)).toBe(1);
      await third.stop();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, SLOW);
});
