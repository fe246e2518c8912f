/**
 * What an indicator's name says it measures, as one of a small set of economic concepts.
 * The lexicon encodes the standard (shared/TAXONOMY.md and the label convention), not examples:
 * patterns are generic economic vocabulary, tried in order, first match wins.
 */

export type ConceptKind =
  | 'inflation' // a change in prices: CPI %, inflation rate, import prices MoM
  | 'growth' // an explicit change of something: growth, YoY, MoM, % change
  | 'price-index' // a price level as an index: CPI, PPI, house price index
  | 'price' // a price in currency per unit: oil, gold, gasoline
  | 'exchange-rate'
  | 'interest-rate' // the price of money: policy, interbank, lending, deposit rates
  | 'yield'
  | 'spread'
  | 'volatility'
  | 'gap'
  | 'population-rate' // a percentage of a population: unemployment, employment, participation
  | 'utilization'
  | 'tax-rate'
  | 'share'
  | 'ratio'
  | 'count' // events in a period: claims, starts, permits, registrations
  | 'count-level' // a number at a date: continuing claims, rigs in operation, open vacancies
  | 'stock' // a level at a moment: debt, reserves, population, deposits
  | 'flow' // an amount over a period: GDP, exports, production, revenue
  | 'balance' // a net of two flows or a change of a stock: trade balance, net flows
  | 'capacity' // labour force
  | 'volume' // a quantity traded or moved: trading volume, barrels, terajoules
  | 'diffusion-index' // survey indices built from the period: PMI, prices paid
  | 'confidence-index' // a survey's confidence or climate index, published as a level: Ifo, consumer confidence
  | 'index'
  | 'sentiment'
  | 'allocation'
  | 'duration'
  | 'expectancy' // a structural expectation in years: life expectancy, expected years of schooling
  | 'probability'
  | 'threshold'
  | 'correlation'
  | 'elasticity'
  | 'multiplier';

/** Words that say the series is a change over the period, not a level. */
export const CHANGE_WORDS =
  /\b(growth|yoy|y\/y|mom|m\/m|qoq|q\/q|year[- ]on[- ]year|year[- ]over[- ]year|month[- ]on[- ]month|month[- ]over[- ]month|quarter[- ]on[- ]quarter|quarter[- ]over[- ]quarter|annual %|% change|percent change|percentage change|change in|annuali[sz]ed rate|rate of change|pct change|annual change|[- ]change$|change yoy|change mom|variacao|variacion|variation|wow|w\/w|week[- ]on[- ]week|week[- ]over[- ]week|(ytd|total|daily|weekly|monthly|annual|1y|12m) returns?|gdpnow|changes?,? (from |over |on )?(the )?previous (period|month|quarter|year))\b/;

export const CUMULATIVE_WORDS = /\b(ytd|year[- ]to[- ]date|cumulative|cumulated|since the start|since (the )?(start|beginning) of (the )?year|[a-z]+[- ]to[- ]date|fiscal year to date|fytd|(moving|rolling|trailing) (12|twelve)[- ]months? (total|sum)|12[- ]months? (rolling |moving )?(sum|total)|acumulad[ao] no ano|acumulad[ao] en el ano|acumulad[ao] del ano|en lo que va del ano|since (jan|january|the start|inception|launch))\b/;

export interface ConceptRule {
  readonly kind: ConceptKind;
  readonly pattern: RegExp;
  /** Why this pattern means this concept, for the stage's reason. */
  readonly label: string;
  /** A catch-all ("index", "growth" of something unnamed): a match says less than a specific one. */
  readonly generic: boolean;
  /**
   * The other reading the standard also allows for this concept, where two of its lines fit (a
   * confidence index is an index level and a survey diffusion index): careful readers differ on it.
   */
  readonly contested?: string;
  /** The statistical offices that use this name publish the period's average of daily values. */
  readonly averaged?: true;
  /** Read at a date, not over the period: a net position held, the money multiplier (a ratio of two stocks). */
  readonly atDate?: true;
}

const rule = (kind: ConceptKind, label: string, pattern: RegExp, generic = false): ConceptRule => ({ kind, label, pattern, generic });
const contested = (base: ConceptRule, other: string): ConceptRule => ({ ...base, contested: other });
const averaged = (base: ConceptRule): ConceptRule => ({ ...base, averaged: true });
const atDate = (base: ConceptRule): ConceptRule => ({ ...base, atDate: true });

/** Ordered: the specific before the general ("unemployment rate" before "rate"). */
export const CONCEPT_RULES: readonly ConceptRule[] = [
  rule('volatility', 'volatility measure', /\b(vix|move index|volatility|implied vol)\b/),
  rule('gap', 'output or price gap', /\b((output|gdp|inflation|employment|unemployment|investment|infrastructure) gap|gap between actual and potential|deviation from (the )?target)\b/),
  rule('probability', 'probability', /\b(probabilit(y|ies)|likelihood|odds of)\b/),
  rule('correlation', 'correlation', /\bcorrelation\b/),
  rule('elasticity', 'elasticity, beta or buoyancy', /\b(elasticit(y|ies)|betas?|buoyancy)\b/),
  // A crop's yield is tonnes or bushels per hectare or acre: a ratio of two quantities (3 of 3 labeled rows), no bond's yield.
  rule('ratio', 'crop yield per area', /\b(yields? per (harvested )?(hectare|acre|ha)|(crop|grain|cereal|corn|maize|wheat|rice|paddy|soybeans?|cotton) yields?)\b/),
  // The money multiplier is a ratio of two stocks at a date (3 of 3 labeled rows); a fiscal one is estimated over a period.
  atDate(rule('multiplier', 'money multiplier', /\b((money|monetary|m[0-4]) multiplier|multiplicador monetario)\b/)),
  rule('multiplier', 'multiplier', /\b(multiplier|multiplicador)\b/),
  // Read as a level at a date (7 labeled rows) and as a structural line, not-applicable (3).
  contested(
    rule('threshold', 'threshold or line', /\b(threshold|poverty (line|guidelines?)|income limits?|loan limits?|maximum permitted|debt brake|linea de pobreza|linha de pobreza|cut-?off|minimum subsistence|subsistence minimum|break-?even (oil )?price|retirement age|(inflation|price stability) target|debt (limit|ceiling)|statutory limit|coverage limits?|minimum (export |support |guaranteed )?prices?|floor prices?|minimum income standard|minimum [a-z ]+ for (inclusion|eligibility)|minimum (capital )?requirements?)\b/),
    'a threshold is read as a level at a date and as a structural line (not-applicable)',
  ),
  // A life table's or a school system's expectation describes the population, not a period.
  // Not-applicable to most readers (6 labeled rows), a level at a date to some (1).
  contested(
    rule('expectancy', 'expectation in years (a structural measure)', /\b(life expectancy|expected years of|healthy life years)\b/),
    'an expectation in years is read as a structural measure and as a level at a date',
  ),
  // A stock in days or months of its use ("Months' Supply of Inventory") is held at a date (7 of 7 labeled rows).
  rule('duration', 'stock in days or months of use', /\b(days|weeks|months|monthly).? (of )?(supply|use|forward demand)\b/),
  // Blind writers read an average duration as the period's average, a level at the date and a
  // structural measure (6 labeled rows, three readings): the reading stays contested.
  contested(
    rule('duration', 'duration', /\b(duration|average (length|time)|weeks unemployed|days to|time to|time required|waiting time|(average )?weekly hours|hours per week)\b/),
    'a duration is read as the period\'s average, a level at a date or a structural measure',
  ),
  // A coincident or leading index combines indicators into a level (7 labeled rows), not a survey.
  rule('index', 'coincident or leading index', /\b(coincident|leading) (economic )?(activity )?(index|indicators?)\b/),
  // The regional Fed surveys publish diffusion indices of the month's answers, whatever they are
  // named ("Texas Manufacturing Outlook: Production", "Services Revenue Index").
  rule('diffusion-index', 'regional Fed survey diffusion index', /\b(empire state|philly fed|philadelphia fed|dallas fed|kansas city fed|kc fed|richmond fed|texas (manufacturing|service sector|retail) outlook)\b/),
  // A portfolio's allocation or its over- and underweights; allowances allocated are a quantity, not a portfolio.
  rule('allocation', 'portfolio allocation', /\b(allocations? to|(equity|bond|asset|portfolio|strategic|tactical|target|actual|cash|real estate) allocation|portfolio weight|asset mix|overweight|underweight)\b/),
  // Investors' bull-bear surveys are the standard's survey outlook, not a spread of two rates.
  rule('sentiment', 'investor survey', /\b(bull-?bear|bullish|bearish|aaii)\b/),
  rule('ratio', 'auction bid-to-cover ratio', /\bbid-?to-?cover\b/),
  // A breakeven inflation rate is a nominal yield minus a real one; an OAS is a spread over the curve.
  rule('spread', 'spread between two rates', /\b(spread|minus|credit default swaps?|cds|term premium|\d+y ?- ?\d+y|oas|option[- ]adjusted|breakeven|yield relative to|relative to yield|embi|country risk|riesgo pais|risk premium)\b/),
  // Surveyed inflation expectations: a rate of inflation to some readers (3 labeled rows), a survey
  // outlook to others (2).
  contested(
    rule('inflation', 'expected inflation', /\b(inflation|price|ipca) expectations?\b/),
    'survey expectations of inflation read as an inflation rate and as a survey outlook (sentiment)',
  ),
  contested(
    rule('sentiment', 'survey outlook or sentiment', /\b(sentiment|outlook|expectations? (index|survey)|expecting|expect|mood|optimism|intentions|next (\d+|three|six|twelve) months)\b/),
    'the standard names confidence indices an index (composite-derived) and survey outlooks sentiment',
  ),
  // Japanese and Korean business surveys publish diffusion indices (DI) of the period's answers (8 labeled
  // rows); some readers take them as sentiment (2). An outlook is read by the rule above.
  contested(
    rule('diffusion-index', 'business survey diffusion index (DI)', /\b(di|diffusion index|tankan|economy watchers|business survey index|bsi)\b/),
    'a business survey\'s DI is read as a diffusion index and as a survey outlook (sentiment)',
  ),
  rule('index', 'rating, ranking or score', /\b(rating|ranking|rank|score|doing business|control of corruption|rule of law|government effectiveness|regulatory quality|voice and accountability|political stability)\b/),
  // A market's concentration summed over its firms' squared shares is an index, not a level of anything.
  rule('index', 'concentration index', /\b(herfindahl|hhi|concentration index)\b/),
  rule(
    'diffusion-index',
    'survey diffusion index',
    /\b(pmi|purchasing managers|ism|prices paid|prices received|lmi|logistics managers|general business activity|kansas fed|business activity index|new orders index|inventory costs|housing market index|architecture billings)\b/,
  ),
  // Read as a level, as the blind holdouts' writers did (8 of 8 rows); the reading stays contested.
  contested(
    rule('confidence-index', 'survey confidence or climate index', /\b(confidence|business climate|climate indicator|business conditions)\b/),
    'the standard reads index levels as point-in-time and diffusion indices built from the period as period-average',
  ),
  rule(
    'inflation',
    'inflation or price change',
    /\b(inflation|inflacion|inflacao|ipca|inpc|deflation|disinflation|price (growth|change)s?|cpi (yoy|mom|qoq)|core cpi|cpi trimmed|trimmed[- ]mean(?! rate)|weighted median cpi)\b/,
  ),
  rule('tax-rate', 'tax rate', /\b(tax rate|tax burden|vat rate|withholding|social security rate|levy)\b/),
  // The OECD's and the EU's long-term interest rate is the 10-year government bond yield, and their
  // short-term rate the 3-month money-market rate, both published as monthly averages of daily rates.
  averaged(rule('yield', 'long-term government bond yield', /\b(long[- ]term interest rates?|convergence criterion)\b/)),
  averaged(rule('interest-rate', 'short-term (3-month) interest rate', /\bshort[- ]term interest rates?\b/)),
  // Rates on government paper are what the securities yield ("Interest Rates, Government Securities, Treasury Bills").
  rule('yield', 'yield on government securities', /\binterest rates?\b.*\b(government (securities|bonds?)|treasury (bills?|bonds?|notes?|securities))\b|\b(treasury bills?|t-bills?)\b.*\binterest rates?\b/),
  rule('interest-rate', 'interest rate (the price of money)', /\b((interest|policy|refinancing|repo|discount|deposit|lending|prime|overnight|cash|bank|base|mortgage|loan|borrowing|money market|key|short[- ]term) rates?|selic|tasa de (referencia|interes|politica)\w*|taxa (selic|de juros)|tipo de interes|fixed rate mortgage|[a-z]*ibor|jibar|overdraft rate|commercial paper rates?|overnight financing rate|reverse repo|deposit facility|lending facility|marginal lending|interbank|libor|euribor|sofr|sonia|estr|ester|federal funds|fed funds)\b/),
  rule('yield', 'yield', /\b((?<!high[- ])yields?|bond \d+ ?y|\d+[- ]?(year|yr|y) (bond|note|treasury|gilt|bund)|treasury bill|t-bill)\b/),
  rule('exchange-rate', 'exchange rate', /\b(exchange rates?|fx rate|forex rate|currency rate|official rate|parallel market rate|[a-z]{3}\/[a-z]{3}|per us dollar|per usd|to usd)\b|^currency$|^(usd|eur|gbp|jpy|chf|cny|aud|cad|nzd|sek|nok|dkk|pln|huf|czk|try|zar|brl|mxn|inr|krw|rub)(usd|eur|gbp|jpy|chf|cny|aud|cad|nzd|sek|nok|dkk|pln|huf|czk|try|zar|brl|mxn|inr|krw|rub)\b|\b(dollars?|euros?|yen|pounds? sterling|sterling|francs?|yuan|renminbi|rupees?|won|reais|real|pesos?|rand|lira|kron[ae]r?|zloty|forint)\s?\/\s?[a-z ]*?(dollars?|euros?|yen|sterling|francs?|yuan|renminbi|rupees?|won|reais|real|pesos?|rand|lira|kron[ae]r?|zloty|forint)\b/),
  rule(
    'population-rate',
    'share of a population',
    /\b(unemploy\w*|underemployment rate|u-?[1-6] (underemployment|unemployment)|desempleo|desocupacion|desemprego|employment rate|jobless rate|participation rate|inactivity rate|vacancy rate|poverty rate|poverty headcount|literacy rate|enrollment rate|enrolment rate|employment to population|employment-to-population|homeownership rate|home ownership rate|savings rate|saving rate|default rate|delinquency rate)\b/,
  ),
  rule('utilization', 'capacity utilization', /\b(capacity utili[sz]ation|utili[sz]ation rate|utili[sz]ation of|occupancy rate|load factor)\b/),
  rule('index', 'share price index', /\b(share|equity|stock) prices?\b/),
  contested(
    rule('share', 'share of a total', /\b((?<!per )share(?! (buybacks?|repurchases?|prices?|capital|issuance))|as share of|proportion of|percent of total)\b/),
    'a part of a total in % is a share, a percentage or a ratio by three lines of the standard',
  ),
  // Bad loans over all loans: the standard's ratio of two quantities ("debt to GDP") to most readers
  // (4 labeled rows), a share or a percentage to others (2).
  contested(
    rule('ratio', 'non-performing loans ratio', /\b(npl ratio|non[- ]?performing loans?\b.*\b(ratio|to)|to non[- ]?performing loans?)\b/),
    'a part of a total in % is a share, a percentage or a ratio by three lines of the standard',
  ),
  // Banks' returns, margins and capital over assets: one amount over another.
  rule('ratio', 'bank return, margin or capital ratio', /\b(return on (average )?(assets|equity)|net interest margin|charge-?off rate|capital to (risk|total)|tier 1)\b/),
  rule(
    'ratio',
    'ratio of two quantities',
    /\b(ratio|per capita|per person|per head|per 1,?000|per 100,?000|p\/e|p\/b|price[- ]to[- ](earnings|book|sales|cash flow)|to ebitda|(profit|operating|gross|ebitda) margins?|adequacy|months of imports|density|per inhabitant)\b/,
  ),
  // Count nouns usually published per 1,000 people: a weaker reading than "ratio" said outright.
  rule('ratio', 'people or beds per population', /\b(doctors|physicians|hospital beds)\b/, true),
  // Vehicles registered are vehicles sold (the standard's volume) to some readers and events counted
  // like permits to others (labeled both ways): the reading stays contested.
  contested(
    rule('volume', 'vehicles registered or sold', /\b((new |passenger |light |commercial |motor )*(vehicle|car|auto|truck|motorcycle)s? registrations|registrations of (new )?(passenger )?(cars|vehicles))\b/),
    'the standard\'s volume (vehicles sold) and count (events in a period) both fit registrations',
  ),
  // What is counted on a day, not over the period: claimants still claiming, rigs running, jobs open.
  rule(
    'count-level',
    'count at a date',
    /\b(continuing (jobless )?claims|continued (jobless )?claims|insured unemployment|rig count|rigs)\b/,
  ),
  // Jobs open at a date: a count to some readers (4 labeled rows), a stock to others (3).
  contested(
    rule('count-level', 'jobs open at a date', /\b(job vacancies|vacancies|job openings|open positions)\b/),
    'jobs open at a date are read as a count and as a stock',
  ),
  // People travelling are counted as arrivals (events) by some readers and as a quantity moved by
  // others (5 labeled rows each way): the standard's count and volume both fit.
  contested(
    rule('count', 'people arriving or travelling', /\b(arrivals|departures|visitors|tourists|pilgrims|passengers|passenger (traffic|transport|numbers|screenings)|checkpoint)\b/),
    'the standard\'s count (events in a period) and volume (a quantity moved) both fit people travelling',
  ),
  // A bank's claims on a sector are assets held at a date, not claims filed.
  rule('stock', 'claims on a sector (financial assets)', /\b(claims on|foreign claims|net claims)\b/),
  rule(
    'count',
    'count of events in a period',
    /\b(claims|housing starts|starts|permits|registrations|approvals|patents?( grants| applications)?|patent (grants|applications|filings)|trademarks?|pct filings|bankruptcies|insolvencies|work stoppages|stoppages|layoffs|job cuts|hires|job (advertisements|ads|postings)|sales units|units sold|transactions|strikes|deaths|births|cases)\b/,
  ),
  // Capacity added in the period (GW installed in the year) is a quantity over the period, not the capacity.
  rule('volume', 'capacity added in a period', /\b(capacity additions|additions to capacity|capacity added|newly installed|new installations)\b/),
  rule('capacity', 'productive capacity', /\b(labou?r force|workforce|active population|economically active|capacity)\b/),
  rule('stock', 'a balance sheet total', /\bbalance sheet\b/),
  // Loans granted in the period (China's New Yuan Loans), not the loans outstanding.
  rule('flow', 'new lending in a period', /\b(new (\w+ )?loans|new lending|loans granted|new credit|new business)\b/),
  // What was listed or raised in the period (the market value of new listings), not what is listed.
  rule('flow', 'listed or raised in a period', /\b(newly listed|funds raised|capital raised)\b/),
  rule('flow', 'payments on debt', /\b(debt[- ]service|interest (payments|payable|paid)|debt repayments?)\b/),
  // Orders received and not yet filled are a level at the month's end, not the month's orders.
  rule('stock', 'unfilled orders or backlog', /\b(unfilled orders|order backlogs?|backlogs?)\b/),
  // Cash held in an account at a date (the Treasury General Account), not a net of two flows.
  rule('stock', 'cash or account balance held', /\b(cash balance|reserve balances)\b/),
  // Securities issued in the period; a net issuance is read by the balance rule below.
  rule('flow', 'securities issued in a period', /\b(?<!\bnet (\w+ )?)(issues|issuance)\b/),
  // Payments made and employees' pay are money over the period, whoever pays or is paid (not the
  // balance "of payments", not the employees counted).
  rule('flow', 'payments, pay or card spending in a period', /\b(compensation of employees|(?<!balance of )payments|card (spending|expenditures?|purchases))\b/),
  // Shares traded over the period, in money or in shares.
  rule('volume', 'value or shares traded', /\b(stocks|shares|value) traded\b/),
  // "Net inflows" of investment is what the balance of payments reports as the inflow, not a balance.
  rule('flow', 'investment inflows', /\b(net )?(inflows|outflows)\b/),
  // The balance of payments' credit and debit entries, and the financial account's net acquisitions
  // and incurrences, are the period's transactions, not the net of the account.
  rule('flow', 'balance of payments entry', /(^|, ?)(credit|debit)( exports| imports)?( ?,|$)|\bnet (acquisition|incurrence) of\b/),
  // The international investment position is held at a date; net, it is a balance.
  atDate(rule('balance', 'net international investment position', /\binternational investment position\b(?=.*\bnet\b)|\bnet international investment position\b/)),
  rule('stock', 'international investment position', /\binternational investment position\b/),
  // Traders' net positions (CFTC) are held at the report date.
  atDate(rule('balance', 'net position at a date', /\b(net (long|short|speculative )?positions?|net (long|short)\b(?![- ]term)|speculative net positions?)/)),
  // The national accounts' operating surplus is income earned over the period, not a net of two flows.
  rule('flow', 'operating surplus', /\b(gross |net )?operating surplus\b/),
  // A pension scheme's funding surplus or deficit is its assets less its liabilities at a date.
  atDate(rule('balance', 'funding position', /\b(funding (surplus|deficit|position|gap)|funded status)\b/)),
  // What a sector owns net of what it owes is a level at a date.
  rule('stock', 'net worth or net assets', /\b(net worth|net wealth|net (foreign |domestic |external )?assets)\b/),
  rule(
    'balance',
    'net of two flows or change in a stock',
    /\b(balance|balanza|balanca|saldo|resultado primario|job creation|caged|net\b(?!-| wages?\b| salar| production\b| input\b| generation\b| weight\b| (export )?sales\b| (state |national )?domestic product\b| national product\b)|surplus|deficit|changes? in inventor\w*|inventory change|(stocks?|inventor\w*) change|change in stocks|net lending|net borrowing|net flows?|tic flows|employment change|payrolls|jobs added|net migration|capital flows|current account|financial account|capital account)\b/,
  ),
  // A component's weight in a price basket is its share of the basket.
  rule('share', 'weight in a price basket', /\b(cpi|hicp|basket|price index) weights?\b|\brelative importance\b/),
  rule('price-index', 'price level index', /\b(consumer price index|cpi|producer price index|ppi|price index|deflator|house price|housing prices?|home prices?|consumer prices|producer prices|import prices|export prices|wholesale prices|core prices|terms of trade|rent index)\b/),
  // A minimum wage is the price of an hour's or a month's work to some readers (3 labeled rows) and a
  // statutory threshold to others (2).
  contested(rule('price', 'minimum wage', /\bminimum wages?\b/), 'a minimum wage is read as a price of labour and as a statutory threshold'),
  rule('price', 'price in currency units', /\b(price|prices|precio|precios|preco|precos|cost of|(freight|charter|shipping) rates?|average daily rate|revpar|(data|voice|broadband|mobile|price) baskets?|average ([a-z]+ ){0,3}(wages?|salar(y|ies)|earnings)|tariff|wage rate|spot|^wages?$|hourly earnings)\b/),
  rule(
    'stock',
    'level at a moment',
    /\b(debt|deuda|divida|reserves?|reservas|population|liabilities|assets|holdings|money supply|m0|m1|m2|m3|monetary base|deposits|loans|credit|lending to|inventories|stockpiles?|stocks of|outstanding|balance sheet|wealth|market capitali[sz]ation|cushing|open interest|crude (oil )?stocks|(underground |working (gas )?)?storage|gasoline stocks|distillate stocks|positions|active listings?|on issue|market value|assets under management|employment|employed persons|employees|stocks|broad money|narrow money|quasi money|short interest|in circulation|(fdi|direct investment|investment|capital|housing|dwelling) stock)\b/,
  ),
  // Land is a level at a date, not a quantity moved in the period.
  rule('stock', 'land or area', /\b(agricultural land|arable land|forest area|land area|surface area)\b/),
  rule(
    'volume',
    'quantity traded or moved',
    /\b(volume|turnover|throughput|shipments|carloads|intermodal|(refiner|refinery) (net )?(inputs?|runs)|(total |new |passenger |light )?(vehicle|car|auto|truck) sales|vehicles sold|((natural )?gas|oil|crude|coal|lng|electricity) (imports|exports)|cargo|freight)\b/,
  ),
  rule(
    'flow',
    'amount over a period',
    /\b(gdp|pib|gross domestic product|gnp|produccion|producao|exportaciones|importaciones|exportacoes|importacoes|gni|gross national|output|production|exports?|imports?|sales|orders|revenues?|receipts|income|earnings|profits?|spending|expenditures?|expense|outlays|investment|capital expenditure|capex|consumption|savings|remittances|tourism|advertising|wages?|capital formation|fixed investment|compensation|value added|fdi|inflows|outflows|disbursements|tax|taxes|subsidies|grants|transfers|borrowing|appropriations|budget allocations|eps|earnings per share|dividends?|buybacks|share repurchases)\b/,
  ),
  // A budget named with nothing else ("Russia Budget YTD") is its balance; its revenues or outlays are flows (above).
  rule('balance', 'budget balance', /\bbudget\b/),
  // Firms in operation, counted: a count at the date to most readers (3 labeled rows), a stock to others.
  contested(
    rule('count-level', 'firms counted at a date', /\b(number of (\w+ )?(enterprises|firms|businesses|establishments)|(active|registered|exporting|operating) (enterprises|firms|businesses))\b/),
    'firms in place at a date are read as a count and as a stock',
  ),
  // A sector alone ("Manufacturing PMI", "Industry") qualifies more often than it names the measure.
  rule('flow', 'activity of a sector', /\b(manufacturing|industry|industrial|construction|mining)\b/, true),
  rule(
    'price',
    'commodity quoted in a market',
    /\b(wheat|corn|soybeans?|gold|silver|copper|crude oil|brent|wti|coffee|sugar|cotton|iron ore|palladium|platinum|alumini?um|nickel|zinc|lumber|cocoa|rice|lean hogs|live cattle|bitcoin|ethereum)\b/,
  ),
  rule('index', 'stock market index', /\b(stock market|share index|equity index|s&p|s p 500|dow jones|nasdaq|nikkei|ftse|dax|cac 40|hang seng|stoxx|msci|russell \d+|advance-decline|google trends)\b/),
  // What stands at a date, counted (branches, listed companies, subscriptions): a stock to most readers
  // (6 labeled rows), a count at the date to others (1); either way a level at the date.
  contested(
    rule('stock', 'things in place counted at a date', /\b(branches|atms|automated teller machines|(listed|quoted) (domestic )?compan(y|ies)|compan(y|ies) listed|subscriptions|subscribers|stores|store count|outlets|fleet size|aircraft fleet|in service)\b/),
    'things in place at a date are read as a stock and as a count',
  ),
  // People of a kind, counted at a date, when nothing else is named (12 of 12 labeled rows).
  rule('stock', 'people counted at a date', /\b(workers|teachers|pupils|students|children|members|refugees|prisoners|inmates|beneficiaries|pensioners|recipients|poor|underemploy\w*)\b/, true),
  rule('count', 'a number of something', /\bnumber of\b/, true),
  rule('index', 'composite index', /\b(index|indicator|barometer|tracker|activity)\b/, true),
  rule('growth', 'a change of an unnamed quantity', CHANGE_WORDS, true),
];

const VALUATION_BASIS =
  /\b(at )?(current|constant|chained|real) (\d{4} )?(prices|us\$|usd|lcu|local currency|national currency|dollars)\b|\bus\$ at current prices\b|\bat (market|basic|purchasers'?|producers'?) prices\b|\bppp\b/g;

/** Lowercased name with punctuation reduced to spaces, so patterns see plain words. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    // Spanish, Portuguese and French names ("Balança comercial", "Política monetaria") keep their letters.
    .replace(/€str/g, 'estr')
    // The IMF's dataset heading ("Balance of Payments, Current Account, Goods, Credit") is not the series' concept.
    .replace(/^balance of payments,/, ' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    // A valuation basis ("at current prices", "constant 2015 US$") is not what the series measures.
    .replace(VALUATION_BASIS, ' ')
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9%/,.\- ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function findConcept(text: string): ConceptRule | null {
  return findConcepts(text)[0] ?? null;
}

/** Every rule the text matches, in the lexicon's order: the first decides, the others are rival readings. */
export function findConcepts(text: string): ConceptRule[] {
  return findMatches(text).map((match) => match.rule);
}

export interface ConceptMatch {
  readonly rule: ConceptRule;
  /** The matched words' span in the normalized text. */
  readonly from: number;
  readonly to: number;
}

export function findMatches(text: string): ConceptMatch[] {
  const normalized = normalizeText(text);
  return CONCEPT_RULES.flatMap((rule) => {
    const found = rule.pattern.exec(normalized);
    return found ? [{ rule, from: found.index, to: found.index + found[0].length }] : [];
  });
}
