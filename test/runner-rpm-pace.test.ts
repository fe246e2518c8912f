// `--rpm` alone: the submission pace comes from the requests per indicator expected for these
// indicators (the plan less what is cached, in batches), and follows what the run measures.
import { describe, expect, it } from 'vitest';
import { putCachedAnswer } from '../src/db/llm.js';
import { Indicator } from '../src/domain/indicator.js';
import { generateCatalog } from '../src/catalog/generate/index.js';
import { batchesOf, createPlanner } from '../src/estimate/plan-requests.js';
import { PROMPT_VERSION } from '../src/llm/prompt/system.js';
import { expectedRequests, rpmPace } from '../src/runner/rpm-pace.js';
import { classifyWithRules } from '../src/stages/pipeline.js';
import { useDatabase } from './db-helpers.js';

const POLICY = { mode: 'llm', threshold: 0.7 } as const;
const MODEL = 'gpt-5-mini';
const indicators = [...generateCatalog({ count: 300, seed: 5 })].map((row) => Indicator.parse(row));

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('expectedRequests', () => {
  const database = useDatabase('pglite');

  it('counts the batches of the plan, less the questions already cached', async () => {
    const cold = await expectedRequests(database.db.pool, stream(indicators), { policy: POLICY, batchSize: 10, model: MODEL });
    // The estimator's own plan, batched the batcher's way.
    const planner = createPlanner(POLICY);
    for (const indicator of indicators) planner.add(indicator, classifyWithRules(indicator));
    expect(cold).toMatchObject({ indicators: 300, cached: 0, requests: batchesOf(planner.plans(), 10).length });
    expect(cold.perIndicator).toBeCloseTo(cold.requests / 300, 12);
    expect(cold.questions).toBeGreaterThan(cold.requests);

    // Every question of one stage answered already: those batches are not expected again.
    const family = planner.plans().find((plan) => plan.stage === 'family');
    for (const question of family?.questions ?? []) {
      await putCachedAnswer(database.db.pool, { signature: question.hash, stage: 'family', promptVersion: PROMPT_VERSION, model: MODEL }, { family: 'physical' }, `r-${question.hash}`);
    }
    const warm = await expectedRequests(database.db.pool, stream(indicators), { policy: POLICY, batchSize: 10, model: MODEL });
    const familyBatches = batchesOf(planner.plans().filter((plan) => plan.stage === 'family'), 10).length;
    expect(warm).toMatchObject({ cached: family?.questions.length, requests: cold.requests - familyBatches });
    // Another model's cache is not this model's.
    const other = await expectedRequests(database.db.pool, stream(indicators), { policy: POLICY, batchSize: 10, model: 'claude-haiku-4-5' });
    expect(other.requests).toBe(cold.requests);
  });
});

describe('rpmPace', () => {
  it('starts at rpm ÷ expected requests per indicator and follows the measured ratio, a bounded step at a time', () => {
    const pace = rpmPace(60, 0.1);
    expect(pace.ipm).toBe(600);
    // Too few finished since the start: no correction yet.
    expect(pace.correct({ requests: 5, finished: 10 })).toBeNull();
    // 0.2 requests per indicator measured: half the pace.
    expect(pace.correct({ requests: 10, finished: 50 })).toBe(300);
    // Then 30 requests for 40 indicators (0.75 each): 80/min wanted, but one step halves at most.
    expect(pace.correct({ requests: 40, finished: 90 })).toBe(150);
    // Near the measured ratio: within 10 %, left as it is.
    expect(pace.correct({ requests: 40 + 15, finished: 90 + 37 })).toBeNull();
    // Answers from the cache (no requests): faster, at most double.
    expect(pace.correct({ requests: 55, finished: 200 })).toBe(300);
    expect(pace.ipm).toBe(300);
  });

  it('sets no pace when no request is expected', () => {
    const pace = rpmPace(60, 0);
    expect(pace.ipm).toBeNull();
    expect(pace.correct({ requests: 10, finished: 100 })).toBeNull();
  });
});
