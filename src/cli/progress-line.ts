/**
 * Progress of a long import or export, on stderr. Nothing for the first seconds, so a quick command
 * stays quiet; then, on a terminal, one line rewritten in place every second, and elsewhere (a log
 * file, CI) a plain line every 5 s. A streamed file's total is unknown until it has been read, so
 * this is a count rather than a bar.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

export interface ProgressLineOptions {
  readonly stream?: ProgressStream;
  /** Nothing is shown before this much time has passed. */
  readonly quietMs?: number;
}

export interface ProgressLine {
  /** Ends the progress: clears the terminal line, stops the timer. */
  stop(): void;
}

const QUIET_MS = 2_000;
const TTY_EVERY_MS = 1_000;
const LOG_EVERY_MS = 5_000;

/** Shows `describe()` now and then until stopped; `describe` reads the caller's live counters. */
export function startProgressLine(describe: () => string, options: ProgressLineOptions = {}): ProgressLine {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const quietMs = options.quietMs ?? QUIET_MS;
  const started = Date.now();
  let shown = false;
  const timer = setInterval(
    () => {
      if (Date.now() - started < quietMs) return;
      shown = true;
      stream.write(tty ? `\r${describe()}\x1b[K` : `${describe()}\n`);
    },
    tty ? TTY_EVERY_MS : LOG_EVERY_MS,
  );
  // Progress never keeps the process alive.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty && shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
