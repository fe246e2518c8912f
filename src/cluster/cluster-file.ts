/**
 * The cluster file (`<data dir>/cluster/cluster.json`): the topology a native cluster was planned
 * with and the processes that run it. `cluster up` writes it after every change, so a crash leaves a
 * record other commands can act on; `classify run` and `status` read their node list from it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Topology, topologyErrors } from './topology.js';

/** A process the cluster started; pid null while it is down. */
const Pid = z.number().int().positive().nullable();
const Url = z.url();

export const ClusterNodeRecord = z.object({
  index: z.number().int().min(1),
  pid: Pid,
  ingress_url: Url,
  admin_url: Url,
  node_port: z.number().int(),
  log: z.string(),
  started_at: z.string().nullable(),
});
export type ClusterNodeRecord = z.infer<typeof ClusterNodeRecord>;

export const ClusterServiceRecord = z.object({
  index: z.number().int().min(1),
  pid: Pid,
  url: Url,
  log: z.string(),
  started_at: z.string().nullable(),
});
export type ClusterServiceRecord = z.infer<typeof ClusterServiceRecord>;

export const ClusterDatabaseRecord = z.discriminatedUnion('kind', [
  /** The embedded PGlite served by the `classify db` daemon of the data dir. */
  z.object({ kind: z.literal('embedded'), pid: Pid, url: z.string().nullable() }),
  /** A real Postgres from $DATABASE_URL; the URL is recorded masked (it may carry a password). */
  z.object({ kind: z.literal('url'), url: z.string() }),
]);
export type ClusterDatabaseRecord = z.infer<typeof ClusterDatabaseRecord>;

export const ClusterFile = z.object({
  version: z.literal(1),
  data_dir: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  port_base: z.number().int(),
  port_stride: z.number().int().min(1),
  topology: Topology,
  nodes: z.array(ClusterNodeRecord).min(1),
  services: z.array(ClusterServiceRecord).min(1),
  load_balancer: z.object({ pid: Pid, url: Url, config: z.string(), log: z.string() }),
  object_store: z.object({ pid: Pid, url: Url, dir: z.string(), log: z.string() }),
  database: ClusterDatabaseRecord,
  /** The deployment registered at the load balancer's address. */
  deployment: z.object({ id: z.string(), url: Url, registered_at: z.string() }).nullable(),
});
export type ClusterFile = z.infer<typeof ClusterFile>;

/** The cluster file at `path`, or null when there is none; a file that does not parse is an error, not "no cluster". */
export async function readClusterFile(path: string): Promise<ClusterFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${error instanceof Error ? error.message : String(error)}); \`classify cluster clean\` removes it`);
  }
  const parsed = ClusterFile.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: not a cluster file: ${topologyErrors(parsed.error)}`);
  return parsed.data;
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
export async function writeClusterFile(path: string, file: ClusterFile): Promise<void> {
  const checked = ClusterFile.parse({ ...file, updated_at: new Date().toISOString() });
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checked, null, 2)}\n`);
  await rename(temporary, path);
}
