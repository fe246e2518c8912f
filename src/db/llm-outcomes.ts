/**
 * How the LLM fared in a run, from what the run stored: request rows per outcome (llm_requests),
 * and the stage results that kept the rules' answer because no valid LLM answer came (their
 * reason ends as keepRules writes it, src/llm/stages/merge.ts, and names the cause). Read-only.
 */
import type pg from 'pg';
import { KEPT_RULES_CAUSE_PATTERN, KEPT_RULES_END, NO_REQUEST_CAUSES, type FallbackCause } from '../llm/stages/merge.js';
import { STAGE_TABLES } from './classifications.js';
import { LLM_REQUEST_STATUSES, type LlmRequestStatus } from './llm.js';
import { literal } from './migrations/sql.js';

/** Rows per outcome; only outcomes that occurred. */
export type LlmOutcomes = Partial<Record<LlmRequestStatus, number>>;

/** Fallback fields per cause; `other` for a reason written before causes were (no cause in it). */
export type FallbackCauses = Partial<Record<FallbackCause | 'other', number>>;

export interface LlmFallback {
  readonly indicators: number;
  readonly fields: number;
  readonly causes: FallbackCauses;
}

/** The stage tables an LLM may answer (normalization is the rules' alone). */
export const LLM_STAGE_TABLES = STAGE_TABLES.filter((table) => table !== 'normalization_results');

/** A LIKE pattern for "ends with KEPT_RULES_END" (its `%` and `_` escaped). */
const KEPT_RULES_LIKE = `%${KEPT_RULES_END.replace(/[\\%_]/g, '\\$&')}`;

/** Every cause a reason may name; anything else (an older reason's wording) counts as `other`. */
function isCause(text: string): text is FallbackCause {
  // Read at call time: llm.ts imports this module, so its constants are not ready when this one loads.
  return (LLM_REQUEST_STATUSES as readonly string[]).includes(text) || (NO_REQUEST_CAUSES as readonly string[]).includes(text);
}

export async function runLlmOutcomes(pool: pg.Pool, runId: string): Promise<LlmOutcomes> {
  return outcomes(pool, 'run_id = $1', [runId]);
}

/** Outcomes of the run's requests recorded in the last `windowMs`: what the LLM is doing now (e.g. waiting out 429s). */
export async function recentLlmOutcomes(pool: pg.Pool, runId: string, windowMs: number): Promise<LlmOutcomes> {
  return outcomes(pool, `run_id = $1 AND created_at > now() - make_interval(secs => $2)`, [runId, windowMs / 1000]);
}

async function outcomes(pool: pg.Pool, where: string, values: unknown[]): Promise<LlmOutcomes> {
  const { rows } = await pool.query<{ status: LlmRequestStatus; n: number }>(
    `SELECT status, count(*)::int AS n FROM llm_requests WHERE ${where} GROUP BY status`,
    values,
  );
  // In the list's order (ok first), so every report and screen names them alike.
  const rank = (status: LlmRequestStatus): number => LLM_REQUEST_STATUSES.indexOf(status);
  return Object.fromEntries(rows.sort((a, b) => rank(a.status) - rank(b.status)).map((row) => [row.status, row.n]));
}

export async function runLlmFallback(pool: pg.Pool, runId: string): Promise<LlmFallback> {
  // The patterns are constants of the code, written in as literals.
  const kept = LLM_STAGE_TABLES.map(
    (table) =>
      `SELECT indicator_id, substring(reason from ${literal(KEPT_RULES_CAUSE_PATTERN)}) AS cause FROM ${table} ` +
      `WHERE run_id = $1 AND reason LIKE ${literal(KEPT_RULES_LIKE)}`,
  ).join('\n  UNION ALL ');
  const { rows } = await pool.query<{ cause: string | null; fields: number; indicators: number }>(
    `WITH kept AS (${kept})
     SELECT cause, count(*)::int AS fields, (SELECT count(DISTINCT indicator_id) FROM kept)::int AS indicators
     FROM kept GROUP BY cause ORDER BY fields DESC, cause`,
    [runId],
  );
  const causes: FallbackCauses = {};
  for (const row of rows) {
    const cause = row.cause !== null && isCause(row.cause) ? row.cause : 'other';
    causes[cause] = (causes[cause] ?? 0) + row.fields;
  }
  return { indicators: rows[0]?.indicators ?? 0, fields: rows.reduce((sum, row) => sum + row.fields, 0), causes };
}
