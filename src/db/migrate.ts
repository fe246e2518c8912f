/**
 * Applies the migrations a database lacks, in order, in one transaction under an advisory lock, so
 * two processes opening the same database at once apply each migration exactly once.
 *
 * Each applied migration's checksum (sha256 of its SQL text) is stored, and every start compares the
 * stored ones with the code's: a migration edited after a database applied it would leave that
 * database and a fresh one with different schemas, silently, so it stops the start instead.
 */
import { createHash } from 'node:crypto';
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
    // Databases migrated before checksums were stored have none: the first start records them.
    await client.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text');
    const { rows } = await client.query<{ version: number; checksum: string | null }>('SELECT version, checksum FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    await verifyChecksums(client, migrations, rows);
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
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migrationChecksum(migration),
      ]);
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

/** The sha256 hex of a migration's SQL text, as stored in `schema_migrations.checksum`. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/** A migration the database applied was edited since: its SQL no longer hashes to what was stored. */
export class EditedMigrationError extends Error {
  constructor(
    readonly migration: Migration,
    readonly stored: string,
    readonly current: string,
  ) {
    super(
      `migration ${migration.version} (${migration.name}) was edited after this database applied it: ` +
        `stored checksum ${stored.slice(0, 12)}…, this classify's ${current.slice(0, 12)}…; ` +
        'a shipped migration must never change: restore it and put the change in a new migration',
    );
    this.name = 'EditedMigrationError';
  }
}

async function verifyChecksums(client: pg.PoolClient, migrations: readonly Migration[], rows: readonly { version: number; checksum: string | null }[]): Promise<void> {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const row of rows) {
    const migration = byVersion.get(row.version);
    if (migration === undefined) continue; // a newer database: refused by the caller
    const current = migrationChecksum(migration);
    if (row.checksum === null) {
      await client.query('UPDATE schema_migrations SET checksum = $1 WHERE version = $2', [current, row.version]);
    } else if (row.checksum !== current) {
      throw new EditedMigrationError(migration, row.checksum, current);
    }
  }
}
