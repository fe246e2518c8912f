/**
 * What the durable workflow needs from the database. Implemented in src/db (Postgres and PGlite
 * share one SQL path); the workflow only sees this interface, so it can be tested without one.
 */
import type { Indicator } from '../domain/indicator.js';
import type { Classification } from '../domain/results.js';

export interface SaveClassification {
  readonly runId: string;
  /** The workflow key that produced it (indicator id + content hash, + run for --force). */
  readonly workflowKey: string;
  /** sha256 of the indicator's canonical JSON: tells a current classification from a stale one. */
  readonly contentHash: string;
  readonly classification: Classification;
  /**
   * LLM answers this indicator got without a request of its own (another indicator's request in
   * flight answered the same signature): logged in llm_cache_hits with the save, so they cost no
   * extra round trip. `id` is deterministic (workflow key + stage): a repeated save logs nothing new.
   */
  readonly sharedHits?: readonly SharedHit[] | undefined;
}

export interface SharedHit {
  readonly id: string;
  readonly signature: string;
  readonly stage: string;
  readonly promptVersion: string;
  readonly model: string;
}

export interface RecordFailure {
  readonly runId: string;
  readonly indicatorId: string;
  readonly workflowKey: string;
  /** Which stage failed: normalization, time, cumulative, family, type, orientation, save, input. */
  readonly stage: string;
  readonly reason: string;
  readonly attempts: number;
}

export interface ClassificationStore {
  /**
   * One transaction (one SQL statement) that upserts every stage row and the classifications row
   * on indicator_id, and clears a failure of the same indicator. Running it twice changes nothing.
   */
  saveClassification(input: SaveClassification): Promise<void>;
  /** Upserts the one failure row of the indicator (never a row per replay). */
  recordFailure(input: RecordFailure): Promise<void>;
}

export type { Indicator };
