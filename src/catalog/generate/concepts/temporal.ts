/** Durations, probabilities and thresholds; sentiment and allocation; and a ranking that fits nowhere. */
import type { Concept } from '../types.js';
import { label, LOCAL_PER_MONTH, mean, PERCENT, POINTS, range, step, trend, unit, usd, usdUnit } from '../vocabulary.js';

const probability = label('temporal', 'probability', 'point-in-time');
const sentiment = label('qualitative', 'sentiment', 'point-in-time');
const allocation = label('qualitative', 'allocation', 'point-in-time');

const TEMPORAL: readonly Concept[] = [
  {
    key: 'unemployment_duration', name: 'Average Duration of Unemployment', house: 'agency', units: [unit('weeks', 3), unit('Weeks')],
    frequencies: ['monthly'], shape: mean(15, 40, 1, 0.9, { min: 2 }), coverage: 20, decimals: 1,
    sources: ['Bureau of Labor Statistics', 'National Statistics Office'],
    intended: label('temporal', 'duration', 'period-average'),
  },
  {
    key: 'life_expectancy_wb', name: 'Life expectancy at birth, total (years)', house: 'wb', code: 'SP.DYN.LE00.IN_{ISO}',
    units: [unit('years', 3), unit('Years')], frequencies: ['annual'], shape: trend(range(55, 84), 0.003, 0.002),
    coverage: 185, decimals: 2, topic: 'Health', intended: label('temporal', 'duration', 'point-in-time'),
  },
  {
    key: 'start_business_days_wb', name: 'Time required to start a business (days)', house: 'wb', code: 'IC.REG.DURS_{ISO}',
    units: [unit('days', 3), unit('Days')], frequencies: ['annual'], shape: step(range(2, 60), 0.15, 0.2, { relative: true }),
    coverage: 170, decimals: 1, lastYear: 2020, topic: 'Private Sector', intended: label('temporal', 'duration', 'point-in-time'),
  },
  {
    key: 'recession_probability', name: 'Recession Probability (12-month)', house: 'agency', units: PERCENT,
    frequencies: ['monthly'], shape: mean(5, 50, 6, 0.9, { min: 0, max: 100 }), coverage: 15, decimals: 1,
    sources: ['Federal Reserve Bank of New York', 'Central Bank'], intended: probability,
  },
  {
    key: 'corporate_default_probability', name: 'Corporate Default Probability (12-month)', house: 'agency', units: PERCENT,
    frequencies: ['monthly'], shape: mean(1, 6, 0.3, 0.95, { min: 0 }), coverage: 20, decimals: 2,
    sources: ["Moody's Analytics"], intended: probability,
  },
  {
    key: 'sovereign_default_probability', name: 'Sovereign Default Probability (5-year, CDS-implied)', house: 'agency',
    units: PERCENT, frequencies: ['daily'], shape: mean(1, 30, 1, 0.98, { min: 0, max: 100 }), coverage: 40, decimals: 2,
    sources: ['Bloomberg'], intended: probability,
  },
  {
    key: 'poverty_threshold', name: 'Poverty Threshold (Family of 4)', house: 'agency', units: [usdUnit('USD per year')],
    only: ['USA'], frequencies: ['annual'], shape: trend(usd(30000), 0.04, 0.01), coverage: 1, decimals: 0,
    sources: ['US Census Bureau'], intended: label('temporal', 'threshold', 'point-in-time'),
  },
  {
    key: 'national_poverty_line', name: 'National Poverty Line', house: 'agency', units: LOCAL_PER_MONTH,
    frequencies: ['annual'], shape: step(usd(150), 0.08, 0.6, { relative: true, upOnly: true }), coverage: 60, decimals: 2,
    sources: ['National Statistics Office'], intended: label('temporal', 'threshold', 'point-in-time'),
  },
  {
    key: 'inflation_target', name: 'Inflation Target', house: 'agency', units: PERCENT, frequencies: ['annual'],
    shape: step(range(2, 6), 0.5, 0.05), coverage: 40, decimals: 1, sources: ['Central Bank'],
    intended: label('temporal', 'threshold', 'point-in-time'),
  },
];

const QUALITATIVE: readonly Concept[] = [
  {
    key: 'economy_watchers_outlook', name: 'Economy Watchers Survey Outlook', house: 'te', units: POINTS, only: ['JPN'],
    frequencies: ['monthly'], shape: mean(42, 55, 2, 0.8), coverage: 1, decimals: 1, category: 'Business', intended: sentiment,
  },
  {
    key: 'tankan_outlook', name: 'Tankan Large Manufacturing Outlook', house: 'te', units: POINTS, only: ['JPN'],
    frequencies: ['quarterly'], shape: mean(-5, 15, 3, 0.8), coverage: 1, decimals: 0, category: 'Business', intended: sentiment,
  },
  {
    key: 'zew_sentiment', name: 'ZEW Economic Sentiment Index', house: 'te', units: POINTS, only: ['DEU', 'EMU'],
    frequencies: ['monthly'], shape: mean(-20, 40, 10, 0.8), coverage: 2, decimals: 1, category: 'Business',
    intended: sentiment,
  },
  {
    key: 'consumer_sentiment', name: 'Consumer Sentiment Index', house: 'agency', units: [unit('index', 3), unit('Index')],
    frequencies: ['monthly'], shape: mean(60, 90, 3, 0.85), coverage: 10, decimals: 1,
    sources: ['University of Michigan', 'National Statistics Office'], intended: sentiment,
  },
  {
    key: 'equity_allocation', name: 'Equity Allocation (Institutional Investors)', house: 'agency',
    units: [unit('% of portfolio', 3), unit('%')], frequencies: ['quarterly'], shape: mean(35, 65, 2, 0.9, { min: 0, max: 100 }),
    coverage: 15, decimals: 1, sources: ['Bank of America', 'Pension Regulator'], intended: allocation,
  },
  {
    key: 'fund_manager_cash', name: 'Fund Manager Survey Cash Allocation', house: 'market', code: 'fms_cash_allocation',
    units: [unit('% of portfolio', 2), unit('%')], frequencies: ['monthly'], shape: mean(3.8, 5.5, 0.3, 0.8, { min: 0 }),
    coverage: 0, decimals: 1, sources: ['Bank of America'], intended: allocation,
  },
  {
    key: 'competitiveness_rank', name: 'Competitiveness Rank', house: 'te', units: [unit('', 2), unit('rank')],
    frequencies: ['annual'], shape: mean(1, 140, 3, 0.95, { min: 1, max: 141 }), coverage: 140, decimals: 0,
    category: 'Business', intended: label('any', 'other', 'not-applicable'),
  },
];

export const TEMPORAL_CONCEPTS: readonly Concept[] = [...TEMPORAL, ...QUALITATIVE];
