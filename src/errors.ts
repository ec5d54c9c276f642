// One wording for a rejected input, wherever it came in (HTTP, settings, command lines), and one way to read the
// message of an error that wraps another.
import type { z } from 'zod';

export function describeIssue(error: z.ZodError, where = '', whole = 'input'): string {
  const issue = error.issues[0];
  return describeProblem(where, issue?.path ?? [], issue && wording(issue), whole);
}

/** An issue's own words, except that zod's "expected string, received undefined" of a missing field is said plainly. */
function wording(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? 'is required' : issue.message;
}

/** `where path: what is wrong`, e.g. "body reason: must not be empty" or "path webinarId: must be Zoom digits". */
export function describeProblem(
  where: string,
  path: ReadonlyArray<PropertyKey>,
  message = 'is invalid',
  whole = 'input',
): string {
  const place = [where, path.map(String).join('.')].filter(Boolean).join(' ');
  return `${place || whole}: ${message}`;
}

/** For environment variables, whose messages read as predicates: "ZOOM_CLIENT_ID is required", one per problem. */
export function describeSettings(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${wording(issue)}`);
}

/** For a command line parsed as a tuple: a wrong count says so; otherwise the first issue's own words. */
export function argumentProblem(error: z.ZodError, command: string): string {
  const issue = error.issues[0];
  return issue?.code === 'too_small' || issue?.code === 'too_big'
    ? `wrong number of arguments for ${command}`
    : issue
      ? wording(issue)
      : 'invalid arguments';
}

/**
 * The words that explain a failure: Temporal wraps what went wrong (an activity's or an update validator's error)
 * as the `cause` of its own failure, whose message only says that something failed.
 */
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}
