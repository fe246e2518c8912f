/**
 * The ClassificationStore on the database. Every write is ONE SQL statement: the embedded server
 * shares one Postgres session among connections, and a single statement is atomic on Postgres and
 * PGlite alike, so a save never leaves some stage tables written and others not. Each statement
 * upserts on indicator_id and rewrites a row only when a value differs, so repeating a save or a
 * failure (a workflow replay) changes nothing.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Classification } from '../domain/results.js';
import { policyOfKey } from '../workflow/keys.js';
import type { ClassificationStore, RecordFailure, SaveClassification } from './store.js';
import { Params, upsertRow, type SqlValue } from './sql.js';

/** A classification with a stage below this confidence (or family "any") is flagged for review. */
export const REVIEW_CONFIDENCE = 0.5;

/** The per-stage tables, in pipeline order. */
export const STAGE_TABLES = [
  'normalization_results',
  'time_inference_results',
  'cumulative_detection_results',
  'family_assignment_results',
  'type_classification_results',
  'orientation_results',
] as const;
export type StageTable = (typeof STAGE_TABLES)[number];

type Row = Record<string, SqlValue>;

/** This process, as a run reports which process ran each workflow: host and pid. */
export function serviceName(): string {
  return `${hostname()}:${process.pid}`;
}

/** `service`: recorded on every classification it saves (default: this process). */
export function createStore(pool: pg.Pool, service: string = serviceName()): ClassificationStore {
  return {
    async saveClassification(input) {
      const { text, values } = saveStatement(input, service);
      await pool.query(text, values);
    },
    async recordFailure(input) {
      const { text, values } = failureStatement(input);
      await pool.query(text, values);
    },
  };
}

/**
 * The single statement of a save: six stage upserts and the failure delete as CTEs, then the wide row.
 *
 * Newer content wins: the indicator's current content is its hash in `source_indicators` (what the
 * latest import stored). A save of other (older) content never replaces a row of the current content,
 * whichever workflow finishes last; it may replace a row that is itself stale, or fill an empty one
 * (the next run classifies that indicator again either way), and it clears no failure (that failure
 * may be of the current content). Without a catalog row there is nothing to compare: the save wins.
 * Each table checks its own locked row (`t.content_hash`), so concurrent saves on Postgres agree in
 * every table. A refused save writes nothing, so a run still waiting on its key does not see it finish.
 */
export function saveStatement(input: SaveClassification, service: string | null = null): { text: string; values: SqlValue[] } {
  const c = input.classification;
  const params = new Params();
  const id = params.add(c.indicator_id);
  const incoming = params.add(input.contentHash);
  const current = `(SELECT s.content_hash FROM source_indicators s WHERE s.id = ${id})`;
  const guard = `${current} IS NULL OR excluded.content_hash = ${current} OR t.content_hash IS DISTINCT FROM ${current}`;
  const stages = stageRows(c, input.runId, input.contentHash);
  const ctes = STAGE_TABLES.map((table) => `${table}_upsert AS (${upsertRow(table, 'indicator_id', stages[table], params, 'updated_at', guard)})`);
  ctes.push(`cleared AS (DELETE FROM failures WHERE indicator_id = ${id} AND (${current} IS NULL OR ${current} = ${incoming}))`);
  if (input.sharedHits !== undefined && input.sharedHits.length > 0) ctes.push(...sharedHitCtes(input, params));
  const main = upsertRow('classifications', 'indicator_id', { ...wideRow(input), service }, params, 'updated_at', guard);
  return { text: `WITH ${ctes.join(',\n')}\n${main}`, values: params.values };
}

/** Logs the shared LLM answers as cache hits of this run, and counts each once on its llm_cache row. */
function sharedHitCtes(input: SaveClassification, params: Params): string[] {
  const hits = (input.sharedHits ?? []).map((hit) => ({
    id: hit.id,
    signature: hit.signature,
    stage: hit.stage,
    prompt_version: hit.promptVersion,
    model: hit.model,
  }));
  return [
    `hits_in AS (SELECT * FROM jsonb_to_recordset(${params.add(JSON.stringify(hits))}::jsonb)
       AS h(id text, signature text, stage text, prompt_version text, model text))`,
    `hits_logged AS (INSERT INTO llm_cache_hits (id, run_id, signature, stage, prompt_version, model)
       SELECT id, ${params.add(input.runId)}, signature, stage, prompt_version, model FROM hits_in
       ON CONFLICT (id) DO NOTHING RETURNING signature, stage, prompt_version, model)`,
    `hits_counted AS (UPDATE llm_cache c SET hits = c.hits + 1 FROM hits_logged l
       WHERE c.signature = l.signature AND c.stage = l.stage AND c.prompt_version = l.prompt_version AND c.model = l.model)`,
  ];
}

/**
 * The failure upsert. As with saves, older content never wins: a failure of the current content
 * (its key starts with the current `id~hash16`) is not replaced by a late one of older content, so
 * `--retry-failed` and a plain run still see which key is spent.
 */
function failureStatement(input: RecordFailure): { text: string; values: SqlValue[] } {
  const params = new Params();
  const currentKey = `(SELECT s.id || '~' || left(s.content_hash, 16) FROM source_indicators s WHERE s.id = ${params.add(input.indicatorId)})`;
  const ofCurrent = (key: string): string => `(${key} = ${currentKey} OR starts_with(${key}, ${currentKey} || '~'))`;
  const guard = `${currentKey} IS NULL OR ${ofCurrent('excluded.workflow_key')} OR NOT ${ofCurrent('t.workflow_key')}`;
  const row: Row = {
    indicator_id: input.indicatorId,
    run_id: input.runId,
    workflow_key: input.workflowKey,
    stage: input.stage,
    reason: input.reason,
    attempts: input.attempts,
  };
  // The failure's clock is last_failed_at; first_failed_at keeps the first.
  const text = upsertRow('failures', 'indicator_id', row, params, 'last_failed_at', guard);
  return { text, values: params.values };
}

function stageRows(c: Classification, runId: string, contentHash: string): Record<StageTable, Row> {
  const base = (provenance: { confidence: number; source: string; reason: string }) => ({
    indicator_id: c.indicator_id,
    run_id: runId,
    content_hash: contentHash,
    confidence: provenance.confidence,
    source: provenance.source,
    reason: provenance.reason,
  });
  const { normalization: n, time, cumulative, family, type, orientation } = c;
  return {
    normalization_results: {
      ...base(n),
      unit_type: n.unit_type,
      scale: n.scale,
      scale_factor: n.scale_factor,
      currency: n.currency,
      per_unit: n.per_unit,
    },
    time_inference_results: {
      ...base(time),
      reporting_frequency: time.reporting_frequency,
      time_basis: time.time_basis,
      declared_frequency: time.declared_frequency,
      observed_frequency: time.observed_frequency,
    },
    cumulative_detection_results: {
      ...base(cumulative),
      is_cumulative: cumulative.is_cumulative,
      pattern: cumulative.pattern,
      points: cumulative.evidence.points,
      year_resets: cumulative.evidence.year_resets,
      monotone_years: cumulative.evidence.monotone_years,
      years: cumulative.evidence.years,
    },
    family_assignment_results: { ...base(family), family: family.family },
    type_classification_results: {
      ...base(type),
      type: type.type,
      temporal_aggregation: type.temporal_aggregation,
      is_currency_denominated: type.is_currency_denominated,
    },
    orientation_results: { ...base(orientation), orientation: orientation.orientation },
  };
}

/** The one wide row: every stage's answer, its confidence and source. */
function wideRow(input: SaveClassification): Row {
  const c = input.classification;
  const stages = {
    normalization: c.normalization,
    time: c.time,
    cumulative: c.cumulative,
    family: c.family,
    type: c.type,
    orientation: c.orientation,
  };
  const confidence = Math.min(...Object.values(stages).map((stage) => stage.confidence));
  const provenance: Row = {};
  for (const [stage, result] of Object.entries(stages)) {
    provenance[`${stage}_confidence`] = result.confidence;
    provenance[`${stage}_source`] = result.source;
  }
  return {
    indicator_id: c.indicator_id,
    run_id: input.runId,
    workflow_key: input.workflowKey,
    content_hash: input.contentHash,
    // Read from the key, which the run chose: a replay and a late save record what their key says.
    policy: policyOfKey(input.workflowKey),
    unit_type: c.normalization.unit_type,
    scale: c.normalization.scale,
    scale_factor: c.normalization.scale_factor,
    currency: c.normalization.currency,
    per_unit: c.normalization.per_unit,
    reporting_frequency: c.time.reporting_frequency,
    time_basis: c.time.time_basis,
    is_cumulative: c.cumulative.is_cumulative,
    cumulative_pattern: c.cumulative.pattern,
    family: c.family.family,
    type: c.type.type,
    temporal_aggregation: c.type.temporal_aggregation,
    is_currency_denominated: c.type.is_currency_denominated,
    orientation: c.orientation.orientation,
    ...provenance,
    confidence,
    needs_review: c.family.family === 'any' || confidence < REVIEW_CONFIDENCE,
  };
}
