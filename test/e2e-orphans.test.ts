/**
 * End to end, a run of a new build after a run of an old build died (issue 11, item 2): the old
 * run hosted the endpoint, so its unfinished workflows are pinned to code no process serves any
 * more. The new run kills them (src/runner/orphans.ts), which spends their keys. An indicator it
 * does not reach itself (here: `--limit 1`) must not come back as failed to the next plain run: it
 * is submitted again, under a key of its own, and classified.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, databaseUrl, engineOf, explain, generateCatalog, invocationCount, readReport, removeRoot, scenariosPerTest, sql, startClassify, waitFor, type Scenario } from './e2e-helpers.js';
import { startSim, withSim } from './e2e-llm-helpers.js';

const COUNT = 30;
const TEST_TIMEOUT = 300_000;
const HOOK_TIMEOUT = 90_000;

let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-orphans-'));
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

/** LLM askers at work on some deployment (their first attempt started there), from the engine's admin SQL. */
async function pinnedAskers(adminUrl: string): Promise<number> {
  const response = await fetch(new URL('/query', adminUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ query: `select count(*) as n from sys_invocation where target_service_name = 'llmAsker' and status <> 'completed' and pinned_deployment_id is not null` }),
  });
  const body = (await response.json()) as { rows?: { n?: unknown }[] };
  return Number(body.rows?.[0]?.n ?? 0);
}

function build(world: Scenario, version: string): Scenario {
  return { ...world, env: { ...world.env, CLASSIFY_BUILD_VERSION: version } };
}

describe('a run of a new build after a run of an old build was killed', () => {
  it(
    'kills what the old build left; what it does not reach itself, the next plain run classifies (never counted failed)',
    async () => {
      const world = await scenario();
      const catalog = join(world.dataDir, 'catalog.ndjson');
      await generateCatalog(catalog, COUNT, 43);
      expect((await classify(world, ['db', 'start'])).code).toBe(0);
      const imported = await classify(world, ['import', catalog]);
      expect(imported.code, explain(imported)).toBe(0);

      // An engine of its own (not owned by a run), so it outlives every run below.
      const started = await classify(world, ['engine', 'start']);
      expect(started.code, explain(started)).toBe(0);
      const engine = await engineOf(world);
      const inFlight = ` and status <> 'completed'`;

      // Build A asks a simulator that holds every answer for minutes: its workflows stay in flight.
      const slow = await startSim(world, ['--latency-ms', '600000']);
      const old = startClassify(withSim(build(world, 'build-a'), slow), ['run', '--mode', 'llm']);
      // Its askers have started their requests (pinned to build A's deployment), and hold the questions.
      await waitFor('build A to have workflows and askers in flight', async () => {
        if (!old.running()) throw new Error(`build A's run exited:\n${old.output().stderr}`);
        return (await invocationCount(engine.adminUrl, inFlight)) >= 2 && (await pinnedAskers(engine.adminUrl)) >= 1 ? true : undefined;
      }, 180_000);
      process.kill(old.pid, 'SIGKILL');
      await old.done;

      // Build B, another simulator (the same model, so the same keys), one indicator only.
      const quick = await startSim(world);
      const b = withSim(build(world, 'build-b'), quick);
      const sample = await classify(b, ['run', '--mode', 'llm', '--limit', '1', '--report', join(world.dataDir, 'sample.json')]);
      expect(sample.code, explain(sample)).toBe(0);
      const killed = Number(/left (\d+) unfinished invocations on \S+\/v\/build-a: killed/.exec(sample.stderr)?.[1] ?? '0');
      expect(killed, sample.stderr).toBeGreaterThanOrEqual(2);
      expect(sample.stderr).toMatch(/LLM: \d+ questions its \d+ killed askers held are handed out again/);

      const url = await databaseUrl(world);
      if (url === null) throw new Error('no database url');
      const orphaned = await sql<{ n: string }>(url, `select count(*) as n from failures where stage = 'orphaned'`);
      // At least one killed workflow's indicator was not reached by the sample: it waits, recorded.
      expect(Number(orphaned[0]?.n)).toBeGreaterThanOrEqual(1);

      const rest = await classify(b, ['run', '--mode', 'llm', '--report', join(world.dataDir, 'rest.json')]);
      expect(rest.code, explain(rest)).toBe(0);
      const report = await readReport(join(world.dataDir, 'rest.json'));
      expect(report.failed).toBe(0);
      expect(report.completed).toBe(COUNT - 1);
      const counts = await sql<{ classified: string; failures: string }>(
        url,
        `select (select count(*) from classifications) as classified, (select count(*) from failures) as failures`,
      );
      expect(counts[0]).toEqual({ classified: String(COUNT), failures: '0' });
    },
    TEST_TIMEOUT,
  );
});
