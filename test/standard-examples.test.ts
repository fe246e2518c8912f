import { describe, expect, it } from 'vitest';
import { Indicator } from '../src/domain/indicator.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

/**
 * Every example the standard names (shared/TAXONOMY.md: the family/type table, the temporal
 * aggregation table, the orientation rules and the currency rule), as a catalog would carry it:
 * a realistic name, units and periodicity. A field the standard does not decide for an example
 * is left out (undefined) rather than pinned to whatever the rules happen to say.
 */
interface Example {
  readonly example: string;
  readonly name: string;
  readonly units: string;
  readonly periodicity: string;
  readonly country?: string;
  readonly family?: string;
  readonly type?: string;
  readonly aggregation?: string;
  readonly money?: boolean;
  readonly orientation?: string;
}

const FAMILY_TYPE: Example[] = [
  { example: 'government debt (stock)', name: 'Government Debt', units: 'USD Billion', periodicity: 'Quarterly', family: 'physical-fundamental', type: 'stock', aggregation: 'point-in-time', money: true, orientation: 'lower-is-positive' },
  { example: 'reserves (stock)', name: 'Foreign Exchange Reserves', units: 'USD Million', periodicity: 'Monthly', family: 'physical-fundamental', type: 'stock', aggregation: 'point-in-time', money: true, orientation: 'higher-is-positive' },
  { example: 'population (stock)', name: 'Population', units: 'Million', periodicity: 'Yearly', family: 'physical-fundamental', type: 'stock', aggregation: 'point-in-time', money: false },
  { example: 'GDP (flow)', name: 'GDP', units: 'USD Billion', periodicity: 'Yearly', family: 'physical-fundamental', type: 'flow', aggregation: 'period-total', money: true, orientation: 'higher-is-positive' },
  { example: 'exports (flow)', name: 'Exports', units: 'EUR Million', periodicity: 'Monthly', family: 'physical-fundamental', type: 'flow', aggregation: 'period-total', money: true, orientation: 'higher-is-positive' },
  { example: 'trade balance (balance)', name: 'Balance of Trade', units: 'AWG Million', periodicity: 'Quarterly', country: 'Aruba', family: 'physical-fundamental', type: 'balance', aggregation: 'period-total', money: true },
  { example: 'net employment change (balance)', name: 'Net Employment Change', units: 'Thousand', periodicity: 'Monthly', family: 'physical-fundamental', type: 'balance', aggregation: 'period-total', money: false, orientation: 'higher-is-positive' },
  { example: 'labour force (capacity)', name: 'Labour Force', units: 'Thousand', periodicity: 'Quarterly', family: 'physical-fundamental', type: 'capacity', aggregation: 'point-in-time', money: false },
  { example: 'barrels (volume)', name: 'Crude Oil Imports', units: 'Thousand Barrels', periodicity: 'Weekly', family: 'physical-fundamental', type: 'volume', aggregation: 'period-total', money: false },
  { example: 'vehicles sold (volume)', name: 'Total Vehicle Sales', units: 'Million', periodicity: 'Monthly', family: 'physical-fundamental', type: 'volume', aggregation: 'period-total', money: false },
  { example: 'jobless claims (count)', name: 'Initial Jobless Claims', units: 'Thousand', periodicity: 'Weekly', family: 'numeric-measurement', type: 'count', aggregation: 'period-total', money: false, orientation: 'lower-is-positive' },
  { example: 'housing starts (count)', name: 'Housing Starts', units: 'Thousand units', periodicity: 'Monthly', family: 'numeric-measurement', type: 'count', aggregation: 'period-total', money: false },
  { example: 'unemployment rate (percentage)', name: 'Unemployment Rate', units: '%', periodicity: 'Monthly', family: 'numeric-measurement', type: 'percentage', aggregation: 'not-applicable', money: false, orientation: 'lower-is-positive' },
  { example: 'debt to GDP (ratio)', name: 'Government Debt to GDP', units: 'percent of GDP', periodicity: 'Yearly', family: 'numeric-measurement', type: 'ratio', aggregation: 'not-applicable', money: false, orientation: 'lower-is-positive' },
  { example: 'doctors per 1000 (ratio)', name: 'Medical Doctors', units: 'per 1000 people', periodicity: 'Yearly', family: 'numeric-measurement', type: 'ratio', aggregation: 'not-applicable', money: false },
  { example: 'yield spread (spread)', name: 'Yield Spread 10Y-2Y', units: '%', periodicity: 'Daily', family: 'numeric-measurement', type: 'spread', money: false },
  { example: 'labour share (share)', name: 'Labour Share of Income', units: '%', periodicity: 'Yearly', family: 'numeric-measurement', type: 'share', aggregation: 'not-applicable', money: false },
  { example: 'oil price (price)', name: 'Crude Oil Price', units: 'USD/Barrel', periodicity: 'Daily', family: 'price-value', type: 'price', aggregation: 'point-in-time', money: true, orientation: 'neutral' },
  { example: 'an exchange rate in currency units (price)', name: 'Exchange Rate', units: 'JPY per USD', periodicity: 'Daily', family: 'price-value', type: 'price', aggregation: 'point-in-time', money: false, orientation: 'neutral' },
  { example: 'bond yield (yield)', name: 'Government Bond 10Y Yield', units: '%', periodicity: 'Daily', family: 'price-value', type: 'yield', aggregation: 'point-in-time', money: false, orientation: 'neutral' },
  { example: 'policy rate (rate: the price of money)', name: 'Policy Interest Rate', units: '%', periodicity: 'Monthly', family: 'price-value', type: 'rate', aggregation: 'point-in-time', money: false, orientation: 'neutral' },
  { example: 'interbank rate (rate)', name: 'Interbank Rate', units: '%', periodicity: 'Daily', family: 'price-value', type: 'rate', aggregation: 'point-in-time', money: false, orientation: 'neutral' },
  { example: 'lending rate (rate)', name: 'Bank Lending Rate', units: '%', periodicity: 'Monthly', family: 'price-value', type: 'rate', aggregation: 'point-in-time', money: false, orientation: 'neutral' },
  { example: 'GDP growth (rate)', name: 'GDP Growth Rate', units: '%', periodicity: 'Quarterly', family: 'change-movement', type: 'rate', aggregation: 'period-rate', money: false },
  { example: 'inflation (rate)', name: 'Inflation Rate', units: '%', periodicity: 'Monthly', family: 'change-movement', type: 'rate', aggregation: 'period-rate', money: false, orientation: 'neutral' },
  { example: 'MoM change (rate)', name: 'Retail Sales MoM', units: '%', periodicity: 'Monthly', family: 'change-movement', type: 'rate', aggregation: 'period-rate', money: false },
  { example: 'YoY change (rate)', name: 'Industrial Production YoY', units: '%', periodicity: 'Monthly', family: 'change-movement', type: 'rate', aggregation: 'period-rate', money: false },
  { example: 'VIX (volatility)', name: 'VIX', units: 'points', periodicity: 'Daily', family: 'change-movement', type: 'volatility', money: false },
  { example: 'output gap (gap)', name: 'Output Gap', units: '% of potential GDP', periodicity: 'Yearly', family: 'change-movement', type: 'gap', money: false },
  { example: 'CPI level (index)', name: 'Consumer Price Index CPI', units: 'points', periodicity: 'Monthly', family: 'composite-derived', type: 'index', aggregation: 'point-in-time', money: false, orientation: 'neutral' },
  { example: 'PMI (index)', name: 'Manufacturing PMI', units: 'points', periodicity: 'Monthly', family: 'composite-derived', type: 'index', aggregation: 'period-average', money: false },
  { example: 'confidence indices (index)', name: 'Consumer Confidence', units: 'points', periodicity: 'Monthly', family: 'composite-derived', type: 'index', money: false, orientation: 'higher-is-positive' },
  { example: 'unemployment duration (duration)', name: 'Average Duration of Unemployment', units: 'Weeks', periodicity: 'Monthly', family: 'temporal', type: 'duration', money: false },
  { example: 'recession probability (probability)', name: 'Recession Probability', units: '%', periodicity: 'Monthly', family: 'temporal', type: 'probability', money: false },
  { example: 'poverty line (threshold)', name: 'Poverty Line', units: 'USD per day', periodicity: 'Yearly', family: 'temporal', type: 'threshold', money: true },
  { example: 'survey outlooks (sentiment)', name: 'Business Outlook Survey', units: 'points', periodicity: 'Quarterly', family: 'qualitative', type: 'sentiment', money: false },
  { example: 'portfolio allocation (allocation)', name: 'Portfolio Allocation to Equities', units: '%', periodicity: 'Quarterly', family: 'qualitative', type: 'allocation', money: false },
];

const TEMPORAL_AGGREGATION: Example[] = [
  { example: 'point-in-time: stocks', name: 'Money Supply M2', units: 'CNY Hundred Million', periodicity: 'Monthly', aggregation: 'point-in-time' },
  { example: 'point-in-time: prices', name: 'Gold Price', units: 'USD/t.oz', periodicity: 'Daily', aggregation: 'point-in-time' },
  { example: 'point-in-time: index levels', name: 'Stock Market Index', units: 'points', periodicity: 'Daily', aggregation: 'point-in-time' },
  { example: 'point-in-time: rates', name: 'Deposit Interest Rate', units: '%', periodicity: 'Monthly', aggregation: 'point-in-time' },
  { example: 'period-total: GDP', name: 'Gross Domestic Product', units: 'EUR Million', periodicity: 'Quarterly', aggregation: 'period-total' },
  { example: 'period-total: exports', name: 'Exports of Goods', units: 'USD Million', periodicity: 'Monthly', aggregation: 'period-total' },
  { example: 'period-total: sales', name: 'Retail Sales', units: 'USD Million', periodicity: 'Monthly', aggregation: 'period-total' },
  { example: 'period-total: production volumes', name: 'Coal Production', units: 'Thousand Tonnes', periodicity: 'Monthly', aggregation: 'period-total' },
  { example: 'period-average: averaged prices or rates', name: 'Official exchange rate (LCU per US$, period average)', units: 'LCU per US$, period average', periodicity: 'Yearly', aggregation: 'period-average' },
  { example: 'period-average: 4-week averages', name: 'Jobless Claims 4-week Average', units: 'Thousand', periodicity: 'Weekly', aggregation: 'period-average' },
  { example: 'period-average: diffusion indices', name: 'Services PMI', units: 'points', periodicity: 'Monthly', aggregation: 'period-average' },
  { example: 'period-rate: growth', name: 'GDP Annual Growth Rate', units: '%', periodicity: 'Quarterly', aggregation: 'period-rate' },
  { example: 'period-rate: inflation', name: 'Core Inflation Rate', units: '%', periodicity: 'Monthly', aggregation: 'period-rate' },
  { example: 'period-rate: MoM %', name: 'Import Prices MoM', units: '%', periodicity: 'Monthly', aggregation: 'period-rate' },
  { example: 'period-rate: YoY %', name: 'Producer Prices YoY', units: '%', periodicity: 'Monthly', aggregation: 'period-rate' },
  { example: 'period-cumulative: YTD series', name: 'Exports YTD', units: 'USD Million', periodicity: 'Monthly', aggregation: 'period-cumulative' },
  { example: 'not-applicable: unemployment %', name: 'Youth Unemployment Rate', units: '%', periodicity: 'Monthly', aggregation: 'not-applicable' },
  { example: 'not-applicable: debt to GDP', name: 'Household Debt to GDP', units: '% of GDP', periodicity: 'Quarterly', aggregation: 'not-applicable' },
  { example: 'not-applicable: GDP per capita', name: 'GDP per Capita', units: 'USD', periodicity: 'Yearly', aggregation: 'not-applicable' },
];

const ORIENTATION: Example[] = [
  { example: 'inflation is neutral', name: 'Core Inflation Rate', units: '%', periodicity: 'Monthly', orientation: 'neutral' },
  { example: 'price-change series are neutral', name: 'Producer Prices Change', units: '%', periodicity: 'Monthly', orientation: 'neutral' },
  { example: 'interest rates are neutral', name: 'Interest Rate', units: '%', periodicity: 'Monthly', orientation: 'neutral' },
  { example: 'exchange rates are neutral', name: 'Currency', units: 'USD/EUR', periodicity: 'Daily', orientation: 'neutral' },
  { example: 'most prices are neutral', name: 'Gasoline Prices', units: 'USD/Liter', periodicity: 'Monthly', orientation: 'neutral' },
  { example: 'debt: lower is positive', name: 'External Debt', units: 'USD Million', periodicity: 'Quarterly', orientation: 'lower-is-positive' },
  { example: 'unemployment: lower is positive', name: 'Unemployed Persons', units: 'Thousand', periodicity: 'Monthly', orientation: 'lower-is-positive' },
  { example: 'claims: lower is positive', name: 'Continuing Jobless Claims', units: 'Thousand', periodicity: 'Weekly', orientation: 'lower-is-positive' },
  { example: 'default probabilities: lower is positive', name: 'Probability of Default', units: '%', periodicity: 'Quarterly', orientation: 'lower-is-positive' },
  { example: 'output: higher is positive', name: 'Industrial Production', units: 'points', periodicity: 'Monthly', orientation: 'higher-is-positive' },
  { example: 'employment: higher is positive', name: 'Employed Persons', units: 'Thousand', periodicity: 'Quarterly', orientation: 'higher-is-positive' },
  { example: 'confidence: higher is positive', name: 'Business Confidence', units: 'points', periodicity: 'Monthly', orientation: 'higher-is-positive' },
  { example: 'reserves: higher is positive', name: 'Gold Reserves', units: 'Tonnes', periodicity: 'Quarterly', orientation: 'higher-is-positive' },
  { example: 'exports: higher is positive', name: 'Exports', units: 'USD Million', periodicity: 'Monthly', orientation: 'higher-is-positive' },
];

const CURRENCY: Example[] = [
  { example: 'an amount in USD Million is money', name: 'Government Revenues', units: 'USD Million', periodicity: 'Monthly', money: true },
  { example: 'an amount in local currency is money', name: 'Government Spending', units: 'National currency, Billion', periodicity: 'Yearly', country: 'Kenya', money: true },
  { example: 'a price in currency units is money', name: 'Brent Crude Oil', units: 'USD/Bbl', periodicity: 'Daily', money: true },
  { example: 'an exchange rate is not an amount', name: 'Official exchange rate (LCU per US$, period average)', units: 'LCU per US$, period average', periodicity: 'Yearly', money: false },
  { example: 'a share of GDP is not money', name: 'Government Budget', units: '% of GDP', periodicity: 'Yearly', money: false },
];

function classify(row: Example) {
  const c = classifyWithRules(
    Indicator.parse({ id: 'example', name: row.name, units: row.units, periodicity: row.periodicity, country: row.country ?? null }),
  );
  return {
    family: c.family.family,
    type: c.type.type,
    aggregation: c.type.temporal_aggregation,
    money: c.type.is_currency_denominated,
    orientation: c.orientation.orientation,
  };
}

/** Only the fields the standard decides for this example. */
function expected(row: Example): Partial<ReturnType<typeof classify>> {
  const { family, type, aggregation, money, orientation } = row;
  const all = { family, type, aggregation, money, orientation };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

describe('the standard\'s own examples classify as the standard says', () => {
  const tables = { 'family and type': FAMILY_TYPE, 'temporal aggregation': TEMPORAL_AGGREGATION, orientation: ORIENTATION, currency: CURRENCY };
  for (const [table, rows] of Object.entries(tables)) {
    it.each(rows)(`${table}: $example`, (row) => {
      const want = expected(row);
      expect(Object.keys(want).length).toBeGreaterThan(0);
      const got = classify(row);
      expect(Object.fromEntries(Object.keys(want).map((key) => [key, got[key as keyof typeof got]]))).toEqual(want);
    });
  }
});
