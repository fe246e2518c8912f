/** The newest `classify bench` (system) report in a folder (bench/results by default), for the Bench view. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Only what tells reports apart; the rest is passed to the page as written. */
const ReportHead = z.looseObject({ bench: z.string(), started_at: z.string() });

export interface BenchReport {
  readonly file: string;
  readonly report: Record<string, unknown>;
}

/**
 * The system report with the latest `started_at` (other benches, e.g. `bench dashboard`, share the
 * folder but not the charts); null when the folder holds none (or does not exist).
 */
export async function latestBenchReport(dir: string): Promise<BenchReport | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let latest: { file: string; report: z.infer<typeof ReportHead> } | null = null;
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const parsed = ReportHead.safeParse(await readJson(file));
    if (!parsed.success || parsed.data.bench !== 'system') continue;
    if (latest === null || parsed.data.started_at > latest.report.started_at) latest = { file, report: parsed.data };
  }
  return latest;
}

/** The file's JSON, or null when it cannot be read or parsed (a report being written, a stray file). */
async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
