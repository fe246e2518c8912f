/**
 * The submission pace of a run: --ipm as given; with only --rpm (and an LLM mode), from the requests
 * per indicator this run is expected to make, corrected as it goes (rpm-pace.ts); else none.
 */
import type pg from 'pg';
import { streamIndicators, type Selection } from '../db/indicators.js';
import type { Indicator } from '../domain/indicator.js';
import type { LlmPolicy } from '../llm/plan.js';
import { DEFAULT_BATCH_SIZE } from '../llm/stages/batch.js';
import { perMinute, unpaced, type Pacer } from './pacer.js';
import { expectedRequests, rpmPace } from './rpm-pace.js';
import { runSelection, type SelectionFlags } from './selection.js';

/** What the report keeps of an --rpm pace. */
export interface RpmPaceReport {
  readonly expected_requests_per_indicator: number;
  readonly initial_ipm: number;
  readonly final_ipm: number;
}

export interface PaceInput {
  readonly pool: pg.Pool;
  readonly options: { readonly ipm?: number | undefined; readonly rpm?: number | undefined; readonly batchSize?: number | undefined } & SelectionFlags;
  /** null in rules mode: no LLM requests to pace by. */
  readonly policy: LlmPolicy | null;
  /** The model whose cached answers count (null: unknown here, none do). */
  readonly model: string | null;
  /** The run's policy tag: the indicators it submits are those not classified under it. */
  readonly tag?: string | undefined;
  readonly planned: number;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

export interface Pace {
  readonly pacer: Pacer;
  /** Indicators per minute now (null: unpaced), for the progress line. */
  current(): number | null;
  /** With only --rpm: corrects the pace from the requests per indicator measured so far. */
  correct(totals: { requests: number; finished: number }): void;
  report(): RpmPaceReport | null;
}

/**
 * The submission pace: --ipm as given; with only --rpm (and an LLM mode), from the requests per
 * indicator this run is expected to make, corrected as it goes (src/runner/rpm-pace.ts); else none.
 */
export async function choosePace(input: PaceInput): Promise<Pace> {
  const { pool, options, policy, model, planned, signal, log } = input;
  const fixed = (pacer: Pacer, ipm: number | null): Pace => ({ pacer, current: () => ipm, correct: () => undefined, report: () => null });
  if (options.ipm !== undefined) return fixed(perMinute(options.ipm, { signal: signal }), options.ipm);
  if (options.rpm === undefined || policy === null) return fixed(unpaced(), null);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const indicators = plannedIndicators(pool, { ...runSelection(options), policy: input.tag }, planned);
  const expected = await expectedRequests(pool, indicators, { policy, batchSize, model });
  const rpm = rpmPace(options.rpm, expected.perIndicator);
  const initial = rpm.ipm;
  const expectation = `${expected.perIndicator.toFixed(4)} requests per indicator expected (${expected.requests} requests for ${expected.indicators} indicators: ${expected.questions} questions, ${expected.cached} of them cached, batches of ${batchSize})`;
  if (initial === null) {
    log(`pace: --rpm ${options.rpm}: ${expectation}; no request expected, so submissions are not paced`);
    return fixed(unpaced(), null);
  }
  log(`pace: --rpm ${options.rpm}: ${expectation} → ${initial.toFixed(0)} indicators/min at first, then as the requests per indicator measured call for (the progress line shows it)`);
  const pacer = perMinute(initial, { signal: signal });
  return {
    pacer,
    current: () => rpm.ipm,
    correct: (totals) => {
      const next = rpm.correct(totals);
      if (next !== null) pacer.setRate(next);
    },
    report: () => ({ expected_requests_per_indicator: expected.perIndicator, initial_ipm: initial, final_ipm: rpm.ipm ?? initial }),
  };
}

/** The indicators the run will submit, in its order (for the --rpm plan). */
async function* plannedIndicators(pool: pg.Pool, selection: Selection, planned: number): AsyncGenerator<Indicator> {
  let listed = 0;
  for await (const stored of streamIndicators(pool, selection)) {
    if (listed >= planned) return;
    listed += 1;
    yield stored.indicator;
  }
}

