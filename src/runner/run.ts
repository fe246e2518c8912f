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
import { importCatalog, importNotes, orphanedIndicators, ORPHANED_STAGE, streamIndicators } from '../db/indicators.js';
import type { Indicator } from '../domain/indicator.js';
import { failureReasons, finishedKeys, indicatorCounts, savesByService, type Finished } from '../db/progress.js';
import type { ClassificationStore } from '../db/store.js';
import type pg from 'pg';
import { changeFeed } from '../db/changes.js';
import { retryingQueries } from '../db/retry.js';
import { createRun, finishRun, type RunStatus } from '../db/runs.js';
import { finishRunTotals, reportTotals, runLlmProgress, runLlmRequestTimes, type LlmProgress } from '../db/llm.js';
import { describeConfig, loadLlmConfig, type LlmConfig } from '../llm/config.js';
import { DEFAULT_CONFIDENCE_THRESHOLD, type LlmPolicy, type RunMode } from '../llm/plan.js';
import { llmServiceFromEnv } from '../workflow/llm/service.js';
import { ensureEngine, splitUrls, type EnsuredEngine } from '../engine/index.js';
import { CLASSIFY_WORKFLOW, ClassifyWorkflowInput } from '../workflow/classify-workflow.js';
import { describeIssues } from '../workflow/serde.js';
import { failedInEngine, indicatorOfKey } from './engine-failures.js';
import { startServiceEndpoint, type ServiceEndpoint } from '../workflow/endpoint.js';
import { servedUrl } from '../workflow/http2-endpoint.js';
import { buildVersion } from '../workflow/build-version.js';
import { describeRetired, registerVersioned } from './deployments.js';
import { endOrphans, reclaimQuestions } from './orphans.js';
import { LLM_ASKER, LLM_BATCHER } from '../workflow/llm/batcher.js';
import { workflowKey } from '../workflow/keys.js';
import { describePolicy, policyTag, type ClassificationPolicy } from '../workflow/policy-tag.js';
import { PROMPT_VERSION } from '../llm/prompt/system.js';
import { fileLogger } from '../workflow/log.js';
import { endpointPort } from './endpoint-port.js';
import { trackCompletions, type Completions } from './completions.js';
import { findDownParts } from './diagnose.js';
import { createFollowerGate, type Candidate } from './leaders.js';
import { createIngress } from './ingress.js';
import { perMinute as perMinuteOf, percentiles, shares, steadyIpm } from './metrics.js';
import { startHeartbeat } from './heartbeat.js';
import { startMonitor } from './monitor.js';
import { choosePace } from './pace.js';
import { rejectionLog, shortId } from './rejections.js';
import { sleep } from './sleep.js';
import { runStopper, type RunStopper, type StopCause } from './stopper.js';
import { freshKeys, runSelection } from './selection.js';
import { endEarlierRuns } from './supersede.js';
import { checkLlm, recordPreflight } from './preflight.js';
import type { Progress, ProgressState } from './progress.js';
import { createSubmitter } from './submit.js';
import { submissionWindow } from './window.js';
import type { RunReport } from './summary.js';

export interface RunOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly catalog?: string | undefined;
  readonly format?: CatalogFormat | undefined;
  /** A catalog broken part way: import the valid rows before the break instead of stopping (importCatalog). */
  readonly partial?: boolean | undefined;
  readonly force: boolean;
  /** Submit only the indicators whose last attempt failed, under a key new to this run. */
  readonly retryFailed?: boolean | undefined;
  readonly limit?: number | undefined;
  readonly ipm?: number | undefined;
  /** rules | llm | hybrid; default: hybrid when an LLM is configured, else rules. */
  readonly mode?: RunMode | undefined;
  /** Hybrid: rules' answers below this confidence go to the LLM (default DEFAULT_CONFIDENCE_THRESHOLD). */
  readonly threshold?: number | undefined;
  /** LLM requests per minute of the in-process endpoint (default: unpaced). */
  readonly rpm?: number | undefined;
  /** The run's LLM tokens per minute cap, shared by every service process. */
  readonly tpm?: number | undefined;
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
/** Followers held at most (src/runner/leaders.ts); more wait before the catalog is read on. */
const MAX_HELD = 5_000;
/** How often held followers are looked at (their leaders finish at completion polls, POLL_MS). */
const RELEASE_POLL_MS = 50;
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
    options.log(`mode: ${llm.mode} (${threshold}LLM: ${llm.described}); policy ${llm.tag}: ${describePolicy(llm.classification)}`);
    // First of all: a refused key or a dead endpoint stops the run in seconds, before anything is set up.
    const checked = llm.preflight === null ? null : await checkLlm(llm.preflight, options);
    const db = await openDatabase({ env: options.env, dataDir: options.dataDir, log: options.log });
    cleanups.unshift(() => db.close());
    options.log(`database: ${db.kind} ${db.url}`);
    const runId = newRunId();
    if (checked !== null) await recordPreflight(db.pool, runId, checked);
    const catalogWarnings = options.catalog === undefined ? [] : await importInto(db, options);

    // Interrupted while importing: starting an engine now would be for nothing.
    if (options.signal?.aborted === true) throw new Error('interrupted before any indicator was submitted');
    const ensured = await ensureEngine(options.dataDir, options.env);
    if (ensured.owned) cleanups.unshift(() => ensured.engine.stop());
    options.log(`engine: ${describeEngine(ensured)}`);

    const endpointUrl = options.endpointUrl === undefined ? (await hostEndpoint(db, options, llm.policy !== null, cleanups)).url : await servedUrl(options.endpointUrl);
    const restarted = await register(ensured.engine, endpointUrl, options, { pool: db.pool, runId });

    return { ...(await submitAndWait(db, ensured, endpointUrl, options, llm, runId, restarted)), catalog_warnings: catalogWarnings };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => { options.log(`cleanup: ${String(error)}`); });
  }
}

/**
 * Registers the endpoint's versioned URL (a no-op when this build is registered already) and retires
 * older deployments: drained ones are removed; with the endpoint in-process, those of this address
 * but another build are ended (orphans.ts), each recorded as a failure at stage `orphaned`. Returns
 * the indicators whose workflows were ended so, by this run or an earlier one (a key each has spent).
 */
async function register(engine: { adminUrl: string; ingressUrl: string }, endpointUrl: string, options: RunOptions, db: { pool: pg.Pool; runId: string }): Promise<ReadonlySet<string>> {
  const { adminUrl } = engine;
  const { deployment, retired } = await registerVersioned(adminUrl, endpointUrl);
  options.log(`service endpoint: ${endpointUrl} (${deployment.created ? 'registered' : 'already registered'} as deployment ${deployment.id})`);
  let draining = retired.draining;
  if (options.endpointUrl === undefined && draining.length > 0) {
    const orphans = await endOrphans(adminUrl, endpointUrl, draining, { workflow: CLASSIFY_WORKFLOW, asker: LLM_ASKER, pollMs: POLL_MS, timeoutMs: 30_000 });
    if (orphans.removed.length > 0) {
      const where = orphans.removed.map((load) => load.uri ?? load.id).join(', ');
      const store = createStore(db.pool);
      for (const [indicatorId, workflowKey] of orphans.workflows) {
        const reason = `killed: its workflow ran on ${where}, an earlier build whose code is gone; submitted again under a new key`;
        await store.recordFailure({ runId: db.runId, indicatorId, workflowKey, stage: ORPHANED_STAGE, reason, attempts: 1 });
      }
      options.log(
        `an earlier run of another build left ${orphans.killed} unfinished invocations on ${where}: ` +
          `killed (that code is gone), deployment removed; their ${orphans.workflows.size} indicators are classified again under new keys`,
      );
      if (orphans.askers > 0) {
        const reclaimed = await reclaimQuestions(adminUrl, splitUrls(engine.ingressUrl)[0] ?? engine.ingressUrl, LLM_BATCHER);
        options.log(`LLM: ${reclaimed} questions its ${orphans.askers} killed askers held are handed out again`);
      }
    }
    draining = draining.filter((load) => !orphans.removed.includes(load));
  }
  const line = describeRetired({ removed: retired.removed, draining });
  if (line !== null) options.log(`deployments: ${line}`);
  return orphanedIndicators(db.pool);
}

/** Imports the catalog; returns its warnings (no indicators in it, a partial import) for the report. */
async function importInto(db: Database, options: RunOptions): Promise<string[]> {
  const catalog = options.catalog ?? '';
  const summary = await importCatalog(db.pool, catalog, {
    ...(options.format === undefined ? {} : { format: options.format }),
    partial: options.partial === true,
    onRejected: (row) => { options.log(formatRejection(row)); },
  });
  options.log(`import ${catalog}: ${formatSummary(summary)}`);
  const notes = importNotes(catalog, summary);
  for (const note of notes) options.log(`warning: ${note}`);
  return notes;
}

interface ChosenMode {
  readonly mode: RunMode;
  /** What travels to every workflow: null for rules. */
  readonly policy: LlmPolicy | null;
  readonly described: string;
  /** The LLM this process asks, checked before submitting; null in rules mode and with --endpoint-url (the endpoint has its own). */
  readonly preflight: LlmConfig | null;
  /** What decides the answers (src/workflow/policy-tag.ts), and its tag in every key of the run. */
  readonly classification: ClassificationPolicy;
  readonly tag: string;
}

/** The run's mode: as asked, else hybrid with an LLM configured and rules without; an LLM mode without an LLM is an error. */
function chooseMode(options: RunOptions): ChosenMode {
  const config = loadLlmConfig({ env: options.env });
  const mode = options.mode ?? (config === null ? 'rules' : 'hybrid');
  if (mode === 'rules') {
    const classification: ClassificationPolicy = { mode };
    const described = config === null ? 'none configured; set OPENAI_API_KEY or see README' : 'configured, not used';
    return { mode, policy: null, described, preflight: null, classification, tag: policyTag(classification) };
  }
  if (config === null && options.endpointUrl === undefined) {
    throw new Error(`--mode ${mode} needs an LLM: set OPENAI_API_KEY (or ANTHROPIC_API_KEY, or LLM_PROVIDER=openai-compatible with OPENAI_BASE_URL) in the environment or .env`);
  }
  const threshold = options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  // With --endpoint-url and no LLM configured here, the endpoint's model is not known to the run:
  // its tag says "unknown", so such runs re-classify what a run that knew its model classified.
  const classification: ClassificationPolicy = {
    mode,
    threshold: mode === 'hybrid' ? threshold : undefined,
    provider: config?.provider ?? 'unknown',
    model: config?.model ?? 'unknown',
    promptVersion: PROMPT_VERSION,
  };
  return {
    mode,
    classification,
    tag: policyTag(classification),
    policy: {
      mode,
      threshold,
      caps: { rpm: options.rpm ?? null, tpm: options.tpm ?? null },
      // Fixed in every workflow's input: an endpoint restarted with another model still asks this one.
      ...(options.endpointUrl === undefined && config !== null ? { model: config.model } : {}),
    },
    described: options.endpointUrl === undefined ? describeConfig(config) : 'the one configured at the service endpoint',
    preflight: options.endpointUrl === undefined ? config : null,
  };
}

async function hostEndpoint(db: Database, options: RunOptions, useLlm: boolean, cleanups: (() => Promise<void>)[]): Promise<ServiceEndpoint> {
  // A stable port per data directory: invocations left by a crashed run resume on re-registration.
  const port = await endpointPort(options.dataDir, options.env);
  const version = await buildVersion(options.env);
  const log = fileLogger(join(options.dataDir, 'logs', 'service.log'));
  cleanups.unshift(() => log.close());
  const llm = useLlm ? llmServiceFromEnv(db.pool, { env: options.env, batchSize: options.batchSize, notice: options.log }) : undefined;
  const endpoint = await startServiceEndpoint({ store: createStore(db.pool), llm, port, logger: log.logger, version });
  cleanups.unshift(() => endpoint.close());
  return endpoint;
}

function describeEngine(ensured: EnsuredEngine): string {
  const where = `ingress ${ensured.engine.ingressUrl}, admin ${ensured.engine.adminUrl}`;
  if (!ensured.owned) return `using ${where}`;
  if (ensured.adoptedFrom !== undefined) {
    return `adopted restate-server (pid ${ensured.engine.pid}) left running by a run that died (pid ${ensured.adoptedFrom}); this run stops it when it ends; ${where}`;
  }
  return `started restate-server (pid ${ensured.engine.pid}), ${where}`;
}

/**
 * What the run set out to classify, up to --limit: every stored indicator without a current
 * classification (less those whose attempt at their current content failed: said, and left to
 * --retry-failed), all of them with --force, the failed ones with --retry-failed.
 */
async function plannedCount(db: Database, options: RunOptions, tag: string): Promise<number> {
  const counts = await indicatorCounts(db.pool, tag);
  if (!options.force && options.retryFailed !== true && counts.otherPolicy > 0) {
    options.log(`${counts.otherPolicy} indicators classified under another mode, model or prompt version are classified again under policy ${tag}`);
  }
  const candidates = options.force ? counts.stored : options.retryFailed === true ? counts.failed : counts.unclassified;
  const heldBack = !options.force && options.retryFailed !== true && counts.heldBack > 0;
  if (heldBack) {
    options.log(`${counts.heldBack} indicators whose last attempt failed are not submitted again: their workflow key is spent (--retry-failed submits them under a new one)`);
  }
  if (candidates === 0) {
    options.log(
      counts.stored === 0
        ? 'nothing to classify: the database holds no indicators (give --catalog FILE, or `classify import FILE` first)'
        : options.retryFailed === true
          ? 'nothing to retry: no indicator\'s last attempt failed'
          : heldBack
            ? `nothing to classify: every other indicator of the ${counts.stored} in the database is already classified (--force classifies them all again)`
            : `nothing to classify: all ${counts.stored} indicators in the database are already classified (--force classifies them again)`,
    );
  }
  return Math.min(candidates, options.limit ?? Number.POSITIVE_INFINITY);
}

async function submitAndWait(db: Database, ensured: EnsuredEngine, endpointUrl: string, options: RunOptions, llm: ChosenMode, runId: string, restarted: ReadonlySet<string>): Promise<CoreReport> {
  const started = Date.now();
  const planned = await plannedCount(db, options, llm.tag);
  await createRun(db.pool, {
    id: runId,
    mode: llm.mode,
    settings: {
      force: options.force,
      retry_failed: options.retryFailed === true,
      policy: llm.tag,
      planned,
      limit: options.limit ?? null,
      ipm: options.ipm ?? null,
      rpm: options.rpm ?? null,
      tpm: options.tpm ?? null,
      threshold: llm.policy?.threshold ?? null,
      batch_size: options.batchSize ?? null,
      catalog: options.catalog ?? null,
    },
  });
  const stopper = runStopper(options.signal, IN_FLIGHT_SUBMISSIONS);
  const heartbeat = startHeartbeat(db.pool, runId);
  try {
    const report = await classifyPlanned({ db, ensured, endpointUrl, options, llm, runId, planned, stopper, restarted });
    // An idempotent update: it may wait out a database restart like the workflows' saves.
    await finishRun(retryingQueries(db.pool), runId, {
      submitted: report.submitted,
      completed: report.completed,
      failed: report.failed,
      duration_ms: Date.now() - started,
      status: report.status,
      metrics: {
        target_ipm: report.target_ipm,
        actual_ipm: report.actual_ipm,
        overall_ipm: report.overall_ipm,
        efficiency: report.efficiency,
        latency_ms: report.latency_ms,
        llm_rpm: report.llm_rpm,
        llm_tpm: report.llm_tpm,
        ingress_share: report.ingress_share,
        service_share: report.service_share,
      },
    });
    return report;
  } catch (error) {
    // The run's record must not say "running" forever.
    await finishRun(db.pool, runId, { submitted: 0, completed: 0, failed: 0, duration_ms: Date.now() - started, status: 'failed' }).catch(() => undefined);
    throw error;
  } finally {
    heartbeat.stop();
    stopper.dispose();
  }
}

/** An indicator with its workflow key and content hash, as submitted. */
type Keyed = Candidate & { readonly contentHash: string };

/** The report but for what the catalog's import said (added by runCatalog). */
type CoreReport = Omit<RunReport, 'catalog_warnings'>;

interface RunContext {
  readonly db: Database;
  readonly ensured: EnsuredEngine;
  readonly endpointUrl: string;
  readonly options: RunOptions;
  readonly llm: ChosenMode;
  readonly runId: string;
  readonly planned: number;
  readonly stopper: RunStopper;
  /** Indicators whose workflow of an earlier build was killed (orphans.ts): submitted under a key of this run. */
  readonly restarted: ReadonlySet<string>;
}

async function classifyPlanned(context: RunContext): Promise<CoreReport> {
  const { db, ensured, endpointUrl, options, llm, runId, planned, stopper, restarted } = context;
  const started = Date.now();
  const ingressUrls = splitUrls(ensured.engine.ingressUrl);
  const feed = changeFeed(db.pool, runId);
  // The listing and the report's reads wait out a database outage (the monitor's polls have their own loop).
  const reads = retryingQueries(db.pool, {
    signal: stopper.signal,
    onRetry: (error, attempt) => { if (attempt === 1) options.log(`database: a query failed (${error instanceof Error ? error.message : String(error)}); retrying for up to 60 s`); },
  });
  // LLM modes: an indicator whose questions an earlier one asks waits for it, to find the answers cached.
  const gate = llm.policy === null ? null : createFollowerGate<Keyed>(llm.policy);
  const store = createStore(db.pool);
  const completions = trackCompletions(
    {
      changes: () => feed.next(),
      lookup: (keys) => finishedKeys(db.pool, keys),
      endedInEngine: (keys) => recordEngineFailures({ adminUrl: ensured.engine.adminUrl, pool: db.pool, store, runId, log: options.log }, keys),
    },
    { onFinished: (key) => gate?.finished(key) },
  );
  const rejections = rejectionLog(options.log);
  const pace = await choosePace({
    pool: db.pool,
    options,
    policy: llm.policy,
    model: llm.preflight?.model ?? null,
    tag: llm.tag,
    planned,
    signal: stopper.signal,
    log: options.log,
  });
  const submitter = createSubmitter({
    ingress: createIngress(ingressUrls, CLASSIFY_WORKFLOW, { signal: stopper.signal }),
    window: submissionWindow({
      max: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      outstanding: () => completions.pending + submitter.sending,
      pollMs: POLL_MS,
      signal: stopper.signal,
    }),
    pacer: pace.pacer,
    completions,
    check: (body) => {
      const parsed = ClassifyWorkflowInput.safeParse(body);
      return parsed.success ? null : `input: ${describeIssues(parsed.error)}`;
    },
    concurrency: IN_FLIGHT_SUBMISSIONS,
    signal: stopper.signal,
    onRejected: async (indicator, key, reason) => {
      rejections.add(indicator.id, reason);
      gate?.finished(key);
      // Every indicator that does not complete has a failure row, whichever layer refused it.
      await store
        .recordFailure({ runId, indicatorId: indicator.id, workflowKey: key, stage: 'submit', reason, attempts: 1 })
        .catch((error: unknown) => { options.log(`could not record the failure of ${shortId(indicator.id)}: ${String(error)}`); });
    },
    onUnavailable: (reason) => {
      stopper.stop({ kind: 'stalled', reason: `the engine cannot be reached: ${reason}` });
    },
  });
  const state = (llm: LlmProgress | null): ProgressState => ({
    planned,
    submitted: submitter.counts.submitted,
    completed: completions.completed,
    failed: completions.failed + submitter.counts.rejected,
    targetIpm: pace.current(),
    rpmCap: options.rpm ?? null,
    tpmCap: options.tpm ?? null,
    llm: llm === null || llm.attempts === 0 ? null : llm,
  });
  const monitor = startMonitor({
    completions,
    sending: () => submitter.sending,
    state,
    progress: options.progress,
    llm: () => runLlmProgress(db.pool, runId),
    pollMs: POLL_MS,
    stallTimeoutMs: options.stallTimeoutMs,
    signal: stopper.signal,
    log: options.log,
    onPoll: (llm) => {
      pace.correct({ requests: llm.requests, finished: completions.completed + completions.failed });
    },
    onStall: async (idleMs, lastError) => {
      const down = await findDownParts({ ingressUrls, adminUrl: ensured.engine.adminUrl, endpointUrl, pool: db.pool });
      const why = down.length > 0 ? down.join('; ') : `every part answers (${lastError ?? 'see `classify status` and logs/'})`;
      stopper.stop({ kind: 'stalled', reason: `nothing finished and no LLM request was made for ${Math.round(idleMs / 1000)} s: ${why}` });
    },
  });

    // A workflow killed with an earlier build's deployment spent its key (orphans.ts): a key of this run's.
  const fresh = (indicator: Indicator): boolean => freshKeys(options) || restarted.has(indicator.id);
  const candidate = (indicator: Indicator): Keyed => ({ indicator, ...workflowKey(indicator, { policy: llm.tag, ...(fresh(indicator) ? { force: { runId } } : {}) }) });
  const submit = async ({ indicator, key, contentHash }: Keyed): Promise<void> => {
    const input: ClassifyWorkflowInput = { runId, indicator, contentHash, llm: llm.policy };
    await submitter.submit(indicator, key, input);
  };
  /** Followers whose leaders finished go first, at the same pace. */
  const submitReady = async (): Promise<void> => {
    for (const follower of gate?.takeReady() ?? []) if (!stopped()) await submit(follower);
  };

  // A function, not a property read: TypeScript would narrow `aborted` across the awaits in between.
  const stopped = (): boolean => stopper.signal.aborted;
  const selection = { ...runSelection(options), policy: llm.tag };
  await endEarlierRuns({ adminUrl: ensured.engine.adminUrl, service: CLASSIFY_WORKFLOW, pollMs: POLL_MS, reads, selection, planned, keyOf: (indicator) => candidate(indicator).key, signal: stopper.signal, log: options.log });
  options.progress.start(state(null));
  try {
    let listed = 0;
    for await (const stored of streamIndicators(reads, selection)) {
      if (listed >= planned || stopped()) break;
      listed += 1;
      await submitReady();
      // Reading on while many followers wait would hold the catalog in memory.
      while ((gate?.held ?? 0) >= MAX_HELD && !stopped()) {
        await submitReady();
        await sleep(RELEASE_POLL_MS, stopper.signal);
      }
      const next = candidate(stored.indicator);
      if (gate === null || gate.admit(next)) await submit(next);
    }
    while ((gate?.held ?? 0) > 0 && !stopped()) {
      await submitReady();
      await sleep(RELEASE_POLL_MS, stopper.signal);
    }
    await submitter.flush();
    if (gate !== null && gate.followed > 0) {
      options.log(`${gate.followed} indicators waited for an earlier indicator asking the same LLM questions, to find its answers cached`);
    }
    await monitor.drained();
  } finally {
    await monitor.close();
    options.progress.stop();
  }
  rejections.flush();

  const cause = stopper.cause();
  if (cause?.kind === 'stalled') options.log(`stopping the run: ${cause.reason}`);
  if (cause?.kind === 'interrupted') options.log('interrupted: not waiting for the rest (the engine keeps what it accepted and runs it when it runs again)');
  const duration = Date.now() - started;
  const counts = submitter.counts;
  const failed = completions.failed + counts.rejected;
  const overallIpm = duration === 0 ? 0 : (completions.completed / duration) * 60_000;
  const unfinished = completions.pending;
  const totals = reportTotals(await finishRunTotals(reads, runId), completions.completed);
  return {
    run_id: runId,
    mode: llm.mode,
    llm: llm.described,
    status: runStatus(cause, failed),
    stop_reason: cause === null ? null : cause.kind === 'stalled' ? cause.reason : 'interrupted (SIGINT/SIGTERM)',
    target_ipm: options.ipm ?? null,
    target_rpm: options.rpm ?? null,
    target_tpm: options.tpm ?? null,
    planned,
    submitted: counts.submitted,
    not_submitted: planned - counts.submitted,
    already_running_or_done: counts.duplicates,
    completed: completions.completed,
    failed,
    unfinished,
    success_rate: planned === 0 ? 1 : completions.completed / planned,
    duration_s: duration / 1000,
    completed_ipm: overallIpm,
    rpm_pace: pace.report(),
    ...(await runMetrics({ ...db, pool: reads }, runId, { completions, byNode: counts.byNode, durationMs: duration, overallIpm, targetIpm: options.ipm ?? null })),
    top_failure_reasons: await failureReasons(reads, runId, completions.failedKeys, 5),
    ...totals,
  };
}

type RunMetrics = Pick<RunReport, 'overall_ipm' | 'actual_ipm' | 'efficiency' | 'latency_ms' | 'llm_rpm' | 'llm_tpm' | 'ingress_share' | 'service_share'>;

/** What the run measured: its steady rate against the target, latencies, LLM load and how work spread. */
async function runMetrics(
  db: Database,
  runId: string,
  run: { completions: Completions; byNode: ReadonlyMap<string, number>; durationMs: number; overallIpm: number; targetIpm: number | null },
): Promise<RunMetrics> {
  const actual = steadyIpm(run.completions.savedAt);
  const requests = await runLlmRequestTimes(db.pool, runId);
  return {
    overall_ipm: run.overallIpm,
    actual_ipm: actual,
    efficiency: actual === null || run.targetIpm === null ? null : actual / run.targetIpm,
    latency_ms: percentiles(run.completions.latencies),
    llm_rpm: perMinuteOf(requests.map((request) => ({ at: request.at, weight: 1 })), run.durationMs),
    llm_tpm: perMinuteOf(requests.map((request) => ({ at: request.at, weight: request.tokens })), run.durationMs),
    ingress_share: shares(run.byNode),
    service_share: shares(await savesByService(db.pool, runId)),
  };
}

function runStatus(cause: StopCause | null, failed: number): RunStatus {
  if (cause !== null) return cause.kind;
  return failed > 0 ? 'completed-with-failures' : 'completed';
}


/**
 * Of `keys`, those the engine ended as failed with no row in the database (refused before the
 * handler ran): their failure is recorded under this run with the engine's reason, so the feed and
 * the report count it. The engine not answering is no failure of theirs: asked again next time.
 */
async function recordEngineFailures(
  parts: { adminUrl: string; pool: pg.Pool; store: ClassificationStore; runId: string; log: (line: string) => void },
  keys: readonly string[],
): Promise<Map<string, Finished>> {
  let failed: Map<string, string>;
  try {
    failed = await failedInEngine(parts.adminUrl, CLASSIFY_WORKFLOW, keys);
  } catch {
    return new Map();
  }
  if (failed.size === 0) return new Map();
  // The workflow records its own failures before it fails: those rows reach the feed.
  const recorded = await finishedKeys(parts.pool, [...failed.keys()]);
  const ended = new Map<string, Finished>();
  for (const [key, reason] of failed) {
    if (recorded.has(key)) continue;
    await parts.store.recordFailure({ runId: parts.runId, indicatorId: indicatorOfKey(key), workflowKey: key, stage: 'engine', reason, attempts: 1 });
    parts.log(`${shortId(indicatorOfKey(key))}: the engine ended its workflow as failed before it ran: ${reason}`);
    ended.set(key, { outcome: 'failed', savedAt: null });
  }
  return ended;
}
