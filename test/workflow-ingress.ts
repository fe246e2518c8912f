/** The ingress calls the runner makes, as the tests make them: submit a workflow, wait for its result. */
import { CLASSIFY_WORKFLOW, type ClassifyWorkflowInput } from '../src/workflow/classify-workflow.js';

export interface Submitted {
  readonly httpStatus: number;
  /** "Accepted" the first time; "PreviouslyAccepted" for a key Restate already has. */
  readonly status: string;
  readonly invocationId: string;
}

export interface Outcome {
  readonly httpStatus: number;
  readonly body: unknown;
}

/** POST /classifyIndicator/{key}/run/send: returns at once with the invocation id. */
export async function submit(ingressUrl: string, key: string, input: ClassifyWorkflowInput | Record<string, unknown>): Promise<Submitted> {
  const response = await fetch(`${ingressUrl}/${CLASSIFY_WORKFLOW}/${encodeURIComponent(key)}/run/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { status: string; invocationId: string };
  return { httpStatus: response.status, status: body.status, invocationId: body.invocationId };
}

/** GET /restate/workflow/classifyIndicator/{key}/attach: waits for the workflow to end, then its result. */
export async function attach(ingressUrl: string, key: string): Promise<Outcome> {
  const response = await fetch(`${ingressUrl}/restate/workflow/${CLASSIFY_WORKFLOW}/${encodeURIComponent(key)}/attach`);
  return { httpStatus: response.status, body: await response.json() };
}

/** Invocation rows from the admin SQL API (sys_invocation). */
export async function invocations(adminUrl: string, key: string): Promise<{ status: string; completion_result?: string }[]> {
  const target = `${CLASSIFY_WORKFLOW}/${key}/run`.replaceAll("'", "''");
  const response = await fetch(`${adminUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: `SELECT status, completion_result FROM sys_invocation WHERE target = '${target}'` }),
  });
  const body = (await response.json()) as { rows: { status: string; completion_result?: string }[] };
  return body.rows;
}
