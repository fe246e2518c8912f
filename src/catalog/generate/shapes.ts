/** Value series of realistic shape: trends, seasonal flows, year-to-date sums, stationary rates, steps, prices. */
import type { Period } from './dates.js';
import type { Rng } from './random.js';
import { PERIODS_PER_YEAR, type Frequency, type Magnitude, type Shape } from './types.js';

export interface SeriesContext {
  rng: Rng;
  periods: readonly Period[];
  frequency: Frequency;
  /** A magnitude in the row's units (country size, exchange rate and unit scale applied). */
  resolve: (magnitude: Magnitude) => number;
}

export function seriesValues(shape: Shape, ctx: SeriesContext): number[] {
  switch (shape.kind) {
    case 'trend':
      return trendSeries(ctx, ctx.resolve(shape.level) / (shape.flow ? perYear(ctx) : 1), shape.growth, shape.vol);
    case 'seasonal':
      return seasonalFlows(ctx, shape.level, shape.growth, shape.amplitude, shape.vol);
    case 'ytd':
      return yearToDate(ctx, seasonalFlows(ctx, shape.level, shape.growth, shape.amplitude, shape.vol));
    case 'running-total':
      return runningTotal(ctx, ctx.resolve(shape.level) / perYear(ctx), shape.vol);
    case 'mean':
      return meanReverting(ctx, shape);
    case 'step':
      return steps(ctx, shape);
    case 'price':
      return trendSeries(ctx, ctx.resolve(shape.level), shape.drift ?? 0, shape.vol);
  }
}

function perYear(ctx: SeriesContext): number {
  return PERIODS_PER_YEAR[ctx.frequency];
}

/** Random walk with drift in logs, ending near `level` (the level is "now"). */
function trendSeries(ctx: SeriesContext, level: number, growth: number, vol: number): number[] {
  const { rng, periods } = ctx;
  const ppy = perYear(ctx);
  const drift = Math.log(1 + growth * rng.uniform(0.5, 1.5)) / ppy;
  const sd = vol / Math.sqrt(ppy);
  let value = level * Math.exp(-drift * periods.length);
  return periods.map(() => {
    const current = value;
    value *= Math.exp(drift + sd * rng.normal());
    return current;
  });
}

/** A trending flow with a seasonal cycle by calendar month (none for annual data). */
function seasonalFlows(ctx: SeriesContext, level: Magnitude, growth: number, amplitude: number, vol: number): number[] {
  const base = trendSeries(ctx, ctx.resolve(level) / perYear(ctx), growth, vol / 3);
  const phase = ctx.rng.uniform(0, 12);
  const cycle = ctx.frequency === 'annual' ? 0 : amplitude;
  return base.map((value, i) => {
    const month = (ctx.periods[i]?.month ?? 1) + (ctx.frequency === 'quarterly' ? 1 : 0);
    const season = 1 + cycle * Math.sin((2 * Math.PI * (month - phase)) / 12);
    return value * season * (1 + (vol / 2) * ctx.rng.normal());
  });
}

/** Sums flows within each calendar year; the first year starts from the flows before the window. */
function yearToDate(ctx: SeriesContext, flows: readonly number[]): number[] {
  const first = ctx.periods[0];
  const periodsBefore = first ? Math.floor((first.month - 1) / (12 / perYear(ctx))) : 0;
  let sum = (flows[0] ?? 0) * periodsBefore;
  let year = first?.year ?? 0;
  return flows.map((flow, i) => {
    const period = ctx.periods[i];
    if (period && period.year !== year) {
      year = period.year;
      sum = 0;
    }
    sum += flow;
    return sum;
  });
}

/** Non-negative increments summed since a start well before the window: rises, never resets. */
function runningTotal(ctx: SeriesContext, increment: number, vol: number): number[] {
  let total = increment * ctx.rng.uniform(20, 200);
  return ctx.periods.map(() => {
    total += Math.max(0, increment * (1 + vol * ctx.rng.normal()));
    return total;
  });
}

function meanReverting(ctx: SeriesContext, shape: Extract<Shape, { kind: 'mean' }>): number[] {
  const { rng } = ctx;
  const mu = rng.uniform(shape.mean[0], shape.mean[1]);
  const phi = shape.persistence;
  const innovation = shape.sd * Math.sqrt(1 - phi * phi);
  const scale = shape.scaleBy ? ctx.resolve(shape.scaleBy) / (shape.flow ? perYear(ctx) : 1) : 1;
  let x = mu + shape.sd * rng.normal();
  return ctx.periods.map(() => {
    const value = clamp(x, shape.min, shape.max);
    x = mu + phi * (x - mu) + innovation * rng.normal();
    return value * scale;
  });
}

function steps(ctx: SeriesContext, shape: Extract<Shape, { kind: 'step' }>): number[] {
  const { rng } = ctx;
  const start = ctx.resolve(shape.level);
  // Absolute steps (rates) move on a grid of the step size, as policy rates do.
  let value = shape.relative ? start : Math.max(0, Math.round(start / shape.move) * shape.move);
  return ctx.periods.map((_, i) => {
    if (i > 0 && rng.chance(shape.moveProbability)) {
      const up = shape.upOnly === true || rng.chance(value > start ? 0.35 : 0.65);
      const size = shape.relative ? value * shape.move * rng.uniform(0.5, 1.5) : shape.move * rng.int(1, 2);
      value = Math.max(0, value + (up ? size : -size));
    }
    return value;
  });
}

function clamp(value: number, min?: number, max?: number): number {
  return Math.min(max ?? Infinity, Math.max(min ?? -Infinity, value));
}

/**
 * Rounds a series to `decimals`, or when not given to one number of places for the whole series
 * (about four significant digits at its median size), as a publisher would.
 */
export function roundSeries(values: readonly number[], decimals?: number): number[] {
  const places = decimals ?? autoDecimals(values);
  const factor = 10 ** places;
  return values.map((value) => {
    const rounded = Math.round(value * factor) / factor;
    return Object.is(rounded, -0) ? 0 : rounded;
  });
}

function autoDecimals(values: readonly number[]): number {
  const sizes = values.map(Math.abs).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  if (median === 0) return 2;
  return Math.min(4, Math.max(0, 3 - Math.floor(Math.log10(median))));
}
