// The runner's ingress client against a cluster: a node that has just restarted answers 404 "service
// not found" for a moment (seen in the chaos test); the submission goes to another node instead of
// failing the indicator. With a single node, a 404 is still the engine's answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngress } from '../src/runner/ingress.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function fakeNode(status: number, body: string): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const NOT_FOUND = JSON.stringify({ code: 404, message: "service 'classifyIndicator' not found, make sure to register the service before calling it.", source: 'ingress' });

describe('ingress on a cluster', () => {
  it('a node that does not know the service yet: the submission goes to the next node', async () => {
    const rejoining = await fakeNode(404, NOT_FOUND);
    const healthy = await fakeNode(200, JSON.stringify({ invocationId: 'inv_1', status: 'Accepted' }));
    const ingress = createIngress([rejoining, healthy], 'classifyIndicator', { retryWindowMs: 5_000 });
    expect(await ingress.submit({ key: 'a', body: {} })).toEqual({ kind: 'accepted', node: healthy });
  });

  it('one node answering 404: rejected at once, as before', async () => {
    const only = await fakeNode(404, NOT_FOUND);
    const outcome = await createIngress([only], 'classifyIndicator', { retryWindowMs: 5_000 }).submit({ key: 'a', body: {} });
    expect(outcome.kind).toBe('rejected');
  });
});
