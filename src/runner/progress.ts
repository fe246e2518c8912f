/** Progress while a run waits: a bar on a terminal, a line every few seconds otherwise. */
import cliProgress from 'cli-progress';

export interface ProgressState {
  readonly submitted: number;
  readonly completed?: number;
  readonly failed?: number;
}

export interface Progress {
  start(): void;
  update(state: ProgressState): void;
  stop(): void;
}

export function silentProgress(): Progress {
  return { start: () => undefined, update: () => undefined, stop: () => undefined };
}

const LINE_EVERY_MS = 5_000;

/** The total grows as indicators are submitted: the catalog is streamed, not counted first. */
export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return lineProgress((line) => stream.write(`${line}\n`));
  const bar = new cliProgress.SingleBar(
    { stream, format: 'classify |{bar}| {value}/{total} done ({failed} failed) · {submitted} submitted · {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: () => { bar.start(0, 0, { submitted: 0, failed: 0 }); },
    update: (s) => {
      bar.setTotal(s.submitted);
      bar.update((s.completed ?? 0) + (s.failed ?? 0), { submitted: s.submitted, failed: s.failed ?? 0 });
    },
    stop: () => { bar.stop(); },
  };
}

function lineProgress(write: (line: string) => void): Progress {
  let lastAt = 0;
  return {
    start: () => undefined,
    update: (s) => {
      if (Date.now() - lastAt < LINE_EVERY_MS) return;
      lastAt = Date.now();
      write(`progress: ${(s.completed ?? 0) + (s.failed ?? 0)} done of ${s.submitted} submitted (${s.failed ?? 0} failed)`);
    },
    stop: () => undefined,
  };
}
