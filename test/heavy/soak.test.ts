// Soak: 200,000 messages through a 10,000-message cap with a WebSocket client attached. RSS stays
// flat once the cap is reached (the curve is printed, one reading per 20,000 messages), no feed
// event is lost (new = sent, evicted = sent - kept), and no handle leaks.
// SOAK_MESSAGES overrides the count for a quick local run.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { performance } from 'node:perf_hooks';
import { startTestServer } from '../helpers/server.js';
import { BulkSmtp } from '../helpers/bulk-smtp.js';
import { openFeed, type FeedClient } from '../helpers/feed.js';
import { held, memory, type MemoryReading } from '../helpers/memory.js';
import type { Mailroom } from '../../server/start.js';

const TOTAL = Number(process.env.SOAK_MESSAGES ?? 200_000);
const CAP = 10_000;
const STEP = TOTAL / 10; // ten readings
const CONNECTIONS = 8;
const WINDOW = 32;

const activeHandles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

/** Sends messages [from, to) over pipelined connections; asserts every reply is 250. */
async function sendRange(s: Mailroom, from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = await BulkSmtp.open(s.smtpPort);
      const inflight = new Set<Promise<void>>();
      while (next < to) {
        const i = next++;
        const data = Buffer.from(`From: soak <soak@example.test>\r\nTo: inbox@example.test\r\nSubject: soak ${i}\r\nMessage-ID: <${i}@soak.test>\r\n\r\nmessage ${i} ${'lorem ipsum '.repeat(20)}\r\n`);
        const p: Promise<void> = c.send({ from: 'soak@example.test', to: ['inbox@example.test'], data }).then((r) => {
          assert.equal(r.code, 250, `message ${i}: ${r.text}`);
          inflight.delete(p);
        });
        inflight.add(p);
        if (inflight.size >= WINDOW) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      await c.quit();
    }),
  );
}

test(`soak: ${TOTAL} messages through a ${CAP}-message cap with a live feed`, { timeout: 30 * 60_000 }, async (t) => {
  const handlesBefore = activeHandles();
  const s = await startTestServer({ maxMessages: CAP });
  const feed = await openFeed(s.url.replace(/^http/, 'ws') + '/api/feed');
  try {
    await soak(t, s, feed);
  } finally {
    feed.close();
    await s.close(); // also on failure, so the process can exit
  }
  // Closed sockets leave the handle list as the loop gets to them.
  await eventually(() => {
    assert.ok(activeHandles() <= handlesBefore, `handles: ${handlesBefore} before, ${activeHandles()} after`);
    return true;
  });
});

async function soak(t: TestContext, s: Mailroom, feed: FeedClient): Promise<void> {
  let created = 0;
  let evicted = 0;
  // Count instead of keeping 200k frames.
  const frames = feed.frames;
  const drain = setInterval(() => {
    for (const f of frames.splice(0)) {
      if (f.type === 'message:new') created++;
      else if (f.type === 'message:evicted') evicted += (f.ids as string[]).length;
    }
  }, 50);

  const curve: Array<{ sent: number; reading: MemoryReading; msgPerSec: number }> = [];
  const t0 = performance.now();
  for (let sent = 0; sent < TOTAL; sent += STEP) {
    const ts = performance.now();
    await sendRange(s, sent, sent + STEP);
    curve.push({ sent: sent + STEP, reading: await memory(), msgPerSec: Math.round(STEP / ((performance.now() - ts) / 1000)) });
  }
  const seconds = (performance.now() - t0) / 1000;
  // Every message's frame arrives on the feed.
  await eventually(() => created >= TOTAL && frames.length === 0, { timeout: 30_000, what: 'every message:new frame' });
  clearInterval(drain);
  for (const f of frames.splice(0)) {
    if (f.type === 'message:new') created++;
    else if (f.type === 'message:evicted') evicted += (f.ids as string[]).length;
  }

  const lines = curve.map(
    (c) =>
      `${String(c.sent).padStart(7)} sent: RSS ${c.reading.rss.toFixed(0)} MiB, heap ${c.reading.heapUsed.toFixed(0)}/${c.reading.heapTotal.toFixed(0)} MiB used/committed, buffers ${c.reading.arrayBuffers.toFixed(1)} MiB, ${c.msgPerSec} msg/s`,
  );
  const summary = `soak: ${TOTAL} messages in ${seconds.toFixed(0)} s (${Math.round(TOTAL / seconds)} msg/s), kept ${s.store.stats().count}, events new ${created} evicted ${evicted}`;
  for (const l of [summary, ...lines]) {
    t.diagnostic(l);
    console.log(l);
  }

  const stats = s.store.stats();
  const kept = Math.min(TOTAL, CAP);
  assert.equal(stats.count, kept);
  assert.equal(stats.received, TOTAL);
  assert.equal(created, TOTAL, 'one message:new event per message');
  assert.equal(evicted, TOTAL - kept, 'one eviction per message beyond the cap');
  assert.equal(stats.evicted, TOTAL - kept);
  assert.equal(s.store.list({ limit: 1 }).total, kept);

  // Flat after the cap. Memory saw-tooths within one cap's worth of messages (the store compacts
  // its evicted slots once they outnumber the live ones; the allocator keeps freed pages), so
  // compare peaks: the highest reading of the later half against the highest of the earlier half.
  const afterCap = curve.filter((c) => c.sent >= 2 * CAP);
  const half = Math.floor(afterCap.length / 2);
  if (half > 0) {
    const peak = (xs: typeof curve, f: (r: MemoryReading) => number) => Math.max(...xs.map((c) => f(c.reading)));
    const [early, late] = [afterCap.slice(0, half), afterCap.slice(half)];
    const heldGrowth = peak(late, held) - peak(early, held);
    const rssGrowth = peak(late, (r) => r.rss) - peak(early, (r) => r.rss);
    // What Mailroom holds (heap + buffers) must stay flat: a leak of even 100 bytes per message
    // would add 10 MiB per 100,000. RSS also counts pages the allocator keeps after frees, which
    // creep up under fragmentation without being referenced; its bound only catches gross growth.
    assert.ok(heldGrowth < 24, `heap + buffers peak grew ${heldGrowth.toFixed(0)} MiB after the cap`);
    assert.ok(rssGrowth < 160, `RSS peak grew ${rssGrowth.toFixed(0)} MiB after the cap`);
  }

}
