/**
 * A Postgres server of a test's own: Debian's server binaries, a temporary data directory, a free
 * port on 127.0.0.1, trust auth, no Unix socket. Never the machine's shared server: a test that
 * stops and restarts it must not touch anyone else's database. As root (initdb refuses root) the
 * server runs as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../src/engine/ports.js';

/** The newest installed server's bin directory (initdb, pg_ctl), or null when none is installed. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(base, name, 'bin', 'pg_ctl')) && existsSync(join(base, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(base, versions[0], 'bin');
}

/** Who the server runs as: ourselves, or `postgres` when we are root; null when root and no such user. */
function serverUser(): { uid: number; gid: number } | null {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? uid };
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  const fields = passwd.split('\n').find((entry) => entry.startsWith('postgres:'))?.split(':') ?? [];
  const [id, group] = [Number(fields[2]), Number(fields[3])];
  return fields.length > 3 && Number.isInteger(id) && Number.isInteger(group) ? { uid: id, gid: group } : null;
}

/** Whether this machine can run a private server (binaries present, a user to run them as). */
export function canRunPrivatePostgres(): boolean {
  return postgresBinDir() !== null && serverUser() !== null;
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Stops the server: `immediate` is a crash (no checkpoint; recovery runs on the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its files; safe to call twice. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  if (bin === null || user === null) throw new Error('no PostgreSQL server binaries (or no postgres user to run them as root)');
  const root = await mkdtemp(join(tmpdir(), 'classify-private-pg-'));
  // The server's user must reach its data directory inside our temp directory.
  await chmod(root, 0o755);
  const data = join(root, 'data');
  await mkdir(data, { mode: 0o700 });
  await chown(data, user.uid, user.gid);
  await chown(root, user.uid, user.gid);
  const log = join(root, 'server.log');
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port');
  const run = (tool: string, args: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      execFile(join(bin, tool), args, { uid: user.uid, gid: user.gid, cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error === null) resolve();
        else reject(new Error(`${tool} ${args.join(' ')}: ${error.message}\n${stdout}\n${stderr}`));
      });
    });
  let running = false;
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop(mode = 'fast') {
      await run('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30']);
      running = false;
    },
    async start() {
      // No Unix socket: only the TCP port this test chose, so it cannot collide with another server.
      const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=100`;
      await run('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options]);
      running = true;
    },
    async destroy() {
      // Also after a start that timed out: a postmaster.pid means a server may be up.
      if (running || existsSync(join(data, 'postmaster.pid'))) await server.stop('immediate').catch(() => undefined);
      running = false;
      await rm(root, { recursive: true, force: true });
    },
  };
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await server.start();
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}
