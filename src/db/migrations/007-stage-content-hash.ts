/**
 * Every stage row records the content hash it classified, as the classifications row does, so each
 * table's upsert can refuse, on the row it locks, to replace the classification of an indicator's
 * current content with one of older content (src/db/classifications.ts). Nullable: rows written
 * before this carry no hash and are replaced by the next save.
 */
import type { Migration } from './index.js';

const STAGE_TABLES = [
  'normalization_results',
  'time_inference_results',
  'cumulative_detection_results',
  'family_assignment_results',
  'type_classification_results',
  'orientation_results',
];

export const stageContentHash: Migration = {
  version: 7,
  name: 'content hash in every stage table',
  sql: STAGE_TABLES.map((table) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS content_hash text;`).join('\n'),
};
