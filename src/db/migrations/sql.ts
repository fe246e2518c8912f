/**
 * SQL fragments for migrations. They take their values as arguments and import nothing from the
 * domain: a migration is frozen once shipped, so it writes in the values of its time (001-initial.ts)
 * rather than reading today's enums.
 */

/** A SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A text column limited to `values`, with a named constraint (`<table>_<column>_enum`) so a later
 * migration can replace it when the taxonomy grows. A nullable column also accepts NULL.
 */
export function enumColumn(table: string, column: string, values: readonly string[], options: { nullable?: boolean } = {}): string {
  const nullability = options.nullable === true ? '' : ' NOT NULL';
  return `${column} text${nullability} CONSTRAINT ${table}_${column}_enum CHECK (${column} IN (${values.map(literal).join(', ')}))`;
}

/** A table constraint: the (family, type) pair is one of `familyTypes` (family → its types). */
export function familyTypeCheck(table: string, familyTypes: Readonly<Record<string, readonly string[]>>, familyColumn = 'family', typeColumn = 'type'): string {
  const pairs = Object.entries(familyTypes).flatMap(([family, types]) =>
    types.map((type) => `(${literal(family)}, ${literal(type)})`),
  );
  return `CONSTRAINT ${table}_family_type_pair CHECK ((${familyColumn}, ${typeColumn}) IN (${pairs.join(', ')}))`;
}
