/**
 * Versioned deployments (issue 11, item 2), after Restate's guidance: each build registers at its own
 * URL (`…/v/<build version>`, src/workflow/build-version.ts) without force; new invocations go to the
 * deployment registered last, running ones stay pinned to the one they started on and finish there;
 * an older deployment is removed once no unfinished invocation is pinned to it (drained).
 */
import { AdminError, deleteDeployment, listDeployments, registerDeployment, unfinishedByDeployment, type Deployment, type RegisteredDeployment } from '../engine/admin.js';
import { versionOfUrl } from '../workflow/build-version.js';
import { sleep } from './sleep.js';

/** A deployment as `classify status` shows it. */
export interface DeploymentLoad {
  readonly id: string;
  readonly uri: string | null;
  /** From the URL's `/v/<version>`; null for one registered without (before versioning, or not ours). */
  readonly version: string | null;
  readonly created_at: string | null;
  readonly services: readonly string[];
  /** Unfinished invocations pinned to it. */
  readonly unfinished: number;
}

/** How long a query is retried while the engine's SQL endpoint is not ready (a fresh server answers 500 "expecting a partition store" for a few seconds). */
const QUERY_READY_MS = 30_000;
const QUERY_RETRY_MS = 500;

export async function deploymentLoads(adminUrl: string): Promise<DeploymentLoad[]> {
  const [deployments, unfinished] = await Promise.all([listDeployments(adminUrl), whenReady(() => unfinishedByDeployment(adminUrl))]);
  return deployments
    .map((deployment) => ({
      id: deployment.id,
      uri: deployment.uri ?? null,
      version: deployment.uri === undefined ? null : versionOfUrl(deployment.uri),
      created_at: deployment.created_at ?? null,
      services: deployment.services.map((service) => service.name),
      unfinished: unfinished.get(deployment.id) ?? 0,
    }))
    .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
}

/** Retries `read` on the admin API's 5xx answers for up to QUERY_READY_MS. */
async function whenReady<T>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + QUERY_READY_MS;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof AdminError && error.status >= 500) || Date.now() > deadline) throw error;
      await sleep(QUERY_RETRY_MS);
    }
  }
}

export interface Retired {
  /** Older deployments of the same services that had drained, now removed. */
  readonly removed: readonly DeploymentLoad[];
  /** Older ones still running invocations: left to drain. */
  readonly draining: readonly DeploymentLoad[];
}

/**
 * Removes the deployments older than `current` that serve one of its services and have no
 * unfinished invocation pinned to them. Safe: once `current` is registered, no new invocation is
 * pinned to an older one, so a drained one stays drained. Deployments of other services are left alone.
 */
export async function retireDrained(adminUrl: string, current: Pick<Deployment, 'id'>): Promise<Retired> {
  const loads = await deploymentLoads(adminUrl);
  const self = loads.find((load) => load.id === current.id);
  if (self === undefined) throw new Error(`deployment ${current.id} is not registered at ${adminUrl}`);
  const ours = new Set(self.services);
  const older = loads.filter((load) => load.id !== self.id && load.services.some((name) => ours.has(name)) && isOlder(load, self));
  const removed: DeploymentLoad[] = [];
  const draining: DeploymentLoad[] = [];
  for (const load of older) {
    if (load.unfinished > 0) draining.push(load);
    else if (await deleteDeployment(adminUrl, load.id)) removed.push(load);
  }
  return { removed, draining };
}

/** Created before (the admin API's timestamps are RFC 3339 in UTC, so they order as text). */
function isOlder(load: DeploymentLoad, than: DeploymentLoad): boolean {
  if (load.created_at === null || than.created_at === null) return false;
  return Date.parse(load.created_at) < Date.parse(than.created_at);
}

export interface VersionedRegistration {
  readonly deployment: RegisteredDeployment;
  readonly retired: Retired;
}

/** Registers `endpointUrl` without force (the same URL again is a no-op), then retires drained older deployments. */
export async function registerVersioned(adminUrl: string, endpointUrl: string): Promise<VersionedRegistration> {
  const deployment = await registerDeployment(adminUrl, endpointUrl);
  return { deployment, retired: await retireDrained(adminUrl, deployment) };
}

/** One line for people: what registering did to the older deployments. */
export function describeRetired(retired: Retired): string | null {
  const parts: string[] = [];
  if (retired.removed.length > 0) parts.push(`removed ${retired.removed.length} drained older deployment${retired.removed.length === 1 ? '' : 's'} (${retired.removed.map(label).join(', ')})`);
  if (retired.draining.length > 0) {
    parts.push(`${retired.draining.length} older deployment${retired.draining.length === 1 ? '' : 's'} still draining (${retired.draining.map((load) => `${label(load)}: ${load.unfinished} unfinished`).join(', ')})`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}

function label(load: DeploymentLoad): string {
  return `${load.id} ${load.version === null ? (load.uri ?? '') : `v ${load.version}`}`;
}

export interface DrainWatch {
  /** Stops watching (and waits for a check in progress). */
  stop(): Promise<void>;
}

/**
 * While older deployments drain, checks every `intervalMs` and removes each once drained; stops by
 * itself when none is left draining. A failed check (the engine away for a moment) is reported and
 * tried again at the next interval.
 */
export function watchDraining(adminUrl: string, current: Pick<Deployment, 'id'>, draining: number, options: { intervalMs: number; report: (line: string) => void }): DrainWatch {
  let left = draining;
  let stopped = false;
  let checking: Promise<void> = Promise.resolve();
  const check = async (): Promise<void> => {
    try {
      const retired = await retireDrained(adminUrl, current);
      const line = retired.removed.length > 0 ? describeRetired({ removed: retired.removed, draining: [] }) : null;
      if (line !== null) options.report(line);
      left = retired.draining.length;
    } catch (error) {
      options.report(`checking older deployments: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const timer = setInterval(() => {
    if (stopped || left === 0) {
      clearInterval(timer);
      return;
    }
    checking = checking.then(check);
  }, options.intervalMs);
  if (left === 0) clearInterval(timer);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await checking;
    },
  };
}
