/** Growth and inflation rates, volatility measures and gaps. */
import type { Concept } from '../types.js';
import { label, mean, PERCENT, PERCENTAGE_POINTS, POINTS, unit } from '../vocabulary.js';

const periodRate = label('change-movement', 'rate', 'period-rate');
const volatility = label('change-movement', 'volatility', 'point-in-time');
const gap = label('change-movement', 'gap', 'point-in-time');
const PERCENT_CHANGE = [unit('Percent change', 3), unit('percent change'), unit('%')];

/** Growth rates: stationary, mostly −10..+15 %. */
function growth(lo: number, hi: number, sd: number, persistence: number) {
  return mean(lo, hi, sd, persistence, { min: -10, max: 15 });
}

const RATES: readonly Concept[] = [
  {
    key: 'gdp_growth_rate', name: 'GDP Growth Rate', house: 'te', units: PERCENT, frequencies: ['quarterly'],
    shape: growth(-0.5, 2, 0.7, 0.3), coverage: 150, category: 'GDP',
    description: 'Quarter-on-quarter change in seasonally adjusted real GDP.', intended: periodRate,
  },
  {
    key: 'gdp_annual_growth_rate', name: 'GDP Annual Growth Rate', house: 'te', units: PERCENT, frequencies: ['quarterly', 'annual'],
    shape: growth(0, 7, 1.5, 0.7), coverage: 165, category: 'GDP', intended: periodRate,
  },
  {
    key: 'inflation_rate', name: 'Inflation Rate', house: 'te', units: PERCENT, frequencies: ['monthly', 'quarterly'],
    shape: mean(1, 12, 1.2, 0.95, { min: -3 }), coverage: 188, category: 'Prices',
    description: 'Year-on-year change in the consumer price index.', intended: periodRate,
  },
  {
    key: 'inflation_rate_mom', name: 'Inflation Rate MoM', house: 'te', units: PERCENT, frequencies: ['monthly'],
    shape: mean(0.1, 0.8, 0.25, 0.2), coverage: 140, decimals: 2, category: 'Prices', intended: periodRate,
  },
  {
    key: 'core_inflation_rate', name: 'Core Inflation Rate', house: 'te', units: PERCENT, frequencies: ['monthly'],
    shape: mean(1, 9, 0.7, 0.97, { min: -2 }), coverage: 110, category: 'Prices', intended: periodRate,
  },
  {
    key: 'retail_sales_yoy', name: 'Retail Sales YoY', house: 'te', units: PERCENT, frequencies: ['monthly', 'quarterly'],
    shape: growth(-2, 8, 2, 0.5), coverage: 90, category: 'Consumer', intended: periodRate,
  },
  {
    key: 'industrial_production', name: 'Industrial Production', house: 'te', units: PERCENT, frequencies: ['monthly', 'quarterly'],
    shape: growth(-2, 6, 2.5, 0.5), coverage: 110, category: 'Business', intended: periodRate,
  },
  {
    key: 'inflation_wb', name: 'Inflation, consumer prices (annual %)', house: 'wb', code: 'FP.CPI.TOTL.ZG_{ISO}',
    units: [unit('Annual %', 2), unit('%', 2)], frequencies: ['annual'], shape: mean(1, 15, 2, 0.7, { min: -3 }),
    coverage: 185, decimals: 3, topic: 'Economy & Growth',
    description: 'Inflation as measured by the consumer price index reflects the annual percentage change in the cost to the average consumer of acquiring a basket of goods and services.',
    intended: periodRate,
  },
  {
    key: 'gdp_growth_wb', name: 'GDP growth (annual %)', house: 'wb', code: 'NY.GDP.MKTP.KD.ZG_{ISO}',
    units: [unit('%', 2), unit('Annual %')], frequencies: ['annual'], shape: growth(0, 7, 2.5, 0.3), coverage: 185,
    decimals: 3, topic: 'Economy & Growth',
    description: 'Annual percentage growth rate of GDP at market prices based on constant local currency.',
    intended: periodRate,
  },
  {
    key: 'exports_growth_wb', name: 'Exports of goods and services (annual % growth)', house: 'wb', code: 'NE.EXP.GNFS.KD.ZG_{ISO}',
    units: [unit('Annual % growth', 2), unit('%')], frequencies: ['annual'],
    shape: mean(0, 8, 6, 0.2, { min: -30, max: 40 }), coverage: 170, decimals: 3, topic: 'Economy & Growth',
    intended: periodRate,
  },
  {
    key: 'imports_volume_imf', name: 'Volume of Imports of goods', house: 'imf', code: 'TMG_RPCH_{ISO}', units: PERCENT_CHANGE,
    frequencies: ['annual'], shape: mean(0, 7, 5, 0.2, { min: -30, max: 40 }), coverage: 180, decimals: 3,
    periodicityLabel: 'Biannually', dataset: 'World Economic Outlook', intended: periodRate,
  },
  {
    key: 'real_gdp_growth_imf', name: 'Gross domestic product, constant prices', house: 'imf', code: 'NGDP_RPCH_{ISO}',
    units: PERCENT_CHANGE, frequencies: ['annual'], shape: growth(0, 6, 2.5, 0.3), coverage: 185, decimals: 3,
    periodicityLabel: 'Biannually', dataset: 'World Economic Outlook', intended: periodRate,
  },
  {
    key: 'import_prices_mom', name: 'Import Prices MoM', house: 'te', units: PERCENT, frequencies: ['monthly', 'quarterly'],
    shape: growth(-0.3, 0.5, 1, 0.2), coverage: 40, decimals: 2, category: 'Prices', intended: periodRate,
  },
];

const VOLATILITY_AND_GAPS: readonly Concept[] = [
  {
    key: 'vix', name: 'CBOE Volatility Index (VIX)', house: 'market', code: 'VIX:IND', units: POINTS,
    frequencies: ['daily'], shape: mean(13, 22, 3, 0.95, { min: 9 }), coverage: 0, decimals: 2, sources: ['CBOE'],
    description: 'Measure of expected stock market volatility implied by S&P 500 options.', intended: volatility,
  },
  {
    key: 'realized_volatility', name: 'Stock Market Volatility (30-day realized)', house: 'agency',
    units: [unit('%', 3), unit('annualized %')], frequencies: ['daily', 'monthly'], shape: mean(10, 30, 3, 0.97, { min: 3 }),
    coverage: 25, decimals: 2, sources: ['Stock Exchange'], intended: volatility,
  },
  {
    key: 'fx_implied_volatility', name: 'Currency Implied Volatility (1-month)', house: 'agency', units: PERCENT,
    frequencies: ['daily'], shape: mean(5, 15, 1, 0.97, { min: 1 }), coverage: 20, localCurrencyOnly: true, decimals: 2,
    sources: ['Bloomberg'], intended: volatility,
  },
  {
    key: 'output_gap_imf', name: 'Output gap in percent of potential GDP', house: 'imf', code: 'NGAP_NPGDP_{ISO}',
    units: [unit('% of potential GDP', 3), unit('Percent of potential GDP', 2)], frequencies: ['annual'],
    shape: mean(-2, 1, 1.2, 0.7), coverage: 40, decimals: 3, periodicityLabel: 'Biannually',
    dataset: 'World Economic Outlook', intended: gap,
  },
  {
    key: 'output_gap', name: 'Output Gap', house: 'agency', units: [unit('% of potential GDP', 3), unit('%')],
    frequencies: ['quarterly'], shape: mean(-1.5, 1, 0.6, 0.85), coverage: 20, sources: ['Central Bank'], intended: gap,
  },
  {
    key: 'inflation_gap', name: 'Inflation Deviation from Target', house: 'agency', units: PERCENTAGE_POINTS,
    frequencies: ['monthly'], shape: mean(-1, 3, 0.7, 0.9), coverage: 30, sources: ['Central Bank'], intended: gap,
  },
];

export const CHANGE_CONCEPTS: readonly Concept[] = [...RATES, ...VOLATILITY_AND_GAPS];
