/**
 * Drives the bare workflow as `classify run` drives ours: the same ingress client (src/runner/
 * ingress.ts, one `/send` per workflow), the same number of sends awaiting an answer at once, the
 * same in-flight window (src/runner/window.ts) and poll interval, unpaced. Completion is the row
 * its save step wrote; the report has the same throughput figures as a run's.
 */
import type pg from 'pg';
import { z } from 'zod';
import { generateCatalog } from '../catalog/generate/index.js';
import { createIngress } from '../runner/ingress.js';
import { percentiles, steadyIpm, type Percentiles } from '../runner/metrics.js';
import { DEFAULT_MAX_IN_FLIGHT } from '../runner/run.js';
import { sleep } from '../runner/sleep.js';
import { submissionWindow } from '../runner/window.js';
import { BARE_WORKFLOW } from './bare-workflow.js';

/** As src/runner/run.ts: sends awaiting the engine's answer at once, and the completion poll. */
const IN_FLIGHT_SUBMISSIONS = 32;
const POLL_MS = 500;

export const BareRunReport = z.object({
  workflow: z.string(),
  steps: z.number().int(),
  status: z.enum(['completed', 'completed-with-failures', 'stalled']),
  planned: z.number().int(),
  submitted: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  duration_s: z.number(),
  overall_ipm: z.number(),
  actual_ipm: z.number().nullable(),
  latency_ms: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).nullable(),
});
export type BareRunReport = z.infer<typeof BareRunReport>;

export interface BareDriveOptions {
  readonly pool: pg.Pool;
  /** The engine's ingress URL(s), comma-separated as RESTATE_INGRESS_URL. */
  readonly ingressUrls: readonly string[];
  readonly count: number;
  readonly seed: number;
  readonly steps: number;
  readonly stallTimeoutMs: number;
  readonly log: (line: string) => void;
}

const SavedRow = z.object({ workflow_key: z.string(), saved_at: z.date() });

export async function driveBare(options: BareDriveOptions): Promise<BareRunReport> {
  const stop = new AbortController();
  const ingress = createIngress(options.ingressUrls, BARE_WORKFLOW, { signal: stop.signal });
  const sentAt = new Map<string, number>();
  let completed = 0;
  let accepted = 0;
  let rejected = 0;
  let sending = 0;
  const window = submissionWindow({ max: DEFAULT_MAX_IN_FLIGHT, outstanding: () => accepted - completed + sending, pollMs: POLL_MS, signal: stop.signal });
  const started = Date.now();
  let lastProgress = Date.now();
  const poll = async (): Promise<void> => {
    const { rows } = await options.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_bare_saves');
    const now = rows[0]?.n ?? 0;
    if (now > completed) lastProgress = Date.now();
    completed = now;
    if (Date.now() - lastProgress > options.stallTimeoutMs) stop.abort();
  };
  const poller = (async () => {
    while (!stop.signal.aborted) {
      await poll();
      await sleep(POLL_MS, stop.signal);
    }
  })();

  const inFlight = new Set<Promise<void>>();
  for (const indicator of generateCatalog({ count: options.count, seed: options.seed })) {
    if (stop.signal.aborted) break;
    await window.room();
    const key = `bare-${indicator.id}`;
    sending += 1;
    const send = (async () => {
      sentAt.set(key, Date.now());
      const outcome = await ingress.submit({ key, body: { indicator } });
      if (outcome.kind === 'accepted' || outcome.kind === 'duplicate') accepted += 1;
      else if (outcome.kind === 'rejected') {
        rejected += 1;
        options.log(`bare: ${key} refused: ${outcome.reason}`);
      } else stop.abort();
    })().finally(() => {
      sending -= 1;
      inFlight.delete(send);
    });
    inFlight.add(send);
    if (inFlight.size >= IN_FLIGHT_SUBMISSIONS) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  while (completed < accepted && !stop.signal.aborted) await sleep(POLL_MS / 5);
  // The poller's last count stands; one more read so the end is seen within milliseconds.
  const duration = Date.now() - started;
  stop.abort();
  await poller;
  await poll();

  const { rows } = await options.pool.query('SELECT workflow_key, saved_at FROM bench_bare_saves');
  const saves = rows.map((row) => SavedRow.parse(row));
  const latencies = saves.flatMap((save) => {
    const sent = sentAt.get(save.workflow_key);
    return sent === undefined ? [] : [save.saved_at.getTime() - sent];
  });
  const latency: Percentiles | null = percentiles(latencies);
  const stalled = saves.length < accepted;
  return {
    workflow: BARE_WORKFLOW,
    steps: options.steps,
    status: stalled ? 'stalled' : rejected > 0 ? 'completed-with-failures' : 'completed',
    planned: options.count,
    submitted: accepted + rejected,
    completed: saves.length,
    failed: rejected,
    duration_s: duration / 1000,
    overall_ipm: duration === 0 ? 0 : (saves.length / duration) * 60_000,
    actual_ipm: steadyIpm(saves.map((save) => save.saved_at.getTime())),
    latency_ms: latency,
  };
}
