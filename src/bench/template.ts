/**
 * One embedded database created and migrated once per bench, copied into each phase's data
 * directory. Creating PGlite runs its WebAssembly initdb, which takes seconds and leaves the process
 * that did it at ~850 MiB (WebAssembly memory never shrinks); a daemon that opens an existing
 * database holds far less. The copy makes every phase's database process what a `classify` user's
 * is after the first run, and measures that, not the one-time creation.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { openDatabase } from '../db/connect.js';
import { startDatabaseDaemon, stopDatabaseDaemon } from '../db/daemon.js';

/** Creates `<dir>/pgdata` (empty, migrated) with a daemon of its own, stopped afterwards so the files are closed. */
export async function createDatabaseTemplate(dir: string): Promise<string> {
  await startDatabaseDaemon(dir);
  try {
    // Connects to the daemon (its server file), runs the migrations, closes the pool.
    const db = await openDatabase({ env: {}, dataDir: dir });
    await db.close();
  } finally {
    await stopDatabaseDaemon(dir);
  }
  return join(dir, 'pgdata');
}

export async function copyDatabaseTemplate(pgdata: string, dataDir: string): Promise<void> {
  await cp(pgdata, join(dataDir, 'pgdata'), { recursive: true });
}
