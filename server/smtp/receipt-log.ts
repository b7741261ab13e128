// One info line per received message is what a developer at the desk wants, and what a load test
// does not: at thousands of messages per second the lines cost ~5% of ingest CPU (bench profile)
// and bury everything else. So per-message lines are rate-limited: the first few each second are
// logged as they come, the rest are counted and summarised once that second is over.

import type { Logger } from '../log.js';

/** Per-message info lines allowed per second before they are summarised. */
export const RECEIPT_LINES_PER_SECOND = 20;
const WINDOW_MS = 1000;

export interface ReceiptLog {
  /** Logs (or counts) one received message. */
  received(fields: Record<string, unknown>): void;
  /** Flushes a pending summary and stops the timer. */
  close(): void;
}

export function createReceiptLog(log: Logger, perSecond = RECEIPT_LINES_PER_SECOND): ReceiptLog {
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    timer = null;
    if (suppressed > 0) log.info({ suppressed, perSecond }, `${suppressed} more messages received (per-message lines are limited to ${perSecond}/s)`);
    suppressed = 0;
  }

  return {
    received(fields) {
      const t = Date.now();
      if (t - windowStart >= WINDOW_MS) {
        windowStart = t;
        inWindow = 0;
      }
      if (++inWindow <= perSecond) {
        log.info(fields, 'message received');
        return;
      }
      suppressed++;
      if (!timer) {
        timer = setTimeout(flush, windowStart + WINDOW_MS - t);
        timer.unref();
      }
    },
    close() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}
