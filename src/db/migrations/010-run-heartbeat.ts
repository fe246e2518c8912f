/**
 * A running run stamps `heartbeat_at` every few seconds (src/runner/heartbeat.ts), so a run whose
 * process was killed, or whose machine went away, reads as `lost` instead of `running` forever.
 */
import type { Migration } from './index.js';

export const runHeartbeat: Migration = {
  version: 10,
  name: 'heartbeat of a running run',
  sql: 'ALTER TABLE runs ADD COLUMN IF NOT EXISTS heartbeat_at timestamptz;',
};
