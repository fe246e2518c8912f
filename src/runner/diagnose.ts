/**
 * When a run stops moving, which part stopped answering: the engine (each ingress and the admin
 * API), the service endpoint, or the database. Each is probed on its own with a short timeout, so
 * a message names the part, not a symptom.
 */
import { connect } from 'node:net';
import type pg from 'pg';
import { engineHealth } from '../engine/index.js';

export interface RunParts {
  readonly ingressUrls: readonly string[];
  readonly adminUrl: string;
  readonly endpointUrl: string;
  readonly pool: pg.Pool;
}

const PROBE_TIMEOUT_MS = 3_000;

/** What is down, one phrase per part ("the engine's ingress http://… does not answer"); empty when all answer. */
export async function findDownParts(parts: RunParts): Promise<string[]> {
  const [engine, endpoint, database] = await Promise.all([engineDown(parts), endpointDown(parts.endpointUrl), databaseDown(parts.pool)]);
  return [...engine, ...endpoint, ...database];
}

async function engineDown(parts: RunParts): Promise<string[]> {
  const health = await engineHealth({ ingressUrl: parts.ingressUrls.join(','), adminUrl: parts.adminUrl });
  return [
    ...health.ingressDown.map((url) => `the engine's ingress ${url} does not answer`),
    ...(health.admin ? [] : [`the engine's admin API ${parts.adminUrl} does not answer`]),
  ];
}

/** The endpoint speaks HTTP/2 only: a TCP connection is the honest, cheap probe. */
async function endpointDown(endpointUrl: string): Promise<string[]> {
  const url = new URL(endpointUrl);
  const port = Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port);
  const error = await new Promise<string | null>((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port, timeout: PROBE_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code ?? e.message);
    });
  });
  return error === null ? [] : [`the service endpoint ${endpointUrl} does not accept connections (${error})`];
}

async function databaseDown(pool: pg.Pool): Promise<string[]> {
  try {
    await withTimeout(pool.query('SELECT 1'), PROBE_TIMEOUT_MS);
    return [];
  } catch (error) {
    return [`the database does not answer (${error instanceof Error ? error.message : String(error)})`];
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer in ${ms / 1000} s`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
