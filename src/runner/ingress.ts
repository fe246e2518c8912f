/**
 * Submitting workflows through Restate's HTTP ingress, spread round-robin over the nodes.
 * A submission is accepted once Restate has durably stored it; completion is tracked separately.
 */
import { sleep } from './sleep.js';

export interface Submission {
  readonly key: string;
  readonly body: unknown;
}

/**
 * `rejected`: the engine refused this submission (a 4xx): the indicator fails, the run goes on.
 * `unavailable`: no ingress answered for the whole retry window: the engine is down, not the
 * indicator at fault. `interrupted`: the run stopped before the engine took it. Neither of the last
 * two was submitted: the next run submits them.
 */
export type SubmitOutcome =
  | { kind: 'accepted'; node: string }
  | { kind: 'duplicate'; node: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'interrupted' };

export interface Ingress {
  submit(submission: Submission): Promise<SubmitOutcome>;
}

/**
 * How long one submission keeps retrying an unreachable ingress. A restate-server restart (a crash,
 * a SIGKILL, `classify engine stop` + `start`) takes a few seconds, more on a loaded machine; the run
 * must ride through it rather than reject every indicator it submits meanwhile.
 */
export const RETRY_WINDOW_MS = 60_000;
/** Backoff between attempts: 100 ms doubling, at most this. */
const MAX_BACKOFF_MS = 2_000;
/** Restate's ingress answer for a service it does not know (yet). */
const SERVICE_NOT_FOUND = /service '[^']*' not found/;
/** One attempt that hangs (an engine that stopped answering) is abandoned and retried. */
const ATTEMPT_TIMEOUT_MS = 30_000;

export interface IngressOptions {
  /** Default RETRY_WINDOW_MS. */
  readonly retryWindowMs?: number;
  /** The run was interrupted: stop retrying (the attempt in flight gets its answer first). */
  readonly signal?: AbortSignal | undefined;
}

export function createIngress(urls: readonly string[], workflowName: string, options: IngressOptions = {}): Ingress {
  if (urls.length === 0) throw new Error('no Restate ingress URL');
  const retryWindowMs = options.retryWindowMs ?? RETRY_WINDOW_MS;
  const interrupted = options.signal;
  let next = 0;
  const pick = (): string => {
    const url = urls[next % urls.length] ?? urls[0] ?? '';
    next += 1;
    return url;
  };
  return {
    async submit({ key, body }) {
      let lastError = '';
      const deadline = Date.now() + retryWindowMs;
      // Network errors and 5xx are retried on the next node with bounded backoff, until the deadline.
      // Resending is safe: the workflow key makes a second send of an accepted submission a no-op.
      for (let attempt = 1; ; attempt += 1) {
        if (interrupted?.aborted === true) return { kind: 'interrupted' };
        const base = pick();
        const url = `${base}/${workflowName}/${encodeURIComponent(key)}/run/send`;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            // Not aborted by an interrupt: an answer is normally quick, and an abandoned send would leave
            // it unknown whether the engine took it.
            signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
          });
          const text = await response.text();
          if (response.ok) return { kind: /previously accepted|"status"\s*:\s*"PreviouslyAccepted"/i.test(text) ? 'duplicate' : 'accepted', node: base };
          // A workflow key that already ran: Restate refuses a second run; that is our no-op.
          if (response.status === 409) return { kind: 'duplicate', node: base };
          // A cluster node that has just restarted serves its ingress a moment before it has the
          // registered services (measured: a 404 "service … not found" mid-run after a SIGKILLed node
          // rejoined): another node knows them. With one node a 404 is the answer.
          const notYetKnown = urls.length > 1 && response.status === 404 && SERVICE_NOT_FOUND.test(text);
          if (response.status < 500 && !notYetKnown) return { kind: 'rejected', reason: `the engine refused the submission: ${httpError(response, text)}` };
          lastError = `${base}: ${httpError(response, text)}`;
        } catch (error) {
          // fetch says only "fetch failed"; the cause (ECONNREFUSED …) is what a person can act on.
          lastError = `${base}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
        }
        const wait = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt);
        if (Date.now() + wait > deadline) {
          return { kind: 'unavailable', reason: `no ingress answered in ${Math.round(retryWindowMs / 1000)} s (${attempt} attempts); last: ${lastError}` };
        }
        await sleep(wait, interrupted);
      }
    },
  };
}


/** "HTTP 414 URI Too Long: …body" (the body can be empty, the status text says what). */
function httpError(response: Response, body: string): string {
  const text = body.trim().slice(0, 200);
  return `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}${text === '' ? '' : `: ${text}`}`;
}
