/** One row per classification run: its settings when it starts, its counts and timing when it ends. */
import type pg from 'pg';

/**
 * `completed-with-failures`: every indicator finished, some failed (each has a failures row);
 * `stalled`: the run stopped itself because nothing moved or the engine could not be reached;
 * `failed`: the run itself broke (an error before or while submitting).
 */
export type RunStatus = 'running' | 'completed' | 'completed-with-failures' | 'interrupted' | 'stalled' | 'failed';

/**
 * How a run reads: its status, or `lost` for a row still `running` whose process stopped beating
 * (SIGKILL, a crash, the machine gone): nothing will ever finish its record.
 */
export type ReadRunStatus = RunStatus | 'lost';

/** A running run beats every HEARTBEAT_MS; LOST_AFTER_S without a beat and it reads as lost. */
export const HEARTBEAT_MS = 10_000;
export const LOST_AFTER_S = 60;

/** The SQL of a run's read status (the database's clock on both sides, so hosts' clocks don't matter). */
export function readStatusSql(alias: string): string {
  return `CASE WHEN ${alias}.status = 'running' AND coalesce(${alias}.heartbeat_at, ${alias}.started_at) < now() - interval '${LOST_AFTER_S} seconds' THEN 'lost' ELSE ${alias}.status END`;
}

export interface NewRun {
  readonly id: string;
  /** How it classifies, e.g. "rules" or "llm". */
  readonly mode: string;
  /** The options it ran with (JSON): enough to tell two runs apart later. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface RunOutcome {
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly duration_ms: number;
  readonly status: RunStatus;
  /** What the run measured (throughput against target, latency, LLM load, spread), as the report has it. */
  readonly metrics?: Readonly<Record<string, unknown>> | undefined;
}

export interface Run extends Omit<RunOutcome, 'duration_ms' | 'metrics' | 'status'> {
  readonly status: ReadRunStatus;
  /** The last beat of a running run (null before the first, or for a run from before beats). */
  readonly heartbeat_at: Date | null;
  /** Null while the run is running, or for a run that ended without measuring. */
  readonly metrics: Record<string, unknown> | null;
  /** Null while the run is running. */
  readonly duration_ms: number | null;
  readonly id: string;
  readonly mode: string;
  readonly settings: Record<string, unknown>;
  readonly started_at: Date;
  readonly finished_at: Date | null;
}

/** Records a run; a run id already recorded is left as it is (returns false). */
export async function createRun(pool: pg.Pool, run: NewRun): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO runs (id, mode, settings) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO NOTHING`,
    [run.id, run.mode, JSON.stringify(run.settings)],
  );
  return rowCount === 1;
}

/** Records how a run ended; throws when the run was never created. */
export async function finishRun(pool: pg.Pool, id: string, outcome: RunOutcome): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE runs SET submitted = $2, completed = $3, failed = $4, duration_ms = $5, status = $6, metrics = $7::jsonb, finished_at = now()
     WHERE id = $1`,
    [id, outcome.submitted, outcome.completed, outcome.failed, Math.round(outcome.duration_ms), outcome.status, outcome.metrics === undefined ? null : JSON.stringify(outcome.metrics)],
  );
  if (rowCount !== 1) throw new Error(`no run ${JSON.stringify(id)} to finish`);
}

/** Stamps a running run's heartbeat; a run that has ended is left alone. */
export async function beat(pool: pg.Pool, id: string): Promise<void> {
  await pool.query(`UPDATE runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`, [id]);
}

// bigint comes back as text from node-postgres: cast, a run's milliseconds fit a double.
const RUN_COLUMNS = `r.id, r.mode, r.settings, ${readStatusSql('r')} AS status, r.submitted, r.completed, r.failed, r.duration_ms::float8 AS duration_ms, r.metrics, r.started_at, r.finished_at, r.heartbeat_at`;

export async function getRun(pool: pg.Pool, id: string): Promise<Run | null> {
  const { rows } = await pool.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The run started last (running, lost or ended), or null before the first. */
export async function latestRun(pool: pg.Pool): Promise<Run | null> {
  const { rows } = await pool.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs r ORDER BY r.started_at DESC, r.id DESC LIMIT 1`);
  return rows[0] ?? null;
}

/** Indicators the run has classified so far (a running run's counts on `runs` are written at its end). */
export async function runClassifiedCount(pool: pg.Pool, id: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM classifications WHERE run_id = $1', [id]);
  return rows[0]?.n ?? 0;
}
