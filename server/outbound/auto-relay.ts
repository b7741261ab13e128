// Auto-relay: new messages matching a query are released to the upstream after their 250, through
// a bounded queue with retries. Ingest never waits for it; failures are recorded with the message
// and counted in the queue stats (GET /api/relay).

import type { EventBus } from '../events/bus.js';
import type { MessagePredicate } from '../mail/search.js';
import type { MessageStore } from '../store/store.js';
import { createDeliveryQueue, type DeliveryQueue, type DeliveryQueueStats } from './delivery-queue.js';
import { ReleaseRefused, type Relay } from './relay.js';
import type { ReleaseHistory } from './release-history.js';

export interface AutoRelayOptions {
  bus: EventBus;
  store: MessageStore;
  relay: Relay;
  history: ReleaseHistory;
  filter: MessagePredicate;
  /** Fixed recipients, or empty for each message's envelope recipients. */
  to: readonly string[];
  retries: number;
  backoffMs: number;
  capacity: number;
}

export interface AutoRelay {
  stats(): DeliveryQueueStats & { skipped: number };
  idle(): Promise<void>;
  close(): void;
}

/** Starts relaying new matching messages. */
export function startAutoRelay(options: AutoRelayOptions): AutoRelay {
  const { relay, history, store } = options;
  let skipped = 0;
  const queue: DeliveryQueue<string> = createDeliveryQueue<string>({
    capacity: options.capacity,
    retries: options.retries,
    baseDelayMs: options.backoffMs,
    concurrency: 2,
    async attempt(id, attempt) {
      const message = store.get(id);
      const raw = store.readRaw(id);
      if (!message || !raw) return { ok: false, error: 'message deleted before it could be relayed', retry: false };
      const to = options.to.length ? options.to : message.envelope.rcptTo;
      const record = await relay.send(message, raw, to, { auto: true, attempt });
      history.add(id, record);
      if (record.ok) return { ok: true };
      // A 5xx is the upstream's final word; network errors and 4xx are worth another try.
      return { ok: false, error: record.error ?? 'failed', retry: record.code === null || record.code < 500 };
    },
  });
  const unsubscribe = options.bus.subscribe((event) => {
    if (event.type !== 'message:new') return;
    const message = store.get(event.summary.id);
    if (!message || !options.filter(message)) return;
    try {
      relay.check(options.to.length ? options.to : message.envelope.rcptTo);
    } catch (err) {
      if (!(err instanceof ReleaseRefused)) throw err;
      skipped++;
      history.add(message.id, { at: new Date().toISOString(), to: [...(options.to.length ? options.to : message.envelope.rcptTo)], ok: false, response: null, code: null, error: err.message, rejected: [], auto: true, attempt: 0 });
      return;
    }
    queue.push(message.id);
  });
  return {
    stats: () => ({ ...queue.stats(), skipped }),
    idle: () => queue.idle(),
    close() {
      unsubscribe();
      queue.close();
    },
  };
}
