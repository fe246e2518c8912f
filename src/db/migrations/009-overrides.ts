/**
 * Reviews of classified fields (issue 13): a person accepts the machine's value or overrides it.
 * Append-only: the latest row per (indicator, field) is the review in force, older rows are its
 * history. Kept apart from the machine's rows, which no review touches: the export applies
 * overrides when it reads (src/db/overrides.ts), so no run, --force included, can overwrite one.
 * `content_hash` is the indicator's content the review was made against; when an import changes it,
 * the review stays and is flagged for re-review (derived when read, nothing to keep in step).
 * Frozen: the field list is written in, not imported.
 */
import type { Migration } from './index.js';
import { enumColumn } from './sql.js';

const FIELDS = ['family', 'type', 'temporal_aggregation', 'is_currency_denominated', 'orientation'];
const ACTIONS = ['accept', 'override'];

export const overrides: Migration = {
  version: 9,
  name: 'overrides: reviews of classified fields',
  sql: `CREATE TABLE overrides (
  id bigserial PRIMARY KEY,
  indicator_id text NOT NULL,
  ${enumColumn('overrides', 'field', FIELDS)},
  ${enumColumn('overrides', 'action', ACTIONS)},
  old_value text NOT NULL,
  new_value text NOT NULL,
  note text,
  reviewer text NOT NULL CHECK (reviewer <> ''),
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT overrides_accept_keeps_value CHECK (action <> 'accept' OR new_value = old_value)
);
CREATE INDEX overrides_latest ON overrides (indicator_id, field, id DESC);`,
};
