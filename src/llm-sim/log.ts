/**
 * Every request as one NDJSON line, written synchronously before the answer leaves, so a client
 * that has its answer can already read the line; and running totals for /sim/stats. API keys are
 * never written: only a short sha256 prefix identifies one.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogEntry = {
  time: string;
  request_id: string;
  method: string;
  path: string;
  /** sha256(key) prefix, or null without a key. */
  key: string | null;
  model: string | null;
  /** HTTP status; 0 when no answer was sent (a held request the client gave up on, or cut off). */
  status: number;
  latency_ms: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  indicators: number;
  /** The injected fault or limit: "error-500", "timeout", "malformed-truncated", "rate-limit-requests", … */
  fault: string | null;
  error: string | null;
  /** A fingerprint per indicator the request asked about (chat.ts questionFingerprints); absent on other paths. */
  questions?: string[] | undefined;
};

export type SimStats = {
  started_at: string;
  requests: number;
  by_status: Record<string, number>;
  faults: Record<string, number>;
  /** Totals over the answers billed (status 200, malformed ones included). */
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  indicators: number;
};

/** GET /sim/stats: the totals, and the requests received and not yet answered or dropped (their lines not yet written). */
export type SimStatsReply = SimStats & { open_requests: number };

export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export class RequestLog {
  private fd: number | undefined;
  private readonly totals: SimStats;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
    this.totals = {
      started_at: new Date().toISOString(),
      requests: 0,
      by_status: {},
      faults: {},
      prompt_tokens: 0,
      cached_tokens: 0,
      completion_tokens: 0,
      reasoning_tokens: 0,
      indicators: 0,
    };
  }

  write(entry: LogEntry): void {
    const t = this.totals;
    t.requests++;
    t.by_status[String(entry.status)] = (t.by_status[String(entry.status)] ?? 0) + 1;
    if (entry.fault) t.faults[entry.fault] = (t.faults[entry.fault] ?? 0) + 1;
    if (entry.status === 200) {
      t.prompt_tokens += entry.prompt_tokens;
      t.cached_tokens += entry.cached_tokens;
      t.completion_tokens += entry.completion_tokens;
      t.reasoning_tokens += entry.reasoning_tokens;
      t.indicators += entry.indicators;
    }
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  stats(): SimStats {
    return structuredClone(this.totals);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
