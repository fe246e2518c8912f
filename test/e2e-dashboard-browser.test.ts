/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core, which
 * downloads no browser): during a run the live view updates without a reload, and afterwards a
 * filter narrows the table. Screenshots go to $SCREENSHOTS_DIR (docs/ for the README) or the
 * test's temporary folder.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Distributions } from '../src/db/read-models.js';
import { explain, generateCatalog, removeRoot, scenariosPerTest, startClassify, waitFor } from './e2e-helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COUNT = 200;
const TEST_TIMEOUT = 240_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';
let shots = '';
let browser: Browser | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-dashboard-browser-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 17);
  shots = resolve(process.env.SCREENSHOTS_DIR ?? root);
  await mkdir(shots, { recursive: true });
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

// .ci/run installs chromium; elsewhere the test says why it did not run.
describe.skipIf(!existsSync(CHROMIUM))(`dashboard in headless Chromium (${CHROMIUM})`, () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it('updates the live view during a run without a reload, and a filter narrows the table', async () => {
    if (browser === null) throw new Error('no browser');
    const world = await scenario();
    const dashboard = startClassify(world, ['dashboard', '--port', '0']);
    const url = await waitFor('the dashboard URL', () => {
      const match = /^dashboard: (http:\/\/\S+)/m.exec(dashboard.output().stdout);
      if (!dashboard.running()) throw new Error(`dashboard exited:\n${dashboard.output().stderr}`);
      return Promise.resolve(match?.[1]);
    }, 90_000, 100);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}#runs`);
    await page.getByTestId('live-none').waitFor();

    const run = startClassify(world, ['run', '--catalog', catalog, '--mode', 'rules', '--ipm', '600', '--stall-timeout', '60']);
    const done = async () => Number(((await page.getByTestId('live-done').textContent()) ?? '').split(' ')[0]?.replace(/,/g, ''));
    await page.getByTestId('live-done').waitFor({ timeout: 90_000 });
    const first = await done();
    expect(first).toBeLessThan(COUNT);
    // The same page, no navigation: the poll brings new numbers.
    await waitFor('the live view to move', async () => ((await done()) >= first + 20 ? true : undefined), 90_000, 250);
    await expect.poll(async () => page.getByTestId('live-rate').textContent(), { timeout: 30_000 }).toMatch(/\d+ \/ 600/);
    await page.screenshot({ path: join(shots, 'dashboard-live.png'), fullPage: true });
    const finished = await run.done;
    expect(finished.code, explain(finished)).toBe(0);
    await page.getByTestId('live-none').waitFor({ timeout: 30_000 });

    await page.goto(`${url}#classifications`);
    const table = page.getByTestId('classifications-table');
    await table.waitFor();
    expect(await table.getAttribute('data-rows')).toBe('50');
    const response = await fetch(`${url}api/distributions`);
    const distributions = (await response.json()) as Distributions;
    const family = distributions.familyType[0]?.family ?? '';
    const expected = distributions.familyType.filter((row) => row.family === family).reduce((n, row) => n + row.count, 0);
    await page.getByTestId('filter-family').selectOption(family);
    // The first page holds min(expected, 50) rows, every one of that family.
    await expect.poll(async () => page.getByTestId('classifications-table').getAttribute('data-rows'), { timeout: 30_000 }).toBe(String(Math.min(expected, 50)));
    const families = await page.locator('[data-testid=classifications-table] tbody tr td:nth-child(4)').allTextContents();
    expect(families.length).toBe(Math.min(expected, 50));
    expect(new Set(families)).toEqual(new Set([family]));
    await page.screenshot({ path: join(shots, 'dashboard-classifications.png'), fullPage: false });

    // One indicator: its stages table.
    await page.locator('[data-testid=classifications-table] tbody tr td:first-child a').first().click();
    await page.getByTestId('stages-table').waitFor();
    expect(await page.locator('[data-testid=stages-table] tbody tr').count()).toBe(6);
    await page.screenshot({ path: join(shots, 'dashboard-indicator.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, TEST_TIMEOUT);
});
