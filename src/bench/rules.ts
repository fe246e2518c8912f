/**
 * Benchmark of the rule engine: all six stages over a generated catalog, in one process.
 * Validation of the input happens before the clock starts; only classification is timed.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { generateCatalog } from '../catalog/generate/index.js';
import { Indicator } from '../domain/indicator.js';
import { classifyWithRules } from '../stages/pipeline.js';

export interface RulesBenchReport {
  readonly bench: 'rules';
  readonly indicators: number;
  readonly seed: number;
  readonly seconds: number;
  readonly indicators_per_second: number;
  /** Heap and resident memory after the run, in MiB. */
  readonly heap_used_mib: number;
  readonly rss_mib: number;
  readonly node: string;
  readonly cpu: string;
  readonly at: string;
}

const MIB = 1024 * 1024;
const WARM_UP = 200;

export function benchRules(options: { count: number; seed: number }): RulesBenchReport {
  const indicators = [...generateCatalog(options)].map((row) => Indicator.parse(row));
  // A short warm-up so the figure is the engine's steady state, not the JIT's first pass.
  for (const indicator of indicators.slice(0, WARM_UP)) classifyWithRules(indicator);
  const started = performance.now();
  for (const indicator of indicators) classifyWithRules(indicator);
  const seconds = (performance.now() - started) / 1000;
  const memory = process.memoryUsage();
  return {
    bench: 'rules',
    indicators: indicators.length,
    seed: options.seed,
    seconds: round(seconds, 3),
    indicators_per_second: Math.round(indicators.length / seconds),
    heap_used_mib: round(memory.heapUsed / MIB, 1),
    rss_mib: round(memory.rss / MIB, 1),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    at: new Date().toISOString(),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
