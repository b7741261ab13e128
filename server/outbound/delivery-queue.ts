// A bounded delivery queue with retries and exponential backoff, shared by auto-relay and
// webhooks. It never blocks the producer: push() answers at once, and when the queue is full
// the new item is dropped and counted (visible in the stats), never buffered without bound.

/** The outcome of one attempt. `retry: false` on a failure means "permanent, do not retry". */
export type AttemptResult = { ok: true } | { ok: false; error: string; retry: boolean };

export interface DeliveryQueueOptions<T> {
  /** Items waiting (including those waiting to retry) at most. */
  capacity: number;
  /** Retries after the first failed attempt. */
  retries: number;
  /** First retry delay; doubles each time, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Attempts running at once. */
  concurrency?: number;
  /** Performs one attempt (`attempt` counts from 1). Must not throw; a thrown error counts as a retryable failure. */
  attempt(item: T, attempt: number): Promise<AttemptResult>;
  /** Called once per item when it is delivered or finally failed. */
  settled?(item: T, result: AttemptResult, attempts: number): void;
}

/** Counters; all monotonic except queued/inFlight/waitingRetry. */
export interface DeliveryQueueStats {
  queued: number;
  inFlight: number;
  waitingRetry: number;
  delivered: number;
  failed: number;
  retried: number;
  /** Items refused because the queue was full. */
  dropped: number;
  capacity: number;
}

export interface DeliveryQueue<T> {
  /** Enqueues; false (and counted as dropped) when full or closed. */
  push(item: T): boolean;
  stats(): DeliveryQueueStats;
  /** Resolves when nothing is queued, retrying or in flight (for tests and shutdown). */
  idle(): Promise<void>;
  /** Stops retry timers and refuses new items; in-flight attempts finish on their own. */
  close(): void;
}

interface Job<T> {
  item: T;
  attempts: number;
}

/** Creates an empty queue. */
export function createDeliveryQueue<T>(options: DeliveryQueueOptions<T>): DeliveryQueue<T> {
  const concurrency = options.concurrency ?? 2;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const ready: Job<T>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let closed = false;
  const counters = { delivered: 0, failed: 0, retried: 0, dropped: 0 };
  let idleWaiters: Array<() => void> = [];

  const size = () => ready.length + timers.size + inFlight;

  function checkIdle(): void {
    if (size() > 0) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  }

  function pump(): void {
    while (!closed && inFlight < concurrency && ready.length) {
      const job = ready.shift()!;
      inFlight++;
      job.attempts++;
      void options
        .attempt(job.item, job.attempts)
        .catch((err: unknown): AttemptResult => ({ ok: false, error: err instanceof Error ? err.message : String(err), retry: true }))
        .then((result) => {
          inFlight--;
          try {
            settle(job, result);
          } catch {
            // a settled() callback that throws must neither stall the queue nor crash the process
          }
          pump();
          checkIdle();
        });
    }
  }

  function settle(job: Job<T>, result: AttemptResult): void {
    if (result.ok) {
      counters.delivered++;
      options.settled?.(job.item, result, job.attempts);
    } else if (result.retry && job.attempts <= options.retries && !closed) {
      counters.retried++;
      const delay = Math.min(maxDelay, options.baseDelayMs * 2 ** (job.attempts - 1));
      const t = setTimeout(() => {
        timers.delete(t);
        ready.push(job);
        pump();
      }, delay);
      timers.add(t);
    } else {
      counters.failed++;
      options.settled?.(job.item, result, job.attempts);
    }
  }

  return {
    push(item) {
      if (closed || size() >= options.capacity) {
        counters.dropped++;
        return false;
      }
      ready.push({ item, attempts: 0 });
      pump();
      return true;
    },
    stats: () => ({ queued: ready.length, inFlight, waitingRetry: timers.size, ...counters, capacity: options.capacity }),
    idle: () => (size() === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      ready.length = 0;
      checkIdle();
    },
  };
}
