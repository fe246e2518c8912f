/** Counts, percentages, ratios, spreads and shares. */
import type { Concept } from '../types.js';
import {
  BASIS_POINTS, capita, EURO_PERIPHERY, label, mean, PERCENT, PERCENT_OF_GDP,
  PERCENTAGE_POINTS, PERSONS, pop, range, runningTotal, seasonal, step, THOUSAND, trend, unit, WB_USD,
} from '../vocabulary.js';

const countTotal = label('numeric-measurement', 'count', 'period-total');
const percentage = label('numeric-measurement', 'percentage', 'not-applicable');
const ratio = label('numeric-measurement', 'ratio', 'not-applicable');
const spread = label('numeric-measurement', 'spread', 'not-applicable');
const share = label('numeric-measurement', 'share', 'not-applicable');

const COUNTS: readonly Concept[] = [
  {
    key: 'initial_jobless_claims', name: 'Initial Jobless Claims', house: 'te', units: [unit('Thousand', 3), unit('thousands')],
    only: ['USA'], frequencies: ['weekly'], shape: mean(200, 240, 20, 0.8), coverage: 1, decimals: 0,
    category: 'Labour', intended: countTotal,
  },
  {
    key: 'housing_starts', name: 'Housing Starts', house: 'te',
    units: [unit('Thousand units', 3, 1e3), unit('thousands of units', 1, 1e3), unit('Units', 2)],
    frequencies: ['monthly', 'quarterly'], shape: seasonal(pop(0.004), 0.15, 0.01, 0.08), coverage: 30,
    category: 'Housing', intended: countTotal,
  },
  {
    key: 'tourist_arrivals', name: 'Tourist Arrivals', house: 'te', units: [unit('Persons', 4), unit('Thousand', 1, 1e3)],
    frequencies: ['monthly', 'quarterly'], shape: seasonal(pop(0.5), 0.35, 0.05, 0.08), coverage: 100, decimals: 0,
    category: 'Trade', intended: countTotal,
  },
  {
    key: 'bankruptcies', name: 'Bankruptcies', house: 'te', units: [unit('Companies', 3), unit('Number')],
    frequencies: ['monthly', 'quarterly'], shape: seasonal(pop(0.0005), 0.1, 0, 0.1), coverage: 45, decimals: 0,
    category: 'Business', intended: countTotal,
  },
  {
    key: 'unemployed_persons', name: 'Unemployed Persons', house: 'te', units: THOUSAND,
    frequencies: ['monthly', 'quarterly'], shape: trend(pop(0.025), 0, 0.08), coverage: 110, category: 'Labour',
    intended: label('numeric-measurement', 'count', 'point-in-time'),
  },
  {
    key: 'coronavirus_cases', name: 'Coronavirus Cases', house: 'te', units: PERSONS, frequencies: ['daily', 'weekly'],
    shape: runningTotal(pop(0.08), 0.5), coverage: 180, decimals: 0, lastYear: 2023, calendarDays: true,
    category: 'Health', description: 'Confirmed cases, cumulative since the start of the pandemic.',
    intended: label('numeric-measurement', 'count', 'period-cumulative'),
  },
];

const PERCENTAGES: readonly Concept[] = [
  {
    key: 'unemployment_rate', name: 'Unemployment Rate', house: 'te', units: PERCENT,
    frequencies: ['monthly', 'quarterly', 'annual'], shape: mean(3, 25, 0.5, 0.92, { min: 0.5 }), coverage: 175,
    category: 'Labour', description: 'Share of the labour force that is without work but available and seeking employment.',
    intended: percentage,
  },
  {
    key: 'labor_force_participation', name: 'Labor Force Participation Rate', house: 'te', units: PERCENT,
    frequencies: ['quarterly', 'monthly', 'annual'], shape: mean(50, 72, 0.4, 0.9), coverage: 110, category: 'Labour',
    intended: percentage,
  },
  {
    key: 'capacity_utilization', name: 'Capacity Utilization', house: 'te', units: PERCENT,
    frequencies: ['monthly', 'quarterly'], shape: mean(65, 85, 1.5, 0.8, { max: 100 }), coverage: 50,
    category: 'Business', intended: percentage,
  },
  {
    key: 'unemployment_wb', name: 'Unemployment, total (% of total labor force) (modeled ILO estimate)', house: 'wb',
    code: 'SL.UEM.TOTL.ZS_{ISO}', units: [unit('% of total labor force', 3), unit('%')], frequencies: ['annual'],
    shape: mean(2, 25, 1, 0.8, { min: 0.3 }), coverage: 185, decimals: 3, topic: 'Labor & Social Protection',
    description: 'Unemployment refers to the share of the labor force that is without work but available for and seeking employment.',
    intended: percentage,
  },
  {
    key: 'corporate_tax_rate', name: 'Corporate Tax Rate', house: 'te', units: PERCENT, frequencies: ['annual'],
    shape: step(range(9, 35), 1, 0.08), coverage: 170, decimals: 0, category: 'Taxes', intended: percentage,
  },
  {
    key: 'sales_tax_rate', name: 'Sales Tax Rate', house: 'te', units: PERCENT, frequencies: ['annual'],
    shape: step(range(5, 25), 1, 0.06), coverage: 165, decimals: 0, category: 'Taxes', intended: percentage,
  },
  {
    key: 'non_performing_loans', name: 'Non Performing Loans', house: 'te', units: PERCENT, frequencies: ['quarterly', 'annual'],
    shape: mean(1, 15, 0.5, 0.92, { min: 0.2 }), coverage: 80, decimals: 2, category: 'Money', intended: percentage,
  },
  {
    key: 'poverty_headcount_wb', name: 'Poverty headcount ratio at national poverty lines (% of population)', house: 'wb',
    code: 'SI.POV.NAHC_{ISO}', units: [unit('% of population', 3), unit('%')], frequencies: ['annual'],
    shape: mean(5, 45, 1, 0.9, { min: 0 }), coverage: 120, topic: 'Poverty', intended: percentage,
  },
];

const RATIOS: readonly Concept[] = [
  {
    key: 'government_debt_to_gdp', name: 'Government Debt to GDP', house: 'te', units: PERCENT_OF_GDP,
    frequencies: ['annual'], shape: mean(15, 160, 2, 0.95, { min: 1 }), coverage: 188, category: 'Government',
    intended: ratio,
  },
  {
    key: 'government_budget', name: 'Government Budget', house: 'te', units: PERCENT_OF_GDP, frequencies: ['annual'],
    shape: mean(-8, 2, 1.2, 0.6), coverage: 180, category: 'Government',
    description: 'Government budget balance as a percent of GDP.', intended: ratio,
  },
  {
    key: 'current_account_to_gdp', name: 'Current Account to GDP', house: 'te', units: PERCENT_OF_GDP,
    frequencies: ['annual'], shape: mean(-8, 8, 1.5, 0.7), coverage: 175, category: 'Trade', intended: ratio,
  },
  {
    key: 'medical_doctors', name: 'Medical Doctors', house: 'te', units: [unit('per 1000 people', 4), unit('per 1,000 people')],
    frequencies: ['annual'], shape: trend(range(0.1, 5), 0.02, 0.01), coverage: 150, decimals: 2, category: 'Health',
    intended: label('numeric-measurement', 'ratio', 'point-in-time'),
  },
  {
    key: 'pe_ratio', name: 'Stock Market Price-to-Earnings Ratio', house: 'agency', units: [unit('ratio', 3), unit('times')],
    frequencies: ['daily', 'monthly'], shape: mean(10, 30, 2, 0.98, { min: 3 }), coverage: 20, decimals: 2,
    sources: ['Stock Exchange'], intended: ratio,
  },
  {
    key: 'gdp_per_capita_wb', name: 'GDP per capita (current US$)', house: 'wb', code: 'NY.GDP.PCAP.CD_{ISO}', units: WB_USD,
    frequencies: ['annual'], shape: trend(capita(1), 0.04, 0.05), coverage: 188, decimals: 2, topic: 'Economy & Growth',
    description: 'GDP per capita is gross domestic product divided by midyear population. Data are in current U.S. dollars.',
    intended: ratio,
  },
  {
    key: 'ngdppc', name: 'Gross domestic product per capita, current prices', house: 'imf', code: 'NGDPPC_{ISO}',
    units: [{ text: 'National currency', money: 'local', weight: 4 }, { text: 'Domestic currency', money: 'local' }],
    frequencies: ['annual'],
    shape: trend(capita(1), 0.05, 0.04), coverage: 180, decimals: 2, periodicityLabel: 'Biannually',
    dataset: 'World Economic Outlook', intended: ratio,
  },
  {
    key: 'reserves_months_of_imports', name: 'Total reserves in months of imports', house: 'wb', code: 'FI.RES.TOTL.MO_{ISO}',
    units: [unit('months of imports', 3), unit('months')], frequencies: ['annual'],
    shape: mean(1, 15, 0.8, 0.85, { min: 0.2 }), coverage: 140, decimals: 2, topic: 'Financial Sector', intended: ratio,
  },
];

const SPREADS_AND_SHARES: readonly Concept[] = [
  {
    key: 'yield_curve_10y_2y', name: '10-Year minus 2-Year Government Bond Yield Spread', house: 'agency',
    units: PERCENTAGE_POINTS, frequencies: ['daily'], shape: mean(-1, 2, 0.3, 0.98), coverage: 25, decimals: 2,
    sources: ['Central Bank'], intended: spread,
  },
  {
    key: 'bund_spread', name: '10Y Bond Yield Spread vs Bund', house: 'te', units: BASIS_POINTS, only: EURO_PERIPHERY,
    frequencies: ['daily'], shape: mean(20, 350, 30, 0.97, { min: 0 }), coverage: EURO_PERIPHERY.length, decimals: 1,
    category: 'Bonds', intended: spread,
  },
  {
    key: 'interest_rate_spread_wb', name: 'Interest rate spread (lending rate minus deposit rate, %)', house: 'wb',
    code: 'FR.INR.LNDP_{ISO}', units: PERCENT, frequencies: ['annual'], shape: mean(2, 12, 0.5, 0.9, { min: 0.2 }),
    coverage: 110, decimals: 3, topic: 'Financial Sector', intended: spread,
  },
  {
    key: 'cds_5y', name: '5 Year Credit Default Swap', house: 'te', units: [...BASIS_POINTS, unit('points', 2)],
    frequencies: ['daily'], shape: mean(20, 600, 20, 0.98, { min: 5 }), coverage: 50, decimals: 2, category: 'Bonds',
    intended: spread,
  },
  {
    key: 'labour_share', name: 'Labour Share of Income', house: 'agency', units: [unit('%', 3), unit('% of GDP')],
    frequencies: ['annual', 'quarterly'], shape: mean(45, 65, 0.5, 0.95), coverage: 40, sources: ['National Statistics Office', 'ILO'],
    intended: share,
  },
  {
    key: 'consumption_share', name: 'Household Consumption as Share of GDP', house: 'agency', units: [unit('%', 3), unit('% of GDP')],
    frequencies: ['quarterly', 'annual'], shape: mean(40, 75, 0.8, 0.9), coverage: 50, sources: ['National Statistics Office'],
    intended: share,
  },
  {
    key: 'exports_share_wb', name: 'Exports of goods and services (% of GDP)', house: 'wb', code: 'NE.EXP.GNFS.ZS_{ISO}',
    units: PERCENT_OF_GDP, frequencies: ['annual'], shape: mean(10, 90, 2, 0.9, { min: 1 }), coverage: 175, decimals: 3,
    topic: 'Economy & Growth', intended: share,
  },
  {
    key: 'manufacturing_share_wb', name: 'Manufacturing, value added (% of GDP)', house: 'wb', code: 'NV.IND.MANF.ZS_{ISO}',
    units: PERCENT_OF_GDP, frequencies: ['annual'], shape: mean(3, 30, 0.6, 0.95, { min: 0.5 }), coverage: 170, decimals: 3,
    topic: 'Economy & Growth', intended: share,
  },
  {
    key: 'renewables_share_wb', name: 'Renewable energy consumption (% of total final energy consumption)', house: 'wb',
    code: 'EG.FEC.RNEW.ZS_{ISO}', units: [unit('% of total final energy consumption', 2), unit('%')], frequencies: ['annual'],
    shape: mean(2, 90, 1, 0.95, { min: 0, max: 100 }), coverage: 160, decimals: 2, topic: 'Energy & Mining', intended: share,
  },
];

export const NUMERIC_CONCEPTS: readonly Concept[] = [...COUNTS, ...PERCENTAGES, ...RATIOS, ...SPREADS_AND_SHARES];
