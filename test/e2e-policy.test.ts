/**
 * End to end, a change of mode without --force (issue 11, item 4): a catalog classified with the
 * rules, then a plain run in hybrid mode (the LLM is `classify llm-sim`) re-classifies every
 * indicator under the hybrid policy, and the same hybrid run again submits nothing. The policy is in
 * the workflow key (src/workflow/policy-tag.ts), so the engine runs the new keys and the old ones stay
 * answered. Run `npm run build` first (`npm test` does).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/runner/summary.js';
import { BACKENDS, databaseUrl, explain, generateCatalog, readReport, removeRoot, scenariosPerTest, sql, type BackendName, type Scenario } from './e2e-helpers.js';
import { classifyIn, startSim, withoutLlm, withSim } from './e2e-llm-helpers.js';

const COUNT = 20;
const STALL = ['--stall-timeout', '60'];
const TEST_TIMEOUT = 300_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-policy-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 53);
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

async function run(scenario: Scenario, name: string, args: readonly string[]): Promise<{ report: RunReport; stderr: string }> {
  const file = join(scenario.dataDir, `${name}.json`);
  const result = await classifyIn(scenario, ['run', '--report', file, ...STALL, ...args]);
  expect(result.code, explain(result)).toBe(0);
  return { report: await readReport(file), stderr: result.stderr };
}

async function policyOf(url: string, runId: string): Promise<string> {
  const rows = await sql<{ policy: string }>(url, `SELECT settings->>'policy' AS policy FROM runs WHERE id = '${runId}'`);
  const policy = rows[0]?.policy;
  if (policy === undefined) throw new Error(`run ${runId} recorded no policy`);
  return policy;
}

describe.each(BACKENDS)('a change of mode without --force on $name', ({ name, enabled }: { name: BackendName; enabled: boolean }) => {
  const scenario = scenariosPerTest(() => root, name, HOOK_TIMEOUT);

  it.runIf(enabled)('rules, then hybrid re-classifies all under the hybrid policy, then hybrid again submits nothing', async () => {
    const world = await scenario();
    // The database must outlive each run so the test can read it between runs.
    if (name === 'pglite') expect((await classifyIn(world, ['db', 'start'])).code).toBe(0);
    const url = (await databaseUrl(world)) ?? '';
    const sim = await startSim(world, ['--seed', '5']);
    const hybridWorld = withSim(world, sim);

    const rules = await run(withoutLlm(world), 'rules', ['--catalog', catalog, '--mode', 'rules']);
    expect(rules.report).toMatchObject({ mode: 'rules', planned: COUNT, submitted: COUNT, completed: COUNT, failed: 0 });
    const rulesPolicy = await policyOf(url, rules.report.run_id);

    const hybrid = await run(hybridWorld, 'hybrid', ['--mode', 'hybrid']);
    expect(hybrid.stderr).toContain(`${COUNT} indicators classified under another mode, model or prompt version are classified again`);
    expect(hybrid.report).toMatchObject({ mode: 'hybrid', planned: COUNT, submitted: COUNT, already_running_or_done: 0, completed: COUNT, failed: 0 });
    const hybridPolicy = await policyOf(url, hybrid.report.run_id);
    expect(hybridPolicy).not.toBe(rulesPolicy);
    // Every row is the hybrid run's, under its policy, with the policy in its key.
    const rows = await sql<{ run_id: string; policy: string; tagged: boolean }>(
      url,
      `SELECT run_id, policy, workflow_key LIKE '%~' || policy AS tagged FROM classifications`,
    );
    expect(rows).toHaveLength(COUNT);
    expect(new Set(rows.map((row) => JSON.stringify(row)))).toEqual(new Set([JSON.stringify({ run_id: hybrid.report.run_id, policy: hybridPolicy, tagged: true })]));

    const again = await run(hybridWorld, 'again', ['--mode', 'hybrid']);
    expect(again.stderr).toContain(`nothing to classify: all ${COUNT} indicators in the database are already classified`);
    expect(again.report).toMatchObject({ planned: 0, submitted: 0, completed: 0, failed: 0 });
    expect(await policyOf(url, again.report.run_id)).toBe(hybridPolicy);
    const unchanged = await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM classifications WHERE run_id = '${hybrid.report.run_id}'`);
    expect(unchanged).toEqual([{ n: COUNT }]);
  }, TEST_TIMEOUT);
});
