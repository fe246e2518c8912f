/** Building parameterized statements: each value becomes the next $n. */

export type SqlValue = string | number | boolean | null;

export class Params {
  readonly values: SqlValue[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE` that rewrites the row only when a column differs, so
 * running it again with the same values changes nothing (not even `clock`, the column set to now()).
 * `guard`: a further condition on the existing row (`t`) and the incoming one (`excluded`) for
 * replacing it; an insert of a new key is never guarded.
 */
export function upsertRow(
  table: string,
  key: string,
  row: Readonly<Record<string, SqlValue>>,
  params: Params,
  clock = 'updated_at',
  guard?: string,
): string {
  const columns = Object.keys(row);
  const placeholders = columns.map((column) => params.add(row[column] ?? null));
  const changed = columns.filter((column) => column !== key);
  return `INSERT INTO ${table} AS t (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
    ON CONFLICT (${key}) DO UPDATE SET ${changed.map((column) => `${column} = excluded.${column}`).join(', ')}, ${clock} = now()
    WHERE (${changed.map((column) => `t.${column}`).join(', ')}) IS DISTINCT FROM (${changed.map((column) => `excluded.${column}`).join(', ')})${guard === undefined ? '' : `
      AND (${guard})`}`;
}
