/**
 * A small typed client of restate-server's admin API (checked against 1.7.12): health, deployment
 * registration and the SQL endpoint (`POST /query`, which answers JSON only when asked to).
 */
import { z } from 'zod';
import { adminHealthUrl, probe } from './health.js';

/** A non-2xx answer from the admin API, with the server's message and Restate error code. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly restateCode: string | null,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

const ErrorBodySchema = z.object({ message: z.string(), restate_code: z.string().nullish() });

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  timeoutMs?: number;
}

async function request<T>(adminUrl: string, path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
  const url = new URL(path, adminUrl).href;
  const init: RequestInit = {
    method: options.method ?? 'GET',
    // Without `accept: application/json`, /query answers an Arrow IPC stream.
    headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    // fetch says only "fetch failed"; the cause (ECONNREFUSED …) is what a person can act on.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`cannot reach the Restate admin API at ${adminUrl}: ${cause}`);
  }
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: reported below
  }
  if (!response.ok) {
    const error = ErrorBodySchema.safeParse(json);
    const detail = error.success ? error.data.message : text.slice(0, 500) || response.statusText;
    throw new AdminError(`${init.method ?? 'GET'} ${url}: ${response.status} ${detail}`, response.status, error.success ? (error.data.restate_code ?? null) : null);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${init.method ?? 'GET'} ${url}: unexpected answer: ${text.slice(0, 500)}`);
  return { status: response.status, body: parsed.data };
}

/** True when the admin API answers `GET /health` with 200; never throws. */
export function health(adminUrl: string): Promise<boolean> {
  return probe(adminHealthUrl(adminUrl));
}

const ServiceRevisionSchema = z.object({ name: z.string(), revision: z.number() });

const RegisteredSchema = z.object({ id: z.string(), services: z.array(ServiceRevisionSchema) });

export interface RegisteredDeployment {
  id: string;
  services: { name: string; revision: number }[];
  /** False when the server already knew this exact deployment (it answers 200 instead of 201). */
  created: boolean;
}

export interface RegisterOptions {
  /**
   * Overwrite a deployment already registered at the same URI, which replays the journals of the
   * invocations pinned to it on whatever code now answers there. Default false: a new build serves
   * under a new URL (src/workflow/build-version.ts), so registering is either new or a no-op.
   */
  force?: boolean;
  timeoutMs?: number;
}

/** Registers the service endpoint at `endpointUrl` (the server discovers its services over HTTP/2). */
export async function registerDeployment(adminUrl: string, endpointUrl: string, options: RegisterOptions = {}): Promise<RegisteredDeployment> {
  const { status, body } = await request(adminUrl, '/deployments', RegisteredSchema, {
    method: 'POST',
    body: { uri: endpointUrl, force: options.force ?? false },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  return { id: body.id, services: body.services, created: status === 201 };
}

const DeploymentSchema = z.object({
  id: z.string(),
  // HTTP deployments have a uri; Lambda ones an arn instead.
  uri: z.string().optional(),
  created_at: z.string().optional(),
  sdk_version: z.string().nullish(),
  services: z.array(ServiceRevisionSchema),
});

export type Deployment = z.infer<typeof DeploymentSchema>;

export async function listDeployments(adminUrl: string): Promise<Deployment[]> {
  const { body } = await request(adminUrl, '/deployments', z.object({ deployments: z.array(DeploymentSchema) }));
  return body.deployments;
}

/** One row of a SQL answer. Columns whose value is null are absent from the row. */
export type QueryRow = Record<string, unknown>;

/** Runs SQL on the admin API (`POST /query`); e.g. `select status, count(*) as count from sys_invocation group by status`. */
export async function query(adminUrl: string, sql: string): Promise<QueryRow[]> {
  const { body } = await request(adminUrl, '/query', z.object({ rows: z.array(z.record(z.string(), z.unknown())) }), {
    method: 'POST',
    body: { query: sql },
  });
  return body.rows;
}

/**
 * Ends an unfinished invocation: `cancel` gracefully (the SDK ends the handler at its next await;
 * answered 200, or 202 when the signal waits in the journal for the SDK), `kill` at once. False when
 * there was nothing to end: unknown (404) or already completed (409).
 */
export async function endInvocation(adminUrl: string, invocationId: string, how: 'cancel' | 'kill'): Promise<boolean> {
  try {
    await request(adminUrl, `/invocations/${encodeURIComponent(invocationId)}/${how}`, z.unknown(), { method: 'PATCH' });
    return true;
  } catch (error) {
    if (error instanceof AdminError && (error.status === 404 || error.status === 409)) return false;
    throw error;
  }
}

/** The same SQL endpoint, named for its main use here: the `sys_invocation` table. */
export const queryInvocations = query;

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The statuses of `sys_invocation.status` in 1.7 (`backing-off` becomes `backing_off`). */
export const INVOCATION_STATUSES = ['pending', 'scheduled', 'ready', 'running', 'backing_off', 'suspended', 'paused', 'completed'] as const;

export type InvocationStatus = (typeof INVOCATION_STATUSES)[number];

export type InvocationCounts = Record<InvocationStatus, number> & {
  /** Of `completed`: those that ended in failure (`completion_result = 'failure'`). */
  failed: number;
  /** Rows with a status this client does not know (a newer server). */
  other: number;
  total: number;
};

const KNOWN_STATUSES = new Set<string>(INVOCATION_STATUSES);

function isInvocationStatus(status: string): status is InvocationStatus {
  return KNOWN_STATUSES.has(status);
}

function count(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : 0;
}

/**
 * How many invocations of `serviceName` are in each status. Completed invocations stay in the table
 * for their retention period (a workflow's by default 1 day).
 */
export async function invocationCounts(adminUrl: string, serviceName: string): Promise<InvocationCounts> {
  const rows = await query(
    adminUrl,
    `select status, completion_result, count(*) as count from sys_invocation where target_service_name = ${sqlString(serviceName)} group by status, completion_result`,
  );
  const counts: InvocationCounts = { pending: 0, scheduled: 0, ready: 0, running: 0, backing_off: 0, suspended: 0, paused: 0, completed: 0, failed: 0, other: 0, total: 0 };
  for (const row of rows) {
    const n = count(row.count);
    const status = String(row.status).replaceAll('-', '_');
    if (isInvocationStatus(status)) counts[status] += n;
    else counts.other += n;
    if (status === 'completed' && row.completion_result === 'failure') counts.failed += n;
    counts.total += n;
  }
  return counts;
}

/**
 * Removes a deployment. Restate 1.7 only deletes by force (its graceful deletion answers 501), which
 * breaks invocations still pinned to it: call it for a drained deployment only (deployments.ts).
 * False when the server did not know it (404).
 */
export async function deleteDeployment(adminUrl: string, deploymentId: string): Promise<boolean> {
  try {
    await request(adminUrl, `/deployments/${encodeURIComponent(deploymentId)}?force=true`, z.unknown(), { method: 'DELETE' });
    return true;
  } catch (error) {
    if (error instanceof AdminError && error.status === 404) return false;
    throw error;
  }
}

/**
 * Unfinished invocations (any service) per deployment they are pinned to (`sys_invocation.pinned_deployment_id`,
 * set once an invocation first ran; 1.7.12's column). An invocation not yet pinned goes to the latest deployment.
 */
export async function unfinishedByDeployment(adminUrl: string): Promise<Map<string, number>> {
  const rows = await query(
    adminUrl,
    `select pinned_deployment_id as deployment, count(*) as count from sys_invocation
      where status <> 'completed' and pinned_deployment_id is not null group by pinned_deployment_id`,
  );
  const counts = new Map<string, number>();
  for (const row of rows) if (typeof row.deployment === 'string') counts.set(row.deployment, count(row.count));
  return counts;
}
