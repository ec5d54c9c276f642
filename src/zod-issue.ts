// One wording for a rejected input, wherever it came in: where, the path of the first issue, and what is wrong.
import type { z } from 'zod';

export function describeIssue(error: z.ZodError, where = '', whole = 'input'): string {
  const issue = error.issues[0];
  const place = [where, issue?.path.join('.')].filter(Boolean).join(' ');
  return `${place || whole}: ${issue?.message ?? 'is invalid'}`;
}
