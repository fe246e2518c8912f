/** `classify status`: the engine, the database and the work in flight, in one report. */
import type pg from 'pg';
import { STAGE_TABLES } from '../db/classifications.js';
import { openDatabase } from '../db/connect.js';
import { reportTotals, runLlmTotals, type LlmReport } from '../db/llm.js';
import { recentLlmOutcomes, type LlmOutcomes } from '../db/llm-outcomes.js';
import { latestRun, runClassifiedCount, type Run } from '../db/runs.js';
import { newestClassification, recentFailures, tableCounts, type FailureRow, type TableName } from '../db/status.js';
import { describeOwner, engineStatus, invocationCounts, type EngineStatus, type InvocationCounts } from '../engine/index.js';
import { CLASSIFY_WORKFLOW } from '../workflow/classify-workflow.js';
import { llmHealthLines, outcomesText } from './llm-summary.js';
import { deploymentLoads, type DeploymentLoad } from './deployments.js';

export interface SystemStatus {
  readonly engine: EngineStatus;
  readonly invocations: InvocationCounts | null;
  /** Registered deployments, oldest first, with the unfinished invocations pinned to each; null when the engine is not reachable. */
  readonly deployments: readonly DeploymentLoad[] | null;
  readonly database: { reachable: true; kind: string; url: string } | { reachable: false; error: string };
  readonly rows: Record<TableName, number> | null;
  /** Every stage table has as many rows as classifications. */
  readonly rowsConsistent: boolean | null;
  readonly newest: { indicator_id: string; run_id: string; at: string; idle_s: number } | null;
  readonly recentFailures: readonly FailureRow[];
  /** The run started last, with its LLM totals so far (live while it runs). */
  readonly latestRun: LatestRun | null;
}

export interface LatestRun {
  readonly id: string;
  readonly mode: string;
  readonly status: Run['status'];
  readonly started_at: string;
  /** A running run's last sign of life (`lost` when older than LOST_AFTER_S). */
  readonly heartbeat_at: string | null;
  readonly completed: number;
  readonly failed: number;
  readonly duration_s: number | null;
  /** What the run measured once it ended (throughput against target, latency, LLM load, spread); null before. */
  readonly metrics: Record<string, unknown> | null;
  readonly llm: LlmReport;
  /** A running run's request outcomes of the last RECENT_MS (e.g. 429s while it waits out a rate limit); null once it ended. */
  readonly llm_recent: LlmOutcomes | null;
}

/** What "now" means for a running run's LLM activity. */
export const RECENT_MS = 60_000;

export async function systemStatus(dataDir: string, env: NodeJS.ProcessEnv): Promise<SystemStatus> {
  const engine = await engineStatus(dataDir, env);
  const invocations = engine.healthy && engine.engine ? await invocationCounts(engine.engine.adminUrl, CLASSIFY_WORKFLOW).catch(() => null) : null;
  const deployments = engine.healthy && engine.engine ? await deploymentLoads(engine.engine.adminUrl).catch(() => null) : null;
  let db;
  try {
    db = await openDatabase({ env, dataDir });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { engine, invocations, deployments, database: { reachable: false, error: message }, rows: null, rowsConsistent: null, newest: null, recentFailures: [], latestRun: null };
  }
  try {
    const rows = await tableCounts(db.pool);
    const newest = await newestClassification(db.pool);
    return {
      engine,
      invocations,
      deployments,
      database: { reachable: true, kind: db.kind, url: db.url },
      rows,
      rowsConsistent: STAGE_TABLES.every((table) => rows[table] === rows.classifications),
      newest: newest && {
        indicator_id: newest.indicator_id,
        run_id: newest.run_id,
        at: newest.updated_at.toISOString(),
        idle_s: Math.round((Date.now() - newest.updated_at.getTime()) / 1000),
      },
      recentFailures: await recentFailures(db.pool, 5),
      latestRun: await latestRunStatus(db.pool),
    };
  } finally {
    await db.close();
  }
}

async function latestRunStatus(pool: pg.Pool): Promise<LatestRun | null> {
  const run = await latestRun(pool);
  if (run === null) return null;
  // A run's counts on `runs` are written when it ends: a running or lost one's come from its saves.
  const completed = run.finished_at === null ? await runClassifiedCount(pool, run.id) : run.completed;
  return {
    id: run.id,
    mode: run.mode,
    status: run.status,
    started_at: run.started_at.toISOString(),
    heartbeat_at: run.heartbeat_at?.toISOString() ?? null,
    completed,
    failed: run.failed,
    duration_s: run.duration_ms === null ? null : run.duration_ms / 1000,
    metrics: run.metrics,
    llm: reportTotals(await runLlmTotals(pool, run.id), completed),
    llm_recent: run.status === 'running' ? await recentLlmOutcomes(pool, run.id, RECENT_MS) : null,
  };
}

export function formatStatus(s: SystemStatus): string {
  const lines: string[] = [];
  const e = s.engine;
  lines.push(
    e.engine === null
      ? 'engine: not running (classify run starts one; classify engine start keeps one up)'
      : `engine: ${e.healthy ? 'healthy' : 'UNHEALTHY'} — ingress ${e.engine.ingressUrl}, admin ${e.engine.adminUrl}${e.engine.pid === null ? '' : `, pid ${e.engine.pid}`}`,
  );
  const owner = e.engine === null ? null : describeOwner(e.engine);
  if (owner !== null) lines.push(`  ${owner}`);
  if (s.invocations) {
    const i = s.invocations;
    lines.push(`invocations: pending ${i.pending + i.scheduled + i.ready}, running ${i.running}, backing-off ${i.backing_off}, suspended ${i.suspended}, completed ${i.completed - i.failed}, failed ${i.failed}`);
  }
  if (s.deployments) lines.push(...formatDeployments(s.deployments));
  if (!s.database.reachable) {
    lines.push(`database: NOT REACHABLE — ${s.database.error}`);
    return lines.join('\n');
  }
  lines.push(`database: ${s.database.kind} ${s.database.url}`);
  if (s.rows) {
    lines.push(`rows: ${Object.entries(s.rows).map(([table, n]) => `${table} ${n}`).join(', ')}`);
    lines.push(s.rowsConsistent ? 'stage tables: consistent (one row per classification)' : 'stage tables: INCONSISTENT row counts');
  }
  if (s.latestRun) lines.push(...formatLatestRun(s.latestRun));
  lines.push(s.newest ? `newest classification: ${s.newest.indicator_id} (${s.newest.run_id}) at ${s.newest.at}, idle ${s.newest.idle_s} s` : 'newest classification: none yet');
  for (const f of s.recentFailures) lines.push(`  failure: ${f.indicator_id} ${f.stage}: ${f.reason} (${f.attempts} attempts)`);
  return lines.join('\n');
}

function formatLatestRun(run: LatestRun): string[] {
  const took = run.duration_s === null ? '' : ` in ${run.duration_s.toFixed(1)} s`;
  const lines = [`latest run: ${run.id} (${run.mode}, ${run.status}), completed ${run.completed}, failed ${run.failed}${took}`];
  if (run.status === 'lost') {
    lines.push(
      `  lost: no sign of life since ${run.heartbeat_at ?? run.started_at} (its process was killed or its machine is gone); ` +
        'what it submitted finishes in the engine, and the next `classify run` submits the rest',
    );
  }
  const llm = run.llm;
  if (llm.llm_requests > 0 || llm.cache_hits > 0) {
    const per1000 = llm.cost_per_1000_usd === null ? '' : `, $${llm.cost_per_1000_usd.toFixed(4)} per 1,000`;
    lines.push(
      `  LLM: ${llm.llm_requests} requests, cost $${llm.cost_usd.toFixed(4)}${per1000}, input ${llm.input_tokens} tokens ` +
        `(cached ${(llm.cached_share * 100).toFixed(1)}%), output ${llm.output_tokens}, answers from the cache ${llm.cache_hits}`,
    );
  }
  lines.push(...llmHealthLines(llm).map((line) => `  ${line}`));
  const recent = run.llm_recent === null ? null : outcomesText(run.llm_recent);
  if (recent !== null) {
    const limited = run.llm_recent?.['rate-limit'] ?? 0;
    lines.push(`  LLM in the last ${RECENT_MS / 1000} s: ${recent}${limited > 0 ? ' — waiting out the provider\'s rate limit' : ''}`);
  }
  return lines;
}

/** The newest deployment takes new invocations; older ones only finish what is pinned to them. */
function formatDeployments(deployments: readonly DeploymentLoad[]): string[] {
  if (deployments.length === 0) return ['deployments: none registered'];
  return [
    `deployments: ${deployments.length} (newest takes new invocations; older ones drain)`,
    ...deployments.map((d, index) => {
      const role = index === deployments.length - 1 ? 'newest' : d.unfinished > 0 ? 'draining' : 'drained';
      const version = d.version === null ? 'unversioned' : `build ${d.version}`;
      return `  ${d.id} ${version} ${d.uri ?? ''}, created ${d.created_at ?? '?'}: ${d.unfinished} unfinished (${role})`;
    }),
  ];
}
