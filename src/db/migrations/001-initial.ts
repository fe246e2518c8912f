/**
 * The first schema: catalog rows, one wide classification row per indicator, one table per stage,
 * failures (one row per indicator) and runs. Enum checks come from src/domain/taxonomy.ts at the
 * time this runs; a later change to an enum needs a new migration that replaces the named
 * constraint (`<table>_<column>_enum`), since databases that already ran this one keep its checks.
 */
import {
  CumulativePattern,
  Family,
  IndicatorType,
  Orientation,
  ReportingFrequency,
  Scale,
  Source,
  TemporalAggregation,
  TimeBasis,
  UnitType,
} from '../../domain/taxonomy.js';
import type { Migration } from './index.js';
import { enumColumn, familyTypeCheck } from './sql.js';

/** Columns every stage table shares: who, which run, and the stage's provenance. */
function stageTable(table: string, fields: readonly string[]): string {
  return `CREATE TABLE ${table} (
  indicator_id text PRIMARY KEY,
  run_id text NOT NULL,
  ${fields.join(',\n  ')},
  confidence double precision NOT NULL CONSTRAINT ${table}_confidence_range CHECK (confidence BETWEEN 0 AND 1),
  ${enumColumn(table, 'source', Source.options)},
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`;
}

/** `<stage>_confidence` and `<stage>_source` in the wide classifications row. */
function provenanceColumns(stage: string): string[] {
  return [
    `${stage}_confidence double precision NOT NULL CHECK (${stage}_confidence BETWEEN 0 AND 1)`,
    enumColumn('classifications', `${stage}_source`, Source.options),
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
  ${enumColumn(C, 'unit_type', UnitType.options)},
  ${enumColumn(C, 'scale', Scale.options)},
  scale_factor double precision NOT NULL CHECK (scale_factor > 0),
  currency text CHECK (currency ~ '^[A-Z]{3}$'),
  per_unit text,
  ${enumColumn(C, 'reporting_frequency', ReportingFrequency.options)},
  ${enumColumn(C, 'time_basis', TimeBasis.options)},
  is_cumulative boolean NOT NULL,
  ${enumColumn(C, 'cumulative_pattern', CumulativePattern.options)},
  ${enumColumn(C, 'family', Family.options)},
  ${enumColumn(C, 'type', IndicatorType.options)},
  ${enumColumn(C, 'temporal_aggregation', TemporalAggregation.options)},
  is_currency_denominated boolean NOT NULL,
  ${enumColumn(C, 'orientation', Orientation.options)},
  ${['normalization', 'time', 'cumulative', 'family', 'type', 'orientation'].flatMap(provenanceColumns).join(',\n  ')},
  confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  needs_review boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  ${familyTypeCheck(C)}
);
CREATE INDEX classifications_run_id ON ${C} (run_id);
CREATE INDEX classifications_updated_at ON ${C} (updated_at DESC);
CREATE INDEX classifications_needs_review ON ${C} (indicator_id) WHERE needs_review;

${stageTable('normalization_results', [
  enumColumn('normalization_results', 'unit_type', UnitType.options),
  enumColumn('normalization_results', 'scale', Scale.options),
  'scale_factor double precision NOT NULL CHECK (scale_factor > 0)',
  "currency text CHECK (currency ~ '^[A-Z]{3}$')",
  'per_unit text',
])}

${stageTable('time_inference_results', [
  enumColumn('time_inference_results', 'reporting_frequency', ReportingFrequency.options),
  enumColumn('time_inference_results', 'time_basis', TimeBasis.options),
  enumColumn('time_inference_results', 'declared_frequency', ReportingFrequency.options, { nullable: true }),
  enumColumn('time_inference_results', 'observed_frequency', ReportingFrequency.options, { nullable: true }),
])}

${stageTable('cumulative_detection_results', [
  'is_cumulative boolean NOT NULL',
  enumColumn('cumulative_detection_results', 'pattern', CumulativePattern.options),
  'points integer NOT NULL CHECK (points >= 0)',
  'year_resets integer NOT NULL CHECK (year_resets >= 0)',
  'monotone_years integer NOT NULL CHECK (monotone_years >= 0)',
  'years integer NOT NULL CHECK (years >= 0)',
])}

${stageTable('family_assignment_results', [enumColumn('family_assignment_results', 'family', Family.options)])}

${stageTable('type_classification_results', [
  enumColumn('type_classification_results', 'type', IndicatorType.options),
  enumColumn('type_classification_results', 'temporal_aggregation', TemporalAggregation.options),
  'is_currency_denominated boolean NOT NULL',
])}

${stageTable('orientation_results', [enumColumn('orientation_results', 'orientation', Orientation.options)])}

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
