/**
 * Shared by test/e2e-llm.test.ts: the LLM simulator as a child of a scenario, the environment that
 * points `classify` at it (and at nothing else), its request log, and an in-process replay of the
 * workflow's decisions (which stage the policy asks, with which signature) from the rules and the
 * stage rows the run stored.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readCatalog } from '../src/catalog/read.js';
import { STAGE_TABLES } from '../src/db/classifications.js';
import type { Indicator } from '../src/domain/indicator.js';
import {
  CumulativeResult,
  FamilyResult,
  NormalizationResult,
  OrientationResult,
  TimeInferenceResult,
  TypeResult,
  type Provenance,
} from '../src/domain/results.js';
import type { LogEntry, SimStats } from '../src/llm-sim/log.js';
import { shouldAsk, type LlmPolicy } from '../src/llm/plan.js';
import { signature, type SignatureInput } from '../src/llm/signature.js';
import { gatherEvidence } from '../src/stages/classify/evidence.js';
import { assignFamily, classifyType } from '../src/stages/classify/family-type.js';
import { assignOrientation } from '../src/stages/classify/orientation.js';
import { detectCumulative } from '../src/stages/cumulative/index.js';
import { normalize } from '../src/stages/normalize/index.js';
import { classifyWithRules } from '../src/stages/pipeline.js';
import { inferTime } from '../src/stages/time/index.js';
import { CLI, sql, startClassify, waitFor, type Result, type Scenario } from './e2e-helpers.js';

/** A running `classify llm-sim`: its base URL (…/v1), its stats URL and its NDJSON log. */
export interface Sim {
  readonly url: string;
  readonly statsUrl: string;
  readonly log: string;
}

/**
 * Starts `classify llm-sim --port 0 …` as a child of the scenario (its cleanup stops it) and waits
 * for the URL it prints on its first line. The log goes into the scenario's data directory.
 */
export async function startSim(scenario: Scenario, args: readonly string[] = []): Promise<Sim> {
  const log = join(scenario.dataDir, `llm-sim-${scenario.children.length}.ndjson`);
  const child = startClassify(scenario, ['llm-sim', '--port', '0', '--log', log, ...args]);
  const url = await waitFor('llm-sim to print its URL', () => {
    const { stdout, stderr } = child.output();
    const newline = stdout.indexOf('\n');
    if (newline > 0) return Promise.resolve(stdout.slice(0, newline).trim());
    if (!child.running()) throw new Error(`llm-sim exited:\n${stderr}`);
    return Promise.resolve(undefined);
  }, 30_000, 50);
  if (!/^http:\/\/127\.0\.0\.1:\d+\/v1$/.test(url)) throw new Error(`llm-sim printed ${JSON.stringify(url)}, not its base URL`);
  return { url, statsUrl: `${url.replace(/\/v1$/, '')}/sim/stats`, log };
}

/** Variables that would point `classify` at some other LLM, price table or .env-chosen provider. */
const LLM_VARIABLES = /^(OPENAI_|ANTHROPIC_|LLM_)/;

/** The scenario's environment with no LLM configured at all (none of the developer's shell). */
export function withoutLlm(scenario: Scenario): Scenario {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(scenario.env)) if (!LLM_VARIABLES.test(name)) env[name] = value;
  // Same children list: the scenario's cleanup still stops whatever this one starts.
  return { ...scenario, env };
}

/** The scenario pointed at the simulator: any key, its base URL, the default model (gpt-5-mini). */
export function withSim(scenario: Scenario, sim: Sim): Scenario {
  const bare = withoutLlm(scenario);
  return { ...bare, env: { ...bare.env, OPENAI_API_KEY: 'sk-test-e2e-llm', OPENAI_BASE_URL: sim.url } };
}

/** The scenario pointed at any OpenAI-compatible base URL (a fake provider of the test). */
export function withLlmAt(scenario: Scenario, baseUrl: string): Scenario {
  const bare = withoutLlm(scenario);
  return { ...bare, env: { ...bare.env, OPENAI_API_KEY: 'sk-test-e2e-llm', OPENAI_BASE_URL: baseUrl } };
}

/** A fake provider of the test, on 127.0.0.1: its base URL (…/v1), what reached it, and a way to stop it. */
export interface FakeProvider {
  readonly url: string;
  /** Requests that reached it, in order, with the status it answered. */
  readonly answered: number[];
  close(): Promise<void>;
}

export const UNAUTHORIZED_BODY = JSON.stringify({
  error: { message: 'Incorrect API key provided: sk-te***-llm. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
});

/**
 * A provider that forwards the first `forward` requests to `upstream` (llm-sim's base URL; 0: none)
 * and answers every later one with `status` and `body`: a wrong key (401), a web server's page
 * (200, HTML), or a key revoked in the middle of a run.
 */
export async function fakeProvider(options: { status: number; contentType: string; body: string; upstream?: string; forward?: number }): Promise<FakeProvider> {
  const answered: number[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (options.upstream !== undefined && answered.length < (options.forward ?? 0)) {
        answered.push(0); // its place, before the upstream answers: later requests see it taken
        const index = answered.length - 1;
        const upstream = await fetch(`${options.upstream.replace(/\/v1$/, '')}${req.url ?? ''}`, {
          method: req.method ?? 'POST',
          headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
          ...(body.length > 0 ? { body } : {}),
        });
        answered[index] = upstream.status;
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      answered.push(options.status);
      res.writeHead(options.status, { 'content-type': options.contentType });
      res.end(options.body);
    })();
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { resolve((server.address() as AddressInfo).port); });
  });
  return { url: `http://127.0.0.1:${port}/v1`, answered, close: () => closeServer(server) };
}

/** A base URL on a port nothing listens on (a server bound, then closed). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => { resolve((server.address() as AddressInfo).port); }));
  await closeServer(server);
  return `http://127.0.0.1:${port}/v1`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => { resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => { resolve(); });
  });
}

/**
 * Runs `classify …` to the end with the scenario's data directory as the working directory, so no
 * `.env` of the repository (or of wherever vitest runs) configures an LLM. Never throws on a non-zero exit.
 */
export function classifyIn(scenario: Scenario, args: readonly string[], timeoutMs = 240_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: scenario.dataDir, env: scenario.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const failed = error as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        const code = failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null;
        resolve({ code, signal: failed?.signal ?? null, stdout, stderr });
      },
    );
  });
}

export async function simStats(sim: Sim): Promise<SimStats> {
  const response = await fetch(sim.statsUrl);
  if (!response.ok) throw new Error(`GET ${sim.statsUrl}: ${response.status}`);
  return (await response.json()) as SimStats;
}

/** Every line of the simulator's request log. */
export async function simLog(sim: Sim): Promise<LogEntry[]> {
  let text: string;
  try {
    text = await readFile(sim.log, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogEntry);
}

/** The accepted rows of a catalog file, validated as `classify import` / `run --catalog` does. */
export async function catalogIndicators(file: string): Promise<Indicator[]> {
  const indicators: Indicator[] = [];
  for await (const row of readCatalog(file)) {
    if (row.kind !== 'accepted') throw new Error(`${file} line ${row.line}: rejected: ${JSON.stringify(row.problems)}`);
    indicators.push(row.indicator);
  }
  return indicators;
}

/** One indicator's stage results as the database holds them, shaped like src/domain/results.ts. */
export interface StoredStages {
  readonly normalization: NormalizationResult;
  readonly time: TimeInferenceResult;
  readonly cumulative: CumulativeResult;
  readonly family: FamilyResult;
  readonly type: TypeResult;
  readonly orientation: OrientationResult;
}

type Row = Record<string, unknown>;

/** A copy of `record` without `keys`. */
function omit(record: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/** The columns of a stage row that are the stage's result (not who / which run / when). */
function resultOf(row: Row): Row {
  return omit(row, ['indicator_id', 'run_id', 'created_at', 'updated_at']);
}

/** Every indicator's six stage rows, read back into stage results (parsed: a broken row throws). */
export async function storedStages(url: string): Promise<Map<string, StoredStages>> {
  const tables = await Promise.all(STAGE_TABLES.map((table) => sql<Row>(url, `SELECT * FROM ${table} ORDER BY indicator_id`)));
  const byTable = new Map(STAGE_TABLES.map((table, i) => [table, new Map((tables[i] ?? []).map((row) => [String(row.indicator_id), resultOf(row)]))]));
  const row = (table: (typeof STAGE_TABLES)[number], id: string): Row => {
    const found = byTable.get(table)?.get(id);
    if (found === undefined) throw new Error(`no ${table} row for ${id}`);
    return found;
  };
  const stored = new Map<string, StoredStages>();
  for (const id of byTable.get('normalization_results')?.keys() ?? []) {
    const { points, year_resets, monotone_years, years, ...cumulative } = row('cumulative_detection_results', id);
    stored.set(id, {
      normalization: NormalizationResult.parse(row('normalization_results', id)),
      time: TimeInferenceResult.parse(row('time_inference_results', id)),
      cumulative: CumulativeResult.parse({ ...cumulative, evidence: { points, year_resets, monotone_years, years } }),
      family: FamilyResult.parse(row('family_assignment_results', id)),
      type: TypeResult.parse(row('type_classification_results', id)),
      orientation: OrientationResult.parse(row('orientation_results', id)),
    });
  }
  return stored;
}

export type StageName = keyof StoredStages;

/** One stage of one indicator: what the rules said there, whether the policy asks, what was stored. */
export interface StageDecision {
  readonly indicatorId: string;
  readonly stage: StageName;
  /** The rules' result for this stage given the stored results of the stages before it. */
  readonly rules: Provenance;
  readonly asked: boolean;
  /** `${stage}|${signature hash}` of the question, when asked. */
  readonly question: string | null;
  readonly stored: Provenance;
}

/**
 * The workflow's decisions for one indicator, replayed in-process (src/workflow/classify-workflow.ts):
 * each stage's rules run on the STORED results of the stages before it (an LLM answer upstream
 * changes what the rules see downstream), shouldAsk decides with the run's policy, and the question's
 * signature is built from the same priors the workflow uses (the rules' time for the time stage, the
 * stored family for the type stage). Rule results are parsed by their schema, as the store would keep them.
 */
export function replayDecisions(indicator: Indicator, stored: StoredStages, policy: LlmPolicy): StageDecision[] {
  const decisions: StageDecision[] = [];
  const decide = (stage: StageName, rules: Provenance, prior: SignatureInput | null): void => {
    let question: string | null = null;
    if (stage !== 'normalization' && prior !== null && shouldAsk(policy, stage, rules, indicator)) {
      question = `${stage}|${signature(prior, stage).hash}`;
    }
    decisions.push({ indicatorId: indicator.id, stage, rules, asked: question !== null, question, stored: stored[stage] });
  };
  const normalization = NormalizationResult.parse(normalize(indicator));
  decide('normalization', normalization, null);
  const ruledTime = TimeInferenceResult.parse(inferTime(indicator));
  decide('time', ruledTime, { name: indicator.name, units: indicator.units, normalization, time: ruledTime });
  const time = stored.time;
  const ruledCumulative = CumulativeResult.parse(detectCumulative(indicator, time.reporting_frequency));
  decide('cumulative', ruledCumulative, { name: indicator.name, units: indicator.units, normalization, time });
  const cumulative = stored.cumulative;
  const evidence = gatherEvidence(indicator, { normalization, time, cumulative });
  decide('family', FamilyResult.parse(assignFamily(evidence)), { name: indicator.name, units: indicator.units, normalization, time });
  const family = stored.family.family;
  decide('type', TypeResult.parse(classifyType(evidence, family)), { name: indicator.name, units: indicator.units, normalization, time, family });
  decide('orientation', OrientationResult.parse(assignOrientation(evidence)), { name: indicator.name, units: indicator.units, normalization, time });
  return decisions;
}

/** replayDecisions over a whole catalog; throws when an indicator has no stored stages. */
export function replayCatalog(indicators: readonly Indicator[], stored: ReadonlyMap<string, StoredStages>, policy: LlmPolicy): StageDecision[] {
  return indicators.flatMap((indicator) => {
    const stages = stored.get(indicator.id);
    if (stages === undefined) throw new Error(`indicator ${indicator.id} has no stored stage results`);
    return replayDecisions(indicator, stages, policy);
  });
}

/** A stage result without its provenance: the values only. */
export function valuesOf(result: Provenance): Record<string, unknown> {
  return omit(result, ['confidence', 'source', 'reason']);
}

/** A row without the columns that name the run that wrote it (for comparing two runs' results). */
export function withoutRun(row: Row): Row {
  // `service`: the process that saved it, another one each run; `change_xid`: the transaction that wrote it (src/db/changes.ts).
  return omit(row, ['run_id', 'workflow_key', 'service', 'change_xid', 'created_at', 'updated_at']);
}

/** Every classification and stage row, without run ids and timestamps, in a stable order. */
export async function resultSnapshot(url: string): Promise<Record<string, Row[]>> {
  const snapshot: Record<string, Row[]> = {};
  for (const table of ['classifications', ...STAGE_TABLES]) {
    snapshot[table] = (await sql<Row>(url, `SELECT * FROM ${table} ORDER BY indicator_id`)).map(withoutRun);
  }
  return snapshot;
}

/**
 * Questions (stage + signature, from the rules' results) that two indicators of the catalog would
 * share, as lists of their ids. A shared question is answered once, from the context of whichever
 * indicator asks first; llm-sim answers a type question by its own rules, not within the family the
 * question gives, so with shared questions the validity of a type answer depends on that race.
 */
export function sharedQuestions(indicators: readonly Indicator[]): string[][] {
  const askers = new Map<string, string[]>();
  for (const indicator of indicators) {
    const c = classifyWithRules(indicator);
    const prior = { name: indicator.name, units: indicator.units, normalization: c.normalization, time: c.time };
    for (const stage of ['time', 'cumulative', 'family', 'orientation'] as const) {
      const key = `${stage}|${signature(prior, stage).hash}`;
      askers.set(key, [...(askers.get(key) ?? []), indicator.id]);
    }
    const key = `type|${signature({ ...prior, family: c.family.family }, 'type').hash}`;
    askers.set(key, [...(askers.get(key) ?? []), indicator.id]);
  }
  return [...askers.values()].filter((ids) => ids.length > 1);
}
