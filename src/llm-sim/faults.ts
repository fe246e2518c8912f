/**
 * Fault injection and latency, drawn from one seeded generator. Every request consumes the same
 * number of draws whatever happens to it, so a sequence of requests sees the same faults and
 * latencies for the same seed.
 */
import { Rng } from '../catalog/generate/random.js';
import { SERVER_ERRORS } from './errors.js';

export type FaultRates = { errorRate: number; timeoutRate: number; malformedRate: number; dropRate?: number };
export type LatencyModel = { meanMs: number; jitterMs: number };

export type MalformedKind = 'truncated' | 'prose' | 'schema';

export type Fault =
  | { kind: 'none' }
  | { kind: 'timeout' }
  | { kind: 'error'; status: number; contentType: string; body: string }
  | { kind: 'malformed'; variant: MalformedKind };

export type Draw = { fault: Fault; latencyMs: number };

const MALFORMED: readonly MalformedKind[] = ['truncated', 'prose', 'schema'];

/** The drop draws use their own stream, so that enabling them leaves every other draw unchanged. */
const DROP_STREAM = 0x5eed;

export class FaultInjector {
  private readonly rng: Rng;
  private readonly dropRng: Rng;

  constructor(
    seed: number,
    private readonly rates: FaultRates,
    private readonly latency: LatencyModel,
  ) {
    this.rng = new Rng(seed);
    this.dropRng = new Rng(seed ^ DROP_STREAM);
  }

  /**
   * Which item of an answer of `count` items to leave out, or undefined. Two draws per request
   * whatever the outcome (the sequence stays seed-determined); answers of fewer than two items
   * are never cut, so a re-ask of the one dropped indicator is answered.
   */
  drawDrop(count: number): number | undefined {
    const [drop, which] = [this.dropRng.next(), this.dropRng.next()];
    if (count < 2 || drop >= (this.rates.dropRate ?? 0)) return undefined;
    return Math.min(count - 1, Math.floor(which * count));
  }

  /** One request's fault (timeout first, then 5xx, then malformed) and base latency. */
  draw(): Draw {
    const [timeout, error, malformed, variant] = [this.rng.next(), this.rng.next(), this.rng.next(), this.rng.next()];
    const latencyMs = this.sampleLatency(this.rng.normal());
    const pick = <T>(items: readonly T[]): T => items[Math.floor(variant * items.length)] as T;
    if (timeout < this.rates.timeoutRate) return { fault: { kind: 'timeout' }, latencyMs };
    if (error < this.rates.errorRate) {
      const chosen = pick(SERVER_ERRORS);
      return { fault: { kind: 'error', ...chosen }, latencyMs };
    }
    if (malformed < this.rates.malformedRate) return { fault: { kind: 'malformed', variant: pick(MALFORMED) }, latencyMs };
    return { fault: { kind: 'none' }, latencyMs };
  }

  /** Lognormal with the configured mean and standard deviation (constant when the jitter is 0). */
  private sampleLatency(z: number): number {
    const { meanMs, jitterMs } = this.latency;
    if (meanMs <= 0) return 0;
    if (jitterMs <= 0) return meanMs;
    const sigma2 = Math.log(1 + (jitterMs * jitterMs) / (meanMs * meanMs));
    const mu = Math.log(meanMs) - sigma2 / 2;
    return Math.exp(mu + Math.sqrt(sigma2) * z);
  }
}

/**
 * Content that a client must reject: JSON cut off mid-way, prose around the JSON, or valid JSON
 * that breaks the schema (a required top-level property missing, or an array where an object is
 * required).
 */
export function malformContent(valid: string, variant: MalformedKind, requiredKeys: readonly string[]): string {
  switch (variant) {
    case 'truncated':
      return valid.slice(0, Math.max(1, Math.floor(valid.length / 2)));
    case 'prose':
      return `Sure! Here are the classifications:\n\`\`\`json\n${valid}\n\`\`\``;
    case 'schema': {
      const parsed: unknown = JSON.parse(valid);
      const firstRequired = requiredKeys[0];
      if (firstRequired !== undefined && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const copy: Record<string, unknown> = { ...parsed };
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing the key is the fault.
        delete copy[firstRequired];
        return JSON.stringify(copy);
      }
      return JSON.stringify([parsed]);
    }
  }
}
