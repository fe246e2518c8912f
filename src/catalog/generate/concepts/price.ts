/** Prices (commodities, currencies, wages), yields and the rates that price money. */
import type { Concept } from '../types.js';
import {
  EUROPE, fx, label, LOCAL_PER_MONTH, mean, PERCENT, price, range, step, trend, unit, usd, usdUnit,
} from '../vocabulary.js';

const pricePoint = label('price-value', 'price', 'point-in-time');
const yieldPoint = label('price-value', 'yield', 'point-in-time');
const ratePoint = label('price-value', 'rate', 'point-in-time');

const COMMODITIES: readonly Concept[] = [
  {
    key: 'crude_oil_brent', name: 'Crude Oil Price - Brent', house: 'market', code: 'crude_oil_brent',
    units: [usdUnit('USD/Bbl', 3), usdUnit('USD per barrel', 2)], frequencies: ['daily', 'monthly'],
    shape: price(range(70, 90), 0.3), coverage: 0, decimals: 2, sources: ['ICE Futures Europe'], intended: pricePoint,
  },
  {
    key: 'gold_spot', name: 'Gold Spot Price', house: 'market', code: 'XAUUSD:CUR',
    units: [usdUnit('USD/t.oz', 3), usdUnit('USD per troy ounce', 2)], frequencies: ['daily', 'monthly'],
    shape: price(range(1900, 2600), 0.15, 0.08), coverage: 0, decimals: 2, sources: ['London Bullion Market'],
    intended: pricePoint,
  },
  {
    key: 'copper_lme', name: 'Copper Price - LME', house: 'market', code: 'copper_price_lme',
    units: [usdUnit('USD/T', 2), usdUnit('USD per metric ton', 2)], frequencies: ['daily', 'monthly'],
    shape: price(range(8000, 10000), 0.2), coverage: 0, decimals: 1, sources: ['London Metal Exchange'],
    intended: pricePoint,
  },
  {
    key: 'wheat_cbot', name: 'Wheat', house: 'market', code: 'W 1:COM',
    units: [usdUnit('USd/Bu', 3), usdUnit('USD per bushel')], frequencies: ['daily'],
    shape: price(range(500, 700), 0.3), coverage: 0, decimals: 2, sources: ['Chicago Board of Trade'], intended: pricePoint,
  },
  {
    key: 'electricity_price', name: 'Electricity Price', house: 'te', units: [unit('EUR/MWh')], only: EUROPE,
    frequencies: ['daily'], shape: price(range(50, 150), 0.8), coverage: EUROPE.length, decimals: 2,
    category: 'Commodity', intended: pricePoint,
  },
  {
    key: 'gasoline_prices', name: 'Gasoline Prices', house: 'te', units: [usdUnit('USD/Liter', 3), usdUnit('USD per liter')],
    frequencies: ['monthly'], shape: price(range(0.3, 2.2), 0.15), coverage: 160, decimals: 2, category: 'Prices',
    intended: pricePoint,
  },
];

const CURRENCY_AND_WAGES: readonly Concept[] = [
  {
    key: 'alt_official_fx', name: '{country} Alternative Official FX Rate Rate ({CUR})', house: 'imf',
    code: 'UFX_WB_{ISO}_{CUR}', units: [unit('{CUR}')], frequencies: ['monthly'], shape: price(fx, 0.08, 0.03),
    coverage: 150, localCurrencyOnly: true, category: 'Markets', sources: ['World Bank'], intended: pricePoint,
  },
  {
    key: 'official_exchange_rate_wb', name: 'Official exchange rate (LCU per US$, period average)', house: 'wb',
    code: 'PA.NUS.FCRF_{ISO}', units: [unit('LCU per US$', 3), unit('LCU per USD')], frequencies: ['annual'],
    shape: price(fx, 0.1, 0.03), coverage: 185, localCurrencyOnly: true, topic: 'Financial Sector',
    description: 'Official exchange rate determined by national authorities, annual average based on monthly averages.',
    intended: label('price-value', 'price', 'period-average'),
  },
  {
    key: 'minimum_wages', name: 'Minimum Wages', house: 'te', units: LOCAL_PER_MONTH, frequencies: ['annual', 'semiannual'],
    shape: step(usd(400), 0.06, 0.5, { relative: true, upOnly: true }), coverage: 150, decimals: 2, category: 'Labour',
    intended: pricePoint,
  },
  {
    key: 'average_wages', name: 'Wages', house: 'te', units: LOCAL_PER_MONTH, frequencies: ['quarterly', 'monthly', 'annual'],
    shape: trend(usd(1500), 0.05, 0.02), coverage: 100, decimals: 2, category: 'Labour', intended: pricePoint,
  },
];

const YIELDS_AND_RATES: readonly Concept[] = [
  {
    key: 'government_bond_10y', name: 'Government Bond 10Y', house: 'te', units: PERCENT, frequencies: ['daily'],
    shape: mean(1, 12, 0.3, 0.995, { min: -0.5 }), coverage: 80, decimals: 3, category: 'Bonds',
    description: 'Yield on the benchmark 10-year government bond.', intended: yieldPoint,
  },
  {
    key: 'interest_rate', name: 'Interest Rate', house: 'te', units: PERCENT, frequencies: ['monthly', 'daily'],
    shape: step(range(0.25, 15), 0.25, 0.15), coverage: 170, decimals: 2, category: 'Money',
    description: 'The benchmark policy rate set by the central bank.', intended: ratePoint,
  },
  {
    key: 'interbank_rate', name: 'Interbank Rate', house: 'te', units: PERCENT, frequencies: ['daily', 'monthly'],
    shape: mean(0.5, 14, 0.1, 0.99, { min: 0 }), coverage: 90, decimals: 4, category: 'Money', intended: ratePoint,
  },
  {
    key: 'lending_rate_wb', name: 'Lending interest rate (%)', house: 'wb', code: 'FR.INR.LEND_{ISO}', units: PERCENT,
    frequencies: ['annual'], shape: mean(4, 20, 0.7, 0.9, { min: 1 }), coverage: 140, decimals: 3, topic: 'Financial Sector',
    intended: label('price-value', 'rate', 'period-average'),
  },
  {
    key: 'deposit_interest_rate', name: 'Deposit Interest Rate', house: 'te', units: PERCENT, frequencies: ['monthly'],
    shape: step(range(0.1, 10), 0.25, 0.1), coverage: 110, decimals: 2, category: 'Money', intended: ratePoint,
  },
  {
    key: 'mortgage_rate', name: 'Mortgage Rate', house: 'te', units: PERCENT, frequencies: ['weekly', 'monthly'],
    shape: mean(3, 9, 0.15, 0.97, { min: 0.5 }), coverage: 30, decimals: 2, category: 'Housing', intended: ratePoint,
  },
];

export const PRICE_CONCEPTS: readonly Concept[] = [...COMMODITIES, ...CURRENCY_AND_WAGES, ...YIELDS_AND_RATES];
