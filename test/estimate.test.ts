import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encode, encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { Indicator, type IndicatorInput } from '../src/domain/indicator.js';
import { estimateIndicators, type EstimateOptions } from '../src/estimate/index.js';
import { batchesOf, createPlanner, policyOf } from '../src/estimate/plan-requests.js';
import { project, projectOne } from '../src/estimate/projection.js';
import { captureRequest, TYPICAL_REASON } from '../src/estimate/request.js';
import { countedMessages } from '../src/estimate/tokens.js';
import { strictJsonSchema } from '../src/llm/json-schema.js';
import { indicatorContext } from '../src/llm/prompt/context.js';
import { SYSTEM_PREFIX } from '../src/llm/prompt/system.js';
import { userMessage } from '../src/llm/prompt/user.js';
import { LLM_STAGES, stageSchema } from '../src/llm/stages/schemas.js';
import { promptTokens } from '../src/llm-sim/tokens.js';
import { signature } from '../src/llm/signature.js';
import { classifyWithRules } from '../src/stages/pipeline.js';
import { BATCHER_SHARDS, batcherKey } from '../src/workflow/llm/batcher.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const SAMPLE = join(ROOT, 'data/sample/catalog.ndjson');

const QUARTERS = [
  { date: '2023-03-31', value: 0.4 },
  { date: '2023-06-30', value: -0.2 },
  { date: '2023-09-30', value: 0.8 },
  { date: '2023-12-31', value: 1.1 },
];

/** Two countries of one concept: the country is in the name and the id only. */
const ALBANIA: IndicatorInput = { id: 'ALB.GDP.QOQ', name: 'GDP Growth Rate (Albania)', units: '%', periodicity: 'Quarterly', sample_values: QUARTERS };
const AUSTRIA: IndicatorInput = { id: 'AUT.GDP.QOQ', name: 'GDP Growth Rate (Austria)', units: '%', periodicity: 'Quarterly', sample_values: QUARTERS };

/** `n` different concepts (the number is part of the name, so every signature differs). */
function concepts(n: number): Indicator[] {
  return Array.from({ length: n }, (_, i) =>
    Indicator.parse({ id: `C${i}`, name: `Widget Exports Line ${i + 1}`, units: 'USD Million', periodicity: 'Monthly' }),
  );
}

const BASE: EstimateOptions = { mode: 'llm', threshold: 0.7, batchSize: 10, model: 'gpt-5-mini', effort: 'low' };

/** Longest common prefix of two token sequences. */
function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe('estimate: the plan of questions', () => {
  it('asks two countries of one concept once per stage (dedup by signature)', async () => {
    const estimate = await estimateIndicators([ALBANIA, AUSTRIA].map((input) => Indicator.parse(input)), BASE);
    expect(estimate.stages.map((stage) => stage.stage)).toEqual(['time', 'cumulative', 'family', 'type', 'orientation']);
    for (const stage of estimate.stages) {
      if (stage.stage === 'cumulative') {
        // The detector decides for a plain growth rate: cumulative is not asked even in llm mode.
        expect(stage).toMatchObject({ asked: 0, unique: 0, requests: 0 });
      } else {
        expect(stage).toMatchObject({ asked: 2, unique: 1, requests: 1 });
      }
    }
    expect(estimate.requests).toBe(4);
    expect(estimate.requestsPerIndicator).toBe(2);
  });

  it('asks nothing in rules mode: 0 requests, 0 tokens, $0', async () => {
    const estimate = await estimateIndicators(concepts(23), { ...BASE, mode: 'rules' });
    expect(estimate.requests).toBe(0);
    expect(estimate.tokens).toEqual({ input: 0, cached: 0, output: 0, reasoning: 0 });
    expect(estimate.costUsd).toBe(0);
    expect(estimate.stages.every((stage) => stage.asked === 0 && stage.unique === 0)).toBe(true);
    expect(estimate.catalog).toEqual({ read: 23, accepted: 23, rejected: 0 });
  });

  it('hybrid asks only below the threshold: 0 asks nothing, 1 asks every unsure field', async () => {
    const list = [ALBANIA, AUSTRIA].map((input) => Indicator.parse(input));
    const none = await estimateIndicators(list, { ...BASE, mode: 'hybrid', threshold: 0 });
    expect(none.requests).toBe(0);
    const all = await estimateIndicators(list, { ...BASE, mode: 'hybrid', threshold: 1 });
    const rules = classifyWithRules(list[0] ?? Indicator.parse(ALBANIA));
    const time = all.stages.find((stage) => stage.stage === 'time');
    expect(time?.asked).toBe(rules.time.confidence < 1 ? 2 : 0);
  });

  it('cuts unique questions into batches of --batch-size per batcher queue (stage and shard)', async () => {
    const list = concepts(23);
    // By hand from the batcher's rule: the time stage's 23 signatures over its shards, then ceil(n / size) per shard.
    const perShard = new Map<string, number>();
    for (const indicator of list) {
      const rules = classifyWithRules(indicator);
      const key = batcherKey('time', signature({ name: indicator.name, units: indicator.units, normalization: rules.normalization, time: rules.time }, 'time').hash);
      perShard.set(key, (perShard.get(key) ?? 0) + 1);
    }
    expect([...perShard.values()].reduce((a, b) => a + b, 0)).toBe(23);
    expect(perShard.size).toBeGreaterThan(1); // the shards matter for this fixture
    const byHand = (size: number) => [...perShard.values()].reduce((sum, n) => sum + Math.ceil(n / size), 0);
    for (const size of [1, 2, 3, 5, 10, 23, 100]) {
      const estimate = await estimateIndicators(list, { ...BASE, batchSize: size });
      const time = estimate.stages.find((stage) => stage.stage === 'time');
      expect(time).toMatchObject({ asked: 23, unique: 23, requests: byHand(size) });
      expect(time?.requests).toBeGreaterThanOrEqual(Math.ceil(23 / size));
      // Four stages ask (cumulative is not asked for these), each 23 distinct questions.
      expect(estimate.stages.filter((stage) => stage.requests > 0).map((stage) => stage.stage)).toEqual(['time', 'family', 'type', 'orientation']);
    }
    expect(byHand(1)).toBe(23);
    expect(byHand(100)).toBe(perShard.size);
    const planner = createPlanner(policyOf('llm', 0.7));
    for (const indicator of list) planner.add(indicator, classifyWithRules(indicator));
    const timeBatches = batchesOf(planner.plans(), 3).filter((batch) => batch.stage === 'time');
    expect(timeBatches.every((batch) => batch.questions.length <= 3)).toBe(true);
    expect(timeBatches.flatMap((batch) => batch.questions.map((question) => question.hash)).sort()).toEqual(
      planner.plans().find((plan) => plan.stage === 'time')?.questions.map((question) => question.hash).sort(),
    );
  });
});

describe('estimate: tokens', () => {
  it('counts the request as sent: schema, system prefix, user message with short batch ids', async () => {
    const [albania] = [ALBANIA].map((input) => Indicator.parse(input));
    if (albania === undefined) throw new Error('fixture');
    const rules = classifyWithRules(albania);
    const estimate = await estimateIndicators([albania], { ...BASE, model: 'gpt-4o-mini' });
    const time = estimate.stages.find((stage) => stage.stage === 'time');
    // Rebuilt by hand, independently of src/estimate: what openai.ts sends and llm-sim counts.
    // The time stage sees normalization and time (as the workflow asks it); ids are the asker's q1, q2, …
    const context = indicatorContext(albania, { normalization: rules.normalization, time: rules.time });
    const user = userMessage('time', [{ ...context, id: 'q1' }]);
    const schema = JSON.stringify({ name: 'time_answers', strict: true, schema: strictJsonSchema(stageSchema('time')) });
    const expected = encodeChat(
      [
        { role: 'system', content: schema },
        { role: 'system', content: SYSTEM_PREFIX },
        { role: 'user', content: user },
      ],
      'gpt-4o',
    ).length;
    expect(time?.input).toBe(expected);
    expect(time?.cached).toBe(0); // the first request of a prefix
    const answer = JSON.stringify({
      results: [{ id: 'q1', reporting_frequency: rules.time.reporting_frequency, time_basis: rules.time.time_basis, confidence: rules.time.confidence, reason: TYPICAL_REASON }],
    });
    expect(time?.output).toBe(encode(answer).length);
    expect(time?.reasoning).toBe(0); // gpt-4o-mini does not reason
    expect(TYPICAL_REASON.split(' ')).toHaveLength(12);
  });

  it('adds llm-sim reasoning for a reasoning model (50% at medium; low effort halves it)', async () => {
    const list = [Indicator.parse(ALBANIA)];
    const plain = await estimateIndicators(list, { ...BASE, model: 'gpt-4o-mini' });
    const reasoning = await estimateIndicators(list, { ...BASE, model: 'gpt-5-mini', effort: 'low' });
    for (const [index, stage] of reasoning.stages.entries()) {
      const visible = plain.stages[index]?.output ?? 0;
      expect(stage.reasoning).toBe(Math.round(visible * 0.5));
      expect(stage.output).toBe(visible + stage.reasoning);
    }
  });

  it('caches the shared prefix of later requests of a stage (>= 1,024 tokens, 128-token steps)', async () => {
    const list = concepts(2);
    const estimate = await estimateIndicators(list, { ...BASE, batchSize: 1 });
    const planner = createPlanner(policyOf('llm', 0.7));
    for (const indicator of list) planner.add(indicator, classifyWithRules(indicator));
    const [first, second] = batchesOf(planner.plans(), 1).filter((batch) => batch.stage === 'family');
    if (first === undefined || second === undefined) throw new Error('two family requests expected');
    const a = promptTokens(countedMessages(await captureRequest(first)));
    const b = promptTokens(countedMessages(await captureRequest(second)));
    const shared = Math.floor(commonPrefix(a, b) / 128) * 128;
    expect(shared).toBeGreaterThanOrEqual(1024);
    const family = estimate.stages.find((stage) => stage.stage === 'family');
    expect(family).toMatchObject({ requests: 2, input: a.length + b.length, cached: shared });
    // Each stage starts uncached: five stages asked at one request each would cache nothing.
    const single = await estimateIndicators(concepts(1), BASE);
    expect(single.tokens.cached).toBe(0);
  });
});

describe('estimate: cost and projection arithmetic', () => {
  it('prices tokens with the table: gpt-5-mini $0.25 input, $0.025 cached, $2.00 output per 1M', async () => {
    const estimate = await estimateIndicators(concepts(23), { ...BASE, batchSize: 5 });
    const { input, cached, output } = estimate.tokens;
    expect(cached).toBeGreaterThan(0);
    const expected = ((input - cached) * 0.25 + cached * 0.025 + output * 2.0) / 1_000_000;
    expect(estimate.costUsd).toBeCloseTo(expected, 12);
    expect(estimate.costPer1000Usd).toBeCloseTo((expected / 23) * 1000, 12);
    for (const stage of estimate.stages) {
      expect(stage.costUsd).toBeCloseTo(((stage.input - stage.cached) * 0.25 + stage.cached * 0.025 + stage.output * 2.0) / 1_000_000, 12);
    }
    const sum = estimate.stages.reduce((total, stage) => total + stage.costUsd, 0);
    expect(sum).toBeCloseTo(estimate.costUsd, 12);
  });

  it('refuses an unpriced model with the list of priced ones', async () => {
    await expect(estimateIndicators(concepts(1), { ...BASE, model: 'gpt-99' })).rejects.toThrow(/no price for model "gpt-99".*gpt-5-mini/);
  });

  it('projects linearly; time is n/ipm, requests/rpm, the slower of both, or unpaced', () => {
    const rate = { indicators: 200, requests: 30, costUsd: 0.5 };
    expect(projectOne(rate, 1000, {})).toEqual({ indicators: 1000, isCatalog: false, requests: 150, costUsd: 2.5, minutes: null, pacedBy: null });
    expect(projectOne(rate, 1000, { ipm: 100 })).toMatchObject({ minutes: 10, pacedBy: 'ipm' });
    expect(projectOne(rate, 1000, { rpm: 5 })).toMatchObject({ minutes: 30, pacedBy: 'rpm' });
    expect(projectOne(rate, 1000, { ipm: 100, rpm: 5 })).toMatchObject({ minutes: 30, pacedBy: 'rpm' });
    expect(projectOne(rate, 1000, { ipm: 20, rpm: 5 })).toMatchObject({ minutes: 50, pacedBy: 'ipm' });
    const rows = project(rate, { ipm: 100, rpm: 5 });
    expect(rows.map((row) => row.indicators)).toEqual([200, 1000, 10_000, 10_903, 50_000, 100_000]);
    expect(rows[0]).toMatchObject({ isCatalog: true, requests: 30, costUsd: 0.5, minutes: 6, pacedBy: 'rpm' });
    // 10,903 × 30/200 = 1,635.45 → 1,635 requests; $0.5 × 10,903/200 = $27.2575; max(109.03, 327) min.
    expect(rows[3]).toMatchObject({ requests: 1635, minutes: 327, pacedBy: 'rpm' });
    expect(rows[3]?.costUsd).toBeCloseTo(27.2575, 10);
    expect(projectOne({ indicators: 0, requests: 0, costUsd: 0 }, 1000, {})).toMatchObject({ requests: 0, costUsd: 0 });
  });

  it("lists a size once: a catalog of a projected size (10,903) is its own row, not also a projection", () => {
    const rows = project({ indicators: 10_903, requests: 41, costUsd: 0.056 }, {});
    expect(rows.map((row) => row.indicators)).toEqual([10_903, 1000, 10_000, 50_000, 100_000]);
    expect(rows.filter((row) => row.isCatalog).map((row) => row.indicators)).toEqual([10_903]);
  });
});

describe('classify estimate (the built CLI)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classify-estimate-'));
  });

  async function classify(args: string[]) {
    // No .env, no OPENAI_MODEL: the default model.
    const env = { ...process.env, OPENAI_MODEL: '', LLM_REASONING_EFFORT: '', LLM_PRICING_FILE: '' };
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: dir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('--json prints one object with per-stage counts, totals and projections', async () => {
    const { code, stdout } = await classify(['estimate', '--catalog', SAMPLE, '--json', '--rpm', '10']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    type Stage = { stage: string; fields_asked: number; unique_signatures: number; requests: number; input_tokens: number; cached_tokens: number; output_tokens: number; cost_usd: number };
    const report = JSON.parse(stdout) as {
      mode: string;
      model: string;
      indicators: number;
      rejected: number;
      per_stage: Stage[];
      requests: number;
      input_tokens: number;
      cached_tokens: number;
      output_tokens: number;
      cost_usd: number;
      cost_per_1000_usd: number;
      projections: { indicators: number; requests: number; cost_usd: number; minutes: number | null; paced_by: string | null }[];
    };
    expect(report).toMatchObject({ mode: 'hybrid', model: 'gpt-5-mini', indicators: 300, rejected: 0 });
    expect(report.per_stage.map((stage) => stage.stage).sort()).toEqual([...LLM_STAGES].sort());
    const sum = (key: keyof Omit<Stage, 'stage'>) => report.per_stage.reduce((total, stage) => total + stage[key], 0);
    expect(report.requests).toBe(sum('requests'));
    expect(report.requests).toBeGreaterThan(0);
    expect(report.input_tokens).toBe(sum('input_tokens'));
    expect(report.cached_tokens).toBe(sum('cached_tokens'));
    expect(report.output_tokens).toBe(sum('output_tokens'));
    for (const stage of report.per_stage) {
      expect(stage.unique_signatures).toBeLessThanOrEqual(stage.fields_asked);
      // Batches of 10 per batcher queue: at least ceil(n / 10), at most one partial batch more per extra shard.
      expect(stage.requests).toBeGreaterThanOrEqual(Math.ceil(stage.unique_signatures / 10));
      expect(stage.requests).toBeLessThanOrEqual(Math.min(stage.unique_signatures, Math.ceil(stage.unique_signatures / 10) + BATCHER_SHARDS - 1));
    }
    expect(report.cost_per_1000_usd).toBeCloseTo((report.cost_usd / 300) * 1000, 12);
    expect(report.projections.map((row) => row.indicators)).toEqual([300, 1000, 10_000, 10_903, 50_000, 100_000]);
    const first = report.projections[0];
    expect(first).toMatchObject({ requests: report.requests, minutes: report.requests / 10, paced_by: 'rpm' });
    expect(first?.cost_usd).toBeCloseTo(report.cost_usd, 12);
  });

  it('reports bad rows by line, counts them, and says unpaced without a pace', async () => {
    const file = join(dir, 'catalog.ndjson');
    const good = JSON.stringify(ALBANIA);
    await writeFile(file, `${good}\n{"id":"X","units":"%"}\n${JSON.stringify(AUSTRIA)}\n`);
    const { code, stdout, stderr } = await classify(['estimate', '--catalog', file, '--mode', 'llm']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^line 2: name: /m);
    expect(stdout).toMatch(/read 3 rows: 2 accepted, 1 rejected/);
    expect(stdout).toMatch(/unpaced/);
    expect(stdout).toMatch(/requests: 4 \(2\.0000 per indicator\)/);
  });

  it('refuses an unknown model with the priced ones, before reading', async () => {
    const { code, stderr } = await classify(['estimate', '--catalog', SAMPLE, '--model', 'no-such-model']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no price for model "no-such-model".*known: .*gpt-5-mini/);
  });
});
