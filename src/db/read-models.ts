/**
 * The dashboard's read models (src/web/ serves them): every query the web API answers, read-only,
 * so no handler holds SQL. Rows are validated with zod where they leave the database for a page
 * that other code (tests, scripts) reads as an API.
 */
import type pg from 'pg';
import { z } from 'zod';
import { Label, ReviewField, stageOf, valueText } from '../domain/review-fields.js';
import { Family, IndicatorType, Orientation, ReportingFrequency, Scale, Source, TemporalAggregation, UnitType } from '../domain/taxonomy.js';
import { signature } from '../llm/signature.js';
import { LLM_STAGES, type LlmStage } from '../llm/stages/schemas.js';
import { STAGE_TABLES } from './classifications.js';
import { effectiveColumn, effectiveSource, OVERRIDDEN_VALUES, reviewsInForce, type ReviewRow } from './overrides.js';
import { unclassified } from './indicators.js';
import { readStatusSql } from './runs.js';
import { Params } from './sql.js';

/** Every run, newest first, with its counts (a running run's so far) and its LLM cost. */
export interface RunRow {
  readonly id: string;
  readonly mode: string;
  readonly status: string;
  readonly settings: Record<string, unknown>;
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly duration_s: number | null;
  readonly cost_usd: number;
  readonly llm_requests: number;
  readonly started_at: Date;
  readonly finished_at: Date | null;
}

/**
 * A running run's `runs` row holds zeros until it ends: its counts come from what it saved so far
 * (classifications and failures by run_id, served by the (run_id, change_xid) indexes).
 */
export async function listRuns(pool: pg.Pool, limit = 100): Promise<RunRow[]> {
  const { rows } = await pool.query<RunRow>(
    `SELECT r.id, r.mode, ${readStatusSql('r')} AS status, r.settings, r.submitted,
            CASE WHEN r.status = 'running' THEN (SELECT count(*) FROM classifications c WHERE c.run_id = r.id) ELSE r.completed END::int AS completed,
            CASE WHEN r.status = 'running' THEN (SELECT count(*) FROM failures f WHERE f.run_id = r.id) ELSE r.failed END::int AS failed,
            (r.duration_ms / 1000.0)::float8 AS duration_s,
            CASE WHEN r.status = 'running' THEN (SELECT coalesce(sum(cost_usd), 0) FROM llm_requests q WHERE q.run_id = r.id) ELSE r.cost_usd END::float8 AS cost_usd,
            CASE WHEN r.status = 'running' THEN (SELECT count(*) FROM llm_requests q WHERE q.run_id = r.id) ELSE r.llm_requests END::int AS llm_requests,
            r.started_at, r.finished_at
       FROM runs r ORDER BY r.started_at DESC, r.id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/** What a running run has done in the last `windowMs` and what is left, read from what it saved. */
export interface RunActivity {
  readonly completed: number;
  readonly failed: number;
  /** Completions and failures within the window. */
  readonly recent_done: number;
  readonly recent_requests: number;
  readonly recent_tokens: number;
  /** The window actually covered: shorter than asked while the run is younger than it. */
  readonly window_ms: number;
  /** Indicators a plain run would still submit (not classified in their current content, not failed). */
  readonly unclassified: number;
  readonly stored: number;
}

export async function runActivity(pool: pg.Pool, runId: string, windowMs: number): Promise<RunActivity | null> {
  const { rows } = await pool.query<RunActivity>(
    `WITH r AS (SELECT started_at, least($2::float8, extract(epoch FROM now() - started_at) * 1000) AS window_ms FROM runs WHERE id = $1)
     SELECT (SELECT count(*) FROM classifications WHERE run_id = $1)::int AS completed,
            (SELECT count(*) FROM failures WHERE run_id = $1)::int AS failed,
            ((SELECT count(*) FROM classifications WHERE run_id = $1 AND updated_at > now() - make_interval(secs => r.window_ms / 1000))
              + (SELECT count(*) FROM failures WHERE run_id = $1 AND last_failed_at > now() - make_interval(secs => r.window_ms / 1000)))::int AS recent_done,
            (SELECT count(*) FROM llm_requests WHERE run_id = $1 AND status <> 'unreachable' AND created_at > now() - make_interval(secs => r.window_ms / 1000))::int AS recent_requests,
            (SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_requests
              WHERE run_id = $1 AND status <> 'unreachable' AND created_at > now() - make_interval(secs => r.window_ms / 1000))::float8 AS recent_tokens,
            r.window_ms::float8 AS window_ms,
            (SELECT count(*) FROM source_indicators s WHERE ${unclassified()})::int AS unclassified,
            (SELECT count(*) FROM source_indicators)::int AS stored
       FROM r`,
    [runId, windowMs],
  );
  return rows[0] ?? null;
}

export const ClassificationFilter = z.object({
  family: Family.optional(),
  type: IndicatorType.optional(),
  orientation: Orientation.optional(),
  aggregation: TemporalAggregation.optional(),
  source: Source.optional(),
  review: z.enum(['yes', 'no']).optional(),
  /** Part of the name (case-insensitive) or the start of the id. */
  q: z.string().trim().min(1).max(200).optional(),
  /** Keyset paging: rows after this indicator id. */
  after: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ClassificationFilter = z.infer<typeof ClassificationFilter>;

export interface ClassificationListRow {
  readonly indicator_id: string;
  readonly name: string | null;
  readonly country: string | null;
  readonly family: string;
  readonly type: string;
  readonly temporal_aggregation: string;
  readonly currency: string | null;
  readonly orientation: string;
  readonly confidence: number;
  readonly family_source: string;
  readonly type_source: string;
  readonly orientation_source: string;
  /** The fields an override in force sets (their values above are the override's), or null. */
  readonly overridden: string[] | null;
  readonly needs_review: boolean;
  readonly run_id: string;
}

export interface ClassificationPage {
  readonly rows: ClassificationListRow[];
  /** Pass as `after` for the next page; null on the last one. */
  readonly next: string | null;
}

/** The family and type stages' sources as a reader sees them: 'override' when a review overrides one of their fields. */
const FAMILY_SOURCE = effectiveSource('family', ['family']);
const TYPE_SOURCE = effectiveSource('type', ['type', 'temporal_aggregation', 'is_currency_denominated']);
const ORIENTATION_SOURCE = effectiveSource('orientation', ['orientation']);

/**
 * One page in indicator id order, walked by the primary key (keyset, never OFFSET), so page 2,000
 * costs what page 1 does. Values and sources are the ones a reader sees: an override in force wins
 * (src/db/overrides.ts), in the columns and the filters alike. `source` matches a row whose family,
 * type or orientation came from that source.
 */
export async function classificationPage(pool: pg.Pool, filter: ClassificationFilter): Promise<ClassificationPage> {
  const params = new Params();
  const where: string[] = [];
  const equal = (field: ReviewField, value: string | undefined) => {
    if (value !== undefined) where.push(`${effectiveColumn(field)} = ${params.add(value)}`);
  };
  equal('family', filter.family);
  equal('type', filter.type);
  equal('orientation', filter.orientation);
  equal('temporal_aggregation', filter.aggregation);
  if (filter.source !== undefined) {
    const source = params.add(filter.source);
    where.push(`(${FAMILY_SOURCE} = ${source} OR ${TYPE_SOURCE} = ${source} OR ${ORIENTATION_SOURCE} = ${source})`);
  }
  if (filter.review !== undefined) where.push(filter.review === 'yes' ? 'c.needs_review' : 'NOT c.needs_review');
  if (filter.q !== undefined) {
    const like = params.add(`%${filter.q.replace(/[\\%_]/g, '\\$&')}%`);
    where.push(`(starts_with(c.indicator_id, ${params.add(filter.q)}) OR s.name ILIKE ${like})`);
  }
  if (filter.after !== undefined) where.push(`c.indicator_id > ${params.add(filter.after)}`);
  const limit = params.add(filter.limit + 1);
  const { rows } = await pool.query<ClassificationListRow>(
    `SELECT c.indicator_id, s.name, s.country, ${effectiveColumn('family')} AS family, ${effectiveColumn('type')} AS type,
            ${effectiveColumn('temporal_aggregation')} AS temporal_aggregation, c.currency, ${effectiveColumn('orientation')} AS orientation,
            c.confidence, ${FAMILY_SOURCE} AS family_source, ${TYPE_SOURCE} AS type_source,
            ${ORIENTATION_SOURCE} AS orientation_source,
            (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(ov.v) k) AS overridden, c.needs_review, c.run_id
       FROM classifications c LEFT JOIN source_indicators s ON s.id = c.indicator_id
       LEFT JOIN LATERAL ${OVERRIDDEN_VALUES} ov ON true
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.indicator_id LIMIT ${limit}`,
    params.values,
  );
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  return { rows: page, next: more ? (page.at(-1)?.indicator_id ?? null) : null };
}

/** One LLM answer that decided (or was asked about) a stage, with the request that produced it. */
export interface LlmEvidence {
  readonly stage: LlmStage;
  readonly signature: string;
  readonly model: string;
  readonly answer: unknown;
  readonly hits: number;
  readonly request: { id: string; input_tokens: number; output_tokens: number; cost_usd: number | null; latency_ms: number; status: string; indicators: number } | null;
}

export interface IndicatorDetail {
  readonly indicator: Record<string, unknown>;
  readonly classification: Record<string, unknown> | null;
  /** Each stage table's row (confidence, source, reason and the stage's own fields), in pipeline order. */
  readonly stages: { table: string; row: Record<string, unknown> | null }[];
  readonly failure: Record<string, unknown> | null;
  readonly llm: LlmEvidence[];
  /** Each reviewable field as a reader sees it, with where it came from; empty when not classified. */
  readonly fields: FieldView[];
}

export interface FieldView {
  readonly field: ReviewField;
  /** The value in force: an override's when one is, else the machine's. */
  readonly value: string;
  readonly machine_value: string;
  /** 'override' when an override is in force, else the stage's own source. */
  readonly source: Source;
  readonly confidence: number;
  /** The review in force (accept or override: who, when, old → new, note), or null. */
  readonly review: ReviewRow | null;
}

function fieldViews(classification: Record<string, unknown> | null, reviews: readonly ReviewRow[]): FieldView[] {
  const machine = Label.safeParse(classification);
  if (classification === null || !machine.success) return [];
  return ReviewField.options.map((field) => {
    const stage = stageOf(field);
    const review = reviews.find((r) => r.field === field) ?? null;
    const overridden = review?.action === 'override';
    return {
      field,
      value: overridden ? review.new_value : valueText(machine.data[field]),
      machine_value: valueText(machine.data[field]),
      source: overridden ? 'override' : Source.parse(classification[`${stage}_source`]),
      confidence: Number(classification[`${stage}_confidence`]),
      review,
    };
  });
}

export async function indicatorDetail(pool: pg.Pool, id: string): Promise<IndicatorDetail | null> {
  const indicator = (await pool.query<Record<string, unknown>>('SELECT * FROM source_indicators WHERE id = $1', [id])).rows[0];
  const classification = (await pool.query<Record<string, unknown>>('SELECT * FROM classifications WHERE indicator_id = $1', [id])).rows[0] ?? null;
  if (indicator === undefined && classification === null) return null;
  const stages = [];
  for (const table of STAGE_TABLES) {
    const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE indicator_id = $1`, [id]);
    stages.push({ table, row: rows[0] ?? null });
  }
  const failure = (await pool.query<Record<string, unknown>>('SELECT * FROM failures WHERE indicator_id = $1', [id])).rows[0] ?? null;
  const reviews = await reviewsInForce(pool, [id]);
  return { indicator: indicator ?? {}, classification, stages, failure, llm: await llmEvidence(pool, indicator, stages), fields: fieldViews(classification, reviews) };
}

const SignatureRow = z.object({
  name: z.string(),
  units: z.string().nullable(),
});
const NormalizationRow = z.object({ unit_type: UnitType, scale: Scale, currency: z.string().nullable(), per_unit: z.string().nullable() });
const TimeRow = z.object({ reporting_frequency: ReportingFrequency });

/**
 * The cached answers for this indicator's questions: the workflow keys its LLM questions by a
 * signature of the name, units and the rules' normalization (src/llm/signature.ts), so the same
 * signature, recomputed from the stored rows, finds the answer and the request that paid for it.
 * A field the LLM changed that the signature includes (the time stage's frequency) can miss.
 */
async function llmEvidence(
  pool: pg.Pool,
  indicator: Record<string, unknown> | undefined,
  stages: { table: string; row: Record<string, unknown> | null }[],
): Promise<LlmEvidence[]> {
  const source = SignatureRow.safeParse(indicator);
  const normalization = NormalizationRow.safeParse(stages.find((s) => s.table === 'normalization_results')?.row);
  const time = stages.find((s) => s.table === 'time_inference_results')?.row;
  const family = stages.find((s) => s.table === 'family_assignment_results')?.row;
  const frequency = TimeRow.safeParse(time);
  if (!source.success || !normalization.success || !frequency.success) return [];
  const input = {
    name: source.data.name,
    units: source.data.units,
    normalization: normalization.data,
    time: frequency.data,
    family: Family.safeParse(family?.family).data,
  };
  const hashes = LLM_STAGES.map((stage) => ({ stage, hash: signature(input, stage).hash }));
  const { rows } = await pool.query<{
    stage: LlmStage;
    signature: string;
    model: string;
    answer: unknown;
    hits: number;
    request_id: string | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cost_usd: number | null;
    latency_ms: number | null;
    status: string | null;
    indicators: number | null;
  }>(
    `SELECT k.stage, k.signature, k.model, k.answer, k.hits, q.id AS request_id, q.input_tokens, q.output_tokens, q.cost_usd::float8 AS cost_usd,
            q.latency_ms, q.status, q.indicators
       FROM llm_cache k LEFT JOIN llm_requests q ON q.id = k.request_id
      WHERE (k.stage, k.signature) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      ORDER BY k.stage, k.created_at DESC`,
    [hashes.map((h) => h.stage), hashes.map((h) => h.hash)],
  );
  return rows.map((row) => ({
    stage: row.stage,
    signature: row.signature,
    model: row.model,
    answer: row.answer,
    hits: row.hits,
    request:
      row.request_id === null
        ? null
        : {
            id: row.request_id,
            input_tokens: row.input_tokens ?? 0,
            output_tokens: row.output_tokens ?? 0,
            cost_usd: row.cost_usd,
            latency_ms: row.latency_ms ?? 0,
            status: row.status ?? '',
            indicators: row.indicators ?? 0,
          },
  }));
}

export interface Distributions {
  readonly total: number;
  readonly familyType: { family: string; type: string; count: number }[];
  readonly orientation: { value: string; count: number }[];
  readonly aggregation: { value: string; count: number }[];
  readonly categories: { category: string; family: string; count: number }[];
}

export async function distributions(pool: pg.Pool): Promise<Distributions> {
  const count = async (column: 'orientation' | 'temporal_aggregation') =>
    (await pool.query<{ value: string; count: number }>(`SELECT ${column} AS value, count(*)::int AS count FROM classifications GROUP BY 1 ORDER BY 2 DESC, 1`)).rows;
  const familyType = (
    await pool.query<{ family: string; type: string; count: number }>(
      'SELECT family, type, count(*)::int AS count FROM classifications GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2',
    )
  ).rows;
  const categories = (
    await pool.query<{ category: string; family: string; count: number }>(
      `SELECT coalesce(s.category_group, s.topic, '(none)') AS category, c.family, count(*)::int AS count
         FROM classifications c LEFT JOIN source_indicators s ON s.id = c.indicator_id GROUP BY 1, 2 ORDER BY 1, 3 DESC`,
    )
  ).rows;
  return {
    total: familyType.reduce((sum, row) => sum + row.count, 0),
    familyType,
    orientation: await count('orientation'),
    aggregation: await count('temporal_aggregation'),
    categories,
  };
}

/** Indicators that share a normalized name but got more than one (family, type, orientation) label. */
export interface ConsistencyGroup {
  readonly concept: string;
  readonly members: number;
  readonly countries: number;
  readonly labels: { family: string; type: string; orientation: string; count: number; example: string }[];
}

/** SQL on `s` (source_indicators): the concept of its name, as consistency groups are formed. */
export const CONCEPT = `trim(regexp_replace(lower(s.name), '[^a-z0-9%]+', ' ', 'g'))`;

/** The classified members of the group of `concept`, in id order. */
export async function groupMembers(pool: pg.Pool, concept: string): Promise<string[]> {
  const { rows } = await pool.query<{ indicator_id: string }>(
    `SELECT c.indicator_id FROM classifications c JOIN source_indicators s ON s.id = c.indicator_id WHERE ${CONCEPT} = $1 ORDER BY 1`,
    [concept],
  );
  return rows.map((row) => row.indicator_id);
}

/**
 * The concept is the name lower-cased with runs of spaces and punctuation folded to one space: the
 * same series published for several countries ("GDP Growth Rate") should carry one label.
 */
export async function consistencyGroups(pool: pg.Pool, limit = 100): Promise<ConsistencyGroup[]> {
  const { rows } = await pool.query<{ concept: string; members: number; countries: number; labels: ConsistencyGroup['labels'] }>(
    `WITH named AS (
       SELECT ${CONCEPT} AS concept, s.country, c.indicator_id, c.family, c.type, c.orientation
         FROM classifications c JOIN source_indicators s ON s.id = c.indicator_id),
     labels AS (
       SELECT concept, family, type, orientation, count(*)::int AS count, min(indicator_id) AS example FROM named GROUP BY 1, 2, 3, 4),
     split AS (SELECT concept FROM labels GROUP BY concept HAVING count(*) > 1)
     SELECT n.concept, count(*)::int AS members, count(DISTINCT n.country)::int AS countries,
            (SELECT json_agg(json_build_object('family', l.family, 'type', l.type, 'orientation', l.orientation, 'count', l.count, 'example', l.example)
                     ORDER BY l.count DESC) FROM labels l WHERE l.concept = n.concept) AS labels
       FROM named n JOIN split USING (concept) GROUP BY n.concept ORDER BY 2 DESC, 1 LIMIT $1`,
    [limit],
  );
  return rows;
}
