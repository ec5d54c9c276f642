// Temporal's visibility queries are SQL-like text: values go in as quoted literals, escaped, so that no value can
// end its literal early and change the query.

type Clause = [field: string, operator: '=' | '!=', value: string];

function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The clauses joined with AND. */
export function visibilityQuery(...clauses: Clause[]): string {
  return clauses.map(([field, operator, value]) => `${field} ${operator} ${literal(value)}`).join(' AND ');
}
