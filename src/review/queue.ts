/**
 * The review queue: classified fields a person should look at, with why. A field is queued when
 * its stage's confidence is below the threshold, when its value came from the LLM and the rules
 * (run again on the stored indicator, src/stages/pipeline.ts) say otherwise, when the indicator
 * belongs to a consistency group whose members disagree on that field (family, type, orientation),
 * when the review in force was made on content that changed since, or when the machine's value
 * changed since a person accepted it. A field with a review in force (accepted value unchanged, or
 * overridden) on the current content leaves the queue.
 */
import type pg from 'pg';
import { z } from 'zod';
import { Label, REVIEW_FIELDS, ReviewField, stageOf, valueText, type ReviewStage } from '../domain/review-fields.js';
import { Source } from '../domain/taxonomy.js';
import { indicatorsById } from '../db/indicators.js';
import { reviewsInForce } from '../db/overrides.js';
import { CONCEPT } from '../db/read-models.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { byIndicator, effectiveLabel } from './act.js';

export const QueueReason = z.enum(['low-confidence', 'rules-llm-disagree', 'inconsistent-group', 'content-changed', 'machine-changed']);
export type QueueReason = z.infer<typeof QueueReason>;

export const QueueFilter = z.object({
  field: ReviewField.optional(),
  reason: QueueReason.optional(),
  /** Confidence below this queues a field. */
  threshold: z.coerce.number().min(0).max(1),
  limit: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Keyset paging: items of indicators after this id. */
  after: z.string().min(1).max(500).optional(),
});
export type QueueFilter = z.infer<typeof QueueFilter>;

export interface QueueItem {
  readonly indicator_id: string;
  readonly name: string;
  readonly country: string | null;
  readonly field: ReviewField;
  /** The family in force (an override's, else the machine's): a type override must stay within it. */
  readonly family: Label['family'];
  readonly reasons: QueueReason[];
  /** What the machine said, and what a reader sees now (an override in force wins). */
  readonly machine_value: string;
  readonly value: string;
  readonly source: Source;
  readonly confidence: number;
  /** The rules' value when the LLM decided the field. */
  readonly rules_value: string | null;
  /** The consistency group (concept) the indicator belongs to, when its members disagree. */
  readonly group: string | null;
}

export interface QueuePage {
  readonly items: QueueItem[];
  /** Pass as `after` for more; null when the queue has no more indicators. */
  readonly next: string | null;
}

const SPLIT_FIELDS = ['family', 'type', 'orientation'] as const;

type CandidateRow = Label & {
  indicator_id: string;
  name: string;
  country: string | null;
  family_confidence: number;
  type_confidence: number;
  orientation_confidence: number;
  family_source: Source;
  type_source: Source;
  orientation_source: Source;
  concept: string | null;
  family_split: boolean | null;
  type_split: boolean | null;
  orientation_split: boolean | null;
};

/** Candidates a page at a time: rows with any reason at the indicator level. */
async function candidates(pool: pg.Pool, threshold: number, after: string | null, pageSize: number): Promise<CandidateRow[]> {
  const { rows } = await pool.query<CandidateRow>(
    // The distinct (name, label) pairs first: the concept's regexp then runs once per distinct name
    // (hundreds to thousands) rather than once per classification (100,000: 3.6-5.0 s, now 1.6-1.9 s).
    `WITH labels AS (
       SELECT s.name, c.family, c.type, c.orientation FROM classifications c JOIN source_indicators s ON s.id = c.indicator_id GROUP BY 1, 2, 3, 4),
     named AS (SELECT ${CONCEPT} AS concept, s.family, s.type, s.orientation FROM labels s),
     groups AS (
       SELECT concept, count(DISTINCT family) > 1 AS family_split, count(DISTINCT type) > 1 AS type_split, count(DISTINCT orientation) > 1 AS orientation_split
         FROM named GROUP BY concept HAVING count(DISTINCT (family, type, orientation)) > 1)
     SELECT c.indicator_id, s.name, s.country, c.family, c.type, c.temporal_aggregation, c.is_currency_denominated, c.orientation,
            c.family_confidence, c.type_confidence, c.orientation_confidence, c.family_source, c.type_source, c.orientation_source,
            g.concept, g.family_split, g.type_split, g.orientation_split
       FROM classifications c JOIN source_indicators s ON s.id = c.indicator_id
       LEFT JOIN groups g ON g.concept = ${CONCEPT}
      WHERE ($2::text IS NULL OR c.indicator_id > $2)
        AND (least(c.family_confidence, c.type_confidence, c.orientation_confidence) < $1
             OR 'llm' IN (c.family_source, c.type_source, c.orientation_source)
             OR g.concept IS NOT NULL
             OR EXISTS (SELECT 1 FROM overrides o WHERE o.indicator_id = c.indicator_id))
      ORDER BY c.indicator_id LIMIT $3`,
    [threshold, after, pageSize],
  );
  return rows;
}

export async function reviewQueue(pool: pg.Pool, filter: QueueFilter, pageSize = 500): Promise<QueuePage> {
  const items: QueueItem[] = [];
  let after = filter.after ?? null;
  let previous = after;
  const fields = filter.field === undefined ? REVIEW_FIELDS : [filter.field];
  for (;;) {
    const rows = await candidates(pool, filter.threshold, after, pageSize);
    const ids = rows.map((row) => row.indicator_id);
    const reviews = byIndicator(await reviewsInForce(pool, ids));
    const wantsRules = filter.reason === undefined || filter.reason === 'rules-llm-disagree';
    const llmIds = wantsRules ? rows.filter((row) => [row.family_source, row.type_source, row.orientation_source].includes('llm')).map((row) => row.indicator_id) : [];
    const stored = await indicatorsById(pool, llmIds);
    for (const row of rows) {
      const indicator = stored.get(row.indicator_id)?.indicator;
      const rules = indicator === undefined ? null : classifyWithRules(indicator);
      const rulesLabel: Label | null =
        rules === null
          ? null
          : {
              family: rules.family.family,
              type: rules.type.type,
              temporal_aggregation: rules.type.temporal_aggregation,
              is_currency_denominated: rules.type.is_currency_denominated,
              orientation: rules.orientation.orientation,
            };
      const inForce = reviews.get(row.indicator_id) ?? [];
      const machine = Label.parse(row);
      const effective = effectiveLabel(machine, inForce);
      const indicatorItems: QueueItem[] = [];
      for (const field of fields) {
        const stage = stageOf(field);
        const source = sourceOf(row, stage);
        const confidence = confidenceOf(row, stage);
        const review = inForce.find((r) => r.field === field);
        const reasons: QueueReason[] = [];
        if (review?.needs_rereview === true) reasons.push('content-changed');
        else if (review?.action === 'accept' && review.old_value !== valueText(machine[field])) reasons.push('machine-changed');
        else if (review !== undefined) continue; // reviewed on the current content: off the queue
        if (confidence < filter.threshold) reasons.push('low-confidence');
        if (source === 'llm' && rulesLabel !== null && rulesLabel[field] !== machine[field]) reasons.push('rules-llm-disagree');
        if (isSplit(row, field)) reasons.push('inconsistent-group');
        if (reasons.length === 0 || (filter.reason !== undefined && !reasons.includes(filter.reason))) continue;
        indicatorItems.push({
          indicator_id: row.indicator_id,
          name: row.name,
          country: row.country,
          field,
          family: effective.family,
          reasons,
          machine_value: valueText(machine[field]),
          value: valueText(effective[field]),
          source: review?.action === 'override' ? 'override' : source,
          confidence,
          rules_value: source === 'llm' && rulesLabel !== null ? valueText(rulesLabel[field]) : null,
          group: row.concept,
        });
      }
      // Whole indicators only, so paging by indicator id never splits one (a first one may exceed the limit).
      if (items.length > 0 && items.length + indicatorItems.length > filter.limit) return { items, next: previous };
      items.push(...indicatorItems);
      previous = row.indicator_id;
      if (items.length >= filter.limit) return { items, next: row.indicator_id };
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) return { items, next: null };
    after = last.indicator_id;
  }
}

/** The stage's source and confidence columns of a candidate row. */
function sourceOf(row: CandidateRow, stage: ReviewStage): Source {
  return row[`${stage}_source`];
}

function confidenceOf(row: CandidateRow, stage: ReviewStage): number {
  return row[`${stage}_confidence`];
}

function isSplit(row: CandidateRow, field: ReviewField): boolean {
  if (!(SPLIT_FIELDS as readonly string[]).includes(field)) return false;
  return row[`${field as (typeof SPLIT_FIELDS)[number]}_split`] === true;
}
