/**
 * How each kind of publisher fills a catalog row: date forms, order, which optional fields are present,
 * how periodicity is spelled. The rates are rough impressions of real catalogs.
 */
import type { DateStyle } from './dates.js';
import type { Frequency, House } from './types.js';

export interface HouseStyle {
  dateStyles: readonly DateStyle[];
  dateStyleWeights: readonly number[];
  /** Probability that samples are listed newest first. */
  descending: number;
  description: number;
  country: number;
  category: number;
  source: number;
  defaultSources: readonly string[];
  topic: number;
  dataset: number;
  aggregationMethod: number;
  /** Probability that a money row also carries `scale` and `currency_code`. */
  moneyFields: number;
  /** Whether absent fields are written as null (a database export) or left out. */
  explicitNulls: boolean;
  /** Index into the spellings of a frequency that this house uses. */
  spelling: number;
}

export const HOUSES: Readonly<Record<House, HouseStyle>> = {
  te: {
    dateStyles: ['end', 'period'], dateStyleWeights: [9, 1], descending: 0.03, description: 0.15, country: 0.85,
    category: 0.95, source: 0.2, defaultSources: ['National Statistics Office', 'Central Bank', 'Ministry of Finance'],
    topic: 0, dataset: 0, aggregationMethod: 0, moneyFields: 0.1, explicitNulls: true, spelling: 0,
  },
  wb: {
    dateStyles: ['period', 'end'], dateStyleWeights: [19, 1], descending: 0.8, description: 0.75, country: 0.5,
    category: 0, source: 0.8, defaultSources: ['World Bank', 'World Development Indicators'],
    topic: 0.5, dataset: 0.3, aggregationMethod: 0.2, moneyFields: 0.05, explicitNulls: false, spelling: 1,
  },
  imf: {
    dateStyles: ['period', 'start', 'end'], dateStyleWeights: [5, 3, 2], descending: 0.1, description: 0.3, country: 0.6,
    category: 0.3, source: 0.7, defaultSources: ['International Monetary Fund', 'IMF'],
    topic: 0, dataset: 0.6, aggregationMethod: 0, moneyFields: 0.5, explicitNulls: false, spelling: 1,
  },
  agency: {
    dateStyles: ['period', 'start', 'end'], dateStyleWeights: [8, 1, 1], descending: 0.05, description: 0.6, country: 0.6,
    category: 0.2, source: 0.85, defaultSources: ['National Statistics Office', 'Central Bank'],
    topic: 0, dataset: 0, aggregationMethod: 0, moneyFields: 0.05, explicitNulls: true, spelling: 2,
  },
  market: {
    dateStyles: ['period'], dateStyleWeights: [1], descending: 0.05, description: 0.5, country: 0,
    category: 0.5, source: 0.9, defaultSources: ['Exchange'],
    topic: 0, dataset: 0, aggregationMethod: 0, moneyFields: 0, explicitNulls: false, spelling: 0,
  },
};

/** Spellings seen in catalogs: [Trading Economics, World Bank / IMF, agencies, others]. */
export const PERIODICITY_SPELLINGS: Readonly<Record<Frequency, readonly string[]>> = {
  daily: ['Daily', 'Daily', 'daily', 'Business daily'],
  weekly: ['Weekly', 'Weekly', 'weekly', 'Week'],
  monthly: ['Monthly', 'Monthly', 'monthly', 'Month'],
  quarterly: ['Quarterly', 'Quarterly', 'quarterly', 'Qtrly'],
  semiannual: ['Biannually', 'Semiannual', 'semiannual', 'Half-yearly'],
  annual: ['Yearly', 'Annual', 'annual', 'yearly'],
};

export const WB_AGGREGATION_METHODS = ['Weighted average', 'Sum', 'Median', 'Gap-filled total'];
