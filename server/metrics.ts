// Prometheus metrics for one Mailroom instance (its own Registry: several servers share a test
// process). Counts are read at scrape time from the counters the store, the SMTP listener and the
// feed already keep; the bus adds the two figures nobody counts yet (bytes, parse errors), so the
// per-message cost is one subscriber doing two additions. The only importer of prom-client.

import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { EventBus } from './events/bus.js';
import type { StoreStats } from './store/store.js';

export interface MetricsSources {
  bus: EventBus;
  store: () => StoreStats;
  /** The SMTP listener's counters: `connections` (open now) and lifetime rejection counts. */
  smtp: () => Readonly<Record<string, number>>;
  /** Open WebSocket feed clients. */
  feedClients: () => number;
  /** Wait (long-poll) calls being held. */
  waits: () => number;
  /** Open POP3 and IMAP connections (0 for a door that is off). */
  retrieval?: () => { pop3: number; imap: number };
}

/** The metrics of one instance. */
export interface Metrics {
  readonly contentType: string;
  /** The exposition text for GET /metrics. */
  render(): Promise<string>;
  /** Stops listening to the bus. */
  close(): void;
}

/** SMTP counter name -> rejection reason label; counters named rejectedXyz map to 'xyz'. */
function rejectionReasons(counters: Readonly<Record<string, number>>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [key, value] of Object.entries(counters)) {
    if (key.startsWith('rejected') && key.length > 'rejected'.length) out.push([key.slice(8, 9).toLowerCase() + key.slice(9), value]);
    else if (key === 'aborted') out.push(['aborted', value]);
    else if (key === 'errors') out.push(['error', value]);
  }
  return out;
}

/** Builds the registry with every Mailroom metric plus Node's default process metrics. */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  /** A counter whose value is a lifetime total kept elsewhere, copied in at scrape time. */
  const mirrored = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  mirrored('mailroom_messages_received_total', 'Messages accepted and stored', () => sources.store().received);
  mirrored('mailroom_messages_evicted_total', 'Messages evicted to stay under --max-messages / --max-store-bytes', () => sources.store().evicted);
  mirrored('mailroom_messages_deleted_total', 'Messages deleted through the API (one, many or all)', () => sources.store().deleted);
  new Counter({
    name: 'mailroom_smtp_rejected_total',
    help: 'SMTP messages or connections refused, by reason (size, connections, aborted, error, ...)',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of rejectionReasons(sources.smtp())) this.inc({ reason }, n);
    },
  });
  const bytesReceived = new Counter({ name: 'mailroom_received_bytes_total', help: 'Raw bytes of messages accepted', registers });
  const parseErrors = new Counter({ name: 'mailroom_parse_errors_total', help: 'Messages stored raw because they could not be parsed', registers });

  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('mailroom_store_messages', 'Messages in the store', () => sources.store().count);
  gauge('mailroom_store_unread_messages', 'Unread messages in the store', () => sources.store().unread);
  gauge('mailroom_store_bytes', 'Bytes charged against --max-store-bytes', () => sources.store().bytes);
  gauge('mailroom_store_held_bytes', 'Raw message bytes as held in memory, deflated where that pays', () => sources.store().heldBytes);
  gauge('mailroom_smtp_connections', 'Open SMTP connections', () => sources.smtp().connections ?? 0);
  gauge('mailroom_smtp_inflight_bytes', 'Message bytes being received right now (the --max-inflight-bytes budget in use)', () => sources.smtp().inFlightBytes ?? 0);
  gauge('mailroom_feed_clients', 'Open WebSocket feed clients', sources.feedClients);
  gauge('mailroom_wait_pending', 'GET /api/messages/wait calls being held', sources.waits);
  new Gauge({
    name: 'mailroom_retrieval_connections',
    help: 'Open POP3 and IMAP connections (IDLE sessions included), by protocol',
    labelNames: ['protocol'],
    registers,
    collect() {
      const open = sources.retrieval?.() ?? { pop3: 0, imap: 0 };
      this.set({ protocol: 'pop3' }, open.pop3);
      this.set({ protocol: 'imap' }, open.imap);
    },
  });

  const unsubscribe = sources.bus.subscribe((event) => {
    if (event.type !== 'message:new') return;
    bytesReceived.inc(event.summary.size);
    if (event.summary.parseError !== null) parseErrors.inc();
  });

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    close: unsubscribe,
  };
}
