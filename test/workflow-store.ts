/**
 * An in-memory ClassificationStore that records every call, for testing the workflow against the
 * real engine (the real database store is tested with the db layer). A script per indicator id can
 * make its saves fail or block.
 */
import type { ClassificationStore, RecordFailure, SaveClassification } from '../src/db/store.js';

/** Runs before a save of that indicator is recorded; `call` counts from 1. Throw to fail the save. */
export type SaveScript = (call: number, input: SaveClassification) => Promise<void> | void;

export class RecordingStore implements ClassificationStore {
  /** Saves that succeeded ("committed"), in order. */
  readonly saves: SaveClassification[] = [];
  readonly failures: RecordFailure[] = [];
  private readonly saveCalls = new Map<string, number>();
  private readonly scripts = new Map<string, SaveScript>();
  private readonly recordCalls = new Map<string, number>();
  private readonly failingRecords = new Map<string, string>();

  script(indicatorId: string, script: SaveScript): void {
    this.scripts.set(indicatorId, script);
  }

  async saveClassification(input: SaveClassification): Promise<void> {
    const id = input.classification.indicator_id;
    const call = (this.saveCalls.get(id) ?? 0) + 1;
    this.saveCalls.set(id, call);
    await this.scripts.get(id)?.(call, input);
    this.saves.push(input);
  }

  /** Every failure record of this indicator throws `message`. */
  failRecords(indicatorId: string, message: string): void {
    this.failingRecords.set(indicatorId, message);
  }

  recordFailure(input: RecordFailure): Promise<void> {
    this.recordCalls.set(input.indicatorId, this.recordCallsOf(input.indicatorId) + 1);
    const failing = this.failingRecords.get(input.indicatorId);
    if (failing !== undefined) return Promise.reject(new Error(failing));
    this.failures.push(input);
    return Promise.resolve();
  }

  recordCallsOf(indicatorId: string): number {
    return this.recordCalls.get(indicatorId) ?? 0;
  }

  savesOf(indicatorId: string): SaveClassification[] {
    return this.saves.filter((save) => save.classification.indicator_id === indicatorId);
  }

  saveCallsOf(indicatorId: string): number {
    return this.saveCalls.get(indicatorId) ?? 0;
  }

  failuresOf(indicatorId: string): RecordFailure[] {
    return this.failures.filter((failure) => failure.indicatorId === indicatorId);
  }
}
