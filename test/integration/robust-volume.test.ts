// Volume (security-and-limits 5.2 #7, #12, #13): a 50 MB message under and over the limit, 20
// concurrent pipelining clients, and the store caps under a live WebSocket. No loss, one event
// per message, counters consistent, memory back near its level afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { BulkSmtp, sendBulk, type BulkMessage } from '../helpers/bulk-smtp.js';
import { openFeed, type FeedClient } from '../helpers/feed.js';
import { assertHealthy } from '../helpers/invariants.js';
import { held, memory } from '../helpers/memory.js';
import type { Mailroom } from '../../server/start.js';
import type { MessageSummary } from '../../server/mail/types.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const wsUrl = (s: Mailroom) => s.url.replace(/^http/, 'ws') + '/api/feed';

/** One SMTP transaction of a big message; returns the final reply. */
async function sendBig(port: number, message: Buffer) {
  const c = await RawSmtp.open(port);
  try {
    await c.reply();
    await c.command('EHLO big.test');
    await c.command('MAIL FROM:<a@example.test>');
    await c.command('RCPT TO:<b@example.test>');
    assert.equal((await c.command('DATA'))?.code, 354);
    c.send(message);
    c.send('.\r\n');
    return await c.reply(60_000);
  } finally {
    c.close();
  }
}

/** Under a 64 MiB limit: stored, raw identical, attachment identical (own function so its buffers die with it). */
async function acceptBig(message: Buffer, digest: string): Promise<void> {
  const roomy = await startTestServer({ maxMessageSize: 64 * MiB });
  try {
    const ok = await sendBig(roomy.smtpPort, message);
    assert.equal(ok?.code, 250);
    const id = /queued as (\S+)/.exec(ok.text)![1]!;
    assert.ok(roomy.store.readRaw(id)!.equals(message), 'raw identical');
    const d = (await (await fetch(`${roomy.url}/api/messages/${id}`)).json()) as { parts: Array<{ id: string; checksum: string; size: number }> };
    assert.equal(d.parts[0]!.checksum, digest);
    const part = Buffer.from(await (await fetch(`${roomy.url}/api/messages/${id}/parts/${d.parts[0]!.id}`)).arrayBuffer());
    assert.equal(sha(part), digest, 'attachment bytes equal the original');
    await fetch(`${roomy.url}/api/messages/${id}`, { method: 'DELETE' });
    await assertHealthy(roomy, 0);
  } finally {
    await roomy.close();
  }
}

test('a 50 MB message: stored and its attachment intact under a 64 MiB limit; 552 5.3.4 and nothing kept under 25 MiB', async () => {
  const baseline = await memory();
  let attachment: Buffer | null = randomBytes(37 * MiB);
  const digest = sha(attachment);
  let message: Buffer | null = Buffer.concat([
    Buffer.from('Subject: fifty megabytes\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="big"\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--big\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="blob.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
    Buffer.from(attachment.toString('base64').replace(/.{76}/g, '$&\r\n')),
    Buffer.from('\r\n--big--\r\n'),
  ]);
  // eslint-disable-next-line no-useless-assignment -- drop the reference so the memory reading can see it freed
  attachment = null;
  assert.ok(message.length > 50 * 1000 * 1000);

  await acceptBig(message, digest);

  const strict = await startTestServer({ maxMessageSize: 25 * MiB });
  try {
    const refused = await sendBig(strict.smtpPort, message);
    assert.equal(refused?.code, 552);
    assert.match(refused.text, /^5\.3\.4 /);
    await assertHealthy(strict, 0);
    const stats = (await (await fetch(`${strict.url}/api/info`)).json()) as { smtp: { rejectedSize: number } };
    assert.equal(stats.smtp.rejectedSize, 1);
  } finally {
    await strict.close();
  }
  // eslint-disable-next-line no-useless-assignment -- drop the reference so the memory reading can see it freed
  message = null;
  const afterwards = await memory();
  assert.ok(afterwards.arrayBuffers - baseline.arrayBuffers < 30, `buffers ${(afterwards.arrayBuffers - baseline.arrayBuffers).toFixed(1)} MiB above their level`);
  assert.ok(held(afterwards) - held(baseline) < 40, `memory ${(held(afterwards) - held(baseline)).toFixed(1)} MiB above its level`);
});

test('20 concurrent pipelining clients x 50 messages: 1,000 stored, unique ids, one feed event each, in order per connection', async () => {
  const s = await startTestServer();
  try {
    const baseline = await memory();
    const feed = await openFeed(wsUrl(s));
    const clients = 20;
    const perClient = 50;
    const sent = new Map<string, Buffer>();
    const ids = new Map<string, string>(); // subject -> id
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const conn = await BulkSmtp.open(s.smtpPort);
        const pending: Array<Promise<void>> = [];
        for (let i = 0; i < perClient; i++) {
          const subject = `c${c}-m${i}`;
          const data = Buffer.from(`Subject: ${subject}\r\nFrom: <c${c}@example.test>\r\n\r\n${'body '.repeat(i + 1)}\r\n`);
          sent.set(subject, data);
          pending.push(conn.send({ from: `c${c}@example.test`, to: ['all@example.test'], data }).then((r) => {
            assert.equal(r.code, 250, `${subject}: ${r.text}`);
            ids.set(subject, /queued as (\S+)/.exec(r.text)![1]!);
          }));
        }
        await Promise.all(pending);
        await conn.quit();
      }),
    );
    const total = clients * perClient;
    await eventually(() => feed.frames.filter((f) => f.type === 'message:new').length >= total, { what: '1,000 feed events', timeout: 20_000 });
    await sleep(100); // a duplicate event would show up now
    const events = feed.frames.filter((f) => f.type === 'message:new').map((f) => f.summary as MessageSummary);
    assert.equal(events.length, total, 'exactly one event per message');
    assert.equal(new Set(events.map((e) => e.id)).size, total, 'unique ids');
    assert.equal(new Set(ids.values()).size, total);
    for (const e of events) assert.equal(ids.get(e.subject), e.id, 'event id matches the 250 reply');
    for (let c = 0; c < clients; c++) {
      const order = events.filter((e) => e.subject.startsWith(`c${c}-`)).map((e) => Number(e.subject.split('-m')[1]));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `connection ${c} in order`);
    }
    for (const [subject, data] of sent) assert.ok(s.store.readRaw(ids.get(subject)!)!.equals(data), subject);
    assert.equal(s.store.list({ limit: 1 }).total, total);
    feed.close();
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
    await assertHealthy(s, 0);
    sent.clear();
    const afterwards = await memory();
    assert.ok(held(afterwards) - held(baseline) < 30, `memory ${(held(afterwards) - held(baseline)).toFixed(1)} MiB above its level`);
  } finally {
    await s.close();
  }
});

test('store caps under a live feed: eviction by count and bytes, deletes, an over-budget message; every event and counter adds up', async () => {
  const maxMessages = 100;
  const maxBytes = MiB;
  const s = await startTestServer({ maxMessages, maxStoreBytes: maxBytes, maxMessageSize: 2 * MiB });
  try {
    const feed: FeedClient = await openFeed(wsUrl(s));
    const make = (i: number): BulkMessage => ({
      from: 'a@example.test',
      to: ['b@example.test'],
      // Sizes cycle 1-30 KiB: some rounds are capped by count, others by bytes.
      data: Buffer.from(`Subject: m${i}\r\n\r\n${'z'.repeat(((i * 7919) % 30) * 1024 + 1024)}\r\n`),
    });
    const deleted: string[] = [];
    let accepted = 0;
    for (let round = 0; round < 6; round++) {
      const replies = await sendBulk(s.smtpPort, Array.from({ length: 100 }, (_, k) => make(round * 100 + k)), 4, 8);
      assert.ok(replies.every((r) => r.code === 250));
      accepted += replies.length;
      // Delete a few of the newest while the feed streams.
      const newest = s.store.list({ limit: 3 }).messages.map((m) => m.id);
      const res = await fetch(`${s.url}/api/messages`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: newest }) });
      assert.equal(((await res.json()) as { deleted: number }).deleted, 3);
      deleted.push(...newest);
      const st = s.store.stats();
      assert.ok(st.count <= maxMessages && st.bytes <= maxBytes, `caps hold: ${st.count} messages, ${st.bytes} bytes`);
    }
    // A single message bigger than the whole store is refused, and evicts nothing.
    const before = s.store.stats().count;
    const tooBig = await sendBulk(s.smtpPort, [{ from: 'a@example.test', to: ['b@example.test'], data: Buffer.from(`Subject: huge\r\n\r\n${'h'.repeat(MiB + 1024)}\r\n`) }], 1, 1);
    assert.equal(tooBig[0]!.code, 552);
    assert.equal(s.store.stats().count, before);

    const st = s.store.stats();
    await eventually(() => feed.frames.filter((f) => f.type === 'message:new').length >= accepted, { what: 'every event', timeout: 20_000 });
    const news = feed.frames.filter((f) => f.type === 'message:new').map((f) => (f.summary as MessageSummary).id);
    const evicted = feed.frames.filter((f) => f.type === 'message:evicted').flatMap((f) => f.ids as string[]);
    const deletedEv = feed.frames.filter((f) => f.type === 'message:deleted').flatMap((f) => f.ids as string[]);
    const live = new Set(s.store.list({ limit: 1000 }).messages.map((m) => m.id));
    assert.equal(news.length, accepted);
    assert.deepEqual([...deletedEv].sort(), [...deleted].sort());
    assert.equal(st.received, news.length);
    assert.equal(st.evicted, evicted.length);
    assert.equal(st.deleted, deleted.length);
    assert.equal(st.count, live.size);
    // Every message ever announced is exactly one of: still here, evicted, deleted.
    const gone = new Set([...evicted, ...deletedEv]);
    assert.equal(gone.size, evicted.length + deletedEv.length, 'no id removed twice');
    for (const id of news) assert.ok(live.has(id) !== gone.has(id), `${id} accounted for once`);
    assert.equal(live.size + gone.size, news.length);
    // Eviction is oldest first: the survivors are the newest arrivals not deleted.
    const expected = news.filter((id) => !deletedEv.includes(id)).slice(-live.size);
    assert.deepEqual([...live].sort(), [...expected].sort());
    feed.close();
    await assertHealthy(s, live.size);
  } finally {
    await s.close();
  }
});
