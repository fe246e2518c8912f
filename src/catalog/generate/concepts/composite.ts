/** Indices, correlations, elasticities and multipliers. */
import type { Concept } from '../types.js';
import { BASE_YEAR_INDEX, label, mean, POINTS, price, range, trend, unit } from '../vocabulary.js';

const indexPoint = label('composite-derived', 'index', 'point-in-time');
const diffusion = label('composite-derived', 'index', 'period-average');

const INDICES: readonly Concept[] = [
  {
    key: 'cpi', name: 'Consumer Price Index CPI', house: 'te', units: POINTS, frequencies: ['monthly'],
    shape: trend(range(100, 140), 0.04, 0.008), coverage: 185, decimals: 2, category: 'Prices', intended: indexPoint,
  },
  {
    key: 'producer_prices', name: 'Producer Prices', house: 'te', units: POINTS, frequencies: ['monthly', 'quarterly'],
    shape: trend(range(95, 150), 0.03, 0.03), coverage: 100, decimals: 2, category: 'Prices', intended: indexPoint,
  },
  {
    key: 'manufacturing_pmi', name: 'Manufacturing PMI', house: 'te', units: POINTS, frequencies: ['monthly'],
    shape: mean(46, 54, 1.8, 0.7, { min: 30, max: 70 }), coverage: 55, category: 'Business',
    description: 'Purchasing managers index; above 50 signals expansion.', intended: diffusion,
  },
  {
    key: 'services_pmi', name: 'Services PMI', house: 'te', units: POINTS, frequencies: ['monthly'],
    shape: mean(47, 56, 2, 0.7, { min: 30, max: 70 }), coverage: 35, category: 'Business', intended: diffusion,
  },
  {
    key: 'business_confidence', name: 'Business Confidence', house: 'te', units: POINTS, frequencies: ['monthly', 'quarterly'],
    shape: mean(85, 115, 3, 0.85), coverage: 90, category: 'Business', intended: diffusion,
  },
  {
    key: 'consumer_confidence', name: 'Consumer Confidence', house: 'te', units: POINTS, frequencies: ['monthly', 'quarterly'],
    shape: mean(-25, 105, 3, 0.85), coverage: 85, category: 'Consumer', intended: diffusion,
  },
  {
    key: 'stock_market', name: 'Stock Market', house: 'te', units: POINTS, frequencies: ['daily'],
    shape: price(range(1000, 40000), 0.18, 0.07), coverage: 90, decimals: 2, category: 'Markets',
    description: 'The main stock market index.', intended: indexPoint,
  },
  {
    key: 'cpi_wb', name: 'Consumer price index (2010 = 100)', house: 'wb', code: 'FP.CPI.TOTL_{ISO}', units: BASE_YEAR_INDEX,
    frequencies: ['annual'], shape: trend(range(110, 200), 0.05, 0.02), coverage: 180, decimals: 3, topic: 'Economy & Growth',
    intended: indexPoint,
  },
  {
    key: 'housing_index', name: 'Housing Index', house: 'te', units: POINTS, frequencies: ['monthly', 'quarterly'],
    shape: trend(range(100, 200), 0.05, 0.02), coverage: 50, decimals: 2, category: 'Housing', intended: indexPoint,
  },
  {
    key: 'terms_of_trade', name: 'Terms of Trade', house: 'te', units: POINTS, frequencies: ['quarterly', 'monthly'],
    shape: mean(80, 120, 4, 0.85, { min: 30 }), coverage: 80, decimals: 2, category: 'Trade', intended: indexPoint,
  },
  {
    key: 'corruption_index', name: 'Corruption Index', house: 'te', units: [unit('Points', 3), unit('points')],
    frequencies: ['annual'], shape: mean(15, 85, 1.5, 0.95, { min: 0, max: 100 }), coverage: 180, decimals: 0,
    category: 'Government', intended: indexPoint,
  },
  {
    key: 'happiness_score', name: 'World Happiness Index Score', house: 'agency', units: [unit('score (0-10)', 3), unit('score')],
    frequencies: ['annual'], shape: mean(3.5, 7.8, 0.1, 0.9, { min: 0, max: 10 }), coverage: 140, decimals: 3,
    sources: ['UN Sustainable Development Solutions Network'], intended: indexPoint,
  },
];

const DERIVED: readonly Concept[] = [
  {
    key: 'stock_bond_correlation', name: 'Stock-Bond Correlation (60-day)', house: 'agency',
    units: [unit('correlation coefficient', 3), unit('coefficient')], frequencies: ['daily'],
    shape: mean(-0.5, 0.5, 0.1, 0.97, { min: -1, max: 1 }), coverage: 10, decimals: 2, sources: ['Bloomberg'],
    intended: label('composite-derived', 'correlation', 'period-average'),
  },
  {
    key: 'equity_correlation', name: 'Equity Market Correlation with S&P 500 (1-year rolling)', house: 'agency',
    units: [unit('coefficient', 2), unit('correlation')], frequencies: ['monthly'],
    shape: mean(0.3, 0.9, 0.05, 0.9, { min: -1, max: 1 }), coverage: 30, decimals: 3, sources: ['MSCI'],
    intended: label('composite-derived', 'correlation', 'period-average'),
  },
  {
    key: 'gasoline_price_elasticity', name: 'Price Elasticity of Demand (Gasoline)', house: 'agency',
    units: [unit('elasticity coefficient', 2), unit('elasticity')], frequencies: ['quarterly'],
    shape: mean(-0.6, -0.1, 0.03, 0.9), coverage: 15, decimals: 2, sources: ['Energy Information Administration'],
    intended: label('composite-derived', 'elasticity', 'period-average'),
  },
  {
    key: 'employment_elasticity', name: 'Employment Elasticity of Growth', house: 'agency', units: [unit('elasticity')],
    frequencies: ['annual'], shape: mean(0.2, 0.8, 0.1, 0.6), coverage: 40, decimals: 2, sources: ['ILO'],
    intended: label('composite-derived', 'elasticity', 'period-average'),
  },
  {
    key: 'fiscal_multiplier', name: 'Fiscal Multiplier', house: 'agency', units: [unit('multiplier', 2), unit('ratio')],
    frequencies: ['annual'], shape: mean(0.4, 1.6, 0.1, 0.8, { min: 0 }), coverage: 20, decimals: 2,
    sources: ['Congressional Budget Office', 'Ministry of Finance'],
    intended: label('composite-derived', 'multiplier', 'period-average'),
  },
  {
    key: 'money_multiplier', name: 'Money Multiplier', house: 'agency', units: [unit('times', 2), unit('ratio')],
    frequencies: ['monthly'], shape: mean(2, 12, 0.2, 0.95, { min: 1 }), coverage: 40, decimals: 2,
    sources: ['Central Bank'], intended: label('composite-derived', 'multiplier', 'point-in-time'),
  },
];

export const COMPOSITE_CONCEPTS: readonly Concept[] = [...INDICES, ...DERIVED];
