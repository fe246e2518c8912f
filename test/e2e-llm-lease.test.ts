// An LLM path that never sticks (issue 11, item 3), as a user runs it: llm mode against llm-sim.
// - An asker killed in Restate while its request is out: the batcher's lease runs out and the batch is
//   handed out again, so the run completes instead of every workflow waiting an hour.
// - The service endpoint (`classify serve`) SIGKILLed while questions wait, with the simulator's
//   faults on, and started again: every indicator completes, and the simulator's own request log shows
//   no answer paid again but those the provider sent that the endpoint had not cached when it died.
// Waits are on conditions; their ceilings only bound a hang (the load pass, .ci/under-load.sh, runs this file).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import type { LogEntry, SimStatsReply } from '../src/llm-sim/log.js';
import { askerTimings } from '../src/workflow/llm/lease.js';
import { classify, databaseUrl, engineOf, explain, HANG_CEILING_MS, sql, generateCatalog, readReport, scenariosPerTest, startClassify, startServe, waitFor, type Scenario } from './e2e-helpers.js';
import { simLog, startSim, withSim } from './e2e-llm-helpers.js';

const HOOK_TIMEOUT = 300_000;
/** The provider's timeout in these runs: it sets the asker's lease (lease.ts). */
const LLM_TIMEOUT_MS = 3_000;
const LEASE_MS = askerTimings(LLM_TIMEOUT_MS).leaseMs;
/** Longer than a lease and a second hand-out, far shorter than the workflow's 60-min wait for an answer. */
const STALL_S = Math.ceil((2 * LEASE_MS) / 1000) + 60;
const CEILING_MS = HANG_CEILING_MS;

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-lease-'));
});

/** Admin SQL. */
async function query<T>(adminUrl: string, sql: string): Promise<T[]> {
  const response = await fetch(new URL('/query', adminUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ query: sql }),
  });
  const body = (await response.json()) as { rows?: T[] };
  if (!response.ok) throw new Error(`admin query: ${response.status} ${JSON.stringify(body)}`);
  return body.rows ?? [];
}

/** A question as the simulator's log names it: the model and the question's fingerprint (stage and indicator). */
const questionOf = (entry: LogEntry, question: string): string => `${entry.model ?? ''}:${question}`;

/** Answers the provider sent and billed: status 200, no injected fault (malformed answers, errors and requests the client gave up on are not answers). */
const answers = (log: readonly LogEntry[]): LogEntry[] =>
  log.filter((entry) => entry.path === '/v1/chat/completions' && entry.status === 200 && entry.fault === null);

/** The distinct questions the provider answered. */
function answeredQuestions(log: readonly LogEntry[]): Set<string> {
  return new Set(answers(log).flatMap((entry) => (entry.questions ?? []).map((question) => questionOf(entry, question))));
}

/** Questions answered (paid) more than once. */
export function paidTwice(log: readonly LogEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of answers(log)) {
    for (const question of entry.questions ?? []) seen.set(questionOf(entry, question), (seen.get(questionOf(entry, question)) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** Answers paid for beyond the first of each question. */
function paidAgain(log: readonly LogEntry[]): number {
  return answers(log).reduce((total, entry) => total + (entry.questions?.length ?? 0), 0) - answeredQuestions(log).size;
}

/** Answers in the scenario's LLM cache. */
async function cachedAnswers(world: Scenario): Promise<number> {
  const url = await databaseUrl(world);
  if (url === null) throw new Error('no database to read the LLM cache from');
  const [row] = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM llm_cache');
  return row?.n ?? 0;
}

async function upWithSim(
  base: Scenario,
  simArgs: readonly string[],
): Promise<{ world: Scenario; log: () => Promise<LogEntry[]>; simOpen: () => Promise<number>; adminUrl: string }> {
  const sim = await startSim(base, simArgs);
  const simmed = withSim(base, sim);
  const world = { ...simmed, env: { ...simmed.env, LLM_TIMEOUT_MS: String(LLM_TIMEOUT_MS) } };
  for (const command of [['db', 'start'], ['engine', 'start']]) {
    const started = await classify(world, command, CEILING_MS);
    expect(started.code, explain(started)).toBe(0);
  }
  const { adminUrl } = await engineOf(world);
  const simOpen = async (): Promise<number> => ((await (await fetch(sim.statsUrl)).json()) as SimStatsReply).open_requests;
  return { world, log: () => simLog(sim), simOpen, adminUrl };
}

describe('an LLM path that never sticks', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it(
    'an asker killed while its request is out: its batch is handed out again after the lease, and the run completes',
    async () => {
      const { world, log, adminUrl } = await upWithSim(await scenario(), ['--latency-ms', '1500', '--seed', '3']);
      const catalog = join(world.dataDir, 'catalog.ndjson');
      await generateCatalog(catalog, 3, 21);
      const report = join(world.dataDir, 'report.json');
      const run = startClassify(world, ['run', '--catalog', catalog, '--mode', 'llm', '--stall-timeout', String(STALL_S), '--report', report]);
      // The first asker, while its request is out (the simulator answers after 1.5 s): killed in the engine.
      const [asker] = await waitFor('an asker at work', async () => {
        if (!run.running()) throw new Error(`the run ended first:\n${run.output().stderr}`);
        const rows = await query<{ id: string }>(adminUrl, "select id from sys_invocation where target_service_name = 'llmAsker' and status <> 'completed'");
        return rows.length > 0 ? rows : undefined;
      }, CEILING_MS, 50);
      const killed = await fetch(new URL(`/invocations/${encodeURIComponent(asker?.id ?? '')}/kill`, adminUrl), { method: 'PATCH' });
      expect(killed.status, await killed.text()).toBeLessThan(300);

      const result = await run.done;
      expect(result.code, explain(result)).toBe(0);
      expect(await readReport(report)).toMatchObject({ status: 'completed', completed: 3, failed: 0, llm_fallback_fields: 0 });
      // The killed asker's request was answered and cached; the second hand-out read the cache.
      expect(paidTwice(await log())).toEqual([]);
    },
    STALL_S * 1000 + 2 * CEILING_MS,
  );

  it(
    'the service endpoint SIGKILLed while questions wait (simulator faults on) and started again: every indicator completes, none paid twice',
    async () => {
      const faults = ['--latency-ms', '700', '--latency-jitter-ms', '300', '--error-rate', '0.1', '--malformed-rate', '0.05', '--seed', '7'];
      const { world, log, simOpen, adminUrl } = await upWithSim(await scenario(), faults);
      const [port = 0] = await freePorts(1);
      const serve = await startServe(world, port, adminUrl);
      const count = 40;
      const catalog = join(world.dataDir, 'catalog.ndjson');
      await generateCatalog(catalog, count, 23);
      const report = join(world.dataDir, 'report.json');
      const run = startClassify(world, [
        'run', '--catalog', catalog, '--mode', 'llm', '--endpoint-url', `http://127.0.0.1:${port}`, '--stall-timeout', String(STALL_S), '--report', report,
      ]);
      // Some questions answered, more waiting in the batcher and the asker: then the endpoint dies.
      await waitFor('LLM requests under way', async () => {
        if (!run.running()) throw new Error(`the run ended first:\n${run.output().stderr}`);
        return (await log()).length >= 4 ? true : undefined;
      }, CEILING_MS, 20);
      process.kill(serve.pid, 'SIGKILL');
      await serve.done;
      // What the provider sent to the dead endpoint and it never cached: once the simulator has ended every
      // request the endpoint had open (answered or dropped), nothing more reaches the cache until the restart.
      await waitFor('the simulator to end the dead endpoint\'s requests', async () => ((await simOpen()) === 0 ? true : undefined), CEILING_MS, 50);
      const lost = answeredQuestions(await log()).size - (await cachedAnswers(world));
      await startServe(world, port, adminUrl);
      const result = await run.done;
      expect(result.code, explain(result)).toBe(0);
      expect(await readReport(report)).toMatchObject({ status: 'completed', completed: count, failed: 0 });
      const entries = await log();
      // The kill cut requests off (the simulator logs them unanswered), and the run still paid for no answer twice.
      expect(entries.filter((entry) => entry.status === 200).length).toBeGreaterThan(4);
      // Every answer cached before the kill is reused, never asked again: only an answer the provider sent
      // that the endpoint had not cached when it died (gone with it) can be paid again, once.
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(paidAgain(entries), `answers lost with the endpoint: ${lost}`).toBeLessThanOrEqual(lost);
    },
    STALL_S * 1000 + 3 * CEILING_MS,
  );
});
