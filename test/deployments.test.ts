// Versioned deployments (issue 11, item 2) against a real restate-server: an endpoint serves only under
// its build's path; registering the same build again is a no-op; a new build takes new invocations
// while the old one finishes its own and is removed once drained (not before); a run's orphans of
// another build at its own address are killed and their deployment removed.
import * as restate from '@restatedev/restate-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, listDeployments, query, registerDeployment } from '../src/engine/admin.js';
import { deploymentLoads, registerVersioned, retireDrained } from '../src/runner/deployments.js';
import { endOrphans } from '../src/runner/orphans.js';
import { BUILD_VERSION_VARIABLE, buildVersion, versionOfUrl, versionPath } from '../src/workflow/build-version.js';
import { listenHttp2, servedUrl, type Http2Endpoint } from '../src/workflow/http2-endpoint.js';
import { startRestateServer, type RestateServer } from './workflow-server.js';

const TIMEOUT = 120_000;
const SERVICE = 'deployHolder';

let server: RestateServer | undefined;
const endpoints: Http2Endpoint[] = [];

beforeAll(async () => {
  server = await startRestateServer();
}, TIMEOUT);

afterAll(async () => {
  for (const endpoint of endpoints) await endpoint.close();
  await server?.stop();
}, TIMEOUT);

/** The same service under the path of `version`: holds each invocation for `ms` (a durable sleep), then answers the version. */
async function serveVersion(version: string, port = 0): Promise<Http2Endpoint> {
  const service = restate.service({
    name: SERVICE,
    handlers: {
      hold: async (ctx: restate.Context, ms: number) => {
        await ctx.sleep(ms);
        return version;
      },
    },
  });
  const handler = restate.createEndpointHandler({ services: [service], logger: () => undefined });
  const endpoint = await listenHttp2(handler, port, '127.0.0.1', versionPath(version));
  endpoints.push(endpoint);
  return endpoint;
}

function admin(): string {
  if (server === undefined) throw new Error('no server');
  return server.adminUrl;
}

async function send(ms: number): Promise<string> {
  const response = await fetch(`${server?.ingressUrl ?? ''}/${SERVICE}/hold/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ms) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { invocationId: string }).invocationId;
}

async function invocation(id: string): Promise<{ status: string; deployment: string | null; result: string | null }> {
  const [row] = await query(admin(), `select status, pinned_deployment_id as deployment, completion_result as result from sys_invocation where id = '${id}'`);
  return { status: String(row?.status), deployment: typeof row?.deployment === 'string' ? row.deployment : null, result: typeof row?.result === 'string' ? row.result : null };
}

describe('build version', () => {
  it('is a 12-hex hash of the code, the same on every call, unless overridden (validated)', async () => {
    const computed = await buildVersion({});
    expect(computed).toMatch(/^[0-9a-f]{12}$/);
    expect(await buildVersion({})).toBe(computed);
    expect(await buildVersion({ [BUILD_VERSION_VARIABLE]: 'release-2.1' })).toBe('release-2.1');
    await expect(buildVersion({ [BUILD_VERSION_VARIABLE]: 'a/b' })).rejects.toThrow(/CLASSIFY_BUILD_VERSION must be/);
    expect(versionOfUrl('http://127.0.0.1:9080/v/3f2a9c01b7de')).toBe('3f2a9c01b7de');
    expect(versionOfUrl('http://127.0.0.1:9080/')).toBeNull();
  });
});

describe('versioned deployments on a real restate-server', () => {
  it('serves only under its path: another version\'s URL is refused, the address alone resolves to its URL', async () => {
    const endpoint = await serveVersion('path-only');
    const origin = new URL(endpoint.url).origin;
    expect(endpoint.url).toBe(`${origin}/v/path-only`);
    expect(await servedUrl(origin)).toBe(endpoint.url);
    expect(await servedUrl(`${endpoint.url}/`)).toBe(endpoint.url);
    const refused = registerDeployment(admin(), `${origin}/v/other`);
    await expect(refused).rejects.toBeInstanceOf(AdminError);
    await expect(refused).rejects.toThrow(/this endpoint serves \/v\/path-only/);
  }, TIMEOUT);

  it('a new build takes new invocations, the old finishes its own and is removed only once drained; the same build again is a no-op', async () => {
    const one = await serveVersion('one');
    const first = await registerVersioned(admin(), one.url);
    expect(first.deployment.created).toBe(true);
    const again = await registerVersioned(admin(), one.url);
    expect(again.deployment).toMatchObject({ id: first.deployment.id, created: false });

    const old = await send(4_000);
    await expect.poll(async () => (await invocation(old)).deployment, { timeout: 30_000 }).toBe(first.deployment.id);

    const two = await serveVersion('two');
    const second = await registerVersioned(admin(), two.url);
    expect(second.retired.removed).toEqual([]);
    expect(second.retired.draining.map((d) => ({ id: d.id, version: d.version, unfinished: d.unfinished }))).toEqual([{ id: first.deployment.id, version: 'one', unfinished: 1 }]);
    const loads = await deploymentLoads(admin());
    expect(loads.map((d) => d.version)).toEqual(['one', 'two']);

    const fresh = await send(0);
    await expect.poll(async () => (await invocation(fresh)).result, { timeout: 30_000 }).toBe('success');
    expect((await invocation(fresh)).deployment).toBe(second.deployment.id);
    // Still draining: not removed.
    expect((await retireDrained(admin(), second.deployment)).removed).toEqual([]);
    expect((await listDeployments(admin())).map((d) => d.id)).toContain(first.deployment.id);

    await expect.poll(async () => (await invocation(old)).result, { timeout: 60_000 }).toBe('success');
    expect((await invocation(old)).deployment).toBe(first.deployment.id);
    const retired = await retireDrained(admin(), second.deployment);
    expect(retired.removed.map((d) => d.id)).toEqual([first.deployment.id]);
    expect((await listDeployments(admin())).map((d) => d.id)).not.toContain(first.deployment.id);
  }, TIMEOUT);

  it('a run of another build at the same address kills what the earlier build left and removes its deployment', async () => {
    const three = await serveVersion('three');
    const registered = await registerVersioned(admin(), three.url);
    const left = await send(120_000);
    await expect.poll(async () => (await invocation(left)).deployment, { timeout: 30_000 }).toBe(registered.deployment.id);
    await three.close();

    const four = await serveVersion('four', three.port);
    const { retired } = await registerVersioned(admin(), four.url);
    const orphaned = retired.draining.filter((d) => d.id === registered.deployment.id);
    expect(orphaned).toHaveLength(1);
    const ended = await endOrphans(admin(), four.url, retired.draining, { workflow: 'classifyIndicator', asker: 'llmAsker', pollMs: 200, timeoutMs: 30_000 });
    expect(ended.killed).toBe(1);
    expect(ended.removed.map((d) => d.id)).toContain(registered.deployment.id);
    expect(await invocation(left)).toMatchObject({ status: 'completed', result: 'failure' });
    expect((await listDeployments(admin())).map((d) => d.id)).not.toContain(registered.deployment.id);
  }, TIMEOUT);
});
