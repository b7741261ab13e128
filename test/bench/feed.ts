// Feed and wait latency at a steady rate: time from the SMTP 250 (as the sender sees it) to the
// WebSocket `message:new` event for the same id, and to a pending wait call returning.

import WebSocket from 'ws';
import { makeMessage, recipientOf, RECIPIENTS } from './message.js';
import { createGetter } from './http.js';
import type { ServerProcess } from './server-process.js';
import { runLoad } from './smtp-load.js';
import { now, percentile, sleep } from './stats.js';

export interface FeedResult {
  rate: number;
  messages: number;
  accepted: number;
  /** 250 -> WebSocket event, ms (negative: the event arrived before the 250). */
  event: { n: number; p50: number; p99: number; max: number; missing: number };
  /** End of data -> 250, ms. */
  ack: { p50: number; p99: number };
  wait: { available: boolean; reason?: string; n: number; p50: number; p99: number; failures: number; failureReasons: string[] };
}

const WAIT_EVERY = 20; // one message in 20 has a test waiting for it
const WAIT_LEAD_MS = 50; // the wait call is opened this long before its message is sent

/** Whether GET /api/messages/wait exists (it is built under another issue). */
async function probeWait(http: ReturnType<typeof createGetter>): Promise<{ available: boolean; reason?: string }> {
  try {
    const r = await http.get(`/api/messages/wait?query=${encodeURIComponent('to:nobody@bench.invalid')}&timeout=100`, 10_000);
    const text = r.body.toString('utf8');
    if (r.status === 404 && /route|not found/i.test(text) && !/timeout|no message/i.test(text)) return { available: false, reason: `GET /api/messages/wait answered 404: ${text.slice(0, 120)}` };
    if (r.status === 400 && /params|id/i.test(text)) return { available: false, reason: `GET /api/messages/wait is taken by /api/messages/:id (${text.slice(0, 120)})` };
    return { available: true };
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
}

export async function feedLatency(s: ServerProcess, o: { rate: number; seconds: number }): Promise<FeedResult> {
  const messages = Math.round(o.rate * o.seconds);
  const http = createGetter(s.url);
  const eventAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const ws = new WebSocket(`ws://127.0.0.1:${s.httpPort}/api/feed`);
  ws.on('message', (data: Buffer) => {
    const at = now();
    const text = data.toString('utf8');
    if (!text.startsWith('{"type":"message:new"')) return;
    const id = /"id":"([^"]+)"/.exec(text)?.[1];
    if (id) eventAt.set(id, at);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const probe = await probeWait(http);
  const waitTimes: number[] = [];
  let waitFailures = 0;
  const failureReasons = new Set<string>();
  const waitRecipient = (n: number) => `wait${n}@example.test`;
  const recipient = (n: number) => (probe.available && n % WAIT_EVERY === 0 ? waitRecipient(n) : recipientOf(n));
  const waitReturned = new Map<number, number>();
  const waits: Promise<void>[] = [];
  const cache = new Map<number, Buffer>();
  const message = (n: number) => {
    const k = n % RECIPIENTS;
    let m = cache.get(k);
    if (!m) cache.set(k, (m = makeMessage(k, 2048)));
    return m;
  };
  const numberAck = new Map<number, number>();
  const started = now();
  let scheduler: Promise<void> = Promise.resolve();
  if (probe.available) {
    scheduler = (async () => {
      for (let n = 0; n < messages; n += WAIT_EVERY) {
        const due = started + (n * 1000) / o.rate - WAIT_LEAD_MS;
        const delay = due - now();
        if (delay > 0) await sleep(delay); // pacing: the offered load's schedule
        // As a test does it: take a marker, then wait for what arrives after it (without one the
        // server first scans the whole store for an older match). The unique address is a free
        // word: found by the provisional search and the full language alike.
        waits.push(
          http
            .get('/api/messages/marker')
            .then((r) => (JSON.parse(r.body.toString('utf8')) as { marker: string }).marker)
            .then((marker) => http.get(`/api/messages/wait?query=${encodeURIComponent(waitRecipient(n))}&since=${marker}&timeout=5000`, 10_000))
            .then(
            (r) => {
              if (r.status === 200) waitReturned.set(n, now());
              else {
                waitFailures++;
                failureReasons.add(`${r.status} ${r.body.toString('utf8').slice(0, 160)}`);
              }
            },
            (err: Error) => {
              waitFailures++;
              failureReasons.add(err.message);
            },
          ),
        );
      }
    })();
  }
  const load = await runLoad({
    port: s.smtpPort,
    // Each session has one message in flight; 40 of them keep a steady 1,000 msg/s even when one
    // answer takes 40 ms (10 sessions capped the rate at 10/latency on a loaded machine).
    sessions: 40,
    messages,
    rate: o.rate,
    message,
    recipient,
    onAccepted(n, at, reply) {
      const id = /queued as (\S+)/.exec(reply)?.[1];
      if (id) ackAt.set(id, at);
      numberAck.set(n, at);
    },
  });
  await scheduler;
  await Promise.all(waits);
  await sleep(200); // let the last events land
  ws.close();
  http.close();
  const diffs: number[] = [];
  let missing = 0;
  for (const [id, at] of ackAt) {
    const e = eventAt.get(id);
    if (e === undefined) missing++;
    else diffs.push(e - at);
  }
  for (const [n, at] of waitReturned) {
    const ack = numberAck.get(n);
    if (ack !== undefined) waitTimes.push(at - ack);
  }
  return {
    rate: (load.accepted / load.elapsedMs) * 1000,
    messages,
    accepted: load.accepted,
    event: { n: diffs.length, p50: percentile(diffs, 50), p99: percentile(diffs, 99), max: percentile(diffs, 100), missing },
    ack: { p50: percentile(load.latencies, 50), p99: percentile(load.latencies, 99) },
    wait: { ...probe, n: waitTimes.length, p50: percentile(waitTimes, 50), p99: percentile(waitTimes, 99), failures: waitFailures, failureReasons: [...failureReasons] },
  };
}
