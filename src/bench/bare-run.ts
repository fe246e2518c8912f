/**
 * The bare workflow phase: a fresh stack like the ceiling's, but its endpoint process serves only
 * the bare workflow (`classify bench bare-serve`), and its runner process drives it
 * (`classify bench bare-run`) as `classify run` drives ours, at the ceiling's count.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { databaseDaemonStatus } from '../db/daemon.js';
import { registerDeployment } from '../engine/index.js';
import { BareRunReport } from './bare-driver.js';
import { bareRows } from './database.js';
import { loadAverage, round } from './machine.js';
import { runPhase, type PhaseContext } from './phase.js';
import type { PhaseMemory } from './rss.js';
import { steadyWindowSeconds } from './tenths.js';

export interface BareResult extends BareRunReport {
  readonly steady_window_s: number | null;
  readonly database: { readonly saves: number };
  readonly counts_match: boolean;
  readonly memory: PhaseMemory;
  readonly load_average: readonly number[];
  readonly data_dir: string;
}

export async function bareRun(context: PhaseContext, count: number, steps: number): Promise<BareResult> {
  const outcome = await runPhase(
    context,
    { name: 'bare', llm: null, catalogCount: null, endpointArgs: ['bench', 'bare-serve', '--port', '0', '--steps', String(steps)] },
    async (phase) => {
      await registerDeployment(phase.stack.engine.adminUrl, phase.stack.endpoint.url, { force: true });
      context.log(`bare: ${count} workflows of ${steps} journaled steps (the last one INSERT), unpaced`);
      const reportFile = join(phase.stack.dataDir, 'bare-report.json');
      const exit = await phase.runner(['bench', 'bare-run', '--count', String(count), '--seed', String(context.seed), '--steps', String(steps), '--report', reportFile]);
      const text = await readFile(reportFile, 'utf8').catch(() => {
        throw new Error(`bare: the driver exited (${exit.signal ?? `code ${exit.code ?? '?'}`}) without a report; see ${join(phase.stack.dataDir, 'logs', 'runner.out')}`);
      });
      const report = BareRunReport.parse(JSON.parse(text));
      const served = await databaseDaemonStatus(phase.stack.dataDir);
      if (served === null) throw new Error('bare: the database daemon is gone');
      return { report, rows: await bareRows(served.url) };
    },
  );
  const { report, rows } = outcome.result;
  context.log(`bare: ${report.status}, ${report.completed} of ${report.planned} in ${report.duration_s.toFixed(1)} s, steady ${report.actual_ipm === null ? 'n/a' : report.actual_ipm.toFixed(0)}/min`);
  return {
    ...report,
    overall_ipm: round(report.overall_ipm, 1),
    actual_ipm: report.actual_ipm === null ? null : round(report.actual_ipm, 1),
    steady_window_s: steadyWindowSeconds(rows.savedAt),
    database: { saves: rows.classifications },
    counts_match: rows.classifications === report.completed,
    memory: outcome.memory,
    load_average: loadAverage(),
    data_dir: outcome.dataDir,
  };
}
