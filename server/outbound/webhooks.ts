// Webhooks: POST a JSON summary of each new (matching) message to the configured URLs, signed
// with X-Mailroom-Signature: sha256=<hex HMAC-SHA256 of the body>, with a timeout, retries with
// backoff and a bounded queue. Only the operator's URLs are ever called (no redirects followed),
// and only at public addresses unless --outbound-allow-private (target-guard.ts).

import { createHmac, randomUUID } from 'node:crypto';
import type { EventBus } from '../events/bus.js';
import type { MessagePredicate } from '../mail/search.js';
import type { MessageSummary } from '../mail/types.js';
import type { MessageStore } from '../store/store.js';
import { createDeliveryQueue, type DeliveryQueueStats } from './delivery-queue.js';
import { postTo } from './http-post.js';
import { OutboundTargetRefused } from './target-guard.js';

export interface WebhookOptions {
  bus: EventBus;
  store: MessageStore;
  urls: readonly string[];
  secret: string;
  filter: MessagePredicate | null;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  capacity: number;
  userAgent: string;
  /** Allow loopback, private and link-local targets (--outbound-allow-private). */
  allowPrivate: boolean;
}

/** Delivery status of one endpoint. */
export interface EndpointStatus {
  url: string;
  delivered: number;
  failed: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
}

/** One delivery (message x endpoint), for the recent list. */
export interface DeliveryRecord {
  id: string;
  messageId: string;
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: string;
}

export interface Webhooks {
  status(): { enabled: boolean; signed: boolean; query: string | null; endpoints: EndpointStatus[]; queue: DeliveryQueueStats; recent: DeliveryRecord[] };
  idle(): Promise<void>;
  close(): void;
}

const RECENT = 100; // deliveries listed in the status
const RESPONSE_BODY_LIMIT = 200; // characters of an error response body kept for the status

/** Hides credentials embedded in a URL. */
export function maskUrl(url: string): string {
  const u = new URL(url);
  if (u.username || u.password) {
    u.username = u.username ? '***' : '';
    u.password = u.password ? '***' : '';
  }
  return u.href;
}

/** The signature header value for a body. */
export function signBody(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Subscribes to message:new and delivers to every URL. */
export function startWebhooks(options: WebhookOptions, query: string): Webhooks {
  const endpoints = new Map<string, EndpointStatus>(
    options.urls.map((url) => [url, { url: maskUrl(url), delivered: 0, failed: 0, lastStatus: null, lastError: null, lastAttemptAt: null }]),
  );
  const recent: DeliveryRecord[] = [];
  interface Item {
    record: DeliveryRecord;
    target: string;
    body: string;
  }

  const queue = createDeliveryQueue<Item>({
    capacity: options.capacity,
    retries: options.retries,
    baseDelayMs: options.backoffMs,
    concurrency: 4,
    async attempt(item, attempt) {
      const ep = endpoints.get(item.target)!;
      const now = new Date().toISOString();
      item.record.attempts = attempt;
      item.record.updatedAt = ep.lastAttemptAt = now;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': options.userAgent,
        'x-mailroom-event': 'message:new',
        'x-mailroom-delivery': item.record.id,
        'x-mailroom-attempt': String(attempt),
      };
      if (options.secret) headers['x-mailroom-signature'] = signBody(options.secret, item.body);
      const url = new URL(item.target);
      if (url.username || url.password) {
        headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
        url.username = url.password = '';
      }
      try {
        const res = await postTo(url, { headers, body: item.body, timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate, what: 'webhook URL host', bodyLimit: RESPONSE_BODY_LIMIT });
        const ok = res.status >= 200 && res.status < 300;
        ep.lastStatus = item.record.lastStatus = res.status;
        if (ok) {
          ep.lastError = item.record.lastError = null;
          return { ok: true };
        }
        ep.lastError = item.record.lastError = `HTTP ${res.status}${res.text ? `: ${res.text}` : ''}`;
        // 4xx other than 408/429 will not get better by asking again (nor will a redirect: not followed).
        return { ok: false, error: ep.lastError, retry: res.status >= 500 || res.status === 408 || res.status === 429 };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        ep.lastStatus = item.record.lastStatus = null;
        ep.lastError = item.record.lastError = `${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`;
        // Where a target points does not change by asking again.
        return { ok: false, error: ep.lastError, retry: !(err instanceof OutboundTargetRefused) };
      }
    },
    settled(item, result) {
      const ep = endpoints.get(item.target)!;
      item.record.state = result.ok ? 'delivered' : 'failed';
      item.record.updatedAt = new Date().toISOString();
      if (result.ok) ep.delivered++;
      else ep.failed++;
    },
  });

  function payload(summary: MessageSummary): string {
    return JSON.stringify({ event: 'message:new', sentAt: new Date().toISOString(), message: summary });
  }

  const unsubscribe = options.bus.subscribe((event) => {
    if (event.type !== 'message:new') return;
    if (options.filter) {
      const m = options.store.get(event.summary.id);
      if (!m || !options.filter(m)) return;
    }
    const body = payload(event.summary);
    for (const target of options.urls) {
      const record: DeliveryRecord = { id: randomUUID(), messageId: event.summary.id, url: endpoints.get(target)!.url, state: 'pending', attempts: 0, lastStatus: null, lastError: null, updatedAt: new Date().toISOString() };
      if (!queue.push({ record, target, body })) continue; // dropped: counted in queue.dropped
      recent.push(record);
      if (recent.length > RECENT) recent.shift();
    }
  });

  return {
    status: () => ({
      enabled: options.urls.length > 0,
      signed: options.secret !== '',
      query: query || null,
      endpoints: [...endpoints.values()].map((e) => ({ ...e })),
      queue: queue.stats(),
      recent: recent.slice().reverse().map((r) => ({ ...r })),
    }),
    idle: () => queue.idle(),
    close() {
      unsubscribe();
      queue.close();
    },
  };
}
