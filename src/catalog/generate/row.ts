/** One catalog row: a concept for a country, with the units, dates, values and gaps a real row has. */
import type { IndicatorInput } from '../../domain/indicator.js';
import { usdRate, type Country } from './countries.js';
import { formatPeriod, periodsEnding, type Period } from './dates.js';
import { HOUSES, PERIODICITY_SPELLINGS, WB_AGGREGATION_METHODS, type HouseStyle } from './houses.js';
import { conceptId } from './ids.js';
import type { Rng } from './random.js';
import { sampleValues, type Sample } from './samples.js';
import { roundSeries, seriesValues } from './shapes.js';
import type { Concept, Frequency, Magnitude, Shape, UnitVariant } from './types.js';
import { chooseScale, renderUnits, scaleWord, type RenderedUnits } from './units.js';

/** Countryless series (commodities, global indices) are sized as the world economy. */
const WORLD: Country = { name: 'World', iso3: 'WLD', currency: 'USD', populationM: 8000, gdpBn: 105000 };
/** World GDP per head, USD: fixed USD amounts (wages, poverty lines) scale with income around it. */
const WORLD_GDP_PER_HEAD = 13000;

export function buildRow(rng: Rng, concept: Concept, country: Country | null): IndicatorInput {
  const house = HOUSES[concept.house];
  const frequency = pickFrequency(rng, concept.frequencies);
  const variant = rng.weighted(concept.units, concept.units.map((v) => v.weight ?? 1));
  const periods = periodsEnding(rng, frequency, observationCount(rng, concept.shape, frequency), concept.lastYear, concept.calendarDays);
  const resolver = magnitudeResolver(rng, country ?? WORLD, variant);
  const scale = variant.text.includes('{SCALE}')
    ? chooseScale(rng, typicalValue(concept.shape, frequency, resolver(1)), country)
    : (variant.scale ?? 1);
  const units = renderUnits(variant, country, scale);
  const values = roundSeries(
    seriesValues(concept.shape, { rng, periods, frequency, resolve: resolver(scale) }),
    concept.decimals ?? defaultDecimals(concept.shape),
  );
  return assemble(rng, concept, house, country, {
    frequency,
    units,
    samples: sampleValues(rng, house, samplesOf(rng, house, frequency, periods, values)),
  });
}

interface RowParts {
  frequency: Frequency;
  units: RenderedUnits;
  samples: Sample[] | null | undefined;
}

function assemble(rng: Rng, concept: Concept, house: HouseStyle, country: Country | null, parts: RowParts): IndicatorInput {
  const absent = house.explicitNulls ? null : undefined;
  const maybe = <T>(probability: number, value: T | undefined): T | null | undefined =>
    value !== undefined && rng.chance(probability) ? value : absent;
  const moneyFields = parts.units.currency !== null && rng.chance(house.moneyFields);
  const row: IndicatorInput = {
    id: conceptId(rng, concept, country, parts.frequency),
    name: rowName(rng, concept, country),
    units: unitsText(rng, parts.units.text, absent),
    periodicity: periodicity(rng, concept, house, parts.frequency, absent),
    scale: moneyFields ? scaleField(parts.units.scale) : absent,
    currency_code: moneyFields ? parts.units.currency : absent,
    description: maybe(house.description, concept.description),
    source: maybe(house.source, rng.pick(concept.sources ?? house.defaultSources)),
    category_group: maybe(house.category, concept.category),
    topic: maybe(house.topic, concept.topic),
    dataset: maybe(house.dataset, concept.dataset),
    aggregation_method: maybe(house.aggregationMethod, rng.pick(WB_AGGREGATION_METHODS)),
    country: country ? maybe(house.country, country.name) : absent,
    sample_values: parts.samples,
  };
  // Leave out what a sparse export would not write at all.
  return Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([, value]) => value !== undefined)) as IndicatorInput;
}

/** Rates and indices are published to one decimal unless a concept says otherwise; amounts by size. */
function defaultDecimals(shape: Shape): number | undefined {
  return shape.kind === 'mean' && shape.scaleBy === undefined ? 1 : undefined;
}

function pickFrequency(rng: Rng, frequencies: readonly Frequency[]): Frequency {
  return rng.weighted(frequencies, frequencies.map((_, i) => (i === 0 ? 4 : 1.5 / i)));
}

/** 10-60 observations; enough years for year-to-date series to show their resets. */
function observationCount(rng: Rng, shape: Shape, frequency: Frequency): number {
  const long = frequency === 'annual' || frequency === 'semiannual';
  const count = rng.int(10, long ? 35 : 60);
  if (shape.kind !== 'ytd') return count;
  return Math.max(count, frequency === 'monthly' ? 18 : 10);
}

/** A magnitude resolver for one row; curried on the unit scale so the scale can be chosen from it. */
function magnitudeResolver(rng: Rng, country: Country, variant: UnitVariant): (scale: number) => (m: Magnitude) => number {
  const jitter = rng.uniform(0.75, 1.25);
  const perHead = (country.gdpBn * 1e3) / country.populationM;
  const money = (usd: number, scale: number): number =>
    (usd * (variant.money === 'local' ? usdRate(country.currency) : 1)) / scale;
  return (scale) => (m) => {
    if ('range' in m) return rng.uniform(m.range[0], m.range[1]) / scale;
    switch (m.per) {
      case 'gdp':
        return money(country.gdpBn * 1e9 * m.factor * jitter, scale);
      case 'capita':
        return money(perHead * m.factor * jitter, scale);
      case 'pop':
        return (country.populationM * 1e6 * m.factor * jitter) / scale;
      case 'usd':
        return money(m.amount * (perHead / WORLD_GDP_PER_HEAD) ** 0.6 * jitter, scale);
      case 'fx':
        return usdRate(country.currency);
    }
  };
}

/** The size of a typical value in base units, to choose "Million" or "Billion". */
function typicalValue(shape: Shape, frequency: Frequency, resolve: (m: Magnitude) => number): number {
  const perPeriod = frequency === 'annual' ? 1 : frequency === 'quarterly' ? 4 : 12;
  switch (shape.kind) {
    case 'trend':
      return resolve(shape.level) / (shape.flow ? perPeriod : 1);
    case 'seasonal':
    case 'ytd':
    case 'running-total':
      return resolve(shape.level) / perPeriod;
    case 'mean':
      return shape.scaleBy ? (resolve(shape.scaleBy) * Math.abs(shape.mean[1])) / (shape.flow ? perPeriod : 1) : 1;
    case 'step':
    case 'price':
      return resolve(shape.level);
  }
}

function samplesOf(rng: Rng, house: HouseStyle, frequency: Frequency, periods: readonly Period[], values: readonly number[]): Sample[] {
  const style = rng.weighted(house.dateStyles, house.dateStyleWeights);
  const halfMark = rng.pick(['H', 'S']);
  return periods.map((period, i) => ({ date: formatPeriod(period, frequency, style, halfMark), value: values[i] ?? null }));
}

function rowName(rng: Rng, concept: Concept, country: Country | null): string {
  const name = concept.name
    .replaceAll('{country}', country?.name ?? 'World')
    .replaceAll('{CUR}', country?.currency ?? 'USD');
  // World Bank extracts often carry the country in the name: "Population, total (Indonesia)".
  return concept.house === 'wb' && country && rng.chance(0.25) ? `${name} (${country.name})` : name;
}

function unitsText(rng: Rng, text: string, absent: null | undefined): string | null | undefined {
  const draw = rng.next();
  if (draw < 0.03) return absent;
  if (draw < 0.04) return '';
  return text === '' ? absent : text;
}

function periodicity(rng: Rng, concept: Concept, house: HouseStyle, frequency: Frequency, absent: null | undefined) {
  const draw = rng.next();
  if (draw < 0.03) return absent;
  if (concept.periodicityLabel !== undefined && draw < 0.9) return concept.periodicityLabel;
  const spellings = PERIODICITY_SPELLINGS[frequency];
  return draw < 0.9 ? spellings[house.spelling] : rng.pick(spellings);
}

/** The catalog's `scale` field, as IMF-style exports write it ("Millions"). */
function scaleField(scale: number): string {
  return scale === 1 ? 'Units' : `${scaleWord(scale)}s`;
}
