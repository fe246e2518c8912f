/**
 * Which service process saved each classification (a run reports how workflows spread over
 * processes), and a run's measured throughput, latency and LLM load as one JSON object.
 */
import type { Migration } from './index.js';

export const runMetrics: Migration = {
  version: 5,
  name: 'classification service and run metrics',
  sql: `
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS service text;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS metrics jsonb;
`,
};
