/**
 * What `classify run` and `classify status` take from the cluster file: the nodes' ingress list (round-
 * robin), an admin API, and the load balancer as the endpoint. RESTATE_INGRESS_URL / RESTATE_ADMIN_URL
 * set explicitly still win; the cluster is read once, here, at the edge.
 */
import { maskUrl } from '../db/connect.js';
import { adminHealthUrl, probe } from '../engine/health.js';
import { readClusterFile } from './cluster-file.js';
import { clusterPaths } from './paths.js';

export interface ClusterClient {
  /** The environment with RESTATE_INGRESS_URL (every node) and RESTATE_ADMIN_URL set. */
  readonly env: NodeJS.ProcessEnv;
  /** The load balancer: the deployment's address, so a run registers it rather than hosting its own endpoint. */
  readonly endpointUrl: string;
  readonly described: string;
}

/** The cluster of `dataDir` as a client sees it, or null when there is none or the environment names an engine. */
export async function clusterClient(dataDir: string, env: NodeJS.ProcessEnv): Promise<ClusterClient | null> {
  if ((env.RESTATE_INGRESS_URL ?? '').trim() !== '' || (env.RESTATE_ADMIN_URL ?? '').trim() !== '') return null;
  const file = await readClusterFile(clusterPaths(dataDir).file);
  if (file === null) return null;
  const external = (env.DATABASE_URL ?? '').trim();
  if (file.database.kind === 'url' && external === '') {
    throw new Error(`the cluster in ${file.data_dir} saves to DATABASE_URL (${file.database.url}), which is not set here: set it as for \`classify cluster up\``);
  }
  if (file.database.kind === 'embedded' && external !== '') {
    throw new Error(`the cluster in ${file.data_dir} saves to its embedded database, but DATABASE_URL (${maskUrl(external)}) is set here: unset it, or bring the cluster up with it (\`classify cluster down\`, then \`up\` with DATABASE_URL)`);
  }
  // Any node's admin API will do (they share the metadata); the first that answers, so a dead node 1 is no obstacle.
  let admin = file.nodes[0]?.admin_url ?? '';
  for (const node of file.nodes) {
    if (await probe(adminHealthUrl(node.admin_url), 1_000)) {
      admin = node.admin_url;
      break;
    }
  }
  const ingress = file.nodes.map((node) => node.ingress_url).join(',');
  return {
    env: { ...env, RESTATE_INGRESS_URL: ingress, RESTATE_ADMIN_URL: admin },
    // The registered URL carries the services' build version (…/v/<version>); before registration, the balancer's address.
    endpointUrl: file.deployment?.url ?? file.load_balancer.url,
    described: `cluster ${file.topology.clusterName} (${file.nodes.length} nodes, ${file.services.length} services) from ${clusterPaths(dataDir).file}`,
  };
}
