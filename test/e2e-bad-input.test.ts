/**
 * End to end, a malformed submission (issue 11, item 7): the endpoint parses the workflow's input
 * with its zod schema before the handler runs, so a body with a wrong field is refused there — no
 * handler, no failures row. The engine must end it at once (a terminal 400, never retried), and a
 * run that meets such a workflow under one of its keys must count it failed, with the engine's
 * reason in the report and in `failures`, instead of waiting for it until its stall timeout.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Indicator } from '../src/domain/indicator.js';
import { freePorts } from '../src/engine/ports.js';
import { CLASSIFY_WORKFLOW } from '../src/workflow/classify-workflow.js';
import { workflowKey } from '../src/workflow/keys.js';
import { policyTag } from '../src/workflow/policy-tag.js';
import {
  HANG_CEILING_MS,
  classify,
  databaseUrl,
  engineOf,
  explain,
  generateCatalog,
  readReport,
  removeRoot,
  scenariosPerTest,
  sql,
  startServe,
  waitFor,
} from './e2e-helpers.js';

const COUNT = 20;
/** Far longer than the run needs: the run must not end on its stall timeout. */
const STALL_S = 300;
const TEST_TIMEOUT = 3 * HANG_CEILING_MS;
const HOOK_TIMEOUT = HANG_CEILING_MS;

let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-bad-input-'));
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

/** The `run` invocations of `key`: status and result, from the engine's admin SQL. */
async function invocationsOf(adminUrl: string, key: string): Promise<{ status: string; completion_result: string | null; completion_failure: string | null; retry_count: number | null }[]> {
  const response = await fetch(new URL('/query', adminUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `select status, completion_result, completion_failure, retry_count from sys_invocation
               where target_service_name = '${CLASSIFY_WORKFLOW}' and target_service_key = '${key.replaceAll("'", "''")}'`,
    }),
  });
  const body = (await response.json()) as { rows: { status: string; completion_result: string | null; completion_failure: string | null; retry_count: number | null }[] };
  return body.rows;
}

describe('a submission whose body does not fit the workflow input schema', () => {
  it(
    'is refused before the handler runs, never retried; the run that meets it counts it failed with the reason, exit 1',
    async () => {
      const world = await scenario();
      const catalog = join(world.dataDir, 'catalog.ndjson');
      await generateCatalog(catalog, COUNT, 31);
      expect((await classify(world, ['db', 'start'])).code).toBe(0);
      const imported = await classify(world, ['import', catalog]);
      expect(imported.code, explain(imported)).toBe(0);
      const engine = await classify(world, ['engine', 'start']);
      expect(engine.code, explain(engine)).toBe(0);
      const { adminUrl, ingressUrl } = await engineOf(world);
      const [port = 0] = await freePorts(1);
      await startServe(world, port, adminUrl);

      // The key a rules run gives the first indicator, taken by a body with a wrong field (`runID`).
      const first = Indicator.parse(JSON.parse((await readFile(catalog, 'utf8')).split('\n')[0] ?? '{}'));
      const { key, contentHash } = workflowKey(first, { policy: policyTag({ mode: 'rules' }) });
      const sent = await fetch(`${ingressUrl}/${CLASSIFY_WORKFLOW}/${encodeURIComponent(key)}/run/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ runID: 'run-by-hand', indicator: first, contentHash }),
      });
      expect(sent.status).toBe(202);
      // Ended by the engine at once, as failed with the serde's reason, without a retry.
      const ended = await waitFor('the malformed invocation to end', async () => {
        const rows = await invocationsOf(adminUrl, key);
        return rows[0]?.status === 'completed' ? rows : undefined;
      }, HANG_CEILING_MS, 200);
      expect(ended).toHaveLength(1);
      expect(ended[0]).toMatchObject({ completion_result: 'failure' });
      expect(ended[0]?.completion_failure).toMatch(/Failed to deserialize input: runId: .*expected string/);
      expect(ended[0]?.retry_count ?? 0).toBe(0);
      const url = (await databaseUrl(world)) ?? '';
      expect(await sql(url, 'SELECT workflow_key FROM failures')).toEqual([]);

      // The run submits that key too (the engine answers "previously accepted"): it must not wait for it.
      const report = join(world.dataDir, 'report.json');
      const run = await classify(world, ['run', '--endpoint-url', `http://127.0.0.1:${port}`, '--report', report, '--stall-timeout', String(STALL_S)]);
      expect(run.code, explain(run)).toBe(1);
      const result = await readReport(report);
      expect(result).toMatchObject({ status: 'completed-with-failures', planned: COUNT, completed: COUNT - 1, failed: 1, unfinished: 0, stop_reason: null });
      expect(result.top_failure_reasons).toEqual([{ reason: expect.stringMatching(/^engine: \[400\] Failed to deserialize input: runId: /) as string, count: 1 }]);
      expect(run.stderr).toContain('the engine ended its workflow as failed before it ran');
      const failures = await sql<{ indicator_id: string; workflow_key: string; stage: string; run_id: string }>(
        url,
        'SELECT indicator_id, workflow_key, stage, run_id FROM failures',
      );
      expect(failures).toEqual([{ indicator_id: first.id, workflow_key: key, stage: 'engine', run_id: result.run_id }]);
      // Still one invocation of that key: nothing re-ran it.
      expect(await invocationsOf(adminUrl, key)).toHaveLength(1);
    },
    TEST_TIMEOUT,
  );
});
