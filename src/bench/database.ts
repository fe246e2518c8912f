/**
 * What a phase's database holds once its run is over, read on a connection of the bench's own: the
 * run's classifications and failures (to check the report's counts against) and each
 * classification's save time (the database's clock), from which the tenths are computed.
 */
import pg from 'pg';
import { z } from 'zod';

export interface RunRows {
  readonly classifications: number;
  readonly failures: number;
  /** Save times (ms since the epoch) of the run's classifications. */
  readonly savedAt: number[];
}

const SavedRow = z.object({ saved_at: z.date() });
const CountRow = z.object({ n: z.number().int() });

/** One connection of its own per read: the daemon may be stopped right after. */
async function withClient<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The run's rows in `classifications` and `failures`. */
export function runRows(url: string, runId: string): Promise<RunRows> {
  return withClient(url, async (client) => {
    const saved = await client.query('SELECT updated_at AS saved_at FROM classifications WHERE run_id = $1', [runId]);
    const failures = await client.query('SELECT count(*)::int AS n FROM failures WHERE run_id = $1', [runId]);
    const savedAt = saved.rows.map((row) => SavedRow.parse(row).saved_at.getTime());
    return { classifications: savedAt.length, failures: CountRow.parse(failures.rows[0]).n, savedAt };
  });
}

/** The bare workflow's saves (src/bench/bare-workflow.ts writes them). */
export function bareRows(url: string): Promise<RunRows> {
  return withClient(url, async (client) => {
    const saved = await client.query('SELECT saved_at FROM bench_bare_saves');
    const savedAt = saved.rows.map((row) => SavedRow.parse(row).saved_at.getTime());
    return { classifications: savedAt.length, failures: 0, savedAt };
  });
}
