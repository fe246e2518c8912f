/** Choosing the engine's ports: explicit ones, or free ones the OS hands out on 127.0.0.1. */
import { createServer, type Server } from 'node:net';
import { ENGINE_HOST, type EnginePorts } from './config.js';

function listen(port: number): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, ENGINE_HOST, () => {
      resolvePromise(server);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise) => server.close(() => {
    resolvePromise();
  }));
}

/** Free ports, all distinct: the probe servers stay open until every port is known. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('could not read a free port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Fills in the ports not given with free ones; the three ports must differ. */
export async function choosePorts(given: Partial<EnginePorts> = {}): Promise<EnginePorts> {
  const explicit = [given.ingress, given.admin, given.node].filter((port) => port !== undefined);
  if (new Set(explicit).size !== explicit.length) throw new Error(`engine ports must differ: ${explicit.join(', ')}`);
  // Ask for spares so that a free port the OS hands out may equal an explicit one and still leave enough.
  const spare = (await freePorts(6)).filter((port) => !explicit.includes(port));
  const next = (): number => {
    const port = spare.shift();
    if (port === undefined) throw new Error('could not find free ports for the engine');
    return port;
  };
  return { ingress: given.ingress ?? next(), admin: given.admin ?? next(), node: given.node ?? next() };
}

export function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}: not a TCP port (1-65535): ${JSON.stringify(value)}`);
  }
  return port;
}

/** Explicit ports from CLASSIFY_ENGINE_INGRESS_PORT, CLASSIFY_ENGINE_ADMIN_PORT, CLASSIFY_ENGINE_NODE_PORT. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<EnginePorts> {
  const ports: Partial<EnginePorts> = {};
  const read = (name: string): number | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : parsePort(value, name);
  };
  const ingress = read('CLASSIFY_ENGINE_INGRESS_PORT');
  const admin = read('CLASSIFY_ENGINE_ADMIN_PORT');
  const node = read('CLASSIFY_ENGINE_NODE_PORT');
  if (ingress !== undefined) ports.ingress = ingress;
  if (admin !== undefined) ports.admin = admin;
  if (node !== undefined) ports.node = node;
  return ports;
}
