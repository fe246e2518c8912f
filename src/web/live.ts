/**
 * A running run seen from outside it: `classify run` measures its pace in its own process; the
 * dashboard reads the same facts back from what the run saved (classifications, failures, LLM
 * requests) over a recent window, and words them with the run's own progress functions.
 */
import type pg from 'pg';
import { z } from 'zod';
import { runLlmProgress, type LlmProgress } from '../db/llm.js';
import { failureReasons } from '../db/progress.js';
import { runActivity } from '../db/read-models.js';
import { llmRates, rateAndEta, type ProgressState } from '../runner/progress.js';

/** Rates are measured over this much recent time (less while the run is younger). */
export const LIVE_WINDOW_MS = 60_000;

const Settings = z
  .object({
    ipm: z.number().nullable(),
    rpm: z.number().nullable(),
    tpm: z.number().nullable(),
    limit: z.number().nullable(),
    force: z.boolean(),
    retry_failed: z.boolean(),
    planned: z.number().int(),
  })
  .partial();

export interface LiveRun {
  readonly run_id: string;
  readonly completed: number;
  readonly failed: number;
  /**
   * What the run set out to do: the runner stores it in the run's settings at its start. A run
   * recorded before it did is estimated as done + what is still unclassified (a --force run: every
   * stored indicator), capped by --limit.
   */
  readonly planned: number;
  readonly completions_per_min: number | null;
  readonly target_ipm: number | null;
  readonly requests_per_min: number | null;
  readonly rpm_cap: number | null;
  readonly tokens_per_min: number | null;
  readonly tpm_cap: number | null;
  readonly llm: LlmProgress;
  readonly eta_s: number | null;
  readonly failures_by_reason: { reason: string; count: number }[];
  /** The same words `classify run` prints: "412/min (target 600), ETA 3m 20s; LLM 48 req/min (cap 60), …". */
  readonly line: string;
  readonly window_s: number;
}

export async function liveRun(pool: pg.Pool, runId: string, settings: Record<string, unknown>): Promise<LiveRun | null> {
  const activity = await runActivity(pool, runId, LIVE_WINDOW_MS);
  if (activity === null) return null;
  const options = Settings.safeParse(settings).data ?? {};
  const done = activity.completed + activity.failed;
  const open = options.force === true ? Math.max(0, activity.stored - done) : activity.unclassified;
  const planned = options.planned ?? Math.min(done + open, options.limit ?? Number.POSITIVE_INFINITY);
  const minutes = activity.window_ms / 60_000;
  // Under a second of run there is no rate to speak of (the CLI's meter says "measuring" too).
  const rate = (n: number) => (activity.window_ms >= 1_000 ? n / minutes : null);
  const llm = await runLlmProgress(pool, runId);
  const state: ProgressState = {
    planned,
    submitted: done,
    completed: activity.completed,
    failed: activity.failed,
    targetIpm: options.ipm ?? null,
    rpmCap: options.rpm ?? null,
    tpmCap: options.tpm ?? null,
    llm: llm.attempts > 0 ? llm : null,
  };
  const rates = { completions: rate(activity.recent_done), requests: rate(activity.recent_requests), tokens: rate(activity.recent_tokens) };
  const remaining = Math.max(0, planned - done);
  return {
    run_id: runId,
    completed: activity.completed,
    failed: activity.failed,
    planned,
    completions_per_min: rates.completions,
    target_ipm: state.targetIpm,
    requests_per_min: rates.requests,
    rpm_cap: state.rpmCap,
    tokens_per_min: rates.tokens,
    tpm_cap: state.tpmCap,
    llm,
    eta_s: rates.completions === null || rates.completions <= 0 ? (remaining === 0 ? 0 : null) : (remaining / rates.completions) * 60,
    failures_by_reason: await failureReasons(pool, runId, [], 10),
    line: `${rateAndEta(state, rates.completions)}${llmRates(state, rates)}`,
    window_s: activity.window_ms / 1000,
  };
}
