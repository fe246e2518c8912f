/**
 * `classify run` hosts its own endpoint at a port kept per data directory. A run that died left its
 * unfinished invocations pinned to the deployment of its build; when this run's build is another,
 * no process will ever serve that code again (this run holds the port and serves only its own
 * version), so they would wait for ever. They belong to a previous run: this run kills them, removes
 * that deployment, and classifies their indicators again from the start under a key of its own
 * (a killed workflow's key is spent). Deployments at other addresses (a `classify serve`) are left
 * to drain on the process that serves them. Each kill is recorded as a failure at stage `orphaned`
 * (src/db/indicators.ts): the indicator did not fail, its key did, so every later run that reaches
 * it (this one or, if this one stops first, the next plain run) submits it under a key of its own.
 */
import { deleteDeployment, endInvocation, query, sqlString } from '../engine/index.js';
import { parseWorkflowKey } from '../workflow/keys.js';
import type { DeploymentLoad } from './deployments.js';
import { sleep } from './sleep.js';

export interface Orphans {
  /** Deployments of this address but another build, removed. */
  readonly removed: readonly DeploymentLoad[];
  /** Their unfinished invocations, killed. */
  readonly killed: number;
  /** The classify workflows among them: indicator id → the workflow key the kill spent. */
  readonly workflows: ReadonlyMap<string, string>;
  /** Askers among them (LLM requests of the dead build). */
  readonly askers: number;
}

export async function endOrphans(
  adminUrl: string,
  endpointUrl: string,
  draining: readonly DeploymentLoad[],
  options: { workflow: string; asker: string; pollMs: number; timeoutMs: number },
): Promise<Orphans> {
  const origin = new URL(endpointUrl).origin;
  const orphaned = draining.filter((load) => load.uri !== null && new URL(load.uri).origin === origin);
  const workflows = new Map<string, string>();
  let killed = 0;
  let askers = 0;
  for (const load of orphaned) {
    const rows = await pinnedUnfinished(adminUrl, load.id);
    for (const row of rows) {
      if (row.service === options.workflow && row.key !== null) {
        const parsed = parseWorkflowKey(row.key);
        if (parsed !== null) workflows.set(parsed.indicatorId, row.key);
      }
      if (row.service === options.asker) askers += 1;
      if (await endInvocation(adminUrl, row.id, 'kill')) killed += 1;
    }
    // A kill is immediate in the engine; the table says so a moment later.
    const deadline = Date.now() + options.timeoutMs;
    while ((await pinnedUnfinished(adminUrl, load.id)).length > 0) {
      if (Date.now() > deadline) throw new Error(`invocations pinned to deployment ${load.id} (${load.uri ?? ''}) did not end when killed`);
      await sleep(options.pollMs);
    }
    await deleteDeployment(adminUrl, load.id);
  }
  return { removed: orphaned, killed, workflows, askers };
}

async function pinnedUnfinished(adminUrl: string, deploymentId: string): Promise<{ id: string; service: string; key: string | null }[]> {
  const rows = await query(
    adminUrl,
    `select id, target_service_name as service, target_service_key as key from sys_invocation
      where status <> 'completed' and pinned_deployment_id = ${sqlString(deploymentId)}`,
  );
  return rows.flatMap((row) =>
    typeof row.id === 'string' ? [{ id: row.id, service: String(row.service), key: typeof row.key === 'string' ? row.key : null }] : [],
  );
}

/**
 * Hands out again every question the batchers had handed to an asker (the batcher's `reclaim`), after
 * the askers of a dead build were killed: otherwise each waits for its lease to run out (minutes),
 * and so does every new workflow asking the same question. Returns how many questions were.
 */
export async function reclaimQuestions(adminUrl: string, ingressUrl: string, batcher: string): Promise<number> {
  const rows = await query(adminUrl, `select distinct service_key as key from state where service_name = ${sqlString(batcher)}`);
  let reclaimed = 0;
  for (const row of rows) {
    if (typeof row.key !== 'string') continue;
    const response = await fetch(new URL(`/${batcher}/${encodeURIComponent(row.key)}/reclaim`, ingressUrl), { method: 'POST' });
    if (!response.ok) throw new Error(`${batcher}/${row.key}/reclaim: ${response.status} ${await response.text()}`);
    reclaimed += Number(await response.json());
  }
  return reclaimed;
}
