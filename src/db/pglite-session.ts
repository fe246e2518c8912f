/**
 * Shares PGlite's one Postgres session among many socket connections without mixing their messages.
 *
 * Why not pglite-socket's own queue: it interleaves connections message by message. node-postgres
 * sends a parameterized query as Parse, Bind, Describe, Execute, Sync, and PGlite has one unnamed
 * statement and one unnamed portal, so when a large query arrives in several TCP chunks, another
 * connection's Parse/Bind lands in between and one query runs with the other's statement or
 * parameters (seen: "bind message supplies 2 parameters, but prepared statement requires 1", and a
 * row inserted into the wrong table). Here a connection that has started an extended-protocol
 * sequence, or is inside BEGIN … COMMIT, owns the session until its Sync leaves no transaction
 * open; the others wait. Each query, and each explicit transaction, is therefore isolated.
 */
import type { PGlite } from '@electric-sql/pglite';

interface Pending {
  readonly connection: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: Error) => void;
}

/** Frontend message types that leave the session mid-sequence until the connection's Sync. */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((letter) => letter.charCodeAt(0)));
const SYNC = 'S'.charCodeAt(0);
const QUERY = 'Q'.charCodeAt(0);

/** The same interface as pglite-socket's QueryQueueManager, which PGLiteSocketHandler calls. */
export class SessionQueue {
  readonly #db: PGlite;
  #pending: Pending[] = [];
  /** The connection that owns the session, or null when any may go next. */
  #owner: number | null = null;
  /** Connections gone while (possibly) owning the session: released at the next turn. */
  readonly #closed = new Set<number>();
  #draining: Promise<void> | null = null;

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(connection: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#pending.push({ connection, message, onData, resolve, reject });
      void this.#drain();
    });
  }

  clearQueueForHandler(connection: number): void {
    const [mine, others] = partition(this.#pending, (item) => item.connection === connection);
    this.#pending = others;
    for (const item of mine) item.reject(new Error('connection closed'));
  }

  /** Called when a connection goes away: a sequence or transaction it left open must not block the rest. */
  clearTransactionIfNeeded(connection: number): Promise<void> {
    this.#closed.add(connection);
    return this.#drain();
  }

  /** Resolves when nothing is running (before closing PGlite). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  #drain(): Promise<void> {
    this.#draining ??= this.#loop().finally(() => {
      this.#draining = null;
      // A message enqueued after the loop's last look but before this callback would wait forever.
      if (this.#next() !== undefined || this.#ownerClosed()) void this.#drain();
    });
    return this.#draining;
  }

  #ownerClosed(): boolean {
    return this.#owner !== null && this.#closed.has(this.#owner);
  }

  /** The next message allowed to run: the owner's, or anyone's when the session is free. */
  #next(): number | undefined {
    const index = this.#owner === null ? (this.#pending.length > 0 ? 0 : -1) : this.#pending.findIndex((item) => item.connection === this.#owner);
    return index < 0 ? undefined : index;
  }

  async #loop(): Promise<void> {
    for (;;) {
      if (this.#ownerClosed()) await this.#release();
      const index = this.#next();
      if (index === undefined) break;
      const [item] = this.#pending.splice(index, 1);
      if (item === undefined) break;
      let bytes = 0;
      try {
        await this.#db.runExclusive(() =>
          this.#db.execProtocolRawStream(item.message, {
            onRawData: (data) => {
              bytes += data.length;
              item.onData(data);
            },
          }),
        );
        this.#owner = this.#nextOwner(item);
        item.resolve(bytes);
      } catch (error) {
        item.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    for (const connection of this.#closed) if (connection !== this.#owner) this.#closed.delete(connection);
  }

  #nextOwner(item: Pending): number | null {
    const type = item.message[0];
    if (type === SYNC || type === QUERY) return this.#db.isInTransaction() ? item.connection : null;
    if (type !== undefined && EXTENDED.has(type)) return item.connection;
    return this.#owner;
  }

  /** Ends what a vanished connection left open: its extended sequence (Sync), then its transaction. */
  async #release(): Promise<void> {
    const connection = this.#owner;
    try {
      await this.#db.runExclusive(async () => {
        const discard = { onRawData: () => undefined };
        await this.#db.execProtocolRawStream(frontendMessage('S', ''), discard);
        if (this.#db.isInTransaction()) await this.#db.execProtocolRawStream(frontendMessage('Q', 'ROLLBACK'), discard);
      });
    } catch {
      // PGlite already closed: there is no session left to free.
    } finally {
      this.#owner = null;
      if (connection !== null) this.#closed.delete(connection);
    }
  }
}

/** A frontend message: type byte, int32 length, body (a NUL-terminated string when not empty). */
function frontendMessage(type: string, text: string): Uint8Array {
  const body = text === '' ? Buffer.alloc(0) : Buffer.from(`${text}\0`, 'utf8');
  const message = Buffer.alloc(5 + body.length);
  message.write(type, 0, 'latin1');
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return new Uint8Array(message);
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
