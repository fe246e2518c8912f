/**
 * Database errors by kind: may a retry succeed? Postgres and the embedded PGlite server both answer
 * through node-postgres, whose errors carry the server's SQLSTATE as `.code` (five characters, the
 * first two its class); a connection that fails carries Node's errno code instead (ECONNREFUSED).
 *
 * - permanent: the statement itself is refused — a data exception (class 22: a value out of range,
 *   a bad cast) or an integrity constraint violation (class 23: CHECK, NOT NULL, unique, foreign
 *   key). The same statement meets the same refusal every time, so retrying only delays the failure.
 * - transient: everything else. Known ones (connection lost, serialization failure, deadlock, the
 *   server shutting down or out of connections) pass once the database is back; an error we do not
 *   recognise is retried too, since the retries are bounded and a wrong "permanent" would fail an
 *   indicator that a database restart would have saved.
 */

export type DbErrorKind = 'permanent' | 'transient';

export interface ClassifiedDbError {
  readonly kind: DbErrorKind;
  /** The SQLSTATE, when the database answered with one. */
  readonly sqlstate: string | null;
  /** For people and the `failures` table: the message, with the SQLSTATE when there is one. */
  readonly reason: string;
}

/** SQLSTATE classes whose errors no retry can fix (see the module comment). */
const PERMANENT_CLASSES: ReadonlySet<string> = new Set(['22', '23']);

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Node's errno codes of connection failures: all-letter codes, so never taken for a SQLSTATE class 22/23. */
const ERRNO = /^E[A-Z]+$/;

export function classifyDbError(error: unknown): ClassifiedDbError {
  const message = error instanceof Error ? error.message : String(error);
  const sqlstate = sqlstateOf(error);
  if (sqlstate === null) return { kind: 'transient', sqlstate: null, reason: message };
  const kind: DbErrorKind = PERMANENT_CLASSES.has(sqlstate.slice(0, 2)) ? 'permanent' : 'transient';
  return { kind, sqlstate, reason: `${message} (SQLSTATE ${sqlstate})` };
}

/** The server's SQLSTATE of this error, or null (a connection error, or not a database error at all). */
function sqlstateOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || ERRNO.test(code) || !SQLSTATE.test(code)) return null;
  return code;
}
