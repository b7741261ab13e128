// The WebSocket feed over a real socket: every mutation arrives as an event; foreign origins are refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { openFeed } from '../helpers/feed.js';
import { sendRaw } from '../helpers/smtp-client.js';
import type { MessageSummary } from '../../server/mail/types.js';

const deliver = async (port: number, subject: string) => {
  const r = await sendRaw(port, 'a@example.test', ['b@example.test'], `Subject: ${subject}\r\n\r\nx\r\n`);
  return /queued as (\S+)/.exec(r!.text)![1]!;
};
const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws') + '/api/feed';

test('hello, new, read, deleted and cleared events reach a connected client', async () => {
  const s = await startTestServer();
  try {
    const feed = await openFeed(wsUrl(s.url));
    const hello = await feed.next((f) => f.type === 'hello');
    assert.equal(hello.total, 0);
    const id = await deliver(s.smtpPort, 'first');
    const created = await feed.next((f) => f.type === 'message:new');
    const summary = created.summary as MessageSummary;
    assert.equal(summary.id, id);
    assert.equal(summary.subject, 'first');
    assert.ok(!('text' in summary) && !('html' in summary) && !('raw' in summary), 'events carry summaries, never bodies');

    await fetch(`${s.url}/api/messages/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"read":true}' });
    assert.deepEqual(await feed.next((f) => f.type === 'message:read'), { type: 'message:read', ids: [id], read: true });

    await fetch(`${s.url}/api/messages/${id}`, { method: 'DELETE' });
    assert.deepEqual(await feed.next((f) => f.type === 'message:deleted'), { type: 'message:deleted', ids: [id] });

    await deliver(s.smtpPort, 'second');
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
    assert.deepEqual(await feed.next((f) => f.type === 'store:cleared'), { type: 'store:cleared', inbox: null });
    feed.close();
  } finally {
    await s.close();
  }
});

test('eviction at the count cap emits evicted events, oldest first', async () => {
  const s = await startTestServer({ maxMessages: 3 });
  try {
    const feed = await openFeed(wsUrl(s.url));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await deliver(s.smtpPort, `m${i}`));
    await feed.next((f) => f.type === 'message:new' && (f.summary as MessageSummary).id === ids[4]);
    const evicted = feed.frames.filter((f) => f.type === 'message:evicted').flatMap((f) => f.ids as string[]);
    assert.deepEqual(evicted, [ids[0], ids[1]]);
    const page = (await (await fetch(`${s.url}/api/messages`)).json()) as { messages: MessageSummary[]; total: number };
    assert.equal(page.total, 3);
    assert.deepEqual(page.messages.map((m) => m.id), [ids[4], ids[3], ids[2]]);
    feed.close();
  } finally {
    await s.close();
  }
});

test('eviction at the byte cap keeps the store under it', async () => {
  const s = await startTestServer({ maxStoreBytes: 20_000 });
  try {
    for (let i = 0; i < 10; i++) {
      const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], `Subject: big${i}\r\n\r\n${'z'.repeat(5000)}\r\n`);
      assert.equal(r?.code, 250);
    }
    const info = (await (await fetch(`${s.url}/api/info`)).json()) as { messages: { bytes: number; count: number; evicted: number } };
    assert.ok(info.messages.bytes <= 20_000, `store bytes ${info.messages.bytes}`);
    // Each message is charged its raw bytes plus its search view (about the text body again), so 1–3 fit.
    assert.ok(info.messages.count >= 1 && info.messages.count <= 3, `count ${info.messages.count}`);
    assert.equal(info.messages.evicted, 10 - info.messages.count);
    // One message bigger than the whole store is refused with 552, nothing evicted for it.
    const big = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], `Subject: huge\r\n\r\n${'z'.repeat(30_000)}\r\n`);
    assert.equal(big?.code, 552);
  } finally {
    await s.close();
  }
});

test('a foreign Origin or Host cannot open the feed; same-origin and non-browser clients can', async () => {
  const s = await startTestServer();
  try {
    const host = new URL(s.url).host;
    await assert.rejects(openFeed(wsUrl(s.url), { origin: 'https://evil.example' }), (e: Error & { statusCode?: number }) => e.statusCode === 403);
    await assert.rejects(openFeed(wsUrl(s.url), { origin: `http://${host}`, host: 'evil.example' }), (e: Error & { statusCode?: number }) => e.statusCode === 403);
    await assert.rejects(openFeed(s.url.replace(/^http/, 'ws') + '/api/nope'), (e: Error & { statusCode?: number }) => e.statusCode === 404);
    const same = await openFeed(wsUrl(s.url), { origin: `http://${host}` });
    await same.next((f) => f.type === 'hello');
    same.close();
    const tool = await openFeed(wsUrl(s.url));
    await tool.next((f) => f.type === 'hello');
    tool.close();
  } finally {
    await s.close();
  }
});
