/** `classify serve`: starts the endpoint, registers it at a real restate-server, shuts down cleanly. */
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerServe, serve, type OpenStore } from '../src/cli/serve.js';
import { Indicator } from '../src/domain/indicator.js';
import { workflowKey } from '../src/workflow/keys.js';
import { attach, submit } from './workflow-ingress.js';
import { freePort, startRestateServer, type RestateServer } from './workflow-server.js';
import { RecordingStore } from './workflow-store.js';

let server: RestateServer | undefined;

beforeAll(async () => {
  server = await startRestateServer();
});

afterAll(async () => {
  await server?.stop();
});

function fakeDatabase(): { open: OpenStore; store: RecordingStore; closed: () => boolean } {
  const store = new RecordingStore();
  let closed = false;
  return {
    store,
    closed: () => closed,
    open: () =>
      Promise.resolve({
        store,
        close: () => {
          closed = true;
          return Promise.resolve();
        },
      }),
  };
}

/** Resolves when `print` has printed a line matching `pattern`. */
function printer(): { print: (line: string) => void; lines: string[]; waitFor: (pattern: RegExp) => Promise<string> } {
  const lines: string[] = [];
  return {
    lines,
    print: (line) => lines.push(line),
    waitFor: async (pattern) => {
      for (let i = 0; i < 200; i++) {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`never printed ${String(pattern)}; printed: ${lines.join(' | ')}`);
    },
  };
}

describe('classify serve', () => {
  test('serves, registers itself, runs workflows into the opened store, and closes everything on stop', async () => {
    if (server === undefined) throw new Error('no server');
    const db = fakeDatabase();
    const out = printer();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const port = await freePort();
    const serving = serve({ port, host: '127.0.0.1', registerAt: server.adminUrl, version: 'serve-test' }, db.open, () => stopped, out.print);

    expect(await out.waitFor(/listening on/)).toBe(`classify service endpoint listening on http://127.0.0.1:${port}/v/serve-test (build serve-test)`);
    const registered = await out.waitFor(/^registered at/);
    const services = /as deployment dp_\w+ \(([^)]*)\)$/.exec(registered)?.[1]?.split(', ').sort();
    expect(services).toEqual(['classifyIndicator', 'llmAsker', 'llmBatcher', 'llmBudget']);
    const deployments = (await (await fetch(`${server.adminUrl}/deployments`)).json()) as { deployments: { uri?: string }[] };
    expect(deployments.deployments.map((d) => d.uri)).toContain(`http://127.0.0.1:${port}/v/serve-test`);

    const row = { id: 'served', name: 'Unemployment Rate', units: '%' };
    const { key, contentHash } = workflowKey(Indicator.parse(row));
    await submit(server.ingressUrl, key, { runId: 'run-1', indicator: row, contentHash });
    expect((await attach(server.ingressUrl, key)).httpStatus).toBe(200);
    expect(db.store.savesOf('served')).toHaveLength(1);

    // The shared budget's messages are parsed at the boundary: a malformed one is refused (400,
    // never retried) before the state is touched; a well-formed one is granted.
    const budget = (handler: string, body: unknown) =>
      fetch(`${server?.ingressUrl ?? ''}/llmBudget/${encodeURIComponent('sim/model-x')}/${handler}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const refused = await budget('report', { outcome: 'maybe', grantedAt: 'yesterday' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/outcome/);
    expect(await (await budget('state', null)).json()).toBeNull();
    const granted = await budget('acquire', { caps: { rpm: 60, tpm: null }, tokens: 500 });
    expect(granted.status).toBe(200);
    expect(await granted.json()).toMatchObject({ granted: true, waitMs: expect.any(Number) as unknown });
    expect((await budget('acquire', { caps: { rpm: -1, tpm: null }, tokens: 500 })).status).toBe(400);

    stop();
    await serving;
    expect(out.lines.at(-1)).toBe('shutting down');
    expect(db.closed()).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  test('a failed registration closes the endpoint and the store, and says why', async () => {
    const db = fakeDatabase();
    const out = printer();
    const deadAdmin = `http://127.0.0.1:${await freePort()}`;
    await expect(serve({ port: 0, host: '127.0.0.1', registerAt: deadAdmin }, db.open, () => new Promise(() => undefined), out.print)).rejects.toThrow(
      `cannot reach the Restate admin API at ${deadAdmin}: connect ECONNREFUSED`,
    );
    expect(db.closed()).toBe(true);
  });

  test('registers a `serve` command with --port, --host, --register-at, --rpm, --tpm and --log-level', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerServe(program, fakeDatabase().open);
    const command = program.commands.find((c) => c.name() === 'serve');
    expect(command?.options.map((o) => o.long)).toEqual(['--port', '--host', '--register-at', '--rpm', '--tpm', '--log-level']);
    expect(command?.opts()).toEqual({ port: 9080, host: '127.0.0.1', logLevel: 'warn' });
    await expect(program.parseAsync(['node', 'classify', 'serve', '--port', '70000'])).rejects.toBeInstanceOf(CommanderError);
  });
});
