/**
 * The bare Restate workflow the ceiling is compared with: as many journaled steps as the classify
 * workflow made in the ceiling run (counted in the engine's journal), each doing nothing, the last one a single
 * INSERT into a bench table of the same database. Registered under its own name with the same
 * retry and retention options, so the engine does the same work per invocation and the difference
 * to our ceiling is our own code: validation, the rules, the stage tables, the submission payload
 * aside (it gets the same indicator in its input).
 */
import * as restate from '@restatedev/restate-sdk';
import type pg from 'pg';
import { buildVersion, versionPath } from '../workflow/build-version.js';
import { listenHttp2, type Http2Endpoint } from '../workflow/http2-endpoint.js';
import { INVOCATION_RETRY, RETENTION_MS } from '../workflow/options.js';

export const BARE_WORKFLOW = 'benchBareWorkflow';

/**
 * The bare workflow's steps when our workflow's were not counted (the ceiling skipped): a rules-mode
 * classify workflow journals the save alone (its rule stages are pure). A bench that runs the
 * ceiling counts them instead (journal.ts).
 */
export const CLASSIFY_JOURNALED_STEPS = 1;

export const BARE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS bench_bare_saves (
  workflow_key text PRIMARY KEY,
  saved_at timestamptz NOT NULL DEFAULT now()
)`;

export type BareEndpoint = Http2Endpoint;

export function createBareWorkflow(pool: pg.Pool, steps: number) {
  return restate.workflow({
    name: BARE_WORKFLOW,
    handlers: {
      // The input is the indicator the classify workflow would get; only its size matters here.
      run: async (ctx: restate.WorkflowContext): Promise<{ steps: number }> => {
        for (let step = 1; step < steps; step++) await ctx.run(`step-${step}`, () => step);
        // ON CONFLICT: a replayed save after a crash changes nothing, as our save's upsert.
        await ctx.run('save', async () => {
          await pool.query('INSERT INTO bench_bare_saves (workflow_key) VALUES ($1) ON CONFLICT DO NOTHING', [ctx.key]);
        });
        return { steps };
      },
    },
    options: { retryPolicy: INVOCATION_RETRY, journalRetention: RETENTION_MS, workflowRetention: RETENTION_MS },
  });
}

/** The bare workflow's endpoint: the same HTTP/2 server as src/workflow/endpoint.ts, with this one service. */
export async function startBareEndpoint(pool: pg.Pool, options: { port: number; steps: number }): Promise<BareEndpoint> {
  await pool.query(BARE_TABLE_SQL);
  const handler = restate.createEndpointHandler({ services: [createBareWorkflow(pool, options.steps)] });
  return await listenHttp2(handler, options.port, '127.0.0.1', versionPath(await buildVersion(process.env)));
}
