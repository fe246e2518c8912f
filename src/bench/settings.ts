/**
 * What `classify bench` runs: the targets, modes and sizes of each phase, validated once. `--quick`
 * is a preset of small counts and short windows (tests, a smoke check); flags given with it win.
 */
import { z } from 'zod';
import { RAMP_SHARE } from '../runner/metrics.js';

export const PHASES = ['efficiency', 'ceiling', 'bare', 'scale'] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const BenchMode = z.enum(['hybrid', 'llm']);
export type BenchMode = z.infer<typeof BenchMode>;

export const BenchSettings = z.object({
  /** Target paces (indicators per minute) of the efficiency phase. */
  targets: z.array(z.number().int().positive()).min(1),
  modes: z.array(BenchMode).min(1),
  /** Each efficiency run has a steady window of at least this many minutes (at its target pace). */
  steadyMinutes: z.number().positive(),
  /** Indicators of the ceiling run, and of the bare workflow beside it. */
  ceilingCount: z.number().int().positive(),
  scaleCount: z.number().int().positive(),
  /** Seed of the generated catalogs (the same rows for every phase of a size). */
  seed: z.number().int().positive(),
  skip: z.array(Phase),
  /** Keep each phase's data directory (database, engine, logs) instead of removing it. */
  keep: z.boolean(),
  quick: z.boolean(),
});
export type BenchSettings = z.infer<typeof BenchSettings>;

export const DEFAULT_SETTINGS: Omit<BenchSettings, 'skip' | 'keep' | 'quick'> = {
  targets: [800, 1_500, 3_000, 6_000],
  modes: ['hybrid', 'llm'],
  steadyMinutes: 2,
  ceilingCount: 10_000,
  scaleCount: 100_000,
  seed: 7,
};

/** Small enough to run in a few minutes on a 2-core machine; the shape of the report is the same. */
export const QUICK_SETTINGS: Omit<BenchSettings, 'skip' | 'keep' | 'quick'> = {
  targets: [1_200],
  modes: ['hybrid', 'llm'],
  steadyMinutes: 0.1,
  ceilingCount: 300,
  scaleCount: 400,
  seed: 7,
};

/** The share of a paced run's completions inside its steady window (10 %–90 %: see metrics.ts). */
const STEADY_SHARE = 1 - 2 * RAMP_SHARE;
/** Fewer than this and a run has no steady window at all (metrics.ts MIN_STEADY_COMPLETIONS, with room). */
const MIN_COUNT = 40;

/**
 * Indicators for a run at `targetIpm` whose steady window lasts `steadyMinutes`: completions arrive
 * at the target pace, and the window holds the middle 80 % of them, so count = target × steady ÷ 0.8.
 */
export function countForTarget(targetIpm: number, steadyMinutes: number): number {
  return Math.max(MIN_COUNT, Math.ceil((targetIpm * steadyMinutes) / STEADY_SHARE));
}

/** Parses "800,1500" into positive integers (commander's argument parser). */
export function parseList<T>(schema: z.ZodType<T>, value: string): T[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return z.array(schema).min(1).parse(items);
}
