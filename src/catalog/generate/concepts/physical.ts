/** Stocks, flows, balances, capacities and volumes: amounts of money and physical quantities. */
import type { Concept } from '../types.js';
import {
  EUROPE, gdp, label, mean, NATIONAL_CURRENCY_BN, OIL_PRODUCERS, PERSONS, pop, range, runningTotal, seasonal,
  TE_LOCAL, TE_MONEY, TE_USD, THOUSAND, trend, unit, USD_MILLION, WB_LCU, WB_USD, ytd,
} from '../vocabulary.js';

const stock = label('physical-fundamental', 'stock', 'point-in-time');
const flowTotal = label('physical-fundamental', 'flow', 'period-total');
const flowYtd = label('physical-fundamental', 'flow', 'period-cumulative');
const balance = label('physical-fundamental', 'balance', 'period-total');
const capacity = label('physical-fundamental', 'capacity', 'point-in-time');
const volume = label('physical-fundamental', 'volume', 'period-total');

const STOCKS: readonly Concept[] = [
  {
    key: 'government_debt', name: 'Government Debt', house: 'te', units: TE_MONEY,
    frequencies: ['quarterly', 'annual', 'monthly'], shape: trend(gdp(0.6), 0.07, 0.04), coverage: 160,
    category: 'Government', description: 'Gross debt of the general government at the end of the period.', intended: stock,
  },
  {
    key: 'fx_reserves', name: 'Foreign Exchange Reserves', house: 'te', units: [...TE_USD, ...TE_LOCAL],
    frequencies: ['monthly', 'quarterly'], shape: trend(gdp(0.15), 0.03, 0.08), coverage: 165,
    category: 'Markets', intended: stock,
  },
  {
    key: 'gold_reserves', name: 'Gold Reserves', house: 'te', units: [unit('Tonnes', 4), unit('tonnes')],
    frequencies: ['quarterly'], shape: trend(gdp(1.5e-10), 0.01, 0.01), coverage: 100, decimals: 2,
    category: 'Trade', intended: stock,
  },
  {
    key: 'population_wb', name: 'Population, total', house: 'wb', code: 'SP.POP.TOTL_{ISO}', units: PERSONS,
    frequencies: ['annual'], shape: trend(pop(1), 0.012, 0.002), coverage: 191, decimals: 0, topic: 'Health',
    description: 'Total population counts all residents regardless of legal status or citizenship. Midyear estimates.',
    intended: stock,
  },
  {
    key: 'money_supply_m2', name: 'Money Supply M2', house: 'te', units: TE_LOCAL,
    frequencies: ['monthly'], shape: trend(gdp(0.7), 0.08, 0.02), coverage: 145, category: 'Money', intended: stock,
  },
  {
    key: 'external_debt', name: 'External Debt', house: 'te', units: TE_USD,
    frequencies: ['quarterly', 'annual'], shape: trend(gdp(0.4), 0.05, 0.03), coverage: 135, category: 'Trade',
    intended: stock,
  },
  {
    key: 'external_debt_wb', name: 'External debt stocks, total (DOD, current US$)', house: 'wb',
    code: 'DT.DOD.DECT.CD_{ISO}', units: [{ text: 'DOD, current USD', money: 'usd', weight: 3 }, ...WB_USD],
    frequencies: ['annual'], shape: trend(gdp(0.35), 0.05, 0.05), coverage: 120,
    sources: ['International Debt Statistics', 'World Bank'], topic: 'External Debt',
    description: 'Total external debt is debt owed to nonresidents repayable in currency, goods, or services.',
    intended: stock,
  },
  {
    key: 'gross_foreign_reserves', name: 'Gross Foreign Reserves', house: 'imf', code: 'TD_RESERVES_GFR_LS_{ISO}_{F}',
    units: USD_MILLION, frequencies: ['monthly'], shape: trend(gdp(0.15), 0.03, 0.06), coverage: 110,
    dataset: 'International Financial Statistics', intended: stock,
  },
  {
    key: 'api_cushing', name: 'API Cushing Number', house: 'te', units: [unit('BBL/1Million')], only: ['USA'],
    frequencies: ['weekly'], shape: trend(range(20, 45), 0, 0.25), coverage: 1, decimals: 3, category: 'Business',
    intended: stock,
  },
];

const FLOWS: readonly Concept[] = [
  {
    key: 'gdp', name: 'GDP', house: 'te', units: [unit('USD Billion', 6, 1e9), unit('USD billions', 1, 1e9)].map((v) => ({ ...v, money: 'usd' as const })),
    frequencies: ['annual'], shape: trend(gdp(1), 0.05, 0.04, true), coverage: 191, decimals: 2, category: 'GDP',
    description: 'Gross domestic product in current US dollars.', intended: flowTotal,
  },
  {
    key: 'ngdp', name: 'Gross domestic product, current prices', house: 'imf', code: 'NGDP_{ISO}',
    units: NATIONAL_CURRENCY_BN, frequencies: ['annual'], shape: trend(gdp(1), 0.06, 0.04, true), coverage: 185,
    periodicityLabel: 'Biannually', dataset: 'World Economic Outlook', intended: flowTotal,
  },
  {
    key: 'gdp_manufacturing', name: 'GDP from Manufacturing', house: 'te', units: TE_LOCAL,
    frequencies: ['quarterly', 'annual'], shape: seasonal(gdp(0.15), 0.05), coverage: 125, category: 'GDP',
    intended: flowTotal,
  },
  {
    key: 'exports', name: 'Exports', house: 'te', units: TE_MONEY, frequencies: ['monthly', 'quarterly'],
    shape: seasonal(gdp(0.25), 0.08, 0.04, 0.1), coverage: 185, category: 'Trade',
    description: 'Value of goods exported during the period.', intended: flowTotal,
  },
  {
    key: 'imports', name: 'Imports', house: 'te', units: TE_MONEY, frequencies: ['monthly', 'quarterly'],
    shape: seasonal(gdp(0.27), 0.06, 0.04, 0.1), coverage: 185, category: 'Trade', intended: flowTotal,
  },
  {
    key: 'government_revenues', name: 'Government Revenues', house: 'te', units: TE_LOCAL,
    frequencies: ['monthly', 'quarterly'], shape: seasonal(gdp(0.25), 0.15, 0.05, 0.08), coverage: 125,
    category: 'Government', intended: flowTotal,
  },
  {
    key: 'tax_revenue_wb', name: 'Tax revenue (current LCU)', house: 'wb', code: 'GC.TAX.TOTL.CN_{ISO}', units: WB_LCU,
    frequencies: ['annual'], shape: trend(gdp(0.15), 0.07, 0.05, true), coverage: 150, topic: 'Public Sector',
    description: 'Tax revenue refers to compulsory transfers to the central government for public purposes.',
    intended: flowTotal,
  },
  {
    key: 'consumer_spending', name: 'Consumer Spending', house: 'te', units: TE_LOCAL, frequencies: ['quarterly'],
    shape: seasonal(gdp(0.6), 0.03), coverage: 125, category: 'Consumer', intended: flowTotal,
  },
  {
    key: 'foreign_direct_investment', name: 'Foreign Direct Investment', house: 'te', units: TE_USD,
    frequencies: ['quarterly', 'monthly'],
    shape: mean(0.005, 0.05, 0.015, 0.3, { scaleBy: gdp(1), flow: true }), coverage: 120, category: 'Trade',
    intended: flowTotal,
  },
  {
    key: 'fixed_asset_investment', name: 'Fixed Asset Investment', house: 'te', units: TE_LOCAL, only: ['CHN', 'VNM', 'MNG'],
    frequencies: ['monthly'], shape: ytd(gdp(0.4), 0.15, 0.04), coverage: 3, category: 'Business',
    description: 'Fixed asset investment, cumulative from the start of the year.', intended: flowYtd,
  },
  {
    key: 'government_revenue_ytd', name: 'Government Revenue (Year-to-Date)', house: 'agency', units: TE_LOCAL,
    frequencies: ['monthly', 'quarterly'], shape: ytd(gdp(0.25), 0.2), coverage: 40,
    sources: ['Ministry of Finance'], intended: flowYtd,
  },
  {
    key: 'exports_ytd', name: 'Exports YTD', house: 'agency', units: TE_USD, frequencies: ['monthly', 'quarterly'],
    shape: ytd(gdp(0.25), 0.08), coverage: 50, sources: ['Customs Administration', 'National Statistics Office'],
    intended: flowYtd,
  },
  {
    key: 'oil_production_ytd', name: 'Crude Oil Production (Year-to-Date)', house: 'agency',
    units: [unit('million barrels', 4, 1e6), unit('thousand barrels', 1, 1e3)], only: OIL_PRODUCERS,
    frequencies: ['monthly'], shape: ytd(range(2e7, 2e9), 0.05, 0.01), coverage: OIL_PRODUCERS.length,
    sources: ['Energy Information Administration', 'Ministry of Energy'], intended: flowYtd,
  },
];

const BALANCES: readonly Concept[] = [
  {
    key: 'balance_of_trade', name: 'Balance of Trade', house: 'te', units: TE_MONEY, frequencies: ['monthly', 'quarterly'],
    shape: mean(-0.08, 0.06, 0.015, 0.6, { scaleBy: gdp(1), flow: true }), coverage: 188, category: 'Trade',
    description: 'Exports minus imports of goods.', intended: balance,
  },
  {
    key: 'current_account', name: 'Current Account', house: 'te', units: TE_USD, frequencies: ['quarterly', 'annual'],
    shape: mean(-0.06, 0.05, 0.02, 0.6, { scaleBy: gdp(1), flow: true }), coverage: 165, category: 'Trade',
    intended: balance,
  },
  {
    key: 'government_budget_value', name: 'Government Budget Value', house: 'te', units: TE_LOCAL,
    frequencies: ['monthly', 'quarterly'], shape: mean(-0.06, 0.01, 0.02, 0.3, { scaleBy: gdp(1), flow: true }),
    coverage: 95, category: 'Government', intended: balance,
  },
  {
    key: 'budget_balance_ytd', name: 'Budget Balance (Year-to-Date)', house: 'agency', units: TE_LOCAL,
    frequencies: ['monthly'], shape: ytd(gdp(-0.03), 0.3, 0.02, 0.2), coverage: 30, sources: ['Ministry of Finance'],
    intended: label('physical-fundamental', 'balance', 'period-cumulative'),
  },
  {
    key: 'net_tic_flows', name: 'Net Long-term TIC Flows', house: 'te', units: USD_MILLION, only: ['USA'],
    frequencies: ['monthly'], shape: mean(0, 0.03, 0.03, 0.2, { scaleBy: gdp(1), flow: true }), coverage: 1,
    category: 'Trade', intended: balance,
  },
  {
    key: 'changes_in_inventories', name: 'Changes in Inventories', house: 'te', units: TE_LOCAL,
    frequencies: ['quarterly', 'annual'], shape: mean(-0.005, 0.01, 0.008, 0.3, { scaleBy: gdp(1), flow: true }),
    coverage: 90, category: 'Business', intended: balance,
  },
  {
    key: 'non_farm_payrolls', name: 'Non Farm Payrolls', house: 'te', units: [unit('Thousand', 1, 1e3)], only: ['USA'],
    frequencies: ['monthly'], shape: mean(150, 250, 80, 0.4), coverage: 1, decimals: 0, category: 'Labour',
    intended: balance,
  },
  {
    key: 'employment_change', name: 'Employment Change', house: 'te', units: THOUSAND, frequencies: ['monthly', 'quarterly'],
    shape: mean(-0.0002, 0.0006, 0.0004, 0.2, { scaleBy: pop(1) }), coverage: 25, decimals: 1, category: 'Labour',
    intended: balance,
  },
  {
    key: 'crude_oil_stocks_change', name: 'Crude Oil Stocks Change', house: 'te', units: [unit('BBL/1Million')],
    only: ['USA'], frequencies: ['weekly'], shape: mean(-1, 1, 3, 0.1), coverage: 1, decimals: 3, category: 'Business',
    intended: balance,
  },
  {
    key: 'net_lending_wb', name: 'Net lending (+) / net borrowing (-) (current LCU)', house: 'wb',
    code: 'GC.NLD.TOTL.CN_{ISO}', units: WB_LCU, frequencies: ['annual'],
    shape: mean(-0.06, 0.02, 0.02, 0.6, { scaleBy: gdp(1), flow: true }), coverage: 140, topic: 'Public Sector',
    intended: balance,
  },
];

const CAPACITIES_AND_VOLUMES: readonly Concept[] = [
  {
    key: 'labor_force', name: 'Labor Force', house: 'te', units: [...THOUSAND, unit('Million', 1, 1e6)],
    frequencies: ['quarterly', 'annual', 'monthly'], shape: trend(pop(0.48), 0.01, 0.01), coverage: 125,
    category: 'Labour', intended: capacity,
  },
  {
    key: 'power_capacity', name: 'Installed Power Generation Capacity', house: 'agency',
    units: [unit('Megawatt', 3), unit('MW', 2), unit('Gigawatt', 1, 1e3)], frequencies: ['annual'],
    shape: trend(gdp(5e-8), 0.03, 0.02), coverage: 60, sources: ['Ministry of Energy', 'IRENA'], intended: capacity,
  },
  {
    key: 'refining_capacity', name: 'Crude Oil Refining Capacity', house: 'te', units: [unit('BBL/D/1K')],
    only: OIL_PRODUCERS, frequencies: ['annual'], shape: trend(range(100, 5000), 0.01, 0.02), coverage: OIL_PRODUCERS.length,
    category: 'Business', intended: capacity,
  },
  {
    key: 'crude_oil_production', name: 'Crude Oil Production', house: 'te', units: [unit('BBL/D/1K', 4), unit('Thousand barrels per day')],
    only: OIL_PRODUCERS, frequencies: ['monthly'], shape: trend(range(50, 6000), 0.01, 0.06), coverage: OIL_PRODUCERS.length,
    category: 'Business', intended: label('physical-fundamental', 'volume', 'period-average'),
  },
  {
    key: 'car_registrations', name: 'Car Registrations', house: 'te', units: [unit('Units', 4), unit('Cars')],
    frequencies: ['monthly'], shape: seasonal(pop(0.03), 0.2), coverage: 60, decimals: 0, category: 'Business',
    intended: volume,
  },
  {
    key: 'natural_gas_imports', name: 'Natural Gas Imports', house: 'te', units: [unit('Terajoule', 3), unit('TJ')],
    only: EUROPE, frequencies: ['monthly'], shape: seasonal(gdp(6e-7), 0.3), coverage: EUROPE.length, category: 'Trade',
    intended: volume,
  },
  {
    key: 'electricity_production', name: 'Electricity Production', house: 'te', units: [unit('Gigawatt-hour', 3), unit('GWh')],
    frequencies: ['monthly'], shape: seasonal(gdp(2e-7), 0.1), coverage: 100, category: 'Business', intended: volume,
  },
  {
    key: 'stock_trading_volume', name: 'Stock Market Trading Volume', house: 'agency', units: [unit('millions of shares')],
    frequencies: ['daily'], shape: trend(range(300, 4000), 0, 1.5), coverage: 12, decimals: 1,
    sources: ['Stock Exchange'], intended: volume,
  },
  {
    key: 'solar_capacity_cumulative', name: 'Cumulative Installed Solar Capacity', house: 'agency',
    units: [unit('Megawatt', 3), unit('MW')], frequencies: ['monthly', 'quarterly'], shape: runningTotal(gdp(2e-9), 0.4),
    coverage: 30, decimals: 1, sources: ['Ministry of Energy'],
    intended: label('physical-fundamental', 'stock', 'period-cumulative'),
  },
];

export const PHYSICAL_CONCEPTS: readonly Concept[] = [...STOCKS, ...FLOWS, ...BALANCES, ...CAPACITIES_AND_VOLUMES];
