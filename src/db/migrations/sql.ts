/**
 * SQL fragments for migrations, so enum constraints are generated from the zod enums of
 * src/domain/taxonomy.ts (the one source of truth) instead of being copied into SQL by hand.
 */
import { FAMILY_TYPES } from '../../domain/taxonomy.js';

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

/** A table constraint: the (family, type) pair is one the standard allows. */
export function familyTypeCheck(table: string, familyColumn = 'family', typeColumn = 'type'): string {
  const pairs = Object.entries(FAMILY_TYPES).flatMap(([family, types]) =>
    types.map((type) => `(${literal(family)}, ${literal(type)})`),
  );
  return `CONSTRAINT ${table}_family_type_pair CHECK ((${familyColumn}, ${typeColumn}) IN (${pairs.join(', ')}))`;
}
