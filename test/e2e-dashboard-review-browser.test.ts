/**
 * The Review view in a real headless Chromium (Debian's `chromium`, driven by playwright-core) as a
 * reviewer uses it, against a real run (rules mode, the built `classify`, a real restate-server,
 * PGlite): a refusal shows its reasons on the page, an override made on the page appears in
 * `classify export`, survives a `classify run --force`, and shows as `source: override` on the
 * indicator's page and in the classifications table. Writes docs/dashboard-review.png with
 * SCREENSHOTS_DIR=docs (the README shows it), else into the test's temporary folder.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, explain, generateCatalog, removeRoot, scenariosPerTest, startClassify, waitFor, type Scenario } from './e2e-helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COUNT = 30;
const STALL = ['--stall-timeout', '120'];
// Two runs on a shared 2-core machine, each up to a few minutes beside other work.
const TEST_TIMEOUT = 600_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';
let shots = '';
let browser: Browser | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-review-browser-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 19);
  shots = resolve(process.env.SCREENSHOTS_DIR ?? root);
  await mkdir(shots, { recursive: true });
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

type Exported = Record<string, string | number | boolean | null>;

async function exportedRow(world: Scenario, id: string): Promise<Exported | undefined> {
  const result = await classify(world, ['export', '--format', 'ndjson']);
  expect(result.code, explain(result)).toBe(0);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Exported)
    .find((row) => row.indicator_id === id);
}

// .ci/run installs chromium; elsewhere the test says why it did not run.
describe.skipIf(!existsSync(CHROMIUM))(`the Review view in headless Chromium (${CHROMIUM})`, () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it('overrides a field on the page; the export shows it, a --force run keeps it, the indicator page says source: override', async () => {
    if (browser === null) throw new Error('no browser');
    const world = await scenario();
    delete world.env.CLASSIFY_REVIEWER;
    const run = await classify(world, ['run', '--catalog', catalog, '--mode', 'rules', ...STALL], 300_000);
    expect(run.code, explain(run)).toBe(0);

    const dashboard = startClassify(world, ['dashboard', '--port', '0']);
    const url = await waitFor('the dashboard URL', () => {
      const match = /^dashboard: (http:\/\/\S+)/m.exec(dashboard.output().stdout);
      if (!dashboard.running()) throw new Error(`dashboard exited:\n${dashboard.output().stderr}`);
      return Promise.resolve(match?.[1]);
    }, 90_000, 100);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}#review`);
    await page.getByTestId('review-table').waitFor();

    // Every field below confidence 1, orientation only: the queue holds an orientation of most indicators.
    await page.getByTestId('review-filter-threshold').fill('1');
    await page.getByTestId('review-filter-threshold').dispatchEvent('change');
    await page.getByTestId('review-filter-field').selectOption('orientation');
    const row = page.locator('[data-testid=review-table] tbody tr[data-field=orientation]').first();
    await row.waitFor();
    await expect.poll(async () => page.locator('[data-testid=review-table] tbody tr:not([data-field=orientation])').count()).toBe(0);
    const id = (await row.getAttribute('data-indicator')) ?? '';
    const machine = (await row.getAttribute('data-value')) ?? '';
    const wanted = machine === 'lower-is-positive' ? 'higher-is-positive' : 'lower-is-positive';
    expect((await exportedRow(world, id))?.orientation).toBe(machine);

    // Nobody named (the dashboard has no CLASSIFY_REVIEWER): refused, the reasons on the page, nothing recorded.
    await row.getByTestId('override-value').selectOption(wanted);
    await row.getByTestId('override').click();
    await expect.poll(async () => page.getByTestId('review-message').textContent()).toContain('Refused (HTTP 422)');
    expect(await page.getByTestId('review-message').textContent()).toContain('who is reviewing?');
    expect((await exportedRow(world, id))?.orientation_source).not.toBe('override');

    await page.getByTestId('reviewer').fill('ana');
    await page.getByTestId('review-note').fill('imports: neither direction is good news here');
    await row.getByTestId('override-value').selectOption(wanted);
    await row.getByTestId('override').click();
    await expect.poll(async () => page.getByTestId('review-message').textContent()).toBe(`Overrode 1 field of ${id} as ana.`);
    // Reviewed: off the queue (the table reloads).
    await expect.poll(async () => page.locator(`[data-testid=review-table] tbody tr[data-indicator="${id}"]`).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'dashboard-review.png'), fullPage: false });

    const overridden = { orientation: wanted, orientation_source: 'override', overridden: 'orientation', override_needs_rereview: false };
    const beforeForce = await exportedRow(world, id);
    expect(beforeForce).toMatchObject(overridden);

    // A forced run rewrites every machine row; the override still wins.
    const forced = await classify(world, ['run', '--catalog', catalog, '--mode', 'rules', '--force', ...STALL], 300_000);
    expect(forced.code, explain(forced)).toBe(0);
    const after = await exportedRow(world, id);
    expect(after).toMatchObject(overridden);
    // The machine's row is the forced run's (a new run id), the override still applied over it.
    expect(after?.run_id).not.toBe(beforeForce?.run_id);

    await page.goto(`${url}#indicator/${encodeURIComponent(id)}`);
    const field = page.locator('[data-testid=fields-table] tbody tr', { hasText: 'orientation' });
    await field.waitFor();
    const text = (await field.textContent()) ?? '';
    expect(text).toContain(wanted);
    expect(text).toContain('source: override');
    expect(text).toContain(`override ${machine} → ${wanted} by ana`);
    expect(text).toContain('imports: neither direction is good news here');

    // The classifications table's source filter finds it, and only it.
    await page.goto(`${url}#classifications`);
    await page.getByTestId('classifications-table').waitFor();
    await page.getByTestId('filter-source').selectOption('override');
    await expect.poll(async () => page.getByTestId('classifications-table').getAttribute('data-rows')).toBe('1');
    expect(await page.locator('[data-testid=classifications-table] tbody tr').textContent()).toContain('/override');

    // The reviewer's name is remembered by the browser.
    await page.goto(`${url}#review`);
    await expect.poll(async () => page.getByTestId('reviewer').inputValue()).toBe('ana');
    expect(errors).toEqual([]);
    await page.close();
  }, TEST_TIMEOUT);
});
