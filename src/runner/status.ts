/** `classify status`: the engine, the database and the work in flight, in one report. */
import { STAGE_TABLES } from '../db/classifications.js';
import { openDatabase } from '../db/connect.js';
import { newestClassification, recentFailures, tableCounts, type FailureRow, type TableName } from '../db/status.js';
import { engineStatus, invocationCounts, type EngineStatus, type InvocationCounts } from '../engine/index.js';
import { CLASSIFY_WORKFLOW } from '../workflow/classify-workflow.js';

export interface SystemStatus {
  readonly engine: EngineStatus;
  readonly invocations: InvocationCounts | null;
  readonly database: { reachable: true; kind: string; url: string } | { reachable: false; error: string };
  readonly rows: Record<TableName, number> | null;
  /** Every stage table has as many rows as classifications. */
  readonly rowsConsistent: boolean | null;
  readonly newest: { indicator_id: string; run_id: string; at: string; idle_s: number } | null;
  readonly recentFailures: readonly FailureRow[];
}

export async function systemStatus(dataDir: string, env: NodeJS.ProcessEnv): Promise<SystemStatus> {
  const engine = await engineStatus(dataDir, env);
  const invocations = engine.healthy && engine.engine ? await invocationCounts(engine.engine.adminUrl, CLASSIFY_WORKFLOW).catch(() => null) : null;
  let db;
  try {
    db = await openDatabase({ env, dataDir });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { engine, invocations, database: { reachable: false, error: message }, rows: null, rowsConsistent: null, newest: null, recentFailures: [] };
  }
  try {
    const rows = await tableCounts(db.pool);
    const newest = await newestClassification(db.pool);
    return {
      engine,
      invocations,
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
    };
  } finally {
    await db.close();
  }
}

export function formatStatus(s: SystemStatus): string {
  const lines: string[] = [];
  const e = s.engine;
  lines.push(
    e.engine === null
      ? 'engine: not running (classify run starts one; classify engine start keeps one up)'
      : `engine: ${e.healthy ? 'healthy' : 'UNHEALTHY'} — ingress ${e.engine.ingressUrl}, admin ${e.engine.adminUrl}${e.engine.pid === null ? '' : `, pid ${e.engine.pid}`}`,
  );
  if (s.invocations) {
    const i = s.invocations;
    lines.push(`invocations: pending ${i.pending + i.scheduled + i.ready}, running ${i.running}, backing-off ${i.backing_off}, suspended ${i.suspended}, completed ${i.completed - i.failed}, failed ${i.failed}`);
  }
  if (!s.database.reachable) {
    lines.push(`database: NOT REACHABLE — ${s.database.error}`);
    return lines.join('\n');
  }
  lines.push(`database: ${s.database.kind} ${s.database.url}`);
  if (s.rows) {
    lines.push(`rows: ${Object.entries(s.rows).map(([table, n]) => `${table} ${n}`).join(', ')}`);
    lines.push(s.rowsConsistent ? 'stage tables: consistent (one row per classification)' : 'stage tables: INCONSISTENT row counts');
  }
  lines.push(s.newest ? `newest classification: ${s.newest.indicator_id} (${s.newest.run_id}) at ${s.newest.at}, idle ${s.newest.idle_s} s` : 'newest classification: none yet');
  for (const f of s.recentFailures) lines.push(`  failure: ${f.indicator_id} ${f.stage}: ${f.reason} (${f.attempts} attempts)`);
  return lines.join('\n');
}
