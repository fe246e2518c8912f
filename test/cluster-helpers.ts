/**
 * Shared by the native cluster's tests: bringing a cluster up in a scenario's data directory with the
 * built `classify` command, and taking it down after each test whatever happened (the scenario's own
 * cleanup then checks that nothing of the data directory still runs).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { isAlive } from '../src/engine/state.js';
import { classify, explain, type Scenario } from './e2e-helpers.js';

/** The part of `classify cluster status --json` the tests read. */
export interface ClusterStatusJson {
  readonly healthy: boolean;
  readonly partitions_ready: boolean;
  readonly partitions: number;
  readonly nodes: { index: number; pid: number | null; up: boolean; ingress_url: string; admin_url: string; healthy: boolean; partitions_led: number | null }[];
  readonly services: { index: number; pid: number | null; up: boolean; url: string; healthy: boolean; invocation_share: number | null }[];
  readonly load_balancer: { pid: number | null; url: string; healthy: boolean };
  readonly object_store: { pid: number | null; healthy: boolean };
  readonly database: { kind: string; up: boolean };
  readonly latest_run: { id: string; saved: number } | null;
  readonly deployment: { id: string; url: string } | null;
}

export async function clusterStatusJson(scenario: Scenario): Promise<ClusterStatusJson> {
  const result = await classify(scenario, ['cluster', 'status', '--json']);
  return JSON.parse(result.stdout) as ClusterStatusJson;
}

export async function clusterUp(scenario: Scenario, args: readonly string[] = []): Promise<void> {
  const result = await classify(scenario, ['cluster', 'up', ...args], 240_000);
  expect(result.code, explain(result)).toBe(0);
}

/** Every pid the cluster file records (whatever their state). */
async function recordedPids(dataDir: string): Promise<number[]> {
  try {
    const file = JSON.parse(await readFile(join(dataDir, 'cluster', 'cluster.json'), 'utf8')) as {
      nodes: { pid: number | null }[];
      services: { pid: number | null }[];
      load_balancer: { pid: number | null };
      object_store: { pid: number | null };
    };
    return [...file.nodes, ...file.services, file.load_balancer, file.object_store].map((item) => item.pid).filter((pid) => pid !== null);
  } catch {
    return [];
  }
}

/**
 * Registered after `scenariosPerTest`, so it runs before the scenario's cleanup (hooks run as a
 * stack): `classify cluster down`, then SIGKILL for any recorded process that survived it.
 */
export function takeClustersDown(scenarios: () => readonly Scenario[], hookTimeoutMs: number): void {
  afterEach(async () => {
    for (const scenario of scenarios()) {
      const pids = await recordedPids(scenario.dataDir);
      await classify(scenario, ['cluster', 'down'], 120_000);
      for (const pid of pids) {
        if (await isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    }
  }, hookTimeoutMs);
}
