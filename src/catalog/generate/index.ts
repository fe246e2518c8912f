/**
 * A realistic, deterministic synthetic catalog: about 140 concepts across every family of the
 * taxonomy, each for up to ~190 countries, written the way real publishers write them.
 * The rows are plain catalog metadata: the taxonomy's answers are never part of them.
 */
import type { IndicatorInput } from '../../domain/indicator.js';
import { CONCEPTS } from './concepts.js';
import { COUNTRIES, type Country } from './countries.js';
import { uniqueId } from './ids.js';
import { mixSeed, Rng } from './random.js';
import { buildRow } from './row.js';
import type { Concept } from './types.js';

export { writeCatalog, type CatalogWriteFormat } from './write.js';
export { CONCEPTS } from './concepts.js';
export { COUNTRIES } from './countries.js';

export interface GenerateOptions {
  count: number;
  seed: number;
}

interface Slot {
  concept: Concept;
  country: Country | null;
}

/** Every (concept, country) pair the concepts cover: the catalog's distinct series. */
export function catalogSlots(concepts: readonly Concept[] = CONCEPTS): Slot[] {
  return concepts.flatMap((concept) => countriesOf(concept).map((country) => ({ concept, country })));
}

function countriesOf(concept: Concept): (Country | null)[] {
  if (concept.coverage === 0 && concept.only === undefined) return [null];
  const eligible = concept.only
    ? COUNTRIES.filter((c) => concept.only?.includes(c.iso3))
    : COUNTRIES.slice(0, concept.coverage);
  return concept.localCurrencyOnly ? eligible.filter((c) => c.currency !== 'USD') : eligible;
}

/**
 * Streams `count` rows. The same seed gives the same rows, and a row depends only on the seed and
 * its place, so the first rows of a small catalog are the first rows of a big one. Past the
 * distinct series (about 13,000), further rounds draw the same series again as new vintages.
 */
export function* generateCatalog(options: GenerateOptions): Generator<IndicatorInput> {
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  const slots = catalogSlots();
  const taken = new Set<string>();
  let emitted = 0;
  for (let round = 0; emitted < count; round++) {
    const order = new Rng(mixSeed(seed, round)).shuffle(slots.map((_, i) => i));
    for (const index of order) {
      if (emitted >= count) return;
      const slot = slots[index];
      if (!slot) continue;
      const row = buildRow(new Rng(mixSeed(seed, round, index, 0x5eed)), slot.concept, slot.country);
      yield { ...row, id: uniqueId(String(row.id), taken) };
      emitted++;
    }
  }
}
