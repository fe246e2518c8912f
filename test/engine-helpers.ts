/** Shared by the engine tests: temp data dirs, a tiny Restate service, and checks on processes and sockets. */
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as restate from '@restatedev/restate-sdk';

/** One root per test file; every data dir lives under it, so leftovers are easy to find. */
export async function tempRoot(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `classify-${name}-`));
}

export async function freshDataDir(root: string): Promise<string> {
  return mkdtemp(join(root, 'data-'));
}

export async function removeRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** Pids of live restate-server processes whose command line mentions `text` (Linux: /proc). */
export async function restateServersMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const zombie = stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
      if (!zombie && cmdline[0]?.endsWith('restate-server') === true && cmdline.some((arg) => arg.includes(text))) pids.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}

export interface ListeningSocket {
  address: string;
  port: number;
}

function hexToIpv4(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  return bytes.reverse().map((byte) => parseInt(byte, 16)).join('.');
}

/** The TCP sockets `pid` listens on, from /proc/net/tcp{,6} and the process's socket inodes. */
export async function listeningSockets(pid: number): Promise<ListeningSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8')).trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (local === undefined || inode === undefined || state !== '0A' || !inodes.has(inode)) continue;
      const [hexAddress = '', hexPort = '0'] = local.split(':');
      sockets.push({ address: hexAddress.length === 8 ? hexToIpv4(hexAddress) : `ipv6:${hexAddress}`, port: parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

export interface TestService {
  url: string;
  port: number;
  close(): Promise<void>;
}

const greet = async (_ctx: restate.Context, who: string) => Promise.resolve(`hello ${who}`);
const fail = async (): Promise<string> => Promise.reject(new restate.TerminalError('failed on purpose'));
const wait = async (ctx: restate.Context) => {
  await ctx.sleep(120_000);
  return 'late';
};
const added = async () => Promise.resolve('new');

/** A minimal Restate service over HTTP/2 cleartext on 127.0.0.1; `extra` adds a handler (a "code change"). */
export async function startTestService(name: string, options: { port?: number; extra?: boolean } = {}): Promise<TestService> {
  const service = options.extra === true ? restate.service({ name, handlers: { greet, fail, wait, added } }) : restate.service({ name, handlers: { greet, fail, wait } });
  // Quiet: the SDK otherwise logs every invocation and the failures we cause on purpose.
  const handler = restate.createEndpointHandler({ services: [service], logger: () => undefined });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolvePromise) => server.listen(options.port ?? 0, '127.0.0.1', resolvePromise));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => {
          resolvePromise();
        });
        // Open HTTP/2 sessions from the engine would keep close() waiting.
        for (const session of sessions) session.destroy();
      }),
  };
}
