/**
 * Workflows the engine ended as failed that left nothing in the database: the endpoint's serde
 * refused the submission before the handler ran (src/workflow/serde.ts: a body another version of
 * the input schema does not accept), so no failures row was written. The run would wait for them
 * until its stall timeout; instead it asks the engine (its admin SQL) about keys pending a while,
 * records each one's failure with the engine's reason, and counts it failed like any other.
 */
import { query, sqlString } from '../engine/index.js';
import { parseWorkflowKey } from '../workflow/keys.js';

/** The failure message of each of `keys` whose `run` invocation the engine completed with a failure. */
export async function failedInEngine(adminUrl: string, service: string, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await query(
    adminUrl,
    `select target_service_key as key, completion_failure as failure from sys_invocation
      where target_service_name = ${sqlString(service)} and target_handler_name = 'run'
        and status = 'completed' and completion_result = 'failure'
        and target_service_key in (${keys.map(sqlString).join(', ')})`,
  );
  const failed = new Map<string, string>();
  for (const row of rows) {
    if (typeof row.key !== 'string') continue;
    failed.set(row.key, typeof row.failure === 'string' && row.failure !== '' ? row.failure : 'the engine ended the workflow as failed');
  }
  return failed;
}

/** The indicator a key names (the key itself when it does not parse: it is still the failure's name). */
export function indicatorOfKey(key: string): string {
  return parseWorkflowKey(key)?.indicatorId ?? key;
}
