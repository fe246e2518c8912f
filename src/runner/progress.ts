/**
 * Progress while a run works: a bar on a terminal, a line every few seconds otherwise. The runner
 * hands over its whole state each time (counts that only grow), so no field can fall back to zero
 * because an update left it out.
 */
import cliProgress from 'cli-progress';

export interface ProgressState {
  /** What the run set out to classify (known up front: the database is counted first). */
  readonly planned: number;
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
}

export interface Progress {
  start(state: ProgressState): void;
  update(state: ProgressState): void;
  stop(): void;
}

export function silentProgress(): Progress {
  return { start: () => undefined, update: () => undefined, stop: () => undefined };
}

const LINE_EVERY_MS = 5_000;
/** The completion rate is measured over this much recent time: it follows a run that speeds up or stalls. */
const RATE_WINDOW_MS = 30_000;

/** Completions per minute over the last RATE_WINDOW_MS, from the (time, done) samples it is given. */
export function rateMeter(windowMs = RATE_WINDOW_MS) {
  const samples: { at: number; done: number }[] = [];
  return {
    add(at: number, done: number): void {
      samples.push({ at, done });
      while (samples.length > 2 && (samples[1]?.at ?? at) <= at - windowMs) samples.shift();
    },
    /** null until two samples are at least a second apart. */
    perMinute(): number | null {
      const first = samples[0];
      const last = samples.at(-1);
      if (first === undefined || last === undefined || last.at - first.at < 1_000) return null;
      return ((last.done - first.done) / (last.at - first.at)) * 60_000;
    },
  };
}

/** "412/min, ETA 3m 20s" (or what is known of it). */
export function rateAndEta(state: ProgressState, perMinute: number | null): string {
  if (perMinute === null) return 'rate: measuring';
  const remaining = Math.max(0, state.planned - state.completed - state.failed);
  const eta = perMinute > 0 ? formatDuration((remaining / perMinute) * 60_000) : remaining === 0 ? '0s' : 'unknown (nothing finishing)';
  return `${perMinute.toFixed(0)}/min, ETA ${eta}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** One line of numbers, the same on a terminal and in a log. */
export function describeProgress(state: ProgressState, perMinute: number | null): string {
  const done = state.completed + state.failed;
  const inFlight = state.submitted - done;
  return `${done} of ${state.planned} done (${state.completed} completed, ${state.failed} failed), ${state.submitted} submitted, ${inFlight} in flight; ${rateAndEta(state, perMinute)}`;
}

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const rate = rateMeter();
  const measure = (s: ProgressState): number | null => {
    rate.add(now(), s.completed + s.failed);
    return rate.perMinute();
  };
  if (!stream.isTTY) return lineProgress((line) => stream.write(`${line}\n`), measure, now);
  const bar = new cliProgress.SingleBar(
    { stream, format: 'classify |{bar}| {value}/{total} done ({failed} failed) · {submitted} submitted · {inFlight} in flight · {rate}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const payload = (s: ProgressState) => ({ submitted: s.submitted, failed: s.failed, inFlight: s.submitted - s.completed - s.failed, rate: rateAndEta(s, measure(s)) });
  return {
    start: (s) => {
      bar.start(s.planned, s.completed + s.failed, payload(s));
    },
    update: (s) => {
      bar.setTotal(s.planned);
      bar.update(s.completed + s.failed, payload(s));
    },
    stop: () => {
      bar.stop();
    },
  };
}

function lineProgress(write: (line: string) => void, measure: (s: ProgressState) => number | null, now: () => number): Progress {
  let lastAt = 0;
  const show = (s: ProgressState, force: boolean): void => {
    const perMinute = measure(s);
    if (!force && now() - lastAt < LINE_EVERY_MS) return;
    lastAt = now();
    write(`progress: ${describeProgress(s, perMinute)}`);
  };
  return {
    start: (s) => {
      lastAt = now();
      measure(s);
    },
    update: (s) => {
      show(s, false);
    },
    stop: () => undefined,
  };
}
