/**
 * The embedded server under concurrency: parameterized queries of different shapes, large enough to
 * arrive in several TCP chunks, from many connections at once, and explicit transactions.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePGlite, type PGliteServer } from '../src/db/pglite-server.js';

let db: PGlite;
let server: PGliteServer;
let pool: pg.Pool;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec('CREATE TABLE a (id int PRIMARY KEY, payload text); CREATE TABLE b (id int PRIMARY KEY, note text)');
  server = await servePGlite(db);
  pool = new pg.Pool({ host: server.host, port: server.port, user: 'postgres', database: 'postgres', max: 16 });
}, 120_000);

afterAll(async () => {
  await pool.end();
  await server.stop();
  await db.close();
});

describe('servePGlite', () => {
  it('keeps concurrent parameterized queries of different shapes apart', async () => {
    const big = 'x'.repeat(300_000);
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      jobs.push(pool.query('INSERT INTO a (id, payload) VALUES ($1, $2)', [i, big]));
      jobs.push(pool.query('INSERT INTO b (id, note) VALUES ($1, $2)', [i, `n${i}`]));
      jobs.push(pool.query('SELECT count(*) FROM a WHERE id > $1', [i]));
    }
    await Promise.all(jobs);
    const { rows } = await pool.query<{ a: number; b: number; bad: number }>(
      `SELECT (SELECT count(*)::int FROM a) AS a, (SELECT count(*)::int FROM b) AS b,
              (SELECT count(*)::int FROM a WHERE length(payload) <> 300000) AS bad`,
    );
    expect(rows[0]).toEqual({ a: 60, b: 60, bad: 0 });
  });

  it('an error in one query does not disturb the queries of other connections', async () => {
    const jobs = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? pool.query('INSERT INTO b (id, note) VALUES ($1, $2)', [-1, 'duplicate after the first']).then(
            () => 'ok',
            () => 'failed',
          )
        : pool.query<{ n: number }>('SELECT $1::int AS n', [i]).then(({ rows }) => (rows[0]?.n === i ? 'ok' : 'wrong')),
    );
    const outcomes = await Promise.all(jobs);
    expect(outcomes.filter((o) => o === 'wrong')).toEqual([]);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(9);
  });

  it('isolates explicit transactions of concurrent connections', async () => {
    await pool.query('CREATE TABLE counter (n int)');
    await pool.query('INSERT INTO counter VALUES (0)');
    const increment = async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ n: number }>('SELECT n FROM counter');
        await new Promise((resolve) => setTimeout(resolve, 1));
        await client.query('UPDATE counter SET n = $1', [(rows[0]?.n ?? 0) + 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 20 }, increment));
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter');
    expect(rows[0]?.n).toBe(20);
  });

  it('frees the session when a connection vanishes inside a transaction', async () => {
    const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO b (id, note) VALUES (1000, $1)', ['never committed']);
    await client.end();
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM b WHERE id = 1000');
    expect(rows[0]?.n).toBe(0);
  });
});
