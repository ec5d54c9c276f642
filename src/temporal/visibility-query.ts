// Temporal's visibility queries are SQL-like text: values go in as quoted literals, escaped, so that no value can
// end its literal early and change the query.

type Clause =
  | readonly [field: string, operator: '=' | '!=' | '<', value: string]
  | readonly [field: string, operator: 'IN', values: readonly string[]];

function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The clauses joined with AND. */
export function visibilityQuery(...clauses: Clause[]): string {
  return clauses
    .map(([field, operator, value]) =>
      typeof value === 'string'
        ? `${field} ${operator} ${literal(value)}`
        : `${field} IN (${value.map(literal).join(', ')})`,
    )
    .join(' AND ');
}
