// Polls until `check` returns a value (or stops throwing), so that tests, the bench and the dev world wait for
// outcomes instead of sleeping.
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is waited for, as the default timeout error names it. */
  what?: string;
  /** The error past the deadline, given the last one `check` threw (if any); by default it names `what`. */
  timedOut?: (lastError: unknown) => Error;
  /** False: an error from `check` (a process found dead) ends the wait at once instead of being retried. */
  retryErrors?: boolean;
}

export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  {
    timeoutMs = 30_000,
    intervalMs = 100,
    what = 'condition',
    timedOut = (lastError) =>
      new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`),
    retryErrors = true,
  }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (!retryErrors) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) throw timedOut(lastError);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
