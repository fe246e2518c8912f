/**
 * A running run's sign of life in the database: `runs.heartbeat_at`, stamped every HEARTBEAT_MS, so
 * `classify status` and the dashboard can tell a run in progress from one whose process is gone.
 * A beat that fails (the database restarting) is skipped: the next one stamps again.
 */
import type pg from 'pg';
import { beat, HEARTBEAT_MS } from '../db/runs.js';

export function startHeartbeat(pool: pg.Pool, runId: string, everyMs = HEARTBEAT_MS): { stop: () => void } {
  const tick = (): void => void beat(pool, runId).catch(() => undefined);
  tick();
  const timer = setInterval(tick, everyMs);
  // The beat never keeps the process alive on its own.
  timer.unref();
  return { stop: () => { clearInterval(timer); } };
}
