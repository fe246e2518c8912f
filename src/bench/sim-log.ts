/**
 * What the simulator saw in a phase, from its own NDJSON request log (src/llm-sim/log.ts): the
 * requests that reached it, their statuses and the latency it really applied, so the report shows
 * the distribution the run met and not only the one asked for.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { percentiles, type Percentiles } from '../runner/metrics.js';

const LogLine = z.object({ path: z.string(), status: z.number().int(), latency_ms: z.number() });

export interface SimulatorSeen {
  readonly requests: number;
  readonly by_status: Record<string, number>;
  readonly latency_ms: Percentiles | null;
}

export async function readSimLog(file: string): Promise<SimulatorSeen> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = LogLine.safeParse(JSON.parse(line));
    if (!parsed.success || !parsed.data.path.endsWith('/chat/completions')) continue;
    byStatus[String(parsed.data.status)] = (byStatus[String(parsed.data.status)] ?? 0) + 1;
    latencies.push(parsed.data.latency_ms);
  }
  return { requests: latencies.length, by_status: byStatus, latency_ms: percentiles(latencies) };
}
