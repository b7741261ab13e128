// The one way tests wait for a condition: poll `check` until it passes or the deadline comes.
// `check` passes by returning a truthy value (returned to the caller) without throwing; a throw
// (say, a failed assert) or a falsy value means "not yet". At the deadline the last assertion
// error is rethrown, or an error naming what was last observed, so a failure says what was seen.

import { setTimeout as pause } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this many ms (default 10 s). */
  timeout?: number;
  /** Between checks, in ms (default 20). */
  interval?: number;
  /** What is being waited for, for the error. */
  what?: string;
}

/** T without its falsy members: what a passing check returns. */
export type Passed<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Passed<T>> {
  const { timeout = 10_000, interval = 20, what = 'condition' } = options;
  const deadline = Date.now() + timeout;
  let last: { error: unknown } | { value: unknown };
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Passed<T>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) break;
    await pause(interval); // polling cadence, not a synchronisation
  }
  if ('error' in last) throw last.error;
  throw new Error(`${what} not met within ${timeout} ms; last observed: ${JSON.stringify(last.value)}`);
}
