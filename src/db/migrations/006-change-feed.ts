/**
 * A run's completions as a change feed (src/db/changes.ts): every write of a classification or a
 * failure stamps the row with the id of the transaction that wrote it. A sequence or a timestamp
 * would not do: both are taken before commit, so rows become visible out of their order and a
 * reader that keeps "the highest seen" skips the late ones. A transaction id, compared with a
 * snapshot's list of transactions still in progress, says exactly which rows may still appear.
 * A trigger, not a column default: an upsert that re-classifies an indicator (--force) updates the
 * row, and the update must be stamped too. The (run_id, change_xid) indexes serve every query by
 * run as well, so the run_id indexes go: one index less for every save to maintain.
 */
import type { Migration } from './index.js';

export const changeFeed: Migration = {
  version: 6,
  name: 'change feed of classifications and failures',
  sql: `
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS change_xid xid8;
ALTER TABLE failures ADD COLUMN IF NOT EXISTS change_xid xid8;
CREATE OR REPLACE FUNCTION classify_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id();
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS classifications_stamp_change ON classifications;
CREATE TRIGGER classifications_stamp_change BEFORE INSERT OR UPDATE ON classifications
  FOR EACH ROW EXECUTE FUNCTION classify_stamp_change();
DROP TRIGGER IF EXISTS failures_stamp_change ON failures;
CREATE TRIGGER failures_stamp_change BEFORE INSERT OR UPDATE ON failures
  FOR EACH ROW EXECUTE FUNCTION classify_stamp_change();
CREATE INDEX IF NOT EXISTS classifications_run_change ON classifications (run_id, change_xid);
CREATE INDEX IF NOT EXISTS failures_run_change ON failures (run_id, change_xid);
DROP INDEX IF EXISTS classifications_run_id;
DROP INDEX IF EXISTS failures_run_id;
`,
};
