/**
 * Frozen migrations (issue 11, item 7): no migration reads today's code for its values, each one's
 * SQL is the SQL it shipped with (pinned sha256), and a database stores the checksum of every
 * migration it applied and refuses to start with code whose applied migration was edited.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EditedMigrationError, migrate, migrationChecksum } from '../src/db/migrate.js';
import { MIGRATIONS, type Migration } from '../src/db/migrations/index.js';
import { BACKENDS, useDatabase } from './db-helpers.js';

const MIGRATIONS_DIR = join(import.meta.dirname, '..', 'src', 'db', 'migrations');

/**
 * sha256 of each migration's SQL as shipped. A change here means a shipped migration changed:
 * databases that applied it will not run it again, and now refuse to start. Append, never edit.
 * (003's differs from the SQL it produced just before it was frozen: that SQL followed today's status
 * list, which migration 004 had grown; it is written back to the list of its time.)
 */
const SHIPPED: Readonly<Record<number, string>> = {
  1: '3a3c1514e34530671bf0c3856d1f191f1a1a4d91a601a4191bdc187029ea84f7',
  2: '566ce295271de5080e9dc2cb73064724482a8c9970b174d600f5594e240595c6',
  3: '24da84af30f4b26e3d4a251667073d7742073813abcefa8df0cbb9beb5e16df1',
  4: '9cfd36742668f7fe5091fb92869a95630aaf57ace1ee40aae7fe46dfee1257f4',
  5: '8613359c11c5b8ca425f6188557cfd6a6c268bd2ec9a16b232bd7212e0c1541d',
  6: 'ca67828ab314eeef2f661618a4a61e7862f7be45e2d684d9d1eecc46ab7d4d04',
  7: 'e8aac69c79cf4a32045b225db2570b53ea88b458658a0d4296f8aab67ab534de',
  8: '0b7df33b6e9bbbc9f5eab1beac96e24619e19dd56c86fd0944c4b73a89d0a2dc',
  9: 'b1060a88c83431568e3549a0282d10c6901bd97652e9b2b7061819ca70ac787c',
  10: '2fe77c99b1ae9513840698f483b6b07b1c08f4ae9e71afccbd357de13bd0d713',
};

describe('migrations are frozen', () => {
  it('import nothing but each other: no value computed from today\'s code', async () => {
    const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(MIGRATIONS.length);
    for (const file of files) {
      const text = await readFile(join(MIGRATIONS_DIR, file), 'utf8');
      const sources = [...text.matchAll(/from\s+'([^']+)'/g)].map((match) => match[1]);
      expect(sources.filter((source) => source?.startsWith('./') !== true), file).toEqual([]);
    }
  });

  it('each shipped migration still has the SQL it shipped with', () => {
    const shipped = MIGRATIONS.filter((migration) => migration.version in SHIPPED);
    expect(Object.fromEntries(shipped.map((migration) => [migration.version, migrationChecksum(migration)]))).toEqual(SHIPPED);
  });
});

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`migration checksums on ${name}`, () => {
    const database = useDatabase(name);

    async function stored(): Promise<Record<number, string | null>> {
      const { rows } = await database.db.pool.query<{ version: number; checksum: string | null }>(
        'SELECT version, checksum FROM schema_migrations ORDER BY version',
      );
      return Object.fromEntries(rows.map((row) => [row.version, row.checksum]));
    }

    const expected = (): Record<number, string> => Object.fromEntries(MIGRATIONS.map((migration) => [migration.version, migrationChecksum(migration)]));

    it('are stored for every applied migration', async () => {
      expect(await stored()).toEqual(expected());
    });

    it('an applied migration edited since stops the start with an error naming it, and changes nothing', async () => {
      const edited: Migration[] = MIGRATIONS.map((migration) =>
        migration.version === 2 ? { ...migration, sql: `${migration.sql}\nCREATE INDEX edited_index ON failures (stage);` } : migration,
      );
      const attempt = migrate(database.db.pool, edited);
      await expect(attempt).rejects.toBeInstanceOf(EditedMigrationError);
      await expect(attempt).rejects.toThrow(/^migration 2 \(workflow key indexes\) was edited after this database applied it/);
      expect(await stored()).toEqual(expected());
      // The unedited code starts as before.
      expect((await migrate(database.db.pool)).applied).toEqual([]);
    });

    it('a database migrated before checksums were stored gets them at its next start', async () => {
      await database.db.pool.query('UPDATE schema_migrations SET checksum = NULL');
      expect((await migrate(database.db.pool)).applied).toEqual([]);
      expect(await stored()).toEqual(expected());
    });

    it('a fresh database ends with the statuses migration 004 grew (003 froze the older list)', async () => {
      const { rows } = await database.db.pool.query<{ def: string }>(
        "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'llm_requests_status_enum'",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.def).toContain('unreachable');
      expect(rows[0]?.def).toContain('invalid-response');
    });
  });
}
