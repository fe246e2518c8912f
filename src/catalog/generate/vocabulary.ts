/** Shorthands for writing concepts: unit spellings seen in real catalogs, shapes, magnitudes, labels. */
import type { Family, TemporalAggregation, TypeOf } from '../../domain/taxonomy.js';
import type { IntendedLabel, Magnitude, Shape, UnitVariant } from './types.js';

export function unit(text: string, weight = 1, scale?: number): UnitVariant {
  return scale === undefined ? { text, weight } : { text, weight, scale };
}
function money(kind: 'local' | 'usd', text: string, weight: number, scale?: number): UnitVariant {
  return scale === undefined ? { text, money: kind, weight } : { text, money: kind, weight, scale };
}

export const PERCENT = [unit('%', 10), unit('percent', 2), unit('Percent', 2), unit('per cent')];
export const PERCENT_OF_GDP = [unit('% of GDP', 5), unit('percent of GDP', 2), unit('Percent of GDP'), unit('%')];
export const POINTS = [unit('points', 8), unit('Points'), unit('index'), unit('Index')];
export const BASE_YEAR_INDEX = [unit('Index, 2010=100', 4), unit('Index (2015=100)', 2), unit('2015=100'), unit('points')];
export const PERCENTAGE_POINTS = [unit('percentage points', 4), unit('pp'), unit('% points')];
export const BASIS_POINTS = [unit('basis points', 3), unit('bps', 2), unit('bp')];

/** Trading-Economics-style money: the country's code with a scale chosen to suit the size. */
export const TE_LOCAL: readonly UnitVariant[] = [
  money('local', '{CUR} {SCALE}', 10),
  money('local', 'National currency', 1, 1e6),
  money('local', 'Local currency, millions', 0.5, 1e6),
];
export const TE_USD: readonly UnitVariant[] = [
  money('usd', 'USD {SCALE}', 8),
  money('usd', 'US$ Million', 1, 1e6),
  money('usd', 'USD Hundred Million', 0.5, 1e8),
];
export const TE_MONEY: readonly UnitVariant[] = [...TE_LOCAL, ...TE_USD.map((v) => ({ ...v, weight: (v.weight ?? 1) / 3 }))];
/** World Bank money: full units, "LCU" or the currency's name. */
export const WB_LCU: readonly UnitVariant[] = [
  money('local', 'current LCU', 4),
  money('local', 'Current {CURNAME}', 2),
  money('local', 'LCU', 1),
];
export const WB_USD: readonly UnitVariant[] = [
  money('usd', 'Current USD', 4),
  money('usd', 'current US$', 2),
  money('usd', 'US$', 1),
];
export const NATIONAL_CURRENCY_BN: readonly UnitVariant[] = [
  money('local', 'National currency', 5, 1e9),
  money('local', 'Billions of national currency', 1, 1e9),
];
export const USD_MILLION: readonly UnitVariant[] = [money('usd', 'USD Million', 4, 1e6), money('usd', 'USD million', 1, 1e6)];
export const LOCAL_PER_MONTH: readonly UnitVariant[] = [
  money('local', '{CUR}/Month', 4),
  money('local', '{CUR} per month', 1),
  money('local', 'National currency', 1),
];
export const usdUnit = (text: string, weight = 1): UnitVariant => money('usd', text, weight);
export const THOUSAND = [unit('Thousand', 4, 1e3), unit('thousands', 1, 1e3), unit('Thousands of persons', 1, 1e3)];
export const PERSONS = [unit('Persons', 3), unit('Number', 2), unit('people', 1)];

export const gdp = (factor: number): Magnitude => ({ per: 'gdp', factor });
export const capita = (factor: number): Magnitude => ({ per: 'capita', factor });
export const pop = (factor: number): Magnitude => ({ per: 'pop', factor });
export const usd = (amount: number): Magnitude => ({ per: 'usd', amount });
export const fx: Magnitude = { per: 'fx' };
export const range = (lo: number, hi: number): Magnitude => ({ range: [lo, hi] });

export function trend(level: Magnitude, growth: number, vol: number, flow = false): Shape {
  return { kind: 'trend', level, growth, vol, flow };
}
export function seasonal(level: Magnitude, amplitude: number, growth = 0.03, vol = 0.05): Shape {
  return { kind: 'seasonal', level, growth, amplitude, vol };
}
export function ytd(level: Magnitude, amplitude = 0.1, growth = 0.04, vol = 0.05): Shape {
  return { kind: 'ytd', level, growth, amplitude, vol };
}
export function runningTotal(level: Magnitude, vol = 0.3): Shape {
  return { kind: 'running-total', level, vol };
}
type MeanOptions = { min?: number; max?: number; scaleBy?: Magnitude; flow?: boolean };
export function mean(lo: number, hi: number, sd: number, persistence = 0.8, options: MeanOptions = {}): Shape {
  return { kind: 'mean', mean: [lo, hi], sd, persistence, ...options };
}
type StepOptions = { relative?: boolean; upOnly?: boolean };
export function step(level: Magnitude, move: number, moveProbability: number, options: StepOptions = {}): Shape {
  return { kind: 'step', level, move, moveProbability, ...options };
}
export function price(level: Magnitude, vol: number, drift = 0): Shape {
  return { kind: 'price', level, vol, drift };
}

/** The intended answer; the signature keeps the type inside its family. */
export function label<F extends Family>(family: F, type: TypeOf<F>, aggregation: TemporalAggregation): IntendedLabel {
  return { family, type, aggregation } as IntendedLabel;
}

export const OIL_PRODUCERS = [
  'USA', 'SAU', 'RUS', 'CAN', 'IRQ', 'CHN', 'ARE', 'BRA', 'IRN', 'KWT', 'NOR', 'MEX', 'KAZ', 'NGA', 'QAT', 'DZA',
  'LBY', 'AGO', 'OMN', 'COL', 'AZE', 'VEN', 'IDN', 'ECU', 'GBR', 'IND', 'MYS', 'EGY', 'ARG', 'GAB', 'GNQ', 'COG', 'TKM',
];
export const EUROPE = [
  'DEU', 'FRA', 'ITA', 'ESP', 'NLD', 'BEL', 'AUT', 'POL', 'CZE', 'HUN', 'ROU', 'PRT', 'GRC', 'FIN', 'SWE', 'DNK',
  'NOR', 'CHE', 'IRL', 'SVK', 'SVN', 'BGR', 'HRV', 'LTU', 'LVA', 'EST', 'GBR',
];
export const EURO_PERIPHERY = ['ITA', 'ESP', 'FRA', 'PRT', 'GRC', 'BEL', 'AUT', 'IRL', 'NLD', 'FIN'];
