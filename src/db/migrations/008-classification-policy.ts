/**
 * The policy tag (src/workflow/policy-tag.ts) every classification was made under: a plain run
 * re-classifies an indicator whose row is of another policy, as it does one of older content.
 * Nullable: rows saved before this have none, and count as of no current policy.
 */
import type { Migration } from './index.js';

export const classificationPolicy: Migration = {
  version: 8,
  name: 'policy of every classification',
  sql: 'ALTER TABLE classifications ADD COLUMN IF NOT EXISTS policy text;',
};
