/**
 * What the simulator answers. It is a simulator: answers are computed by the classify rule
 * engine, not a model, and reasons are prefixed "[llm-sim]" so they are never mistaken for a
 * model's.
 *
 * The convention the product's LLM stages follow (and the simulator relies on):
 *
 * - The LAST user message contains a JSON object with an `indicators` array (anywhere in the text:
 *   the message may be pure JSON or prose around it, e.g. a fenced block). Each indicator has at
 *   least `id` and `name`, and optionally the catalog fields (units, periodicity, scale,
 *   currency_code, description, sample_values, …): the `Indicator` schema of src/domain.
 * - `response_format` is `{ type: 'json_schema', json_schema: { name, strict: true, schema } }` whose
 *   top level has an array property (e.g. `results`) whose items are objects with an `id` (or
 *   `indicator_id`) property. The simulator answers one item per indicator, in input order.
 * - Item properties named like a classification field are filled from `classifyWithRules`:
 *   family, type (or indicator_type), temporal_aggregation, is_currency_denominated, orientation,
 *   reporting_frequency (or frequency), time_basis, declared_frequency, observed_frequency,
 *   is_cumulative, pattern (or cumulative_pattern), evidence, unit_type, scale, scale_factor,
 *   currency, per_unit. A property named after a stage (normalization, time, cumulative, family,
 *   type, orientation) whose schema is an object gets that stage's whole result. Item-level
 *   `confidence`, `reason` and `source` come from the stage of the first classification field the
 *   item asks for (the family stage when none). Everything else gets a schema default (first enum
 *   value, null where allowed, 0, false, "", []), so the answer always validates.
 * - Without a batch array, a root schema that itself has classification fields is filled from
 *   the first indicator. With `json_object`, `text` or no response_format, the answer is
 *   `{"results":[{id, family, type, …, confidence, reason}]}`.
 */
import { Indicator } from '../domain/indicator.js';
import type { Classification } from '../domain/results.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { arrayItemsOf, fill, isRecord, objectProperties, objectSchemaOf, type Json, type SchemaNode } from './schema.js';

/** One indicator of a request and, when it validated, the rule engine's classification of it. */
export type Classified = { id: string; classification: Classification | undefined };

type StageName = 'normalization' | 'time' | 'cumulative' | 'family' | 'type' | 'orientation';
const STAGES: readonly StageName[] = ['normalization', 'time', 'cumulative', 'family', 'type', 'orientation'];

/** Property name → [stage, field of that stage's result]. */
const FIELDS: Readonly<Record<string, readonly [StageName, string]>> = {
  unit_type: ['normalization', 'unit_type'],
  scale: ['normalization', 'scale'],
  scale_factor: ['normalization', 'scale_factor'],
  currency: ['normalization', 'currency'],
  per_unit: ['normalization', 'per_unit'],
  reporting_frequency: ['time', 'reporting_frequency'],
  frequency: ['time', 'reporting_frequency'],
  time_basis: ['time', 'time_basis'],
  declared_frequency: ['time', 'declared_frequency'],
  observed_frequency: ['time', 'observed_frequency'],
  is_cumulative: ['cumulative', 'is_cumulative'],
  pattern: ['cumulative', 'pattern'],
  cumulative_pattern: ['cumulative', 'pattern'],
  evidence: ['cumulative', 'evidence'],
  family: ['family', 'family'],
  type: ['type', 'type'],
  indicator_type: ['type', 'type'],
  temporal_aggregation: ['type', 'temporal_aggregation'],
  is_currency_denominated: ['type', 'is_currency_denominated'],
  orientation: ['orientation', 'orientation'],
};

const ID_KEYS = ['id', 'indicator_id'];
const SIM_PREFIX = '[llm-sim] ';

/**
 * The `indicators` array of the first JSON object in `text` that has one (searched at any depth),
 * or undefined. Balanced-brace scanning finds JSON embedded in prose or code fences.
 */
export function findIndicators(text: string): unknown[] | undefined {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    if (end === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start, end));
    } catch {
      continue;
    }
    const found = indicatorsIn(parsed, 0);
    if (found) return found;
    start = end - 1; // A whole object without indicators: skip its insides.
  }
  return undefined;
}

function indicatorsIn(value: unknown, depth: number): unknown[] | undefined {
  if (depth > 8) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = indicatorsIn(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const list: unknown = value.indicators;
  if (Array.isArray(list)) return list.map((item: unknown) => item);
  for (const member of Object.values(value)) {
    const found = indicatorsIn(member, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The index just past the object or array opening at `start`, string-aware; undefined if unclosed. */
function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

/** Classifies each raw indicator by rules; an invalid one keeps its id and gets defaults. */
export function classifyAll(raw: readonly unknown[]): Classified[] {
  return raw.map((item) => {
    const parsed = Indicator.safeParse(item);
    if (!parsed.success) return { id: rawId(item), classification: undefined };
    try {
      return { id: parsed.data.id, classification: classifyWithRules(parsed.data) };
    } catch {
      return { id: parsed.data.id, classification: undefined };
    }
  });
}

function rawId(item: unknown): string {
  const id = isRecord(item) ? item.id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id).trim() : '';
}

function stageResult(classification: Classification, stage: StageName): Record<string, unknown> {
  const result: Record<string, unknown> = { ...classification[stage] };
  if (typeof result.reason === 'string') result.reason = SIM_PREFIX + result.reason;
  return result;
}

/** The source an item schema is filled from: every property it asks for that the rules answer. */
function itemSource(root: SchemaNode, itemSchema: SchemaNode, item: Classified): Record<string, unknown> {
  const source: Record<string, unknown> = {};
  const properties = objectProperties(root, itemSchema);
  for (const key of ID_KEYS) if (key in properties) source[key] = item.id;
  const { classification } = item;
  if (!classification) return source;
  let primary: StageName | undefined;
  for (const [key, property] of Object.entries(properties)) {
    const field = FIELDS[key];
    if ((STAGES as readonly string[]).includes(key) && objectSchemaOf(root, property)) {
      source[key] = stageResult(classification, key as StageName);
      primary ??= key as StageName;
    } else if (field) {
      source[key] = stageResult(classification, field[0])[field[1]];
      primary ??= field[0];
    }
  }
  const provenance = stageResult(classification, primary ?? 'family');
  for (const key of ['confidence', 'reason', 'source']) if (!(key in source)) source[key] = provenance[key];
  return source;
}

/** The flat record answered when no schema says what to answer. */
function flatRecord(item: Classified): Record<string, Json> {
  const c = item.classification;
  if (!c) return { id: item.id };
  return {
    id: item.id,
    family: c.family.family,
    type: c.type.type,
    temporal_aggregation: c.type.temporal_aggregation,
    is_currency_denominated: c.type.is_currency_denominated,
    orientation: c.orientation.orientation,
    reporting_frequency: c.time.reporting_frequency,
    time_basis: c.time.time_basis,
    is_cumulative: c.cumulative.is_cumulative,
    cumulative_pattern: c.cumulative.pattern,
    unit_type: c.normalization.unit_type,
    scale: c.normalization.scale,
    currency: c.normalization.currency,
    confidence: Math.min(...STAGES.map((stage) => c[stage].confidence)),
    reason: SIM_PREFIX + c.family.reason,
  };
}

/** The batch property: the first top-level array whose items are objects with an id. */
function batchProperty(root: SchemaNode): [string, SchemaNode] | undefined {
  for (const [key, property] of Object.entries(objectProperties(root, root))) {
    const items = arrayItemsOf(root, property);
    if (!items) continue;
    const itemProperties = objectProperties(root, items);
    if (ID_KEYS.some((id) => id in itemProperties)) return [key, items];
  }
  return undefined;
}

/** The answer for a `json_schema` response format: always validates against `schema`. */
export function answerForSchema(schema: SchemaNode, items: readonly Classified[]): Json {
  const batch = batchProperty(schema);
  if (batch) {
    const [key, itemSchema] = batch;
    return fill(schema, schema, { [key]: items.map((item) => itemSource(schema, itemSchema, item)) });
  }
  const first = items[0];
  const asksForFields = Object.keys(objectProperties(schema, schema)).some((key) => key in FIELDS);
  return fill(schema, schema, first && asksForFields ? itemSource(schema, schema, first) : undefined);
}

/** The answer without a schema (`json_object`, `text`, or no response_format). */
export function answerWithoutSchema(items: readonly Classified[]): Json {
  return { results: items.map(flatRecord) };
}
