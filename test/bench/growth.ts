// Growth rows: ingest rate and RSS at 0, 10k, 50k and 100k stored 2 KB messages, then RSS after
// another half-load past the count cap (it must stay flat). Leaves the full server running for
// the API-latency and UI rows.

import { makeMessage, recipientOf, RECIPIENTS } from './message.js';
import { cpuMs, type ServerProcess } from './server-process.js';
import { runLoad } from './smtp-load.js';

export interface GrowthPoint {
  stored: number;
  rate: number;
  serverCpuMsPerMessage: number;
  rss: number;
  heapUsed: number;
  /** V8 heap committed (used plus room to grow). */
  heapTotal: number;
  arrayBuffers: number;
}

export interface GrowthResult {
  points: GrowthPoint[];
  /** (RSS at the cap - RSS empty) / cap. */
  rssPerMessage: number;
  /** RSS after sending `pastCap` more messages beyond the cap (evicting as it goes). */
  afterCap: { sent: number; rss: number; heapUsed: number; heapTotal: number; arrayBuffers: number; count: number } | null;
  /** Rate at the cap over rate when empty. */
  rateRatio: number;
}

/** Messages are drawn from RECIPIENTS variants, so building them costs the client nothing. */
function messageSource(): (n: number) => Buffer {
  const cache = new Map<number, Buffer>();
  return (n) => {
    const k = n % RECIPIENTS;
    let m = cache.get(k);
    if (!m) cache.set(k, (m = makeMessage(k, 2048)));
    return m;
  };
}

async function clearStore(url: string): Promise<void> {
  const r = await fetch(`${url}/api/messages`, { method: 'DELETE' });
  if (!r.ok) throw new Error(`DELETE /api/messages answered ${r.status}`);
}

export async function growth(s: ServerProcess, o: { cap: number; levels: number[]; sample: number; pastCap: number; log: (line: string) => void }): Promise<GrowthResult> {
  const message = messageSource();
  const recipient = (n: number) => recipientOf(n % RECIPIENTS);
  let sent = 0;
  const send = async (count: number) => {
    if (count <= 0) return { accepted: 0, elapsedMs: 0, errors: [] as string[] };
    const r = await runLoad({ port: s.smtpPort, sessions: 10, messages: count, firstNumber: sent, message, recipient });
    sent += count;
    if (r.errors.length) o.log(`  errors: ${r.errors.join('; ')}`);
    return r;
  };
  const points: GrowthPoint[] = [];
  if (o.levels.length) {
    // Warm the JIT, then empty the store, so "0 stored" measures a warm server.
    // (Two rounds: after a single short one the first sample still paid for compilation.)
    for (let i = 0; i < 2; i++) {
      await send(o.sample);
      await clearStore(s.url);
    }
  }
  for (const level of o.levels) {
    const have = (await s.usage()).stats.count;
    await send(level - have);
    const mem = await s.gcUsage();
    const u0 = await s.usage();
    const r = await send(o.sample);
    const u1 = await s.usage();
    const point = { stored: level, rate: (r.accepted / r.elapsedMs) * 1000, serverCpuMsPerMessage: cpuMs(u0, u1) / Math.max(1, r.accepted), rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, arrayBuffers: mem.arrayBuffers };
    points.push(point);
    o.log(`  at ${level.toLocaleString('en-US')} stored: ${Math.round(point.rate)} msg/s, RSS ${(mem.rss / 1048576).toFixed(0)} MB`);
  }
  // Bring the store back to exactly the cap for the API rows.
  const have = (await s.usage()).stats.count;
  if (have < o.cap) await send(o.cap - have);
  let afterCap: GrowthResult['afterCap'] = null;
  if (o.pastCap > 0) {
    await send(o.pastCap);
    const mem = await s.gcUsage();
    afterCap = { sent: o.pastCap, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, arrayBuffers: mem.arrayBuffers, count: mem.stats.count };
    o.log(`  ${o.pastCap.toLocaleString('en-US')} more past the cap: RSS ${(mem.rss / 1048576).toFixed(0)} MB, ${mem.stats.count} stored`);
  }
  if (points.length === 0) return { points, rssPerMessage: Number.NaN, afterCap, rateRatio: Number.NaN };
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const atCap = points.find((p) => p.stored === o.cap) ?? last;
  return { points, rssPerMessage: (atCap.rss - first.rss) / Math.max(1, atCap.stored - first.stored), afterCap, rateRatio: last.rate / first.rate };
}
