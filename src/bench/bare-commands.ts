/**
 * The two processes of the bare workflow phase, run by `classify bench` as hidden subcommands:
 * `bare-serve` (its endpoint, on the phase's database) and `bare-run` (its driver, on the phase's
 * engine). Both find the engine and database of CLASSIFY_DATA_DIR as every classify process does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dataDir } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { findEngine, splitUrls } from '../engine/index.js';
import { driveBare, type BareRunReport } from './bare-driver.js';
import { startBareEndpoint } from './bare-workflow.js';

export async function serveBare(options: { port: number; steps: number }, stopped: () => Promise<unknown>, print: (line: string) => void): Promise<void> {
  const db = await openDatabase();
  try {
    const endpoint = await startBareEndpoint(db.pool, options);
    try {
      print(`bare workflow endpoint listening on ${endpoint.url}`);
      await stopped();
    } finally {
      await endpoint.close();
    }
  } finally {
    await db.close();
  }
}

export async function runBare(options: { count: number; seed: number; steps: number; report: string }, log: (line: string) => void): Promise<BareRunReport> {
  const engine = await findEngine(dataDir());
  if (engine === null) throw new Error(`no engine runs for ${dataDir()} (classify bench starts one)`);
  const db = await openDatabase();
  try {
    const report = await driveBare({ pool: db.pool, ingressUrls: splitUrls(engine.ingressUrl), count: options.count, seed: options.seed, steps: options.steps, stallTimeoutMs: 180_000, log });
    await mkdir(dirname(options.report), { recursive: true });
    await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    await db.close();
  }
}
