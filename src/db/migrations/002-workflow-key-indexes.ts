/** A run waits for its submissions by workflow key (src/db/progress.ts); without an index that is a scan per poll. */
import type { Migration } from './index.js';

export const workflowKeyIndexes: Migration = {
  version: 2,
  name: 'workflow key indexes',
  sql: `
CREATE INDEX IF NOT EXISTS classifications_workflow_key ON classifications (workflow_key);
CREATE INDEX IF NOT EXISTS failures_workflow_key ON failures (workflow_key);
`,
};
