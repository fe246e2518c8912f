/**
 * Progress while a run works: a bar on a terminal, a line every few seconds otherwise. The runner
 * hands over its whole state each time (counts that only grow), so no field can fall back to zero
 * because an update left it out.
 */
import cliProgress from 'cli-progress';
import type { LlmProgress } from '../db/llm.js';

export interface ProgressState {
  /** What the run set out to classify (known up front: the database is counted first). */
  readonly planned: number;
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  /** --ipm, shown beside the measured rate. */
  readonly targetIpm: number | null;
  /** --rpm, shown beside the LLM's measured request rate. */
  readonly rpmCap: number | null;
  /** --tpm, shown beside the LLM's measured token rate. */
  readonly tpmCap: number | null;
  /** The run's LLM use so far; null before its first request. */
  readonly llm: LlmProgress | null;
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

/** Moving rates: completions, and the LLM's requests and tokens (all per minute; null while measuring). */
export interface Rates {
  readonly completions: number | null;
  readonly requests: number | null;
  readonly tokens: number | null;
}

/** "412/min (target 600), ETA 3m 20s" (or what is known of it). */
export function rateAndEta(state: ProgressState, perMinute: number | null): string {
  if (perMinute === null) return 'rate: measuring';
  const remaining = Math.max(0, state.planned - state.completed - state.failed);
  const eta = perMinute > 0 ? formatDuration((remaining / perMinute) * 60_000) : remaining === 0 ? '0s' : 'unknown (nothing finishing)';
  const target = state.targetIpm === null ? '' : ` (target ${state.targetIpm})`;
  return `${perMinute.toFixed(0)}/min${target}, ETA ${eta}`;
}

/** "LLM 48 req/min (cap 60), 61k tokens/min (cap 80k), $0.0312 so far"; empty before the first request. */
export function llmRates(state: ProgressState, rates: Rates): string {
  if (state.llm === null) return '';
  const cap = state.rpmCap === null ? '' : ` (cap ${state.rpmCap})`;
  const requests = rates.requests === null ? `${state.llm.requests} requests` : `${rates.requests.toFixed(0)} req/min${cap}`;
  const tokenCap = state.tpmCap === null ? '' : ` (cap ${formatCount(state.tpmCap)})`;
  const tokens = rates.tokens === null ? '' : `, ${formatCount(rates.tokens)} tokens/min${tokenCap}`;
  return `; LLM ${requests}${tokens}, $${state.llm.cost_usd.toFixed(4)} so far`;
}

function formatCount(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n.toFixed(0);
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** One line of numbers, the same on a terminal and in a log. */
export function describeProgress(state: ProgressState, rates: Rates): string {
  const done = state.completed + state.failed;
  const inFlight = state.submitted - done;
  return `${done} of ${state.planned} done (${state.completed} completed, ${state.failed} failed), ${state.submitted} submitted, ${inFlight} in flight; ${rateAndEta(state, rates.completions)}${llmRates(state, rates)}`;
}

/** Feeds each state's counts into moving rates. */
function rateMeters(now: () => number): (s: ProgressState) => Rates {
  const completions = rateMeter();
  const requests = rateMeter();
  const tokens = rateMeter();
  return (s) => {
    const at = now();
    completions.add(at, s.completed + s.failed);
    requests.add(at, s.llm?.requests ?? 0);
    tokens.add(at, s.llm?.tokens ?? 0);
    return { completions: completions.perMinute(), requests: requests.perMinute(), tokens: tokens.perMinute() };
  };
}

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const measure = rateMeters(now);
  if (!stream.isTTY) return lineProgress((line) => stream.write(`${line}\n`), measure, now);
  const bar = new cliProgress.SingleBar(
    { stream, format: 'classify |{bar}| {value}/{total} done ({failed} failed) · {submitted} submitted · {inFlight} in flight · {rate}{llm}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const payload = (s: ProgressState) => {
    const rates = measure(s);
    return { submitted: s.submitted, failed: s.failed, inFlight: s.submitted - s.completed - s.failed, rate: rateAndEta(s, rates.completions), llm: llmRates(s, rates) };
  };
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

function lineProgress(write: (line: string) => void, measure: (s: ProgressState) => Rates, now: () => number): Progress {
  let lastAt = 0;
  const show = (s: ProgressState, force: boolean): void => {
    const rates = measure(s);
    if (!force && now() - lastAt < LINE_EVERY_MS) return;
    lastAt = now();
    write(`progress: ${describeProgress(s, rates)}`);
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
