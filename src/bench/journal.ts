/**
 * How many journaled steps (`ctx.run`) our workflow really made per invocation, read from the
 * engine that ran it (its `sys_journal` table, via the admin SQL endpoint). The bare workflow gets
 * as many: counted, not assumed, because which stages are journaled is the workflow's business and
 * changes with it.
 */
import { z } from 'zod';
import { query } from '../engine/index.js';
import { CLASSIFY_WORKFLOW } from '../workflow/classify-workflow.js';

const Row = z.object({ runs: z.coerce.number(), invocations: z.coerce.number() });

/** Mean `Command: Run` entries per classify invocation that has any, rounded; null when none is kept. */
export async function journaledSteps(adminUrl: string): Promise<number | null> {
  const rows = await query(
    adminUrl,
    `SELECT count(*) AS runs, count(DISTINCT j.id) AS invocations FROM sys_journal j JOIN sys_invocation i ON i.id = j.id
      WHERE i.target_service_name = '${CLASSIFY_WORKFLOW}' AND j.entry_type = 'Command: Run'`,
  );
  const row = Row.parse(rows[0]);
  return row.invocations === 0 ? null : Math.round(row.runs / row.invocations);
}
