// Deterministic replays (issue 11, item 1), as a user meets them: llm mode through a `classify serve`
// endpoint that is SIGKILLed mid-run and started again with another model in its environment. Each
// workflow asks the model it started with (its policy's, journaled once), so nothing it replays
// branches differently: no journal mismatch, every indicator completes with the LLM's answers, and
// requests after the restart still name the old model; a later run asks the new one.
import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { HANG_CEILING_MS, classify, databaseUrl, engineOf, explain, generateCatalog, readReport, scenariosPerTest, sql, startClassify, waitFor, type Child, type Scenario } from './e2e-helpers.js';
import { simLog, startSim, withSim } from './e2e-llm-helpers.js';

const HOOK_TIMEOUT = HANG_CEILING_MS;
const TEST_TIMEOUT = 4 * HANG_CEILING_MS;
const COUNT = 24;
const OLD_MODEL = 'gpt-5-mini';
const NEW_MODEL = 'gpt-5-nano';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-replay-'));
});

async function startServe(scenario: Scenario, port: number, adminUrl: string): Promise<Child> {
  const serve = startClassify(scenario, ['serve', '--port', String(port), '--register-at', adminUrl, '--log-level', 'warn']);
  await waitFor('classify serve to register', () => {
    if (serve.output().stdout.includes('registered at')) return Promise.resolve(true);
    if (!serve.running()) throw new Error(`classify serve exited:\n${serve.output().stderr}`);
    return Promise.resolve(undefined);
  });
  return serve;
}

/** Every line of the engine's and the endpoints' logs that speaks of a journal mismatch. */
async function mismatchLines(dataDir: string, serves: readonly Child[]): Promise<string[]> {
  const texts = serves.map((serve) => `${serve.output().stdout}\n${serve.output().stderr}`);
  const logs = join(dataDir, 'logs');
  for (const name of await readdir(logs).catch(() => [])) texts.push(await readFile(join(logs, name), 'utf8').catch(() => ''));
  return texts.flatMap((text) => text.split('\n')).filter((line) => /mismatch/i.test(line));
}

describe('deterministic replays', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it(`an endpoint restarted with another model mid-run: every workflow completes on the model it started with (${OLD_MODEL}), no journal mismatch`, async () => {
    const base = await scenario();
    // Slow answers: each workflow asks up to five stages one after another, so most are still to ask when the endpoint dies.
    const sim = await startSim(base, ['--latency-ms', '2000', '--seed', '9']);
    const world = withSim(base, sim);
    for (const command of [['db', 'start'], ['engine', 'start']]) {
      const started = await classify(world, command);
      expect(started.code, explain(started)).toBe(0);
    }
    const { adminUrl } = await engineOf(world);
    const [port = 0] = await freePorts(1);
    const first = await startServe({ ...world, env: { ...world.env, OPENAI_MODEL: OLD_MODEL } }, port, adminUrl);
    const catalog = join(world.dataDir, 'catalog.ndjson');
    await generateCatalog(catalog, COUNT, 31);
    const report = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, '--mode', 'llm', '--endpoint-url', `http://127.0.0.1:${port}`, '--report', report]);

    // The first answer came (its workflows journaled the model before asking, and have later stages
    // to ask): then the endpoint dies.
    await waitFor('a first LLM answer', async () => {
      if (!run.running()) throw new Error(`the run ended first:\n${run.output().stderr}`);
      return (await simLog(sim)).length >= 1 ? true : undefined;
    }, HANG_CEILING_MS, 20);
    process.kill(first.pid, 'SIGKILL');
    await first.done;
    const restartedAt = Date.now();
    const second = await startServe({ ...world, env: { ...world.env, OPENAI_MODEL: NEW_MODEL } }, port, adminUrl);
    expect(second.output().stdout).toContain(NEW_MODEL);

    const result = await run.done;
    expect(result.code, explain(result)).toBe(0);
    expect(await readReport(report)).toMatchObject({ status: 'completed', completed: COUNT, failed: 0, llm_fallback_fields: 0 });
    const log = (await simLog(sim)).filter((entry) => entry.path === '/v1/chat/completions');
    const after = log.filter((entry) => Date.parse(entry.time) > restartedAt);
    // Questions were still asked after the restart of the model the workflows started with (the new
    // endpoint's own model only for a workflow that had not yet read the endpoint's model).
    expect(after.some((entry) => entry.model === OLD_MODEL)).toBe(true);
    expect(after.every((entry) => entry.model === OLD_MODEL || entry.model === NEW_MODEL)).toBe(true);
    const url = await databaseUrl(world);
    expect(url).not.toBeNull();
    const cached = await sql<{ model: string }>(url ?? '', 'SELECT DISTINCT model FROM llm_cache');
    expect(cached.map((row) => row.model)).toContain(OLD_MODEL);
    expect(await mismatchLines(world.dataDir, [first, second])).toEqual([]);

    // A run started now asks the endpoint's new model.
    const more = join(world.dataDir, 'more.ndjson');
    await generateCatalog(more, 3, 97);
    const later = await classify(world, ['run', '--catalog', more, '--mode', 'llm', '--endpoint-url', `http://127.0.0.1:${port}`]);
    expect(later.code, explain(later)).toBe(0);
    const models = new Set((await simLog(sim)).slice(log.length).filter((entry) => entry.path === '/v1/chat/completions').map((entry) => entry.model));
    expect(models).toEqual(new Set([NEW_MODEL]));
  }, TEST_TIMEOUT);
});
