import { describe, expect, it } from 'vitest';
import { Indicator } from '../src/domain/indicator.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

type Row = [name: string, units: string | null, family: string, type: string, aggregation: string, money: boolean, orientation: string];

/** Indicators outside the development set, labeled by the standard (shared/TAXONOMY.md). */
const CASES: Row[] = [
  ['Balance of Trade', 'USD Million', 'physical-fundamental', 'balance', 'period-total', true, 'neutral'],
  ['Exports', 'USD Million', 'physical-fundamental', 'flow', 'period-total', true, 'higher-is-positive'],
  ['Imports YoY', '%', 'change-movement', 'rate', 'period-rate', false, 'neutral'],
  ['GDP Annual Growth Rate', '%', 'change-movement', 'rate', 'period-rate', false, 'higher-is-positive'],
  ['Core Inflation Rate', '%', 'change-movement', 'rate', 'period-rate', false, 'neutral'],
  ['Producer Prices', 'points', 'composite-derived', 'index', 'point-in-time', false, 'neutral'],
  ['Interbank Rate', '%', 'price-value', 'rate', 'point-in-time', false, 'neutral'],
  ['Government Bond 10Y', '%', 'price-value', 'yield', 'point-in-time', false, 'neutral'],
  ['Money Supply M2', 'CNY Hundred Million', 'physical-fundamental', 'stock', 'point-in-time', true, 'neutral'],
  ['Central Bank Balance Sheet', 'JPY Hundred Million', 'physical-fundamental', 'stock', 'point-in-time', true, 'neutral'],
  ['Youth Unemployment Rate', '%', 'numeric-measurement', 'percentage', 'not-applicable', false, 'lower-is-positive'],
  ['Initial Jobless Claims', 'Thousand', 'numeric-measurement', 'count', 'period-total', false, 'lower-is-positive'],
  ['Non Farm Payrolls', 'Thousand', 'physical-fundamental', 'balance', 'period-total', false, 'higher-is-positive'],
  ['Labor Force Participation Rate', '%', 'numeric-measurement', 'percentage', 'not-applicable', false, 'higher-is-positive'],
  ['Manufacturing PMI', 'points', 'composite-derived', 'index', 'period-average', false, 'higher-is-positive'],
  ['ZEW Economic Sentiment Index', 'points', 'qualitative', 'sentiment', 'point-in-time', false, 'higher-is-positive'],
  ['Capacity Utilization', '%', 'numeric-measurement', 'percentage', 'not-applicable', false, 'higher-is-positive'],
  ['Crude Oil Inventories', 'BBL/1Million', 'physical-fundamental', 'stock', 'point-in-time', false, 'neutral'],
  ['Gasoline Stocks Change', 'BBL/1Million', 'physical-fundamental', 'balance', 'period-total', false, 'neutral'],
  ['Household Debt to GDP', 'percent of GDP', 'numeric-measurement', 'ratio', 'not-applicable', false, 'lower-is-positive'],
  ['Government Spending', 'USD Million', 'physical-fundamental', 'flow', 'period-total', true, 'neutral'],
  ['Corporate Tax Rate', '%', 'numeric-measurement', 'percentage', 'not-applicable', false, 'neutral'],
  ['Exports YTD', 'USD Million', 'physical-fundamental', 'flow', 'period-cumulative', true, 'higher-is-positive'],
  ['GNI per capita, Atlas method (current US$)', 'current US$', 'numeric-measurement', 'ratio', 'not-applicable', true, 'higher-is-positive'],
  ['Urban population (% of total population)', '% of total population', 'numeric-measurement', 'share', 'not-applicable', false, 'neutral'],
  ['Mortality rate, infant (per 1,000 live births)', 'per 1,000 live births', 'numeric-measurement', 'ratio', 'not-applicable', false, 'lower-is-positive'],
  ['Gasoline Prices', 'USD/Liter', 'price-value', 'price', 'point-in-time', true, 'neutral'],
  ['Currency', 'USD/EUR', 'price-value', 'price', 'point-in-time', false, 'neutral'],
  ['Official exchange rate (LCU per US$, period average)', 'LCU per US$, period average', 'price-value', 'price', 'period-average', false, 'neutral'],
  ['Stock Market', 'points', 'composite-derived', 'index', 'point-in-time', false, 'higher-is-positive'],
  ['Claimant Count Change', 'Thousand', 'physical-fundamental', 'balance', 'period-total', false, 'lower-is-positive'],
  ['Retirement Age Men', 'Years', 'temporal', 'threshold', 'point-in-time', false, 'neutral'],
  // Bad loans over all loans: a ratio of two quantities, as three of four blind labels read it.
  ['Bank nonperforming loans to total gross loans (%)', '%', 'numeric-measurement', 'ratio', 'not-applicable', false, 'lower-is-positive'],
  // An amount over GDP or per head is the standard's ratio ("debt to GDP", "GDP per capita"); a sector's value added is a part of GDP.
  ['Tax revenue (% of GDP)', '% of GDP', 'numeric-measurement', 'ratio', 'not-applicable', false, 'higher-is-positive'],
  ['Manufacturing, value added (% of GDP)', '% of GDP', 'numeric-measurement', 'share', 'not-applicable', false, 'higher-is-positive'],
  ['GDP per capita (current US$)', 'current US$', 'numeric-measurement', 'ratio', 'not-applicable', true, 'higher-is-positive'],
  // Production counted in barrels or units is a volume (barrels, vehicles sold); per day it is the period's average.
  ['Crude Oil Production', 'BBL/D/1K', 'physical-fundamental', 'volume', 'period-average', false, 'higher-is-positive'],
  ['Car Production', 'Units', 'physical-fundamental', 'volume', 'period-total', false, 'higher-is-positive'],
  // National sources' own languages.
  ['Tasa de Referencia de la Política Monetaria', '%', 'price-value', 'rate', 'point-in-time', false, 'neutral'],
  ['Balança comercial', 'USD Million', 'physical-fundamental', 'balance', 'period-total', true, 'neutral'],
  ['Reservas Internacionales', 'USD Million', 'physical-fundamental', 'stock', 'point-in-time', true, 'higher-is-positive'],
  // A level's change since January is year-to-date; a flow's YTD sum against last year's is a YoY rate.
  ['IPCA - Variação acumulada no ano', '%', 'change-movement', 'rate', 'period-cumulative', false, 'neutral'],
  ['Fixed Asset Investment (YTD) YoY', '%', 'change-movement', 'rate', 'period-rate', false, 'higher-is-positive'],
  ['Long-term interest rates', '% per annum', 'price-value', 'yield', 'period-average', false, 'neutral'],
  ['Life expectancy at birth, total (years)', 'years', 'temporal', 'duration', 'not-applicable', false, 'higher-is-positive'],
  ['New Yuan Loans', 'CNY Billion', 'physical-fundamental', 'flow', 'period-total', true, 'higher-is-positive'],
  // A net position is held at the report date; a net flow is summed over the period.
  ['CFTC EUR Speculative Net Positions', 'Contracts', 'physical-fundamental', 'balance', 'point-in-time', false, 'neutral'],
  ['Net Long-term TIC Flows', 'USD Billion', 'physical-fundamental', 'balance', 'period-total', true, 'neutral'],
  // A moving average in the name decides period-average; a comparison with one does not.
  ['TSA Passenger Screenings, 7-Day Moving Average', 'Thousand', 'numeric-measurement', 'count', 'period-average', false, 'higher-is-positive'],
  ['S&P 500 % of Members Above 200-Day Moving Average', '%', 'numeric-measurement', 'share', 'not-applicable', false, 'higher-is-positive'],
  ['Average Net Wages', 'RSD', 'price-value', 'price', 'period-average', true, 'neutral'],
  ['Secured Overnight Financing Rate', '%', 'price-value', 'rate', 'point-in-time', false, 'neutral'],
  ['Unemployment Change', 'Thousand', 'physical-fundamental', 'balance', 'period-total', false, 'lower-is-positive'],
  ['Households and nonprofit organizations; net worth, Level', 'Billions of Dollars', 'physical-fundamental', 'stock', 'point-in-time', true, 'higher-is-positive'],
  ['EURCHF', 'CHF', 'price-value', 'price', 'point-in-time', false, 'neutral'],
  // Rounds 13-16, from the blind holdouts' labels: things in place counted are a level at a date; a
  // stock in days of its use is a duration; a crop's yield is a ratio; per-share amounts are flows.
  ['Number of Bank Branches', 'Number', 'physical-fundamental', 'stock', 'point-in-time', false, 'higher-is-positive'],
  ['Inward FDI Stock', 'USD Million', 'physical-fundamental', 'stock', 'point-in-time', true, 'higher-is-positive'],
  ['Deposit Insurance Coverage Limit', 'EUR', 'temporal', 'threshold', 'point-in-time', true, 'neutral'],
  ['Gasoline Days of Supply', 'Days', 'temporal', 'duration', 'point-in-time', false, 'neutral'],
  ['Corn Yield', 'Bushels per Acre', 'numeric-measurement', 'ratio', 'not-applicable', false, 'higher-is-positive'],
  ['Solar PV Capacity Additions - China', 'GW', 'physical-fundamental', 'volume', 'period-total', false, 'higher-is-positive'],
  ['Patent Grants', 'Number', 'numeric-measurement', 'count', 'period-total', false, 'higher-is-positive'],
  ['Price-to-Book', 'x', 'numeric-measurement', 'ratio', 'not-applicable', false, 'neutral'],
  ['Dividends Per Share - S&P 500 (Trailing 12 Months)', 'USD', 'physical-fundamental', 'flow', 'period-total', true, 'higher-is-positive'],
];

describe('family, type, aggregation, currency and orientation by rules', () => {
  it.each(CASES)('%s (%s)', (name, units, family, type, aggregation, money, orientation) => {
    const c = classifyWithRules(Indicator.parse({ id: 'case', name, units }));
    expect({
      family: c.family.family,
      type: c.type.type,
      aggregation: c.type.temporal_aggregation,
      money: c.type.is_currency_denominated,
      orientation: c.orientation.orientation,
    }).toEqual({ family, type, aggregation, money, orientation });
    for (const stage of [c.normalization, c.time, c.cumulative, c.family, c.type, c.orientation]) {
      expect(stage.source).toBe('rules');
      expect(stage.reason).not.toBe('');
      expect(stage.confidence).toBeGreaterThanOrEqual(0);
      expect(stage.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('reads a year-to-date series from its values even when the name does not say so', () => {
    const values = [2023, 2024].flatMap((year) =>
      Array.from({ length: 12 }, (_, m) => ({ date: `${year}-${String(m + 1).padStart(2, '0')}`, value: (m + 1) * 100 + year - 2000 })),
    );
    const c = classifyWithRules(
      Indicator.parse({ id: 'ytd', name: 'Crude Oil Production', units: 'Million Barrels', periodicity: 'Monthly', sample_values: values }),
    );
    expect(c.cumulative.pattern).toBe('ytd');
    expect(c.type.temporal_aggregation).toBe('period-cumulative');
  });

  it('sends an indicator it cannot read to review as any/other with low confidence', () => {
    const c = classifyWithRules(Indicator.parse({ id: 'x', name: 'Zyxw', units: null }));
    expect(c.family.family).toBe('any');
    expect(c.type.type).toBe('other');
    expect(c.family.confidence).toBeLessThan(0.5);
  });
});
