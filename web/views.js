// One function per view: it fills `root` and may return a refresher (called every 2 s while shown).
import uPlot from './uPlot.esm.js';

async function api(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

/** An element: el('td', { class: 'num' }, 'text', child…). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}

const fmt = (n, digits = 0) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const usd = (n) => (n === null || n === undefined ? '–' : `$${Number(n).toFixed(4)}`);
const when = (t) => (t ? new Date(t).toLocaleString() : '–');

function table(columns, rows, attributes = {}) {
  return el(
    'table',
    attributes,
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', { class: c.num ? 'num' : null }, c.label)))),
    el('tbody', {}, rows.map((row) => el('tr', {}, columns.map((c) => el('td', { class: c.num ? 'num' : null }, c.cell(row)))))),
  );
}

function card(label, value, testid) {
  return el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: 'value', 'data-testid': testid }, value));
}

/**
 * A uPlot chart: x values and one or more named series. `bars`: categories (x = 0…n-1, named by
 * `xLabels`), bars side by side from zero.
 */
function chart(title, x, series, { width = 520, height = 220, bars = false, xLabels = null } = {}) {
  const box = el('div', { class: 'chart' });
  const colors = ['#2f6fed', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a'];
  // Two series: left and right of the category; one: centred.
  const align = (i) => (series.length === 1 ? 0 : i === 0 ? -1 : 1);
  const options = {
    title,
    width,
    height,
    scales: bars
      ? { x: { time: false, range: [-0.5, x.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } }
      : { x: { time: false } },
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: colors[i % colors.length],
        fill: bars ? `${colors[i % colors.length]}99` : undefined,
        paths: bars ? uPlot.paths.bars({ size: [series.length === 1 ? 0.6 : 0.4, 80], align: align(i) }) : undefined,
        points: { show: !bars },
      })),
    ],
    axes: [bars ? { splits: () => x, values: (_u, ticks) => ticks.map((t) => xLabels?.[t] ?? ''), space: 10, size: 50 } : {}, {}],
  };
  new uPlot(options, [x, ...series.map((s) => s.values)], box);
  return box;
}

// ---------- Runs (live) ----------
/** Completions/min samples of the live run, kept across refreshes for its chart. */
const liveSamples = { run: null, t: [], rate: [], target: [] };

function liveBlock(live) {
  if (live === null) return el('p', { 'data-testid': 'live-none' }, 'No run is running.');
  if (liveSamples.run !== live.run_id) Object.assign(liveSamples, { run: live.run_id, t: [], rate: [], target: [] });
  liveSamples.t.push(Date.now() / 1000);
  liveSamples.rate.push(live.completions_per_min);
  liveSamples.target.push(live.target_ipm);
  const versus = (value, cap, unit) => `${fmt(value)}${cap === null ? '' : ` / ${fmt(cap)}`} ${unit}`;
  const block = el(
    'div',
    { 'data-testid': 'live' },
    el('h3', {}, `Live: ${live.run_id}`),
    el('div', { class: 'cards' },
      card('done', `${fmt(live.completed + live.failed)} of ~${fmt(live.planned)}`, 'live-done'),
      card('completions/min (target)', versus(live.completions_per_min, live.target_ipm, ''), 'live-rate'),
      card('LLM requests/min (cap)', versus(live.requests_per_min, live.rpm_cap, ''), 'live-rpm'),
      card('LLM tokens/min (cap)', versus(live.tokens_per_min, live.tpm_cap, ''), 'live-tpm'),
      card('cost so far', usd(live.llm.cost_usd), 'live-cost'),
      card('ETA', live.eta_s === null ? '–' : `${fmt(live.eta_s / 60, 1)} min`, 'live-eta'),
      card('failed', fmt(live.failed), 'live-failed'),
    ),
    el('p', {}, el('code', { 'data-testid': 'live-line' }, live.line)),
    live.failures_by_reason.length === 0 ? '' : table([{ label: 'failure reason', cell: (r) => r.reason }, { label: 'count', num: true, cell: (r) => fmt(r.count) }], live.failures_by_reason),
  );
  if (liveSamples.t.length > 1) {
    const t0 = liveSamples.t[0];
    const series = [{ label: 'completions/min', values: liveSamples.rate }];
    if (live.target_ipm !== null) series.push({ label: 'target', values: liveSamples.target });
    block.append(chart('completions per minute (x: seconds since this page opened)', liveSamples.t.map((t) => t - t0), series));
  }
  return block;
}

function runsTable(runs) {
  return table(
    [
      { label: 'run', cell: (r) => r.id },
      { label: 'mode', cell: (r) => r.mode },
      { label: 'status', cell: (r) => el('span', { class: r.status.startsWith('completed') || r.status === 'running' ? 'good' : 'bad', title: r.status === 'lost' ? 'no heartbeat for a minute: the process that ran it is gone' : '' }, r.status) },
      { label: 'completed', num: true, cell: (r) => fmt(r.completed) },
      { label: 'failed', num: true, cell: (r) => fmt(r.failed) },
      { label: 'LLM requests', num: true, cell: (r) => fmt(r.llm_requests) },
      { label: 'cost', num: true, cell: (r) => usd(r.cost_usd) },
      { label: 'took', num: true, cell: (r) => (r.duration_s === null ? '–' : `${fmt(r.duration_s, 1)} s`) },
      { label: 'started', cell: (r) => when(r.started_at) },
    ],
    runs,
    { 'data-testid': 'runs-table' },
  );
}

async function runs(root, _arg, current) {
  const live = el('div');
  const list = el('div');
  root.append(el('h2', {}, 'Runs'), live, el('h3', {}, 'Every run'), list);
  const refresh = async () => {
    const data = await api('/api/runs');
    if (!current()) return;
    live.replaceChildren(liveBlock(data.live));
    list.replaceChildren(runsTable(data.runs));
  };
  await refresh();
  return refresh;
}

// ---------- Classifications ----------
async function classifications(root, _arg, current) {
  const taxonomy = await api('/api/taxonomy');
  const state = { after: [], next: null };
  const select = (name, options) => el('select', { name, 'data-testid': `filter-${name}`, onchange: () => load(true) }, el('option', { value: '' }, `${name}: any`), options.map((o) => el('option', { value: o }, o)));
  const search = el('input', { name: 'q', placeholder: 'name or id', 'data-testid': 'filter-q', onchange: () => load(true) });
  const filters = el('div', { class: 'filters' },
    select('family', taxonomy.families), select('type', taxonomy.types), select('aggregation', taxonomy.aggregations),
    select('orientation', taxonomy.orientations), select('source', taxonomy.sources), select('review', ['yes', 'no']), search);
  const body = el('div');
  const pager = el('div', { class: 'pager' });
  root.append(el('h2', {}, 'Classifications'), filters, body, pager);

  async function load(reset) {
    if (reset) state.after = [];
    const params = new URLSearchParams();
    for (const input of filters.querySelectorAll('select, input')) if (input.value !== '') params.set(input.name, input.value);
    const after = state.after.at(-1);
    if (after) params.set('after', after);
    const page = await api(`/api/classifications?${params}`);
    if (!current()) return;
    state.next = page.next;
    body.replaceChildren(table(
      [
        { label: 'id', cell: (r) => el('a', { href: `#indicator/${encodeURIComponent(r.indicator_id)}` }, r.indicator_id) },
        { label: 'name', cell: (r) => r.name },
        { label: 'country', cell: (r) => r.country },
        { label: 'family', cell: (r) => r.family },
        { label: 'type', cell: (r) => r.type },
        { label: 'aggregation', cell: (r) => r.temporal_aggregation },
        { label: 'currency', cell: (r) => r.currency },
        { label: 'orientation', cell: (r) => r.orientation },
        { label: 'confidence', num: true, cell: (r) => fmt(r.confidence, 2) },
        { label: 'source (family/type/orientation)', cell: (r) => el('span', { class: r.overridden ? 'override' : null, title: r.overridden ? `overridden: ${r.overridden.join(', ')}` : null }, `${r.family_source}/${r.type_source}/${r.orientation_source}`) },
        { label: 'review', cell: (r) => (r.needs_review ? 'yes' : '') },
      ],
      page.rows,
      { 'data-testid': 'classifications-table', 'data-rows': page.rows.length },
    ));
    pager.replaceChildren(
      el('button', { disabled: state.after.length === 0 ? '' : null, onclick: () => { state.after.pop(); load(false); } }, '← previous'),
      el('span', {}, `page ${state.after.length + 1}`),
      el('button', { disabled: state.next === null ? '' : null, 'data-testid': 'next-page', onclick: () => { state.after.push(state.next); load(false); } }, 'next →'),
    );
  }
  await load(true);
}

// ---------- One indicator ----------
async function indicator(root, id) {
  const d = await api(`/api/indicator?id=${encodeURIComponent(id)}`);
  const s = d.indicator;
  const c = d.classification;
  root.append(el('h2', {}, `${s.name ?? id} `, el('small', {}, `(${id}${s.country ? `, ${s.country}` : ''})`)));
  root.append(el('p', {}, `units: ${s.units ?? '–'} · periodicity: ${s.periodicity ?? '–'} · category: ${s.category_group ?? s.topic ?? '–'} · source: ${s.source ?? '–'}`));
  if (c) root.append(el('div', { class: 'cards' }, card('family / type', `${c.family} / ${c.type}`, 'ind-label'), card('aggregation', c.temporal_aggregation), card('orientation', c.orientation), card('confidence', fmt(c.confidence, 2)), card('needs review', c.needs_review ? 'yes' : 'no'), card('run', c.run_id)));
  else root.append(el('p', { class: 'bad' }, 'Not classified.'));
  if (d.failure) root.append(el('p', { class: 'bad' }, `failure: ${d.failure.stage}: ${d.failure.reason} (${d.failure.attempts} attempts)`));
  if (d.fields.length > 0) root.append(el('h3', {}, 'Fields (as a reader sees them: an override in force wins)'), table(
    [
      { label: 'field', cell: (f) => f.field },
      { label: 'value', cell: (f) => f.value },
      { label: 'source', cell: (f) => el('span', { class: f.source === 'override' ? 'override' : null }, `source: ${f.source}`) },
      { label: 'confidence', num: true, cell: (f) => fmt(f.confidence, 2) },
      { label: 'review in force', cell: (f) => reviewText(f.review) },
    ],
    d.fields,
    { 'data-testid': 'fields-table' },
  ));
  const common = new Set(['indicator_id', 'run_id', 'confidence', 'source', 'reason', 'created_at', 'updated_at', 'content_hash']);
  root.append(el('h3', {}, 'Stages'), table(
    [
      { label: 'stage', cell: (r) => r.table.replace(/_results$/, '') },
      { label: 'result', cell: (r) => (r.row ? Object.entries(r.row).filter(([k]) => !common.has(k)).map(([k, v]) => `${k}=${v}`).join(', ') : '–') },
      { label: 'confidence', num: true, cell: (r) => fmt(r.row?.confidence, 2) },
      { label: 'source', cell: (r) => r.row?.source ?? '–' },
      { label: 'reason', cell: (r) => r.row?.reason ?? '–' },
    ],
    d.stages,
    { 'data-testid': 'stages-table' },
  ));
  root.append(el('h3', {}, 'LLM answers for this indicator\'s questions'));
  root.append(d.llm.length === 0 ? el('p', {}, 'None: the rules decided every field (or no cached answer matches).') : table(
    [
      { label: 'stage', cell: (r) => r.stage },
      { label: 'answer', cell: (r) => el('code', {}, JSON.stringify(r.answer)) },
      { label: 'model', cell: (r) => r.model },
      { label: 'request', cell: (r) => (r.request ? `${r.request.status}, ${r.request.indicators} indicators in the batch` : 'not recorded') },
      { label: 'tokens in/out', num: true, cell: (r) => (r.request ? `${fmt(r.request.input_tokens)} / ${fmt(r.request.output_tokens)}` : '–') },
      { label: 'cost', num: true, cell: (r) => usd(r.request?.cost_usd) },
      { label: 'reused', num: true, cell: (r) => fmt(r.hits) },
    ],
    d.llm,
  ));
  const values = (s.sample_values ?? []).filter((v) => v.value !== null).map((v) => ({ t: Date.parse(v.date.length === 4 ? `${v.date}-12-31` : v.date) / 1000, v: v.value })).filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
  if (values.length > 1) {
    const box = el('div', { class: 'chart' });
    new uPlot({ title: 'values', width: 620, height: 240, series: [{}, { label: s.units || 'value', stroke: '#2f6fed' }] }, [values.map((p) => p.t), values.map((p) => p.v)], box);
    root.append(el('h3', {}, 'Values'), box);
  }
}

/** A review's who, when, old → new and note, in one line. */
function reviewText(r) {
  if (!r) return '';
  const what = r.action === 'override' ? `override ${r.old_value} → ${r.new_value}` : `accepted ${r.new_value}`;
  return `${what} by ${r.reviewer}, ${when(r.created_at)}${r.note ? ` — “${r.note}”` : ''}${r.needs_rereview ? ' (content changed since: review again)' : ''}`;
}

// ---------- Review queue ----------
const REVIEWER_KEY = 'classify.reviewer';

/** The values a field may be overridden with: a type within the item's family; a family with a type of it. */
function overrideOptions(taxonomy, item) {
  switch (item.field) {
    case 'family':
      return taxonomy.families.flatMap((f) => taxonomy.family_types[f].map((t) => ({ value: `${f}|${t}`, label: `${f} / ${t}` })));
    case 'type':
      return taxonomy.family_types[item.family].map((t) => ({ value: t, label: t }));
    case 'temporal_aggregation':
      return taxonomy.aggregations.map((a) => ({ value: a, label: a }));
    case 'orientation':
      return taxonomy.orientations.map((o) => ({ value: o, label: o }));
    case 'is_currency_denominated':
      return ['true', 'false'].map((v) => ({ value: v, label: v }));
    default:
      return [];
  }
}

/** An override select's value as the API's changes (a family comes with its type). */
function changesOf(field, value) {
  if (field !== 'family') return { [field]: value };
  const [family, type] = value.split('|');
  return { family, type };
}

async function reviewView(root, _arg, current) {
  const taxonomy = await api('/api/taxonomy');
  const state = { after: [], next: null };
  const reviewer = el('input', { name: 'reviewer', placeholder: 'your name', 'data-testid': 'reviewer', value: localStorage.getItem(REVIEWER_KEY) ?? '', onchange: () => localStorage.setItem(REVIEWER_KEY, reviewer.value.trim()) });
  const note = el('input', { name: 'note', placeholder: 'note (optional, kept with the review)', 'data-testid': 'review-note', size: 40 });
  const select = (name, options) => el('select', { name, 'data-testid': `review-filter-${name}`, onchange: () => load(true) }, el('option', { value: '' }, `${name}: any`), options.map((o) => el('option', { value: o }, o)));
  // Empty: the server's default threshold (hybrid mode's), shown once the first page says what it is.
  const threshold = el('input', { name: 'threshold', type: 'number', min: 0, max: 1, step: 0.05, value: '', size: 14, title: 'a field below this confidence is queued', 'data-testid': 'review-filter-threshold', onchange: () => load(true) });
  const filters = el('div', { class: 'filters' },
    select('field', ['family', 'type', 'temporal_aggregation', 'is_currency_denominated', 'orientation']),
    select('reason', ['low-confidence', 'rules-llm-disagree', 'inconsistent-group', 'content-changed', 'machine-changed']),
    el('label', {}, 'confidence below ', threshold));
  const message = el('div', { class: 'message', 'data-testid': 'review-message', role: 'status' });
  const body = el('div');
  const pager = el('div', { class: 'pager' });
  root.append(
    el('h2', {}, 'Review queue'),
    el('p', {}, 'Fields to check: low confidence, rules and LLM disagreeing, inconsistent groups, reviews made on content that changed. Accept the value or override it; overrides win on export and survive every run.'),
    el('div', { class: 'filters' }, el('label', {}, 'reviewer ', reviewer), note),
    filters, message, body, pager,
  );

  function say(text, bad = false) {
    message.replaceChildren(...[text].flat().map((line) => el('div', {}, line)));
    message.className = `message ${bad ? 'bad' : 'good'}`;
  }

  async function act(item, action, group, value) {
    const who = reviewer.value.trim();
    if (who !== '') localStorage.setItem(REVIEWER_KEY, who);
    const request = {
      action,
      ...(group ? { group: item.group } : { indicators: [item.indicator_id] }),
      ...(action === 'accept' ? { fields: [item.field] } : { changes: changesOf(item.field, value) }),
      ...(who === '' ? {} : { reviewer: who }),
      ...(note.value.trim() === '' ? {} : { note: note.value }),
    };
    const response = await fetch('/api/review', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    const answer = await response.json();
    if (!current()) return;
    if (!response.ok) {
      say([`Refused (HTTP ${response.status}), nothing recorded:`, ...(answer.reasons ?? answer.issues ?? [answer.error])], true);
      return;
    }
    const target = group ? `group “${item.group}” (${answer.indicators} indicators)` : item.indicator_id;
    say(`${action === 'accept' ? 'Accepted' : 'Overrode'} ${answer.recorded} field${answer.recorded === 1 ? '' : 's'} of ${target} as ${answer.reviewer}.`);
    await load(false);
  }

  function actions(item) {
    const options = overrideOptions(taxonomy, item);
    const currentValue = item.field === 'family' ? null : item.value;
    const choice = el('select', { 'data-testid': 'override-value', 'aria-label': `new ${item.field}` },
      options.map((o) => el('option', { value: o.value, selected: o.value === currentValue ? '' : null }, o.label)));
    const whole = item.group === null ? null : el('input', { type: 'checkbox', 'data-testid': 'whole-group' });
    return el('div', { class: 'actions' },
      el('button', { 'data-testid': 'accept', onclick: () => act(item, 'accept', whole?.checked, null) }, 'Accept'),
      choice,
      el('button', { 'data-testid': 'override', onclick: () => act(item, 'override', whole?.checked, choice.value) }, 'Override'),
      whole === null ? '' : el('label', { title: `every indicator named “${item.group}”` }, whole, ' apply to the whole group'),
    );
  }

  async function load(reset) {
    if (reset) state.after = [];
    const params = new URLSearchParams({ limit: '50' });
    for (const input of filters.querySelectorAll('select, input')) if (input.value !== '') params.set(input.name, input.value);
    const after = state.after.at(-1);
    if (after) params.set('after', after);
    const page = await api(`/api/review?${params}`);
    if (!current()) return;
    state.next = page.next;
    threshold.placeholder = `${page.threshold} (default)`;
    body.replaceChildren(table(
      [
        { label: 'indicator', cell: (r) => el('a', { href: `#indicator/${encodeURIComponent(r.indicator_id)}` }, r.indicator_id) },
        { label: 'name', cell: (r) => r.name },
        { label: 'field', cell: (r) => r.field },
        { label: 'reasons', cell: (r) => r.reasons.join(', ') + (r.rules_value !== null && r.rules_value !== r.machine_value ? ` (rules: ${r.rules_value})` : '') },
        { label: 'value', cell: (r) => (r.value === r.machine_value ? r.value : `${r.value} (machine: ${r.machine_value})`) },
        { label: 'confidence', num: true, cell: (r) => fmt(r.confidence, 2) },
        { label: 'source', cell: (r) => r.source },
        { label: 'group', cell: (r) => r.group ?? '' },
        { label: 'review', cell: actions },
      ],
      page.items,
      { 'data-testid': 'review-table', 'data-rows': page.items.length },
    ));
    // Each row names its indicator and field, for whoever reads the table by machine (the tests).
    body.querySelectorAll('tbody tr').forEach((tr, i) => {
      tr.dataset.indicator = page.items[i].indicator_id;
      tr.dataset.field = page.items[i].field;
      tr.dataset.value = page.items[i].value;
    });
    pager.replaceChildren(
      el('button', { disabled: state.after.length === 0 ? '' : null, onclick: () => { state.after.pop(); load(false); } }, '← previous'),
      el('span', {}, page.items.length === 0 ? 'the queue is empty' : `page ${state.after.length + 1}`),
      el('button', { disabled: state.next === null ? '' : null, 'data-testid': 'review-next-page', onclick: () => { state.after.push(state.next); load(false); } }, 'next →'),
    );
  }
  await load(true);
}

// ---------- Distributions and consistency ----------
async function distributionsView(root) {
  const [d, consistency] = await Promise.all([api('/api/distributions'), api('/api/consistency')]);
  root.append(el('h2', {}, `Distributions (${fmt(d.total)} classifications)`));
  const families = [...new Set(d.familyType.map((r) => r.family))];
  const perFamily = families.map((f) => d.familyType.filter((r) => r.family === f).reduce((n, r) => n + r.count, 0));
  root.append(chart('classifications per family', families.map((_, i) => i), [{ label: 'count', values: perFamily }], { bars: true, xLabels: families, width: 900 }));
  const bars = (title, rows) => chart(title, rows.map((_, i) => i), [{ label: 'count', values: rows.map((r) => r.count) }], { bars: true, xLabels: rows.map((r) => r.value), width: 620 });
  root.append(bars('orientation', d.orientation), bars('temporal aggregation', d.aggregation));
  root.append(el('h3', {}, 'Family × type'), table([{ label: 'family', cell: (r) => r.family }, { label: 'type', cell: (r) => r.type }, { label: 'count', num: true, cell: (r) => fmt(r.count) }], d.familyType, { 'data-testid': 'family-type' }));
  root.append(el('h3', {}, 'Per category'), table([{ label: 'category', cell: (r) => r.category }, { label: 'family', cell: (r) => r.family }, { label: 'count', num: true, cell: (r) => fmt(r.count) }], d.categories));
  root.append(el('h3', {}, `Consistency: same concept, different labels (${consistency.groups.length} groups)`));
  root.append(table(
    [
      { label: 'concept (normalized name)', cell: (g) => g.concept },
      { label: 'indicators', num: true, cell: (g) => fmt(g.members) },
      { label: 'countries', num: true, cell: (g) => fmt(g.countries) },
      { label: 'labels (family/type/orientation × count, e.g.)', cell: (g) => g.labels.map((l) => el('div', {}, `${l.family}/${l.type}/${l.orientation} × ${l.count} `, el('a', { href: `#indicator/${encodeURIComponent(l.example)}` }, l.example))) },
    ],
    consistency.groups,
    { 'data-testid': 'consistency-table' },
  ));
}

// ---------- Health ----------
async function health(root, _arg, current) {
  const body = el('div');
  root.append(el('h2', {}, 'Engine and database health (what `classify status` reports)'), body);
  const refresh = async () => {
    const s = await api('/api/health');
    if (!current()) return;
    const e = s.engine.engine;
    const i = s.invocations;
    body.replaceChildren(
      el('div', { class: 'cards' },
        card('engine', e === null ? 'not running' : s.engine.healthy ? 'healthy' : 'UNHEALTHY', 'health-engine'),
        card('database', s.database.reachable ? `${s.database.kind}` : 'NOT REACHABLE', 'health-db'),
        card('invocations pending / running / failed', i ? `${i.pending + i.scheduled + i.ready} / ${i.running} / ${i.failed}` : '–'),
        card('newest classification', s.newest ? `${s.newest.indicator_id}, idle ${s.newest.idle_s} s` : 'none'),
        card('stage tables', s.rowsConsistent === null ? '–' : s.rowsConsistent ? 'consistent' : 'INCONSISTENT'),
      ),
      s.rows ? table([{ label: 'table', cell: (r) => r[0] }, { label: 'rows', num: true, cell: (r) => fmt(r[1]) }], Object.entries(s.rows)) : '',
      el('h3', {}, 'Recent failures'),
      s.recentFailures.length === 0 ? el('p', {}, 'none') : table([{ label: 'indicator', cell: (f) => f.indicator_id }, { label: 'stage', cell: (f) => f.stage }, { label: 'reason', cell: (f) => f.reason }, { label: 'attempts', num: true, cell: (f) => f.attempts }], s.recentFailures),
      el('h3', {}, 'Raw'),
      el('pre', {}, JSON.stringify(s, null, 2)),
    );
  };
  await refresh();
  return refresh;
}

// ---------- Bench ----------
async function bench(root) {
  const latest = await api('/api/bench');
  root.append(el('h2', {}, 'Latest bench report'));
  if (latest === null) {
    root.append(el('p', {}, 'No report found (classify bench writes them under bench/results; --bench-dir picks another folder).'));
    return;
  }
  const r = latest.report;
  root.append(el('p', {}, `${latest.file} · ${r.command ?? r.bench} · started ${when(r.started_at)} · ${r.machine?.cores ?? '?'} cores · commit ${r.code?.commit ?? '?'}`));
  const efficiency = Array.isArray(r.efficiency) ? r.efficiency : [];
  for (const mode of [...new Set(efficiency.map((e) => e.mode))]) {
    const rows = efficiency.filter((e) => e.mode === mode);
    root.append(chart(`${mode}: completions/min against the target`, rows.map((_, i) => i), [{ label: 'target', values: rows.map((e) => e.target_ipm) }, { label: 'actual (steady)', values: rows.map((e) => e.actual_ipm) }], { bars: true, xLabels: rows.map((e) => String(e.target_ipm)) }));
  }
  if (r.ceiling && r.bare) root.append(chart('ceiling: classify against the bare workflow (completions/min)', [0, 1], [{ label: 'completions/min', values: [r.ceiling.actual_ipm, r.bare.actual_ipm] }], { bars: true, xLabels: ['classify', 'bare'] }));
  if (r.peak_rss_mib) {
    const entries = Object.entries(r.peak_rss_mib);
    root.append(chart('peak RSS per process (MiB)', entries.map((_, i) => i), [{ label: 'MiB', values: entries.map((e) => e[1]) }], { bars: true, xLabels: entries.map((e) => e[0]) }));
  }
  if (efficiency.length > 0) root.append(table(
    [{ label: 'mode', cell: (e) => e.mode }, { label: 'target', num: true, cell: (e) => fmt(e.target_ipm) }, { label: 'actual', num: true, cell: (e) => fmt(e.actual_ipm, 1) }, { label: 'efficiency', num: true, cell: (e) => fmt(e.efficiency, 3) }, { label: 'status', cell: (e) => e.status }],
    efficiency,
  ));
  if (r.error) root.append(el('p', { class: 'bad' }, `report error: ${r.error}`));
}

export const VIEWS = { runs, classifications, indicator, review: reviewView, distributions: distributionsView, health, bench };
