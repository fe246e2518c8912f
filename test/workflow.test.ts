/**
 * The classify workflow against a real restate-server (started here from the npm package's binary)
 * with an in-memory store double: keys make resubmission a no-op and --force a re-run, failures end
 * the workflow with their reason stored, and a crashed endpoint resumes from the journal.
 */
import { execFileSync } from 'node:child_process';
import { TerminalError, type LoggerTransport } from '@restatedev/restate-sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Indicator, type IndicatorInput } from '../src/domain/indicator.js';
import { classifyWithRules } from '../src/stages/pipeline.js';
import { registerDeployment } from '../src/engine/admin.js';
import { CLASSIFY_WORKFLOW, type ClassifyWorkflowInput } from '../src/workflow/classify-workflow.js';
import { startServiceEndpoint, type ServiceEndpoint } from '../src/workflow/endpoint.js';
import { workflowKey } from '../src/workflow/keys.js';
import { attach, invocations, submit } from './workflow-ingress.js';
import { startRestateServer, type RestateServer } from './workflow-server.js';
import { RecordingStore } from './workflow-store.js';

/** The journaled steps of a rules-mode workflow: the rule stages are pure (not journaled), the save is the one step. */
const STEPS = ['save'];
/** Short intervals so the retry tests take well under a second. */
const SAVE_RETRY = { maxRetryAttempts: 4, initialRetryInterval: 20, retryIntervalFactor: 2, maxRetryInterval: 100 };

let server: RestateServer | undefined;
let ingress = '';
let admin = '';
let endpoint: ServiceEndpoint | undefined;
let store: RecordingStore;
/** Every step that really ran: `${workflowKey} ${stage}`. */
let ran: string[];

function startEndpoint(port = 0): Promise<ServiceEndpoint> {
  return startServiceEndpoint({
    store,
    port,
    storeRetry: SAVE_RETRY,
    onStage: (stage, key) => ran.push(`${key} ${stage}`),
    logger: quietLogger,
    version: 'workflow-test',
  });
}

/** The SDK warns on every retry the tests provoke on purpose; keep only its errors. */
const quietLogger: LoggerTransport = (params, message: unknown, ...rest: unknown[]) => {
  // RestateLogLevel is a type-only enum in 1.14's exports: compare with its value.
  const level: string = params.level;
  if (level === 'error') console.error(message, ...rest);
};

function stagesRun(key: string): string[] {
  return ran.filter((entry) => entry.startsWith(`${key} `)).map((entry) => entry.slice(key.length + 1));
}

function indicator(id: string, extra: Partial<IndicatorInput> = {}): IndicatorInput {
  return {
    id,
    name: 'GDP Growth Rate',
    units: '%',
    periodicity: 'Quarterly',
    country: 'Albania',
    sample_values: [
      { date: '2024-Q1', value: 1.2 },
      { date: '2024-Q2', value: 0.8 },
      { date: '2024-Q3', value: 1.1 },
    ],
    ...extra,
  };
}

/** What the runner does: validate, key, submit. */
function prepare(row: IndicatorInput, runId = 'run-1', force = false): { key: string; input: ClassifyWorkflowInput } {
  const validated = Indicator.parse(row);
  const { key, contentHash } = workflowKey(validated, force ? { force: { runId } } : {});
  return { key, input: { runId, indicator: row, contentHash } };
}

beforeAll(async () => {
  server = await startRestateServer();
  ({ ingressUrl: ingress, adminUrl: admin } = server);
  store = new RecordingStore();
  ran = [];
  endpoint = await startEndpoint();
  await registerDeployment(admin, endpoint.url);
  // The server's start is a bounded wait of its own (workflow-server.ts); on a loaded machine it outlasts vitest's 10 s default.
}, 90_000);

afterAll(async () => {
  await endpoint?.close();
  await server?.stop();
  expect(restateServersRunning()).toEqual([]);
});

/** Our restate-server processes still alive (pgrep exits 1 when there are none). */
function restateServersRunning(): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'restate-server.*classify-restate-'], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return [];
  }
}

describe('classify workflow on restate-server', () => {
  test('is registered with a bounded invocation retry policy and 24 h retention', async () => {
    const service = (await (await fetch(`${admin}/services/${CLASSIFY_WORKFLOW}`)).json()) as Record<string, unknown>;
    expect(service).toMatchObject({
      ty: 'Workflow',
      journal_retention: '1d',
      workflow_completion_retention: '1d',
      retry_policy: { max_attempts: 60, on_max_attempts: 'Pause' },
    });
  });

  test('a valid indicator runs every stage once and is saved once, as the rule pipeline classifies it', async () => {
    const row = indicator('gdp/alb ~ q'); // a slash, a space and a tilde: the key is URL-encoded on the way in
    const { key, input } = prepare(row);
    const submitted = await submit(ingress, key, input);
    expect(submitted).toMatchObject({ httpStatus: 202, status: 'Accepted' });

    const outcome = await attach(ingress, key);
    const expected = classifyWithRules(Indicator.parse(row));
    expect(outcome).toEqual({
      httpStatus: 200,
      body: {
        indicatorId: 'gdp/alb ~ q',
        family: expected.family.family,
        type: expected.type.type,
        orientation: expected.orientation.orientation,
      },
    });
    expect(stagesRun(key)).toEqual(STEPS);
    const saves = store.savesOf('gdp/alb ~ q');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toEqual({ runId: 'run-1', workflowKey: key, contentHash: input.contentHash, classification: expected, sharedHits: [] });
    expect(await invocations(admin, key)).toEqual([{ status: 'completed', completion_result: 'success' }]);
  });

  test('submitting the same key again starts no new work', async () => {
    const { key, input } = prepare(indicator('resubmit'));
    const first = await submit(ingress, key, input);
    await attach(ingress, key);
    // Another run of the runner, same content: the key is the same, so Restate answers with the old invocation.
    const again = await submit(ingress, key, { ...input, runId: 'run-2' });
    expect(again).toEqual({ httpStatus: 202, status: 'PreviouslyAccepted', invocationId: first.invocationId });
    expect((await attach(ingress, key)).httpStatus).toBe(200);
    expect(store.savesOf('resubmit')).toHaveLength(1);
    expect(stagesRun(key)).toEqual(STEPS);
  });

  test('changed content gets a new key and is classified again', async () => {
    const before = prepare(indicator('changed'));
    const after = prepare(indicator('changed', { units: 'USD Million', name: 'Exports' }));
    expect(after.key).not.toBe(before.key);
    await submit(ingress, before.key, before.input);
    await attach(ingress, before.key);
    expect((await submit(ingress, after.key, after.input)).status).toBe('Accepted');
    expect((await attach(ingress, after.key)).httpStatus).toBe(200);
    expect(store.savesOf('changed').map((save) => save.contentHash)).toEqual([before.input.contentHash, after.input.contentHash]);
  });

  test('--force re-classifies: a new key per forced run', async () => {
    const row = indicator('forced');
    const plain = prepare(row);
    await submit(ingress, plain.key, plain.input);
    await attach(ingress, plain.key);

    const forced = prepare(row, 'run-forced', true);
    expect(forced.key).toBe(`${plain.key}~run-forced`);
    const submitted = await submit(ingress, forced.key, forced.input);
    expect(submitted.status).toBe('Accepted');
    expect((await attach(ingress, forced.key)).httpStatus).toBe(200);
    expect(stagesRun(forced.key)).toEqual(STEPS);
    expect(store.savesOf('forced').map((save) => save.workflowKey)).toEqual([plain.key, forced.key]);
  });

  test('invalid input fails at once with its reason stored, without retrying', async () => {
    const key = `nameless~${'0'.repeat(16)}`;
    const submitted = await submit(ingress, key, {
      runId: 'run-1',
      indicator: { id: 'nameless', units: '%' },
      contentHash: '0'.repeat(64),
    });
    expect(submitted.status).toBe('Accepted');
    const outcome = await attach(ingress, key);
    expect(outcome.httpStatus).toBe(500);
    expect(outcome.body).toMatchObject({ message: 'input: name: missing name' });
    expect(store.failuresOf('nameless')).toEqual([
      { runId: 'run-1', indicatorId: 'nameless', workflowKey: key, stage: 'input', reason: 'name: missing name', attempts: 1 },
    ]);
    expect(stagesRun(key)).toEqual([]);
    expect(store.saveCallsOf('nameless')).toBe(0);
    expect(await invocations(admin, key)).toEqual([{ status: 'completed', completion_result: 'failure' }]);
  });

  test('a body that is not even an object is refused by the input schema before the handler runs, never retried', async () => {
    const key = `garbage~${'1'.repeat(16)}`;
    const response = await fetch(`${ingress}/${CLASSIFY_WORKFLOW}/${encodeURIComponent(key)}/run/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1, 2]',
    });
    expect(response.status).toBe(202);
    const outcome = await attach(ingress, key);
    expect(outcome.httpStatus).toBe(400);
    expect(outcome.body).toMatchObject({ message: 'Failed to deserialize input: (input): Invalid input: expected object, received array' });
    // No handler ran: no stage, no failures row (the runner accounts for it: src/runner/engine-failures.ts).
    expect(stagesRun(key)).toEqual([]);
    expect(store.failuresOf('garbage')).toEqual([]);
    expect(await invocations(admin, key)).toEqual([{ status: 'completed', completion_result: 'failure' }]);
  });

  test('a body with a wrong field (runID for runId) is refused the same way, with the field named', async () => {
    const { key, input } = prepare(indicator('misspelt'));
    const { runId, ...rest } = input;
    const submitted = await submit(ingress, key, { ...rest, runID: runId });
    expect(submitted.status).toBe('Accepted');
    const outcome = await attach(ingress, key);
    expect(outcome.httpStatus).toBe(400);
    expect(outcome.body).toMatchObject({ message: 'Failed to deserialize input: runId: Invalid input: expected string, received undefined' });
    expect(stagesRun(key)).toEqual([]);
    expect(store.failuresOf('misspelt')).toEqual([]);
    expect(await invocations(admin, key)).toEqual([{ status: 'completed', completion_result: 'failure' }]);
  });

  test('a submission whose hash does not match its indicator fails as invalid input', async () => {
    const { key, input } = prepare(indicator('tampered'));
    await submit(ingress, key, { ...input, indicator: indicator('tampered', { units: 'USD' }) });
    expect((await attach(ingress, key)).httpStatus).toBe(500);
    expect(store.failuresOf('tampered')).toMatchObject([{ stage: 'input', attempts: 1 }]);
    expect(store.failuresOf('tampered')[0]?.reason).toMatch(/^content hash mismatch/);
    expect(store.saveCallsOf('tampered')).toBe(0);
  });

  test('a save that fails twice is retried and saved once', async () => {
    store.script('flaky', (call) => {
      if (call <= 2) throw new Error(`connection reset (call ${call})`);
    });
    const { key, input } = prepare(indicator('flaky'));
    await submit(ingress, key, input);
    expect((await attach(ingress, key)).httpStatus).toBe(200);
    expect(store.saveCallsOf('flaky')).toBe(3);
    expect(store.savesOf('flaky')).toHaveLength(1);
    expect(store.failuresOf('flaky')).toEqual([]);
    // The rule stages are pure and not journaled: only the save is a step, run three times.
    expect(stagesRun(key)).toEqual(['save', 'save', 'save']);
  });

  test('a save that always fails ends the workflow as failed after bounded retries, the failure stored once', async () => {
    store.script('down', () => {
      throw new Error('database is down');
    });
    const { key, input } = prepare(indicator('down'));
    await submit(ingress, key, input);
    const outcome = await attach(ingress, key);
    expect(outcome).toMatchObject({ httpStatus: 500, body: { message: 'save: database is down' } });
    expect(store.saveCallsOf('down')).toBe(SAVE_RETRY.maxRetryAttempts);
    expect(store.failuresOf('down')).toEqual([
      { runId: 'run-1', indicatorId: 'down', workflowKey: key, stage: 'save', reason: 'database is down', attempts: 4 },
    ]);
    expect(await invocations(admin, key)).toEqual([{ status: 'completed', completion_result: 'failure' }]);
  });

  test('a store that knows a save can never succeed fails it without retries', async () => {
    store.script('constraint', () => {
      throw new TerminalError('violates a check constraint');
    });
    const { key, input } = prepare(indicator('constraint'));
    await submit(ingress, key, input);
    expect((await attach(ingress, key)).httpStatus).toBe(500);
    expect(store.saveCallsOf('constraint')).toBe(1);
    expect(store.failuresOf('constraint')).toMatchObject([{ stage: 'save', reason: 'violates a check constraint', attempts: 1 }]);
  });

  test('a database error no retry can fix (SQLSTATE class 23) fails the save at first sight, its SQLSTATE in the reason', async () => {
    store.script('check', () => {
      throw Object.assign(new Error('new row for relation "classifications" violates check constraint "x"'), { code: '23514' });
    });
    const { key, input } = prepare(indicator('check'));
    await submit(ingress, key, input);
    expect((await attach(ingress, key)).httpStatus).toBe(500);
    expect(store.saveCallsOf('check')).toBe(1);
    expect(stagesRun(key)).toEqual(['save']);
    expect(store.failuresOf('check')).toEqual([
      {
        runId: 'run-1',
        indicatorId: 'check',
        workflowKey: key,
        stage: 'save',
        reason: 'new row for relation "classifications" violates check constraint "x" (SQLSTATE 23514)',
        attempts: 1,
      },
    ]);
  });

  test('a transient database error (40001, a serialization failure) is retried, then saved', async () => {
    store.script('serial', (call) => {
      if (call === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    const { key, input } = prepare(indicator('serial'));
    await submit(ingress, key, input);
    expect((await attach(ingress, key)).httpStatus).toBe(200);
    expect(store.saveCallsOf('serial')).toBe(2);
    expect(store.savesOf('serial')).toHaveLength(1);
    expect(store.failuresOf('serial')).toEqual([]);
  });

  test('a transient database error that never passes is retried to the bound, its SQLSTATE in the reason', async () => {
    store.script('reset', () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    });
    const { key, input } = prepare(indicator('reset'));
    await submit(ingress, key, input);
    expect((await attach(ingress, key)).httpStatus).toBe(500);
    expect(store.saveCallsOf('reset')).toBe(SAVE_RETRY.maxRetryAttempts);
    expect(store.failuresOf('reset')).toMatchObject([
      { stage: 'save', reason: 'terminating connection due to administrator command (SQLSTATE 57P01)', attempts: SAVE_RETRY.maxRetryAttempts },
    ]);
  });

  test('if even the failure cannot be stored, the workflow still ends failed, with both reasons', async () => {
    store.script('no-db', () => {
      throw new Error('database is down');
    });
    store.failRecords('no-db', 'still down');
    const { key, input } = prepare(indicator('no-db'));
    await submit(ingress, key, input);
    const outcome = await attach(ingress, key);
    expect(outcome).toMatchObject({
      httpStatus: 500,
      body: { message: 'save: database is down (storing this failure failed too: still down)' },
    });
    expect(store.recordCallsOf('no-db')).toBe(SAVE_RETRY.maxRetryAttempts);
  });

  // Last: it replaces the endpoint (and the store) the other tests use.
  test('an endpoint killed mid-save: the workflow completes once afterwards, saved once', async () => {
    let entered!: () => void;
    const saving = new Promise<void>((resolve) => (entered = resolve));
    store.script('crash', async () => {
      entered();
      await new Promise<never>(() => undefined); // the save hangs until the process "dies"
    });
    const { key, input } = prepare(indicator('crash'));
    await submit(ingress, key, input);
    await saving;
    const firstStore = store;

    const crashed = endpoint;
    if (crashed === undefined) throw new Error('no endpoint');
    const started = Date.now();
    await crashed.close(); // drops Restate's HTTP/2 session mid-invocation
    expect(Date.now() - started).toBeLessThan(2_000);
    store = new RecordingStore();
    ran = [];
    endpoint = await startEndpoint(crashed.port); // same URL: the registered deployment still points here

    const outcome = await attach(ingress, key);
    expect(outcome.httpStatus).toBe(200);
    expect(firstStore.savesOf('crash')).toEqual([]);
    expect(store.savesOf('crash')).toHaveLength(1);
    expect(stagesRun(key)).toEqual(['save']);
    expect(await invocations(admin, key)).toEqual([{ status: 'completed', completion_result: 'success' }]);
  });
});
