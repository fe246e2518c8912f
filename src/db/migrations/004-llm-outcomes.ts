/**
 * Request outcomes grown (`unreachable`: never left this machine; `invalid-response`: a success
 * status whose body is not the API's) and the preflight as a request stage: both named
 * constraints of llm_requests replaced with the lists src/db/llm.ts had when this shipped.
 * Frozen: the lists are written in, not imported (a later status needs a migration of its own).
 */
import type { Migration } from './index.js';
import { literal } from './sql.js';

const LLM_REQUEST_STATUSES = [
  'ok',
  'partial',
  'rate-limit',
  'server',
  'timeout',
  'network',
  'unreachable',
  'invalid-answer',
  'invalid-response',
  'invalid-request',
  'auth',
  'aborted',
];
const LLM_REQUEST_STAGES = ['time', 'family', 'type', 'orientation', 'cumulative', 'preflight'];

function replaceCheck(table: string, column: string, values: readonly string[]): string {
  const name = `${table}_${column}_enum`;
  return `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name},
  ADD CONSTRAINT ${name} CHECK (${column} IN (${values.map(literal).join(', ')}));`;
}

export const llmOutcomes: Migration = {
  version: 4,
  name: 'llm request outcomes unreachable and invalid-response; preflight requests',
  sql: [replaceCheck('llm_requests', 'status', LLM_REQUEST_STATUSES), replaceCheck('llm_requests', 'stage', LLM_REQUEST_STAGES)].join('\n'),
};
