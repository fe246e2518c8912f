/**
 * SIGINT/SIGTERM end a long command in order: the first aborts `signal`, so the command stops its
 * work and then what it started (an engine of its own, an endpoint, a database); without this the
 * default action killed the process at once and left its children running. A second signal exits
 * now, with the conventional code (130 for SIGINT, 143 for SIGTERM).
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** The exit code the received signal calls for. */
  readonly exitCode: () => number;
  readonly dispose: () => void;
}

/** `what`: named in the line that says the command is stopping ("the run", "the bench"). */
export function onInterrupt(what: string, log: (line: string) => void): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const exitCode = () => (received === 'SIGINT' ? 130 : 143);
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== null) process.exit(exitCode());
    received = signal;
    log(`${signal}: stopping ${what} (again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    exitCode,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
