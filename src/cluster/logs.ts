/** `classify cluster logs`: the log files of the cluster's processes, printed or followed. */
import { open, stat } from 'node:fs/promises';
import type { ClusterFile } from './cluster-file.js';

export interface LogSource {
  readonly name: string;
  readonly path: string;
}

export function logSources(file: ClusterFile, pick: { node?: number | undefined; service?: number | undefined }): LogSource[] {
  if (pick.node !== undefined) {
    const node = file.nodes[pick.node - 1];
    if (node === undefined) throw new Error(`no node ${pick.node}: the cluster has nodes 1..${file.nodes.length}`);
    return [{ name: `node-${node.index}`, path: node.log }];
  }
  if (pick.service !== undefined) {
    const service = file.services[pick.service - 1];
    if (service === undefined) throw new Error(`no service ${pick.service}: the cluster has services 1..${file.services.length}`);
    return [{ name: `service-${service.index}`, path: service.log }];
  }
  return [
    ...file.nodes.map((node) => ({ name: `node-${node.index}`, path: node.log })),
    ...file.services.map((service) => ({ name: `service-${service.index}`, path: service.log })),
    { name: 'haproxy', path: file.load_balancer.log },
    { name: 's3', path: file.object_store.log },
  ];
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readRange(path: string, from: number, to: number): Promise<string> {
  if (to <= from) return '';
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    await file.read(buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    await file.close();
  }
}

/** With several sources each line is prefixed with its source's name, as `docker-compose logs` does. */
function prefixed(text: string, name: string, many: boolean): string {
  if (!many || text === '') return text;
  return text.replace(/^(?=.)/gm, `${name} | `);
}

/** The last `lines` lines of each source (at most its last 64 KiB). */
export async function printLogs(sources: readonly LogSource[], lines: number, write: (text: string) => void): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  for (const source of sources) {
    const size = await sizeOf(source.path);
    offsets.set(source.path, size);
    const text = await readRange(source.path, Math.max(0, size - 65_536), size);
    const tail = text.split('\n').slice(-lines - 1).join('\n');
    write(prefixed(tail, source.name, sources.length > 1));
  }
  return offsets;
}

/** Prints what is appended to the sources until `signal` aborts (polling: works for files that do not exist yet and for rotated ones). */
export async function followLogs(sources: readonly LogSource[], offsets: Map<string, number>, write: (text: string) => void, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    for (const source of sources) {
      const from = offsets.get(source.path) ?? 0;
      const size = await sizeOf(source.path);
      // A file that shrank was replaced: start it from the beginning.
      const start = size < from ? 0 : from;
      if (size > start) write(prefixed(await readRange(source.path, start, size), source.name, sources.length > 1));
      offsets.set(source.path, size);
    }
    await new Promise((done) => setTimeout(done, 500));
  }
}
