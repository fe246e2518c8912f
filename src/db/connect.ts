/**
 * Opening the database: a Postgres server when DATABASE_URL is set, else the embedded PGlite in the
 * data directory. Either way the caller gets a node-postgres Pool and a migrated schema, so every
 * query in the product is the same SQL on both.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { dataDir as defaultDataDir } from '../config.js';
import { startEmbeddedDatabase } from './embedded.js';
import { migrate } from './migrate.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly pool: pg.Pool;
  /** How to connect, safe to print: any password is masked. */
  readonly url: string;
  readonly kind: DatabaseKind;
  /** Where the data is, for people: the masked URL, or the PGlite directory. */
  readonly location: string;
  /** Ends the pool, then stops the embedded server if this process runs it. */
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides CLASSIFY_DATA_DIR for the embedded database. */
  readonly dataDir?: string;
  /** Pool size; default 10 (the embedded server runs one query at a time anyway). */
  readonly maxConnections?: number;
  /** Where to say that the embedded database is being created (the first open takes a while). */
  readonly log?: (line: string) => void;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  const configured = env.DATABASE_URL?.trim();
  if (configured !== undefined && configured !== '') {
    if (!/^postgres(ql)?:\/\//.test(configured)) {
      throw new Error(`DATABASE_URL must be a postgres:// URL (got ${maskUrl(configured)})`);
    }
    return await withPool('postgres', configured, maskUrl(configured), options, () => Promise.resolve());
  }
  const dir = resolve(options.dataDir ?? defaultDataDir(env));
  if (!existsSync(join(dir, 'pgdata'))) options.log?.(`database: creating the embedded database in ${join(dir, 'pgdata')} (first run only; takes a few seconds)`);
  const embedded = await startEmbeddedDatabase(dir);
  try {
    return await withPool('pglite', embedded.url, `PGlite in ${join(dir, 'pgdata')}`, options, () => embedded.stop());
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

async function withPool(
  kind: DatabaseKind,
  url: string,
  location: string,
  options: OpenOptions,
  stop: () => Promise<void>,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client's connection can drop (server restart); without a listener that would crash the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed = false;
  return {
    pool,
    url: maskUrl(url),
    kind,
    location,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await stop();
    },
  };
}

/** The URL with its password replaced by "***" (and left alone when it does not parse). */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '' && !parsed.searchParams.has('password')) return url;
    if (parsed.password !== '') parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
