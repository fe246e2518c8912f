/** How a run stops early: one signal for the user's interrupt and for the run giving up on its own. */
import { setMaxListeners } from 'node:events';

/** Why a run stopped before it finished, as the report and the runs table say it. */
export type StopCause = { kind: 'interrupted' } | { kind: 'stalled'; reason: string };

/**
 * One signal for everything the run waits on: the user's SIGINT/SIGTERM, or the run itself giving
 * up (nothing moved for the stall timeout, the engine unreachable). Up to `waiters` sleeps listen
 * at once (every send's backoff among them), more than Node's default warning threshold of 10.
 */
export function runStopper(userSignal: AbortSignal | undefined, waiters: number) {
  const controller = new AbortController();
  setMaxListeners(waiters + 16, controller.signal);
  let cause: StopCause | null = null;
  const stop = (next: StopCause): void => {
    if (cause !== null) return;
    cause = next;
    controller.abort();
  };
  const onAbort = (): void => {
    stop({ kind: 'interrupted' });
  };
  if (userSignal?.aborted === true) onAbort();
  userSignal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    stop,
    cause: (): StopCause | null => cause,
    dispose: () => {
      userSignal?.removeEventListener('abort', onAbort);
    },
  };
}

export type RunStopper = ReturnType<typeof runStopper>;
