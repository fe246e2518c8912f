/**
 * `classify run`: the main job on one machine. Engine up, deployment registered, catalog imported,
 * every indicator without a current classification submitted at the target pace, and the run
 * waits for completions (not accepted submissions) before it reports.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CatalogFormat } from '../catalog/read.js';
import { formatRejection, formatSummary } from '../catalog/read.js';
import { openDatabase, type Database } from '../db/connect.js';
import { createStore } from '../db/classifications.js';
import { importCatalog, streamIndicators } from '../db/indicators.js';
import type { Indicator } from '../domain/indicator.js';
import { finishedCounts, failureReasons } from '../db/progress.js';
import { createRun, finishRun } from '../db/runs.js';
import { finishRunTotals, reportTotals, runLlmRequestCount } from '../db/llm.js';
import { describeConfig, loadLlmConfig } from '../llm/config.js';
import { DEFAULT_CONFIDENCE_THRESHOLD, type LlmPolicy, type RunMode } from '../llm/plan.js';
import { llmServiceFromEnv } from '../workflow/llm/service.js';
import { ensureEngine, registerDeployment, type EnsuredEngine } from '../engine/index.js';
import { CLASSIFY_WORKFLOW, type ClassifyWorkflowInput } from '../workflow/classify-workflow.js';
import { startServiceEndpoint, type ServiceEndpoint } from '../workflow/endpoint.js';
import { workflowKey } from '../workflow/keys.js';
import { fileLogger } from '../workflow/log.js';
import { endpointPort } from './endpoint-port.js';
import { createLeaderFilter } from './leaders.js';
import { createIngress } from './ingress.js';
import { perMinute, unpaced, type Pacer } from './pacer.js';
import type { Progress } from './progress.js';
import { sleep } from './sleep.js';
import { submissionWindow } from './window.js';
import type { RunReport } from './summary.js';

export interface RunOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly catalog?: string | undefined;
  readonly format?: CatalogFormat | undefined;
  readonly force: boolean;
  readonly limit?: number | undefined;
  readonly ipm?: number | undefined;
  /** rules | llm | hybrid; default: hybrid when an LLM is configured, else rules. */
  readonly mode?: RunMode | undefined;
  /** Hybrid: rules' answers below this confidence go to the LLM (default DEFAULT_CONFIDENCE_THRESHOLD). */
  readonly threshold?: number | undefined;
  /** LLM requests per minute of the in-process endpoint (default: unpaced). */
  readonly rpm?: number | undefined;
  /** Distinct questions per LLM request (default DEFAULT_BATCH_SIZE). */
  readonly batchSize?: number | undefined;
  /** A running `classify serve` to register instead of hosting the endpoint in this process. */
  readonly endpointUrl?: string | undefined;
  /** At most this many indicators submitted and not yet finished (default DEFAULT_MAX_IN_FLIGHT). */
  readonly maxInFlight?: number | undefined;
  /** Stop waiting when nothing has finished for this long (ms). */
  readonly stallTimeoutMs: number;
  readonly progress: Progress;
  /** Where lines for people go (stderr in the CLI). */
  readonly log: (line: string) => void;
  /**
   * Aborted on SIGINT/SIGTERM: submitting and waiting stop, the report says what finished (the rest
   * is `unfinished`), and what the run started (endpoint, engine, embedded database) is stopped cleanly.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Submission requests awaiting the engine's answer at once. */
const IN_FLIGHT_SUBMISSIONS = 32;
const POLL_MS = 500;
/** Workflows submitted and unfinished at once: enough to keep a 2-core machine busy, memory flat. */
export const DEFAULT_MAX_IN_FLIGHT = 1_000;

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runCatalog(options: RunOptions): Promise<RunReport> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const llm = chooseMode(options);
    const threshold = llm.policy?.mode === 'hybrid' ? `threshold ${llm.policy.threshold}; ` : '';
    options.log(`mode: ${llm.mode} (${threshold}LLM: ${llm.described})`);
    const db = await openDatabase({ env: options.env, dataDir: options.dataDir });
    cleanups.unshift(() => db.close());
    options.log(`database: ${db.kind} ${db.url}`);
    if (options.catalog !== undefined) await importInto(db, options);

    // Interrupted while importing: starting an engine now would be for nothing.
    if (options.signal?.aborted === true) throw new Error('interrupted before any indicator was submitted');
    const ensured = await ensureEngine(options.dataDir, options.env);
    if (ensured.owned) cleanups.unshift(() => ensured.engine.stop());
    options.log(`engine: ${describeEngine(ensured)}`);

    const endpointUrl = options.endpointUrl ?? (await hostEndpoint(db, options, llm.policy !== null, cleanups)).url;
    await registerDeployment(ensured.engine.adminUrl, endpointUrl, { force: true });
    options.log(`service endpoint: ${endpointUrl} (registered)`);

    return await submitAndWait(db, ensured, options, llm);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => { options.log(`cleanup: ${String(error)}`); });
  }
}

async function importInto(db: Database, options: RunOptions): Promise<void> {
  const catalog = options.catalog ?? '';
  const summary = await importCatalog(db.pool, catalog, {
    ...(options.format === undefined ? {} : { format: options.format }),
    onRejected: (row) => { options.log(formatRejection(row)); },
  });
  options.log(`import ${catalog}: ${formatSummary(summary)}`);
}

interface ChosenMode {
  readonly mode: RunMode;
  /** What travels to every workflow: null for rules. */
  readonly policy: LlmPolicy | null;
  readonly described: string;
}

/** The run's mode: as asked, else hybrid with an LLM configured and rules without; an LLM mode without an LLM is an error. */
function chooseMode(options: RunOptions): ChosenMode {
  const config = loadLlmConfig({ env: options.env });
  const mode = options.mode ?? (config === null ? 'rules' : 'hybrid');
  if (mode === 'rules') return { mode, policy: null, described: config === null ? 'none configured; set OPENAI_API_KEY or see README' : 'configured, not used' };
  if (config === null && options.endpointUrl === undefined) {
    throw new Error(`--mode ${mode} needs an LLM: set OPENAI_API_KEY (or ANTHROPIC_API_KEY, or LLM_PROVIDER=openai-compatible with OPENAI_BASE_URL) in the environment or .env`);
  }
  return {
    mode,
    policy: { mode, threshold: options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD },
    described: options.endpointUrl === undefined ? describeConfig(config) : 'the one configured at the service endpoint',
  };
}

async function hostEndpoint(db: Database, options: RunOptions, useLlm: boolean, cleanups: (() => Promise<void>)[]): Promise<ServiceEndpoint> {
  // A stable port per data directory: invocations left by a crashed run resume on re-registration.
  const port = await endpointPort(options.dataDir, options.env);
  const log = fileLogger(join(options.dataDir, 'logs', 'service.log'));
  cleanups.unshift(() => log.close());
  const llm = useLlm ? llmServiceFromEnv(db.pool, { env: options.env, rpm: options.rpm, batchSize: options.batchSize }) : undefined;
  const endpoint = await startServiceEndpoint({ store: createStore(db.pool), llm, port, logger: log.logger });
  cleanups.unshift(() => endpoint.close());
  return endpoint;
}

function describeEngine(ensured: EnsuredEngine): string {
  const where = `ingress ${ensured.engine.ingressUrl}, admin ${ensured.engine.adminUrl}`;
  return ensured.owned ? `started restate-server (pid ${ensured.engine.pid}), ${where}` : `using ${where}`;
}

async function submitAndWait(db: Database, ensured: EnsuredEngine, options: RunOptions, llm: ChosenMode): Promise<RunReport> {
  const runId = newRunId();
  const started = Date.now();
  await createRun(db.pool, {
    id: runId,
    mode: llm.mode,
    settings: {
      force: options.force,
      limit: options.limit ?? null,
      ipm: options.ipm ?? null,
      rpm: options.rpm ?? null,
      threshold: llm.policy?.threshold ?? null,
      batch_size: options.batchSize ?? null,
      catalog: options.catalog ?? null,
    },
  });
  const ingress = createIngress(ensured.engine.ingressUrl.split(','), CLASSIFY_WORKFLOW, { signal: options.signal });
  const pacer: Pacer = options.ipm === undefined ? unpaced() : perMinute(options.ipm);
  const keys: string[] = [];
  let duplicates = 0;
  const rejected: { reason: string }[] = [];
  const inFlight = new Set<Promise<void>>();
  const window = submissionWindow({
    max: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    outstanding: async () => {
      const finished = await finishedCounts(db.pool, keys);
      options.progress.update({ submitted: keys.length, ...finished });
      return keys.length + inFlight.size - finished.completed - finished.failed;
    },
    pollMs: POLL_MS,
    stallTimeoutMs: options.stallTimeoutMs,
    signal: options.signal,
  });

  // A function, not a property read: TypeScript would narrow `aborted` across the awaits in between.
  const aborted = (): boolean => options.signal?.aborted === true;
  const submit = async (indicator: Indicator): Promise<void> => {
    const { key, contentHash } = workflowKey(indicator, options.force ? { force: { runId } } : {});
    const input: ClassifyWorkflowInput = { runId, indicator, contentHash, llm: llm.policy };
    await window.room();
    await pacer.take();
    if (aborted()) return;
    const sent = ingress.submit({ key, body: input }).then((outcome) => {
      // Never taken by the engine because the run was interrupted: not submitted, not failed.
      if (outcome.kind === 'interrupted') return;
      if (outcome.kind === 'rejected') rejected.push({ reason: outcome.reason });
      else keys.push(key);
      if (outcome.kind === 'duplicate') duplicates += 1;
      options.progress.update({ submitted: keys.length });
    });
    const tracked = sent.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= IN_FLIGHT_SUBMISSIONS) await Promise.race(inFlight);
  };

  options.progress.start();
  // LLM modes: leaders first; followers once the leaders finished, to find their answers cached.
  const leaders = llm.policy === null ? null : createLeaderFilter(llm.policy);
  const followers = new Set<string>();
  let listed = 0;
  for await (const stored of streamIndicators(db.pool, { onlyUnclassified: !options.force })) {
    if ((options.limit !== undefined && listed >= options.limit) || aborted()) break;
    listed += 1;
    if (leaders?.follows(stored.indicator) === true) followers.add(stored.indicator.id);
    else await submit(stored.indicator);
  }
  await Promise.all(inFlight);
  if (followers.size > 0 && !aborted()) {
    options.log(`${keys.length} indicators submitted first (asking a new LLM question, or none); ${followers.size} whose questions those ask follow once they finish`);
    await waitForCompletions(db, runId, keys, options);
    for await (const stored of streamIndicators(db.pool, { onlyUnclassified: !options.force })) {
      if (aborted()) break;
      if (followers.delete(stored.indicator.id)) await submit(stored.indicator);
    }
    await Promise.all(inFlight);
  }

  const finished = await waitForCompletions(db, runId, keys, options);
  options.progress.stop();
  const duration = Date.now() - started;
  const failed = finished.failed + rejected.length;
  const totals = reportTotals(await finishRunTotals(db.pool, runId), finished.completed);
  const report: RunReport = {
    run_id: runId,
    mode: llm.mode,
    llm: llm.described,
    target_ipm: options.ipm ?? null,
    target_rpm: options.rpm ?? null,
    submitted: keys.length + rejected.length,
    already_running_or_done: duplicates,
    completed: finished.completed,
    failed,
    unfinished: keys.length - finished.completed - finished.failed,
    success_rate: keys.length + rejected.length === 0 ? 1 : finished.completed / (keys.length + rejected.length),
    duration_s: duration / 1000,
    completed_ipm: duration === 0 ? 0 : (finished.completed / duration) * 60_000,
    top_failure_reasons: mergeReasons(await failureReasons(db.pool, keys, 5), rejected),
    ...totals,
  };
  await finishRun(db.pool, runId, {
    submitted: report.submitted,
    completed: report.completed,
    failed: report.failed,
    duration_ms: duration,
    status: report.unfinished > 0 || aborted() ? 'interrupted' : 'completed',
  });
  return report;
}

/**
 * Polls the database until every submitted key has a classification or a failure, or nothing moves:
 * no indicator finished and no LLM request of the run was made (a rate-limited LLM is progress too).
 */
async function waitForCompletions(db: Database, runId: string, keys: readonly string[], options: RunOptions): Promise<{ completed: number; failed: number }> {
  let last = { completed: 0, failed: 0, requests: 0 };
  let lastProgressAt = Date.now();
  for (;;) {
    const now = { ...(await finishedCounts(db.pool, keys)), requests: await runLlmRequestCount(db.pool, runId) };
    options.progress.update({ submitted: keys.length, completed: now.completed, failed: now.failed });
    if (now.completed + now.failed !== last.completed + last.failed || now.requests !== last.requests) lastProgressAt = Date.now();
    last = now;
    if (now.completed + now.failed >= keys.length) return now;
    if (options.signal?.aborted === true) {
      options.log('interrupted: not waiting for the rest (the engine keeps what it accepted and runs it when it runs again)');
      return now;
    }
    if (Date.now() - lastProgressAt > options.stallTimeoutMs) {
      options.log(`no indicator finished for ${Math.round(options.stallTimeoutMs / 1000)} s; stopping the wait`);
      return now;
    }
    await sleep(POLL_MS, options.signal);
  }
}

function mergeReasons(fromDb: readonly { reason: string; count: number }[], rejected: readonly { reason: string }[]) {
  const counts = new Map(fromDb.map((row) => [row.reason, row.count]));
  for (const { reason } of rejected) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count).slice(0, 5);
}
