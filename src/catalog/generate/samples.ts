/** The flaws of real sample values: newest-first order, gaps, numbers as text, summaries as pseudo-dates. */
import type { HouseStyle } from './houses.js';
import type { Rng } from './random.js';

export interface Sample {
  date: string;
  value: number | string | null;
}

const PSEUDO_LABELS = ['last10YearsAvg', 'last5YearsAvg', 'last10YearsPeerAvg'];

/** Applies a house's order and the occasional flaw; null/undefined: a row without samples. */
export function sampleValues(rng: Rng, house: HouseStyle, samples: Sample[]): Sample[] | null | undefined {
  const draw = rng.next();
  if (draw < 0.015) return rng.pick([[], [], null, undefined]);
  let result = samples.map((sample) => (rng.chance(0.01) ? { ...sample, value: null } : sample));
  if (rng.chance(0.02)) result = result.map((sample) => ({ ...sample, value: sample.value === null ? null : String(sample.value) }));
  if (rng.chance(house.descending)) result.reverse();
  if (draw < 0.015 + 0.009) return pseudoOnly(rng, samples);
  if (draw < 0.015 + 0.03) return [...result, ...pseudoSummaries(rng, samples)];
  return result;
}

/** One or two summaries appended after the observations, as some exports do. */
function pseudoSummaries(rng: Rng, samples: readonly Sample[]): Sample[] {
  const average = averageOf(samples);
  const labels = rng.chance(0.5) ? PSEUDO_LABELS.slice(0, 1) : rng.shuffle([...PSEUDO_LABELS]).slice(0, 2);
  return labels.map((label) => ({ date: label, value: roundLike(average * (label.includes('Peer') ? rng.uniform(0.8, 1.2) : 1)) }));
}

/** Rows whose "samples" are only summaries (seen in IMF / World Bank extracts). */
function pseudoOnly(rng: Rng, samples: readonly Sample[]): Sample[] {
  const average = averageOf(samples);
  const label = rng.pick(PSEUDO_LABELS);
  return Array.from({ length: rng.int(3, 10) }, () => ({ date: label, value: roundLike(average * rng.uniform(0.9, 1.1)) }));
}

function averageOf(samples: readonly Sample[]): number {
  const numbers = samples.flatMap((s) => (s.value === null ? [] : [Number(s.value)])).filter(Number.isFinite);
  return numbers.length === 0 ? 0 : numbers.reduce((a, b) => a + b, 0) / numbers.length;
}

function roundLike(value: number): number {
  const places = Math.min(3, Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value) || 1))));
  return Math.round(value * 10 ** places) / 10 ** places;
}
