/**
 * The LLM modes end to end, as a user runs them: the built `classify` command in child processes,
 * the real restate-server, a real database, and `classify llm-sim` (an OpenAI-compatible simulator
 * answering with the rule engine, a child of the test) as the LLM. Nothing leaves the machine: every
 * child's environment names the simulator's URL and no other LLM, and runs in its scenario's
 * directory so no .env is read. Run `npm run build` first (`npm test` does).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_TABLES } from '../src/db/classifications.js';
import type { Indicator } from '../src/domain/indicator.js';
import { DEFAULT_PRICING } from '../src/llm/pricing.js';
import type { LlmPolicy } from '../src/llm/plan.js';
import { KEPT_RULES_CONFIDENCE } from '../src/llm/stages/merge.js';
import type { RunReport } from '../src/runner/summary.js';
import { classifyWithRules } from '../src/stages/pipeline.js';
import {
  BACKENDS,
  createScenario,
  databaseUrl,
  destroyScenario,
  generateCatalog,
  explain,
  removeRoot,
  readReport,
  sql,
  statusJson,
  type BackendName,
  type Result,
  type Scenario,
  scenariosPerTest,
} from './e2e-helpers.js';
import {
  catalogIndicators,
  classifyIn,
  closedPortUrl,
  fakeProvider,
  UNAUTHORIZED_BODY,
  withLlmAt,
  replayCatalog,
  resultSnapshot,
  sharedQuestions,
  simLog,
  simStats,
  startSim,
  storedStages,
  valuesOf,
  withoutLlm,
  withSim,
  type Sim,
  type StageDecision,
} from './e2e-llm-helpers.js';

/** Not the default (0.7): a run that ignored --threshold would ask other fields than the replay expects. */
const THRESHOLD = 0.72;
const HYBRID: LlmPolicy = { mode: 'hybrid', threshold: THRESHOLD };
const LLM: LlmPolicy = { mode: 'llm', threshold: 0.7 };
/** A broken run fails its test within a minute or two instead of waiting the default 300 s. */
const STALL = ['--stall-timeout', '120'];
const TEST_TIMEOUT = 300_000;
const STORM_TIMEOUT = 600_000;
const HOOK_TIMEOUT = 120_000;

/** The keys of the run report the brief names (RunReport + LlmReport). */
const REPORT_KEYS = [
  'mode',
  'completed',
  'failed',
  'unfinished',
  'llm_requests',
  'input_tokens',
  'cached_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_usd',
  'cost_per_1000_usd',
  'cache_hits',
  'cache_hit_share',
  'requests_per_indicator',
] as const;

let root = '';
/** Hybrid and dedup: 60 generated indicators. */
let hybridCatalog = '';
let hybridIndicators: Indicator[] = [];
/**
 * The 429 storm: 20 indicators make some 20-30 requests in llm mode, so a 10 rpm limit means a minute
 * or two of 429s. Seed 10 has no two indicators sharing a question: every answer is the simulator's
 * for that indicator's own context (see sharedQuestions).
 */
let stormCatalog = '';
let stormIndicators: Indicator[] = [];
/** Malformed answers and the no-key runs. */
let smallCatalog = '';
let smallIndicators: Indicator[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-llm-'));
  hybridCatalog = join(root, 'hybrid.ndjson');
  stormCatalog = join(root, 'storm.ndjson');
  smallCatalog = join(root, 'small.ndjson');
  await Promise.all([generateCatalog(hybridCatalog, 60, 3), generateCatalog(stormCatalog, 20, 10), generateCatalog(smallCatalog, 12, 7)]);
  [hybridIndicators, stormIndicators, smallIndicators] = await Promise.all([
    catalogIndicators(hybridCatalog),
    catalogIndicators(stormCatalog),
    catalogIndicators(smallCatalog),
  ]);
  expect(hybridIndicators).toHaveLength(60);
}, HOOK_TIMEOUT);

afterAll(async () => {
  // Nothing of ours survives the file: no restate-server, database daemon or simulator (their command lines name the root).
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);


/** The database must outlive each `classify run` so the test can read it: a daemon serves the embedded one. */
async function startDatabase(scenario: Scenario): Promise<string> {
  if (scenario.backend === 'pglite') {
    const db = await classifyIn(scenario, ['db', 'start']);
    expect(db.code, explain(db)).toBe(0);
  }
  const url = await databaseUrl(scenario);
  if (url === null) throw new Error(`no database url for ${scenario.dataDir}`);
  return url;
}

/** `classify run --catalog FILE --report …` in the scenario; returns the exit, the report and the output. */
async function run(
  scenario: Scenario,
  catalog: string,
  name: string,
  args: readonly string[],
  limits: { stall?: number; timeoutMs?: number } = {},
): Promise<{ result: Result; report: RunReport }> {
  const file = join(scenario.dataDir, `${name}.json`);
  const stall = limits.stall === undefined ? STALL : ['--stall-timeout', String(limits.stall)];
  const result = await classifyIn(scenario, ['run', '--catalog', catalog, '--report', file, ...stall, ...args], limits.timeoutMs);
  expect(result.code, explain(result)).toBe(0);
  return { result, report: await readReport(file) };
}

/** One line per mismatch, so a failure names the indicator and stage. */
function describeDecision(d: StageDecision): string {
  return `${d.indicatorId} ${d.stage}: asked=${d.asked}, stored source ${d.stored.source} conf ${d.stored.confidence} (${d.stored.reason}), rules conf ${d.rules.confidence}`;
}

/** The decisions whose stored result is not exactly the rules' (values, confidence, source 'rules', reason). */
function notRules(decisions: readonly StageDecision[]): string[] {
  return decisions
    .filter((d) => !isDeepStrictEqual(d.stored, d.rules))
    .map((d) => `${describeDecision(d)}: stored ${JSON.stringify(d.stored)} rules ${JSON.stringify(d.rules)}`);
}

/** Every stage table but normalization's (rules only). */
const LLM_STAGE_TABLES = STAGE_TABLES.filter((table) => table !== 'normalization_results');

/** Stage rows decided by the LLM (source 'llm'), over every LLM stage table. */
async function llmDecidedFields(url: string): Promise<number> {
  const counts = await Promise.all(
    LLM_STAGE_TABLES.map(async (table) => (await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table} WHERE source = 'llm'`))[0]?.n ?? 0),
  );
  return counts.reduce((a, b) => a + b, 0);
}

describe.each(BACKENDS)('LLM modes end to end on $name', ({ name, enabled }: { name: BackendName; enabled: boolean }) => {
  describe.runIf(enabled)('hybrid: one catalog, one simulator, two runs', () => {
    // The three tests share a data directory, an engine and a simulator: each starts from what the previous left.
    let shared: Scenario | undefined;
    let sim: Sim | undefined;
    let url = '';
    const world = (): { scenario: Scenario; sim: Sim } => {
      if (shared === undefined || sim === undefined) throw new Error('no scenario');
      return { scenario: shared, sim };
    };
    /** Run 1's report and the decisions replayed from its stored rows. */
    let first: RunReport | undefined;
    let firstDecisions: StageDecision[] = [];

    beforeAll(async () => {
      const created = await createScenario(root, name);
      shared = created;
      sim = await startSim(created, ['--seed', '3']);
      shared = withSim(created, sim);
      url = await startDatabase(shared);
      const engine = await classifyIn(shared, ['engine', 'start']);
      expect(engine.code, explain(engine)).toBe(0);
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      if (shared !== undefined) await destroyScenario(shared);
    }, HOOK_TIMEOUT);

    it('hybrid asks the LLM only for the fields the rules are unsure of, each distinct question once', async () => {
      const { scenario, sim } = world();
      const { result, report } = await run(scenario, hybridCatalog, 'first', ['--mode', 'hybrid', '--threshold', String(THRESHOLD)]);
      first = report;
      expect(result.stderr).toMatch(new RegExp(`^mode: hybrid \\(threshold ${THRESHOLD}; LLM: provider openai, model gpt-5-mini, base URL ${sim.url.replace(/[.]/g, '\\.')}`, 'm'));
      expect(report).toMatchObject({ mode: 'hybrid', submitted: 60, completed: 60, failed: 0, unfinished: 0 });

      const stored = await storedStages(url);
      expect([...stored.keys()].sort()).toEqual(hybridIndicators.map((i) => i.id).sort());
      firstDecisions = replayCatalog(hybridIndicators, stored, HYBRID);

      // Every LLM answer was for a stage the policy asks; every stage it does not ask is the rules' result, untouched.
      const llmNotAsked = firstDecisions.filter((d) => d.stored.source === 'llm' && !d.asked);
      expect(llmNotAsked.map(describeDecision)).toEqual([]);
      const notAsked = firstDecisions.filter((d) => !d.asked);
      expect(notRules(notAsked)).toEqual([]);
      // The simulator answers every question: each asked field is the LLM's.
      const asked = firstDecisions.filter((d) => d.asked);
      expect(asked.filter((d) => d.stored.source !== 'llm').map(describeDecision)).toEqual([]);
      // Not a vacuous check: this catalog has both kinds.
      expect(asked.length).toBeGreaterThan(0);
      expect(notAsked.filter((d) => d.stage !== 'normalization').length).toBeGreaterThan(0);

      // Each distinct (stage, signature) was asked once, and only those: the answers cached are exactly
      // the replayed questions, and the simulator saw as many questions as there are distinct ones.
      const questions = new Set(asked.map((d) => d.question));
      const cached = await sql<{ stage: string; signature: string }>(url, 'SELECT stage, signature FROM llm_cache');
      expect(new Set(cached.map((row) => `${row.stage}|${row.signature}`))).toEqual(questions);
      const log = await simLog(sim);
      expect(log.every((entry) => entry.status === 200 && entry.fault === null)).toBe(true);
      const askedOfSim = log.reduce((sum, entry) => sum + entry.indicators, 0);
      expect(askedOfSim).toBe(questions.size);
      expect((await simStats(sim)).indicators).toBe(questions.size);
      // Shared questions are not paid twice: fewer questions than asked fields when signatures repeat.
      expect(questions.size).toBeLessThanOrEqual(asked.length);
    }, TEST_TIMEOUT);

    it('the run report has every key, and its requests, tokens and cost add up to what the simulator saw', async () => {
      const { sim } = world();
      const report = first;
      if (report === undefined) throw new Error('the first run did not report');
      for (const key of REPORT_KEYS) expect(report, key).toHaveProperty(key);

      const log = await simLog(sim);
      const stats = await simStats(sim);
      const sum = (pick: (entry: (typeof log)[number]) => number) => log.reduce((total, entry) => total + pick(entry), 0);
      expect(report.llm_requests).toBeGreaterThan(0);
      expect(report.llm_requests).toBe(log.length);
      expect(report.llm_requests).toBe(stats.requests);
      expect(report.input_tokens).toBe(sum((e) => e.prompt_tokens));
      expect(report.cached_tokens).toBe(sum((e) => e.cached_tokens));
      expect(report.output_tokens).toBe(sum((e) => e.completion_tokens));
      expect(report.reasoning_tokens).toBe(sum((e) => e.reasoning_tokens));
      expect({ input: report.input_tokens, cached: report.cached_tokens, output: report.output_tokens, reasoning: report.reasoning_tokens }).toEqual({
        input: stats.prompt_tokens,
        cached: stats.cached_tokens,
        output: stats.completion_tokens,
        reasoning: stats.reasoning_tokens,
      });

      // gpt-5-mini by hand: $0.25 / $0.025 / $2.00 per 1M input / cached input / output tokens.
      expect(DEFAULT_PRICING['gpt-5-mini']).toEqual({ input: 0.25, cachedInput: 0.025, output: 2.0 });
      const byHand = ((stats.prompt_tokens - stats.cached_tokens) * 0.25 + stats.cached_tokens * 0.025 + stats.completion_tokens * 2.0) / 1e6;
      expect(byHand).toBeGreaterThan(0);
      expect(Math.abs(report.cost_usd - byHand)).toBeLessThanOrEqual(1e-9);
      expect(report.cost_per_1000_usd).not.toBeNull();
      expect(Math.abs((report.cost_per_1000_usd ?? NaN) - (report.cost_usd / report.completed) * 1000)).toBeLessThanOrEqual(1e-12);
      expect(report.requests_per_indicator).toBeCloseTo(report.llm_requests / report.completed, 12);

      // classify status shows the same totals for the latest run, read back from the database.
      const status = await statusJson(world().scenario);
      expect(status.latestRun).toMatchObject({ id: report.run_id, completed: report.completed, llm: { llm_requests: report.llm_requests } });
      expect(status.latestRun?.llm.cost_usd).toBeCloseTo(report.cost_usd, 6);
      const text = await classifyIn(world().scenario, ['status']);
      expect(text.stdout).toContain(`latest run: ${report.run_id} (hybrid, completed), completed ${report.completed}, failed 0`);
      expect(text.stdout).toContain(`LLM: ${report.llm_requests} requests, cost $${report.cost_usd.toFixed(4)}`);
    }, TEST_TIMEOUT);

    it('a second run (--force) of the same catalog asks the simulator nothing but the preflight: every LLM field comes from the cache', async () => {
      const { scenario, sim } = world();
      if (first === undefined) throw new Error('the first run did not report');
      const before = await resultSnapshot(url);
      const statsBefore = await simStats(sim);
      const linesBefore = (await simLog(sim)).length;
      const llmFields = await llmDecidedFields(url);
      expect(llmFields).toBe(firstDecisions.filter((d) => d.asked).length);
      expect(llmFields).toBeGreaterThan(0);

      const { report } = await run(scenario, hybridCatalog, 'second', ['--mode', 'hybrid', '--threshold', String(THRESHOLD), '--force']);
      expect(report).toMatchObject({ mode: 'hybrid', submitted: 60, completed: 60, failed: 0, unfinished: 0 });
      expect(report.run_id).not.toBe(first.run_id);
      // The one request is the preflight: no indicator in it, tiny, and counted as the run's.
      expect((await simStats(sim)).requests).toBe(statsBefore.requests + 1);
      const added = (await simLog(sim)).slice(linesBefore);
      expect(added.map((entry) => ({ status: entry.status, indicators: entry.indicators }))).toEqual([{ status: 200, indicators: 0 }]);
      expect(report).toMatchObject({ llm_requests: 1, llm_outcomes: { ok: 1 }, input_tokens: added[0]?.prompt_tokens, llm_fallback_fields: 0 });
      expect(report.cost_usd).toBeLessThan(0.0002);
      const stages = await sql<{ stage: string }>(url, `SELECT stage FROM llm_requests WHERE run_id = '${report.run_id}'`);
      expect(stages).toEqual([{ stage: 'preflight' }]);
      expect(report.cache_hits).toBe(llmFields);
      expect(report.cache_hit_share).toBe(1);

      // The same classifications, stage by stage, only written by another run.
      const runs = await sql<{ run_id: string }>(url, 'SELECT DISTINCT run_id FROM classifications');
      expect(runs.map((row) => row.run_id)).toEqual([report.run_id]);
      expect(await resultSnapshot(url)).toEqual(before);
    }, TEST_TIMEOUT);
  });
});

describe('LLM faults end to end on pglite', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it('a 429 storm loses nothing: every asked field is answered by the LLM, every rate limit recorded', async () => {
    // Each indicator asks its own questions, so an answer that is not the LLM's can only be one the storm lost.
    expect(sharedQuestions(stormIndicators)).toEqual([]);
    const base = await scenario();
    const sim = await startSim(base, ['--rpm', '10', '--seed', '4']);
    const world = withSim(base, sim);
    const url = await startDatabase(world);
    // Under a storm no indicator may finish for minutes (each waits on its LLM stages): the default stall timeout.
    const { result, report } = await run(world, stormCatalog, 'storm', ['--mode', 'llm'], { stall: 300, timeoutMs: 540_000 });
    const n = stormIndicators.length;
    expect(report).toMatchObject({ mode: 'llm', submitted: n, completed: n, failed: 0, unfinished: 0 });

    const stats = await simStats(sim);
    const limited = stats.by_status['429'] ?? 0;
    expect(limited).toBeGreaterThan(0);
    // The shared budget learns the provider's limit from its x-ratelimit headers and paces under it:
    // 429s come only from the burst before the first answer told it, not all run long.
    expect(limited).toBeLessThan(stats.requests / 4);

    const decisions = replayCatalog(stormIndicators, await storedStages(url), LLM);
    // llm mode: time, family, type and orientation always; cumulative only when the detector could not tell.
    expect(decisions.filter((d) => d.stage !== 'normalization' && d.stage !== 'cumulative' && !d.asked).map(describeDecision)).toEqual([]);
    expect(decisions.filter((d) => d.asked && d.stored.source !== 'llm').map(describeDecision)).toEqual([]);
    expect(notRules(decisions.filter((d) => !d.asked))).toEqual([]);

    // Every 429 the simulator sent is a recorded request of this run with status rate-limit.
    const rows = await sql<{ status: string; n: number }>(url, `SELECT status, count(*)::int AS n FROM llm_requests WHERE run_id = '${report.run_id}' GROUP BY status`);
    const byStatus = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    expect(byStatus['rate-limit']).toBe(limited);
    expect(report.llm_requests).toBe(stats.requests);
    // The kinds, not one number: the report, the summary, and a word while the run waits.
    expect(report.llm_outcomes).toEqual(byStatus);
    expect(report.llm_outcomes.ok).toBe(stats.by_status['200']);
    expect(result.stdout).toContain(`LLM outcomes: ok ${byStatus.ok ?? 0}, rate-limit ${limited}`);
    expect(result.stderr).toMatch(/^LLM: rate limited \(HTTP 429: .*\); waiting \d+\.\d s as the provider asks, then retrying$/m);
    expect(report).toMatchObject({ llm_fallback_indicators: 0, llm_fallback_fields: 0 });
  }, STORM_TIMEOUT);

  it('malformed answers only: the run completes, asked fields keep the rules with a low confidence, flagged for review', async () => {
    const base = await scenario();
    const sim = await startSim(base, ['--malformed-rate', '1', '--seed', '5']);
    const world = withSim(base, sim);
    const url = await startDatabase(world);
    const { result, report } = await run(world, smallCatalog, 'malformed', ['--mode', 'llm']);
    const n = smallIndicators.length;
    expect(report).toMatchObject({ mode: 'llm', submitted: n, completed: n, failed: 0, unfinished: 0 });
    const stats = await simStats(sim);
    expect(stats.requests).toBeGreaterThan(0);
    expect(stats.by_status).toEqual({ '200': stats.requests });
    expect(Object.keys(stats.faults).every((fault) => fault.startsWith('malformed-'))).toBe(true);

    const stored = await storedStages(url);
    const decisions = replayCatalog(smallIndicators, stored, LLM);
    // No answer was ever usable, so the whole chain is the rules' one.
    for (const indicator of smallIndicators) {
      const rules = classifyWithRules(indicator);
      for (const stage of ['normalization', 'time', 'cumulative', 'family', 'type', 'orientation'] as const) {
        const kept = stored.get(indicator.id)?.[stage];
        expect(kept, `${indicator.id} ${stage}`).toBeDefined();
        if (kept !== undefined) expect(valuesOf(kept), `${indicator.id} ${stage}`).toEqual(valuesOf(rules[stage]));
      }
    }
    const asked = decisions.filter((d) => d.asked);
    expect(asked.length).toBeGreaterThanOrEqual(4 * n);
    for (const d of asked) {
      const what = describeDecision(d);
      expect(d.stored.source, what).toBe('rules');
      expect(d.stored.confidence, what).toBeLessThanOrEqual(KEPT_RULES_CONFIDENCE);
      expect(d.stored.confidence, what).toBe(Math.min(d.rules.confidence, KEPT_RULES_CONFIDENCE));
      expect(d.stored.reason, what).toContain('kept rules, flagged for review');
    }
    expect(notRules(decisions.filter((d) => !d.asked))).toEqual([]);

    const flags = await sql<{ indicator_id: string; needs_review: boolean }>(url, 'SELECT indicator_id, needs_review FROM classifications ORDER BY indicator_id');
    expect(flags).toHaveLength(n);
    expect(flags.filter((row) => !row.needs_review)).toEqual([]);
    // Nothing broken was cached or counted as answered.
    expect(await sql(url, 'SELECT 1 FROM llm_cache')).toEqual([]);
    const statuses = await sql<{ status: string }>(url, 'SELECT DISTINCT status FROM llm_requests');
    expect(statuses.map((row) => row.status)).toEqual(['invalid-answer']);

    // Completed is not the whole story: every asked field fell back, and the summary says so on its own line.
    expect(report).toMatchObject({
      success_rate: 1,
      llm_outcomes: { 'invalid-answer': stats.requests },
      llm_fallback_indicators: n,
      llm_fallback_fields: asked.length,
      llm_fallback_causes: { 'invalid-answer': asked.length },
    });
    expect(result.stdout).toContain(`LLM fallback: ${n} indicators (${asked.length} fields) kept the rules' answer, flagged for review: invalid-answer ×${asked.length}`);
    const status = await classifyIn(world, ['status']);
    expect(status.stdout).toContain(`  LLM fallback: ${n} indicators (${asked.length} fields)`);
    expect(status.stdout).toContain(`  LLM outcomes: invalid-answer ${stats.requests}`);
  }, TEST_TIMEOUT);

  it('without an API key: rules by default, and an LLM mode is refused naming OPENAI_API_KEY', async () => {
    const world = withoutLlm(await scenario());
    expect(Object.keys(world.env).filter((key) => /^(OPENAI_|ANTHROPIC_|LLM_)/.test(key))).toEqual([]);
    const { result, report } = await run(world, smallCatalog, 'rules', []);
    const lines = `${result.stdout}\n${result.stderr}`.split('\n');
    expect(lines.some((line) => line.startsWith('mode: rules')), explain(result)).toBe(true);
    expect(report).toMatchObject({ mode: 'rules', completed: smallIndicators.length, failed: 0, llm_requests: 0, cost_usd: 0 });

    const refused = await classifyIn(world, ['run', '--catalog', smallCatalog, '--mode', 'hybrid', ...STALL]);
    expect(refused.code, explain(refused)).not.toBe(0);
    expect(refused.code).not.toBeNull();
    expect(refused.stderr).toContain('OPENAI_API_KEY');
  }, TEST_TIMEOUT);
});

describe('LLM health end to end on pglite', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);
  const closers: (() => Promise<void>)[] = [];
  // Registered after the scenarios' hook, so it runs before it: what a test started goes first.
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  }, HOOK_TIMEOUT);

  /** A run that the preflight must stop: exit 1 in seconds, the message, nothing imported or submitted. */
  async function refused(baseUrl: string, message: RegExp): Promise<Result> {
    const world = withLlmAt(await scenario(), baseUrl);
    const result = await classifyIn(world, ['run', '--catalog', smallCatalog, '--mode', 'hybrid', ...STALL], 120_000);
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/; nothing was submitted$/m);
    expect(result.stderr).not.toContain('sk-test-e2e-llm');
    // Stopped first of all: no database opened (so nothing imported), no engine started.
    expect(result.stderr).not.toMatch(/^(database|engine|import)/m);
    return result;
  }

  it('a wrong key (401 to everything): the preflight stops the run, exit 1, one request made', async () => {
    const provider = await fakeProvider({ status: 401, contentType: 'application/json', body: UNAUTHORIZED_BODY });
    closers.push(() => provider.close());
    await refused(provider.url, /^classify: LLM preflight failed: auth: HTTP 401: .*Incorrect API key provided.* — check OPENAI_API_KEY; nothing was submitted$/m);
    expect(provider.answered).toEqual([401]);
  }, TEST_TIMEOUT);

  it('a 200 with an HTML body: the preflight says the base URL is not the API, exit 1', async () => {
    const provider = await fakeProvider({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>' });
    closers.push(() => provider.close());
    await refused(provider.url, /^classify: LLM preflight failed: invalid-response: HTTP 200 \(text\/html\) but the body is not the API's answer: "<!doctype html>.* — .* check OPENAI_BASE_URL/m);
    expect(provider.answered).toEqual([200]);
  }, TEST_TIMEOUT);

  it('a base URL on a closed port: the preflight stops the run in seconds, exit 1, no request counted', async () => {
    const url = await closedPortUrl();
    await refused(url, new RegExp(`^classify: LLM preflight failed: unreachable: cannot reach the provider: connect ECONNREFUSED .* — nothing answers at ${url.replace(/[.]/g, '\\.')}: check OPENAI_BASE_URL`, 'm'));
  }, TEST_TIMEOUT);

  it('a key revoked mid-run: no request after the refusal, every later field keeps the rules, said in the report; --strict-llm exits 1', async () => {
    const base = await scenario();
    const sim = await startSim(base, ['--seed', '6']);
    // The preflight and one batch reach the simulator; everything after is refused.
    const provider = await fakeProvider({ status: 401, contentType: 'application/json', body: UNAUTHORIZED_BODY, upstream: sim.url, forward: 2 });
    closers.push(() => provider.close());
    const world = withLlmAt(base, provider.url);
    const url = await startDatabase(world);
    const file = join(world.dataDir, 'revoked.json');
    const result = await classifyIn(world, ['run', '--catalog', smallCatalog, '--mode', 'llm', '--strict-llm', '--report', file, ...STALL]);
    const report = await readReport(file);
    const n = smallIndicators.length;
    // Every indicator completed, on the rules where the LLM was refused: exit 1 only because of --strict-llm.
    expect(report, explain(result)).toMatchObject({ mode: 'llm', completed: n, failed: 0, unfinished: 0, success_rate: 1 });
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toMatch(/^--strict-llm: \d+ indicators? kept the rules' answer where the LLM was asked: exit 1$/m);

    const refusals = provider.answered.filter((status) => status === 401).length;
    expect(provider.answered.slice(0, 2)).toEqual([200, 200]);
    expect(refusals).toBeGreaterThan(0);
    // Only requests already on their way when the first refusal came back: at most one per open request slot.
    expect(refusals).toBeLessThanOrEqual(16);
    expect(report.llm_outcomes).toMatchObject({ ok: 2, auth: refusals });
    expect(report.llm_requests).toBe(provider.answered.length);
    const causes = report.llm_fallback_causes;
    expect(causes.auth ?? 0).toBeGreaterThan(refusals * 2); // far more fields than requests: the rest were never asked
    expect(report.llm_fallback_fields).toBe(Object.values(causes).reduce((a, b) => a + b, 0));
    expect(report.llm_fallback_indicators).toBeGreaterThan(0);
    const flagged = await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM classifications WHERE needs_review AND run_id = '${report.run_id}'`);
    expect(flagged[0]?.n).toBeGreaterThanOrEqual(report.llm_fallback_indicators);

    expect(result.stdout).toContain(`LLM outcomes: ok 2, auth ${refusals}`);
    expect(result.stdout).toContain("LLM stopped: the provider refused the key (auth)");
    expect(result.stdout).toMatch(new RegExp(`^LLM fallback: ${report.llm_fallback_indicators} indicators \\(${report.llm_fallback_fields} fields\\) kept the rules' answer, flagged for review: auth ×${causes.auth ?? 0}`, 'm'));
    expect(result.stdout).toMatch(/^success rate 100\.0% /m);
    expect(`${result.stdout}${result.stderr}`).not.toContain('sk-test-e2e-llm');
  }, TEST_TIMEOUT);

  it('5xx, malformed answers and timeouts: every indicator finishes, the report and the summary give each kind', async () => {
    const base = await scenario();
    const sim = await startSim(base, ['--seed', '8', '--error-rate', '0.25', '--malformed-rate', '0.25', '--timeout-rate', '0.15', '--timeout-ms', '3000']);
    const world = withSim(base, sim);
    const url = await startDatabase(world);
    const { result, report } = await run({ ...world, env: { ...world.env, LLM_TIMEOUT_MS: '1500' } }, smallCatalog, 'faults', ['--mode', 'llm']);
    const n = smallIndicators.length;
    expect(report).toMatchObject({ mode: 'llm', completed: n, failed: 0, unfinished: 0 });
    const rows = await sql<{ status: string; n: number }>(url, `SELECT status, count(*)::int AS n FROM llm_requests WHERE run_id = '${report.run_id}' GROUP BY status`);
    const byStatus = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    expect(report.llm_outcomes).toEqual(byStatus);
    for (const kind of ['server', 'timeout']) expect(report.llm_outcomes[kind as 'server'] ?? 0, kind).toBeGreaterThan(0);
    expect((report.llm_outcomes['invalid-answer'] ?? 0) + (report.llm_outcomes.partial ?? 0)).toBeGreaterThan(0);
    const stats = await simStats(sim);
    expect(report.llm_requests).toBe(stats.requests);
    expect(report.llm_outcomes.server).toBe(Object.entries(stats.by_status).filter(([status]) => status.startsWith('5')).reduce((sum, [, count]) => sum + count, 0));
    const line = result.stdout.split('\n').find((text) => text.startsWith('LLM outcomes: '));
    expect(line).toBeDefined();
    for (const [status, count] of Object.entries(byStatus)) expect(line).toContain(`${status} ${count}`);
  }, TEST_TIMEOUT);
});
