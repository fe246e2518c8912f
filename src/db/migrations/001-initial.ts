/**
 * The first schema: catalog rows, one wide classification row per indicator, one table per stage,
 * failures (one row per indicator) and runs.
 *
 * Frozen: the enum values below are those of src/domain/taxonomy.ts when this migration shipped,
 * written in, not imported: databases that ran it keep these checks whatever the code says later,
 * so a fresh database must get the very same SQL (its sha256 is stored and verified, see
 * src/db/migrate.ts). A later change to an enum needs a new migration that replaces the named
 * constraint (`<table>_<column>_enum`).
 */
import type { Migration } from './index.js';
import { enumColumn, familyTypeCheck } from './sql.js';

const UnitType = ['currency-amount', 'percentage', 'index', 'count', 'physical', 'ratio', 'rate', 'duration', 'unknown'];
const Scale = ['ones', 'hundreds', 'thousands', 'millions', 'billions', 'trillions'];
const ReportingFrequency = ['daily', 'weekly', 'monthly', 'quarterly', 'semiannual', 'annual', 'irregular'];
const TimeBasis = ['point-in-time', 'per-period', 'cumulative'];
const CumulativePattern = ['ytd', 'running-total', 'periodic', 'unknown'];
const TemporalAggregation = ['point-in-time', 'period-total', 'period-average', 'period-rate', 'period-cumulative', 'not-applicable'];
const Orientation = ['higher-is-positive', 'lower-is-positive', 'neutral'];
const Source = ['rules', 'llm', 'override'];
const FAMILY_TYPES: Readonly<Record<string, readonly string[]>> = {
  'physical-fundamental': ['stock', 'flow', 'balance', 'capacity', 'volume'],
  'numeric-measurement': ['count', 'percentage', 'ratio', 'spread', 'share'],
  'price-value': ['price', 'yield', 'rate'],
  'change-movement': ['rate', 'volatility', 'gap'],
  'composite-derived': ['index', 'correlation', 'elasticity', 'multiplier'],
  temporal: ['duration', 'probability', 'threshold'],
  qualitative: ['sentiment', 'allocation'],
  any: ['other'],
};
const Family = Object.keys(FAMILY_TYPES);
/** Every type once, in the order the families list them (as taxonomy.ts's IndicatorType was built). */
const IndicatorType = [...new Set(Object.values(FAMILY_TYPES).flat())];

/** Columns every stage table shares: who, which run, and the stage's provenance. */
function stageTable(table: string, fields: readonly string[]): string {
  return `CREATE TABLE ${table} (
  indicator_id text PRIMARY KEY,
  run_id text NOT NULL,
  ${fields.join(',\n  ')},
  confidence double precision NOT NULL CONSTRAINT ${table}_confidence_range CHECK (confidence BETWEEN 0 AND 1),
  ${enumColumn(table, 'source', Source)},
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`;
}

/** `<stage>_confidence` and `<stage>_source` in the wide classifications row. */
function provenanceColumns(stage: string): string[] {
  return [
    `${stage}_confidence double precision NOT NULL CHECK (${stage}_confidence BETWEEN 0 AND 1)`,
    enumColumn('classifications', `${stage}_source`, Source),
  ];
}

const C = 'classifications';

function sql(): string {
  return `
CREATE TABLE source_indicators (
  id text PRIMARY KEY,
  name text NOT NULL,
  units text,
  periodicity text,
  scale text,
  currency_code text,
  description text,
  source text,
  category_group text,
  topic text,
  dataset text,
  aggregation_method text,
  country text,
  sample_values jsonb NOT NULL DEFAULT '[]',
  content_hash text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ${C} (
  indicator_id text PRIMARY KEY,
  run_id text NOT NULL,
  workflow_key text NOT NULL,
  content_hash text NOT NULL,
  ${enumColumn(C, 'unit_type', UnitType)},
  ${enumColumn(C, 'scale', Scale)},
  scale_factor double precision NOT NULL CHECK (scale_factor > 0),
  currency text CHECK (currency ~ '^[A-Z]{3}$'),
  per_unit text,
  ${enumColumn(C, 'reporting_frequency', ReportingFrequency)},
  ${enumColumn(C, 'time_basis', TimeBasis)},
  is_cumulative boolean NOT NULL,
  ${enumColumn(C, 'cumulative_pattern', CumulativePattern)},
  ${enumColumn(C, 'family', Family)},
  ${enumColumn(C, 'type', IndicatorType)},
  ${enumColumn(C, 'temporal_aggregation', TemporalAggregation)},
  is_currency_denominated boolean NOT NULL,
  ${enumColumn(C, 'orientation', Orientation)},
  ${['normalization', 'time', 'cumulative', 'family', 'type', 'orientation'].flatMap(provenanceColumns).join(',\n  ')},
  confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  needs_review boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  ${familyTypeCheck(C, FAMILY_TYPES)}
);
CREATE INDEX classifications_run_id ON ${C} (run_id);
CREATE INDEX classifications_updated_at ON ${C} (updated_at DESC);
CREATE INDEX classifications_needs_review ON ${C} (indicator_id) WHERE needs_review;

${stageTable('normalization_results', [
  enumColumn('normalization_results', 'unit_type', UnitType),
  enumColumn('normalization_results', 'scale', Scale),
  'scale_factor double precision NOT NULL CHECK (scale_factor > 0)',
  "currency text CHECK (currency ~ '^[A-Z]{3}$')",
  'per_unit text',
])}

${stageTable('time_inference_results', [
  enumColumn('time_inference_results', 'reporting_frequency', ReportingFrequency),
  enumColumn('time_inference_results', 'time_basis', TimeBasis),
  enumColumn('time_inference_results', 'declared_frequency', ReportingFrequency, { nullable: true }),
  enumColumn('time_inference_results', 'observed_frequency', ReportingFrequency, { nullable: true }),
])}

${stageTable('cumulative_detection_results', [
  'is_cumulative boolean NOT NULL',
  enumColumn('cumulative_detection_results', 'pattern', CumulativePattern),
  'points integer NOT NULL CHECK (points >= 0)',
  'year_resets integer NOT NULL CHECK (year_resets >= 0)',
  'monotone_years integer NOT NULL CHECK (monotone_years >= 0)',
  'years integer NOT NULL CHECK (years >= 0)',
])}

${stageTable('family_assignment_results', [enumColumn('family_assignment_results', 'family', Family)])}

${stageTable('type_classification_results', [
  enumColumn('type_classification_results', 'type', IndicatorType),
  enumColumn('type_classification_results', 'temporal_aggregation', TemporalAggregation),
  'is_currency_denominated boolean NOT NULL',
])}

${stageTable('orientation_results', [enumColumn('orientation_results', 'orientation', Orientation)])}

CREATE TABLE failures (
  indicator_id text PRIMARY KEY,
  run_id text NOT NULL,
  workflow_key text NOT NULL,
  stage text NOT NULL,
  reason text NOT NULL,
  attempts integer NOT NULL CHECK (attempts >= 0),
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  last_failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX failures_last_failed_at ON failures (last_failed_at DESC);
CREATE INDEX failures_run_id ON failures (run_id);

CREATE TABLE runs (
  id text PRIMARY KEY,
  mode text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'running',
  submitted integer NOT NULL DEFAULT 0,
  completed integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  duration_ms bigint,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
`;
}

export const initialSchema: Migration = { version: 1, name: 'initial schema', sql: sql() };
