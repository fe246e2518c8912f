/**
 * Submitting workflows through Restate's HTTP ingress, spread round-robin over the nodes.
 * A submission is accepted once Restate has durably stored it; completion is tracked separately.
 */
export interface Submission {
  readonly key: string;
  readonly body: unknown;
}

export type SubmitOutcome = { kind: 'accepted' } | { kind: 'duplicate' } | { kind: 'rejected'; reason: string };

export interface Ingress {
  submit(submission: Submission): Promise<SubmitOutcome>;
}

const MAX_ATTEMPTS = 6;

export function createIngress(urls: readonly string[], workflowName: string): Ingress {
  if (urls.length === 0) throw new Error('no Restate ingress URL');
  let next = 0;
  const pick = (): string => {
    const url = urls[next % urls.length] ?? urls[0] ?? '';
    next += 1;
    return url;
  };
  return {
    async submit({ key, body }) {
      let lastError = '';
      // Network errors and 5xx are retried on the next node with a short bounded backoff.
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        const url = `${pick()}/${workflowName}/${encodeURIComponent(key)}/run/send`;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          const text = await response.text();
          if (response.ok) return /previously accepted|"status"\s*:\s*"PreviouslyAccepted"/i.test(text) ? { kind: 'duplicate' } : { kind: 'accepted' };
          // A workflow key that already ran: Restate refuses a second run; that is our no-op.
          if (response.status === 409) return { kind: 'duplicate' };
          if (response.status < 500) return { kind: 'rejected', reason: `HTTP ${response.status}: ${text.slice(0, 200)}` };
          lastError = `HTTP ${response.status}: ${text.slice(0, 200)}`;
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
      }
      return { kind: 'rejected', reason: `ingress unavailable after ${MAX_ATTEMPTS} attempts: ${lastError}` };
    },
  };
}
