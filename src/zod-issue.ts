// One wording for a rejected input, wherever it came in (HTTP, settings, command lines).
import type { z } from 'zod';

export function describeIssue(error: z.ZodError, where = '', whole = 'input'): string {
  const issue = error.issues[0];
  const place = [where, issue?.path.join('.')].filter(Boolean).join(' ');
  return `${place || whole}: ${issue?.message ?? 'is invalid'}`;
}

/** For a command line parsed as a tuple: a wrong count says so; otherwise the first issue's own words. */
export function argumentProblem(error: z.ZodError, command: string): string {
  const issue = error.issues[0];
  return issue?.code === 'too_small' || issue?.code === 'too_big'
    ? `wrong number of arguments for ${command}`
    : (issue?.message ?? 'invalid arguments');
}
