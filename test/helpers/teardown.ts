// One owner for everything a test set-up starts (servers, child processes, browsers, temp dirs):
// register each thing's close as soon as it exists, and close them all in reverse order, even when
// a later step of the set-up failed or one close throws. A set-up that fails half-way therefore
// never leaves a listening socket or a child process that would keep the test file from exiting.

import { after } from 'node:test';

type Close = () => unknown;

export class Teardown {
  private readonly closers: Array<{ name: string; close: Close }> = [];
  private closing: Promise<void> | null = null;

  /** Registers `close` to run at teardown; returns nothing. */
  defer(name: string, close: Close): void {
    this.closers.push({ name, close });
  }

  /** Registers `thing.close()` and returns `thing`, for `x = t.add(await startX())`. */
  add<T extends { close(): unknown }>(thing: T, name = thing.constructor.name): T {
    this.defer(name, () => thing.close());
    return thing;
  }

  /** Closes everything registered, last first; all closes run; the first failure is rethrown. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const errors: unknown[] = [];
      while (this.closers.length) {
        const { name, close } = this.closers.pop()!;
        try {
          await close();
        } catch (err) {
          errors.push(new Error(`teardown of ${name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
        }
      }
      this.closing = null;
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, `${errors.length} teardown steps failed`);
    })();
    return this.closing;
  }

  /**
   * Runs a multi-step set-up that registers what it starts on this teardown; when a step throws,
   * closes what the earlier steps started and rethrows the step's error.
   */
  async setUp<T>(steps: (t: Teardown) => Promise<T>): Promise<T> {
    try {
      return await steps(this);
    } catch (err) {
      await this.close().catch(() => {});
      throw err;
    }
  }
}

/** A teardown closed by the test file's `after` hook, which node:test runs even when `before` failed. */
export function fileTeardown(): Teardown {
  const t = new Teardown();
  after(() => t.close());
  return t;
}
