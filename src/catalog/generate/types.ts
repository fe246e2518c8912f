/** The vocabulary of the generator: concepts, how their units read and how their values move. */
import type { FamilyType, TemporalAggregation } from '../../domain/taxonomy.js';

export type Frequency = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'semiannual' | 'annual';

export const PERIODS_PER_YEAR: Readonly<Record<Frequency, number>> = {
  daily: 252,
  weekly: 52,
  monthly: 12,
  quarterly: 4,
  semiannual: 2,
  annual: 1,
};

/**
 * Where a level comes from. Sizes scale with the country, so that Aruba's exports are not Germany's.
 * `gdp`: factor × annual GDP in USD (an amount, or a physical quantity proportional to the economy);
 * `capita`: factor × GDP per head in USD; `pop`: factor × population; `usd`: a fixed USD amount
 * (converted when the units are local money); `fx`: local currency units per USD;
 * `range`: a level that does not depend on the country. Flows give the annual amount.
 */
export type Magnitude =
  | { per: 'gdp'; factor: number }
  | { per: 'capita'; factor: number }
  | { per: 'pop'; factor: number }
  | { per: 'usd'; amount: number }
  | { per: 'fx' }
  | { range: readonly [number, number] };

/**
 * One way a concept's units are written. `text` may hold {CUR} (the ISO code), {CURNAME} (the
 * currency's name) and {SCALE} (Thousand/Million/Billion, chosen to suit the magnitude).
 */
export interface UnitVariant {
  text: string;
  /** Amounts of money: `local` values are converted from USD at the country's rate. */
  money?: 'local' | 'usd';
  /** A fixed divisor the text implies (1e6 for "USD Million"); ignored when the text has {SCALE}. */
  scale?: number;
  weight?: number;
}

/** How the values of a series move (see shapes.ts). Growth and volatility are per year. */
export type Shape =
  /** A trending level: random walk with drift (debt, population, CPI, reserves). */
  | { kind: 'trend'; level: Magnitude; growth: number; vol: number; flow?: boolean }
  /** A flow per period with a seasonal cycle (exports, tourism, production). */
  | { kind: 'seasonal'; level: Magnitude; growth: number; amplitude: number; vol: number }
  /** A seasonal flow summed since January: resets every year. */
  | { kind: 'ytd'; level: Magnitude; growth: number; amplitude: number; vol: number }
  /** A sum since a fixed start, never reset. `level` is the increment per period. */
  | { kind: 'running-total'; level: Magnitude; vol: number }
  /**
   * A stationary AR(1) around a mean drawn from `mean` (rates, shares, growth, diffusion indices);
   * with `scaleBy`, the value is that fraction of a magnitude (a balance as a share of GDP).
   */
  | {
      kind: 'mean';
      mean: readonly [number, number];
      sd: number;
      persistence: number;
      min?: number;
      max?: number;
      scaleBy?: Magnitude;
      flow?: boolean;
    }
  /** A level that moves in occasional steps (policy rates, tax rates, minimum wages). */
  | { kind: 'step'; level: Magnitude; moveProbability: number; move: number; relative?: boolean; upOnly?: boolean }
  /** A market price: geometric random walk with volatility. */
  | { kind: 'price'; level: Magnitude; vol: number; drift?: number };

/** Who publishes a concept: decides id style, name flavour, date forms and which fields are filled. */
export type House = 'te' | 'wb' | 'imf' | 'agency' | 'market';

/** What the concept is meant to be (for the generator's own tests; never emitted). */
export type IntendedLabel = FamilyType & { aggregation: TemporalAggregation };

export interface Concept {
  /** Unique key; also the id stem of agency-style rows. */
  key: string;
  /** May hold {country} and {CUR}. */
  name: string;
  house: House;
  /**
   * Id template: {ISO} / {iso} (ISO3), {CUR}, {F} (frequency letter). TE concepts leave it out:
   * their ids derive from the country and the name, as Trading Economics' do.
   */
  code?: string;
  units: readonly UnitVariant[];
  /** Frequencies the concept is published at; the first is the most common. */
  frequencies: readonly Frequency[];
  shape: Shape;
  /** How many countries (the largest first) publish it; 0 = one series without a country. */
  coverage: number;
  /** Exactly these countries (ISO3) instead of the largest `coverage`. */
  only?: readonly string[];
  decimals?: number;
  category?: string;
  description?: string;
  sources?: readonly string[];
  topic?: string;
  dataset?: string;
  /** What the catalog states as periodicity when it is a release cadence, not the data's frequency. */
  periodicityLabel?: string;
  /** The last year with data, when the series stopped before now. */
  lastYear?: number;
  /** Daily series observed on every calendar day, not only business days. */
  calendarDays?: boolean;
  /** Skips countries that use the US dollar (exchange rates against it). */
  localCurrencyOnly?: boolean;
  intended: IntendedLabel;
}
