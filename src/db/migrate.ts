/**
 * Applies the migrations a database lacks, in order, in one transaction under an advisory lock, so
 * two processes opening the same database at once apply each migration exactly once.
 */
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** An arbitrary constant: the advisory lock every classify process takes to migrate. */
const MIGRATION_LOCK = 4_211_730_001;

export interface MigrationReport {
  /** Versions applied by this call (empty when the database was up to date). */
  readonly applied: number[];
  readonly version: number;
}

export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new Error(`the database schema is at version ${newest}, newer than this classify knows (${latest}); upgrade classify`);
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      // No parameters: sent as one simple query, so a migration may hold several statements.
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(newest, latest) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
