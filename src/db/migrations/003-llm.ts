/**
 * The LLM stages' tables: the answer cache (dedup across indicators and runs), every request with
 * its tokens and cost, every cache hit with the run it served, and LLM totals on runs.
 *
 * Frozen: the stage and status lists are written in as they were (stages as of 7410f92, the list
 * src/llm/stages/schemas.ts has kept since; statuses as src/db/llm.ts had them before migration 4
 * grew them). Until they were written in, this SQL followed today's lists, so a fresh database got
 * checks an older one never had. Growing a list needs a new migration that replaces the named
 * constraint (`<table>_<column>_enum`), as 004 does.
 */
import type { Migration } from './index.js';
import { enumColumn } from './sql.js';

const LLM_STAGES = ['time', 'family', 'type', 'orientation', 'cumulative'];
const LLM_REQUEST_STATUSES = ['ok', 'partial', 'rate-limit', 'server', 'timeout', 'network', 'invalid-answer', 'invalid-request', 'auth', 'aborted'];

const tokens = (column: string) => `${column} integer NOT NULL CHECK (${column} >= 0)`;
const runTotal = (column: string, type: string) => `ADD COLUMN IF NOT EXISTS ${column} ${type} NOT NULL DEFAULT 0`;

function sql(): string {
  return `
CREATE TABLE IF NOT EXISTS llm_cache (
  signature text NOT NULL,
  ${enumColumn('llm_cache', 'stage', LLM_STAGES)},
  prompt_version text NOT NULL,
  model text NOT NULL,
  answer jsonb NOT NULL,
  -- The llm_requests.id whose answer this is: tells a put that won the race from one that lost.
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  hits integer NOT NULL DEFAULT 0 CHECK (hits >= 0),
  PRIMARY KEY (signature, stage, prompt_version, model)
);

CREATE TABLE IF NOT EXISTS llm_cache_hits (
  -- Deterministic (workflow key + stage): a replayed lookup counts once.
  id text PRIMARY KEY,
  run_id text NOT NULL,
  signature text NOT NULL,
  ${enumColumn('llm_cache_hits', 'stage', LLM_STAGES)},
  prompt_version text NOT NULL,
  model text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS llm_cache_hits_run_id ON llm_cache_hits (run_id);

CREATE TABLE IF NOT EXISTS llm_requests (
  -- Deterministic (workflow key + stage + attempt): a replayed step does not insert twice.
  id text PRIMARY KEY,
  run_id text NOT NULL,
  ${enumColumn('llm_requests', 'stage', LLM_STAGES)},
  provider text NOT NULL,
  model text NOT NULL,
  indicators integer NOT NULL CHECK (indicators >= 0),
  ${['input_tokens', 'cached_tokens', 'output_tokens', 'reasoning_tokens'].map(tokens).join(',\n  ')},
  latency_ms integer NOT NULL CHECK (latency_ms >= 0),
  ${enumColumn('llm_requests', 'status', LLM_REQUEST_STATUSES)},
  -- NULL: the model has no price (src/llm/pricing.ts), reported as unknown rather than as $0.
  cost_usd numeric(14, 8) CHECK (cost_usd >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS llm_requests_run_id ON llm_requests (run_id);

ALTER TABLE runs
  ${runTotal('llm_requests', 'integer')},
  ${runTotal('input_tokens', 'bigint')},
  ${runTotal('cached_tokens', 'bigint')},
  ${runTotal('output_tokens', 'bigint')},
  ${runTotal('reasoning_tokens', 'bigint')},
  ${runTotal('cost_usd', 'numeric(14, 6)')},
  ${runTotal('cache_hits', 'integer')};
`;
}

export const llmSchema: Migration = { version: 3, name: 'llm cache, requests and run totals', sql: sql() };
