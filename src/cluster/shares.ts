/**
 * Which service process ran the workflows of the latest run: every save records its process as
 * host:pid (src/db/classifications.ts), so a service's share is its pid's saves over the run's.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { savesByService } from '../db/progress.js';
import { latestRun } from '../db/runs.js';

export interface RunShares {
  readonly run_id: string;
  readonly saved: number;
  /** Share of the run's saves by each pid; a pid of an earlier process of the service is not listed. */
  readonly byPid: ReadonlyMap<number, number>;
}

export type DatabaseProbe = { readonly up: false } | { readonly up: true; readonly latest: RunShares | null };

/** Whether the database answers and, if so, the latest run's shares (null before the first run); never throws. */
export async function probeDatabase(url: string): Promise<DatabaseProbe> {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 3_000 });
  pool.on('error', () => undefined);
  try {
    const run = await latestRun(pool);
    if (run === null) return { up: true, latest: null };
    const saves = await savesByService(pool, run.id);
    const saved = [...saves.values()].reduce((sum, n) => sum + n, 0);
    const here = `${hostname()}:`;
    const byPid = new Map<number, number>();
    for (const [service, n] of saves) {
      if (service.startsWith(here) && saved > 0) byPid.set(Number(service.slice(here.length)), n / saved);
    }
    return { up: true, latest: { run_id: run.id, saved, byPid } };
  } catch {
    return { up: false };
  } finally {
    await pool.end();
  }
}
