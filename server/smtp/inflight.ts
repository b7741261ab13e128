// A byte budget for message data being received across all SMTP connections at once. Without it
// 100 connections x 25 MiB could hold 2.5 GiB before a single message is stored; with it a sender
// gets a transient error (452/451 4.3.1) and retries, and memory stays bounded.

/** Bytes reserved while messages stream in. */
export interface ByteBudget {
  readonly max: number;
  readonly used: number;
  /** Reserves n bytes; false (and nothing reserved) when that would pass the budget. */
  take(n: number): boolean;
  release(n: number): void;
  /** Whether a message declaring `size` bytes (0 when unknown) could start now. */
  canStart(size: number): boolean;
}

export function createByteBudget(max: number): ByteBudget {
  let used = 0;
  return {
    max,
    get used() {
      return used;
    },
    take(n) {
      if (used + n > max) return false;
      used += n;
      return true;
    },
    release(n) {
      used = Math.max(0, used - n);
    },
    canStart(size) {
      return used < max && used + size <= max;
    },
  };
}
