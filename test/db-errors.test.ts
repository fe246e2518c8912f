/**
 * Database errors by kind (src/db/errors.ts): permanent (SQLSTATE classes 22 and 23) or transient
 * (everything else). First by code, then on the errors the real servers raise: the embedded PGlite
 * served over the wire (as the product reaches it), PGlite in process, and Postgres when
 * TEST_DATABASE_URL is set. Also: the save's retries outlast a 10-second outage, and stay bounded.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classifyDbError } from '../src/db/errors.js';
import { servePGlite, type PGliteServer } from '../src/db/pglite-server.js';
import { freePorts } from '../src/engine/ports.js';
import { SAVE_RETRY, type StepRetry } from '../src/workflow/options.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() ?? '';

/** An error as node-postgres raises it: a message and a code. */
function coded(code: string, message = 'refused'): Error {
  return Object.assign(new Error(message), { code });
}

/** Runs `text` and returns what it threw (fails the test if it did not throw). */
async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('classifyDbError by code', () => {
  test.each([
    ['23514', 'check_violation'],
    ['23505', 'unique_violation'],
    ['23502', 'not_null_violation'],
    ['23503', 'foreign_key_violation'],
    ['22001', 'string_data_right_truncation'],
    ['22003', 'numeric_value_out_of_range'],
    ['22012', 'division_by_zero'],
    ['22P02', 'invalid_text_representation'],
    ['22021', 'character_not_in_repertoire'],
  ])('%s (%s) is permanent', (code) => {
    expect(classifyDbError(coded(code, 'no'))).toEqual({ kind: 'permanent', sqlstate: code, reason: `no (SQLSTATE ${code})` });
  });

  test.each([
    ['08006', 'connection_failure'],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock_detected'],
    ['57P01', 'admin_shutdown'],
    ['57P03', 'cannot_connect_now'],
    ['53300', 'too_many_connections'],
    ['55P03', 'lock_not_available'],
  ])('%s (%s) is transient', (code) => {
    expect(classifyDbError(coded(code, 'later'))).toEqual({ kind: 'transient', sqlstate: code, reason: `later (SQLSTATE ${code})` });
  });

  test.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'])('a connection error (%s) is transient, without a SQLSTATE', (code) => {
    expect(classifyDbError(coded(code, `connect ${code}`))).toEqual({ kind: 'transient', sqlstate: null, reason: `connect ${code}` });
  });

  test('what is not a database error is transient: retried, within bounds', () => {
    expect(classifyDbError(new Error('Connection terminated unexpectedly'))).toMatchObject({ kind: 'transient', sqlstate: null });
    expect(classifyDbError('a string')).toEqual({ kind: 'transient', sqlstate: null, reason: 'a string' });
    expect(classifyDbError(null)).toMatchObject({ kind: 'transient', sqlstate: null });
    expect(classifyDbError(coded('23', 'not five characters'))).toMatchObject({ kind: 'transient', sqlstate: null });
    expect(classifyDbError(Object.assign(new Error('numeric code'), { code: 23514 }))).toMatchObject({ kind: 'transient', sqlstate: null });
  });
});

const CHECKED = 'CREATE TEMP TABLE checked (n integer CONSTRAINT n_positive CHECK (n > 0))';

describe('classifyDbError on the embedded database, as the product reaches it (node-postgres over the wire)', () => {
  let db: PGlite;
  let server: PGliteServer;
  let client: pg.Client;

  beforeAll(async () => {
    db = await PGlite.create();
    server = await servePGlite(db);
    client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    await client.query(CHECKED);
  }, 120_000); // a fresh PGlite takes a while on a small machine (initdb)

  afterAll(async () => {
    await client.end();
    await server.stop();
    await db.close();
  });

  test('a CHECK violation is permanent, with its constraint and SQLSTATE in the reason', async () => {
    const classified = classifyDbError(await thrown(() => client.query('INSERT INTO checked VALUES (0)')));
    expect(classified).toEqual({
      kind: 'permanent',
      sqlstate: '23514',
      reason: 'new row for relation "checked" violates check constraint "n_positive" (SQLSTATE 23514)',
    });
  });

  test('a data exception is permanent', async () => {
    expect(classifyDbError(await thrown(() => client.query('SELECT 1 / 0')))).toMatchObject({ kind: 'permanent', sqlstate: '22012' });
  });

  test('PGlite in process raises the same codes', async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS checked_here (n integer CHECK (n > 0))');
    expect(classifyDbError(await thrown(() => db.query('INSERT INTO checked_here VALUES (0)')))).toMatchObject({ kind: 'permanent', sqlstate: '23514' });
  });

  test('a server that is not there is transient', async () => {
    const [port = 1] = await freePorts(1);
    const nobody = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 2_000 });
    const error = await thrown(() => nobody.connect());
    expect(classifyDbError(error)).toMatchObject({ kind: 'transient', sqlstate: null });
  });
});

describe.runIf(TEST_DATABASE_URL !== '')('classifyDbError on Postgres', () => {
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  test('a CHECK violation is permanent; a value out of range too', async () => {
    const client = await connect();
    try {
      await client.query(CHECKED);
      expect(classifyDbError(await thrown(() => client.query('INSERT INTO checked VALUES (0)')))).toMatchObject({ kind: 'permanent', sqlstate: '23514' });
      expect(classifyDbError(await thrown(() => client.query('SELECT 2147483647::integer + 1')))).toMatchObject({ kind: 'permanent', sqlstate: '22003' });
    } finally {
      await client.end();
    }
  });

  test('the server ending the session (admin shutdown, 57P01) is transient', async () => {
    const client = await connect();
    try {
      const error = await thrown(() => client.query('SELECT pg_terminate_backend(pg_backend_pid())'));
      expect(classifyDbError(error)).toMatchObject({ kind: 'transient', sqlstate: '57P01' });
    } finally {
      await client.end().catch(() => undefined);
    }
  });
});

/** How long a step waits in all before its last attempt: the SDK's exponential backoff, capped. */
function totalWaitMs(retry: StepRetry): number {
  const attempts = retry.maxRetryAttempts ?? 1;
  const factor = retry.retryIntervalFactor ?? 2;
  const max = Number(retry.maxRetryInterval ?? 10_000);
  let interval = Number(retry.initialRetryInterval ?? 50);
  let total = 0;
  for (let retryNo = 1; retryNo < attempts; retryNo += 1) {
    total += Math.min(interval, max);
    interval *= factor;
  }
  return total;
}

describe('the save retry policy', () => {
  test('outlasts a 10-second outage with room for the restart, and gives up within a minute', () => {
    expect(totalWaitMs(SAVE_RETRY)).toBeGreaterThanOrEqual(30_000);
    expect(totalWaitMs(SAVE_RETRY)).toBeLessThanOrEqual(60_000);
    // Once the database is back, the next attempt comes within 5 s.
    expect(Number(SAVE_RETRY.maxRetryInterval)).toBeLessThanOrEqual(5_000);
  });
});
