// GET /metrics over real HTTP: Prometheus text with Mailroom's counters and gauges, taken from
// real SMTP traffic, API deletes, evictions, open connections and feed clients.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp, sendRaw } from '../helpers/smtp-client.js';
import { getJson, list } from '../helpers/api.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';
import { RawImap } from '../helpers/imap.js';
import { RawPop3 } from '../helpers/pop3.js';

/** Parses exposition text into "name{labels}" -> value (comments dropped). */
async function scrape(base: string): Promise<{ text: string; type: string | null; value: (series: string) => number | undefined }> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { text, type: res.headers.get('content-type'), value: (s) => values.get(s) };
}

let server: Mailroom;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer({ maxMessages: 3, maxMessageSize: 4096 }), 'server');
});

const message = (n: number) => `Subject: metrics ${n}\r\nFrom: a@example.test\r\n\r\nhello ${n}`;

test('a fresh server reports zeros, Node process metrics and event-loop lag', async () => {
  const m = await scrape(server.url);
  assert.match(m.type ?? '', /^text\/plain; version=0\.0\.4/);
  for (const name of ['mailroom_messages_received_total', 'mailroom_messages_evicted_total', 'mailroom_messages_deleted_total', 'mailroom_received_bytes_total', 'mailroom_parse_errors_total', 'mailroom_store_messages', 'mailroom_store_bytes', 'mailroom_store_held_bytes', 'mailroom_smtp_connections', 'mailroom_feed_clients', 'mailroom_wait_pending']) {
    assert.equal(m.value(name), 0, name);
  }
  assert.match(m.text, /# TYPE mailroom_messages_received_total counter/);
  assert.match(m.text, /# TYPE mailroom_store_messages gauge/);
  assert.ok(m.value('process_cpu_user_seconds_total')! > 0);
  assert.ok(m.value('process_resident_memory_bytes')! > 0);
  assert.ok(m.value('nodejs_eventloop_lag_seconds') !== undefined);
  assert.ok(m.value('nodejs_eventloop_lag_p99_seconds') !== undefined);
});

test('counters follow SMTP traffic, rejections, API deletes and evictions', async () => {
  const sizes: number[] = [];
  for (let i = 0; i < 4; i++) assert.equal((await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], message(i)))?.code, 250);
  assert.equal((await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: big\r\n\r\n' + 'x'.repeat(10_000)))?.code, 552);
  const page = await list(server.url);
  sizes.push(...page.messages.map((s) => s.size));
  const del = await getJson(`${server.url}/api/messages/${page.messages[0]!.id}`, { method: 'DELETE' });
  assert.equal(del.status, 200);

  const m = await scrape(server.url);
  assert.equal(m.value('mailroom_messages_received_total'), 4);
  assert.equal(m.value('mailroom_messages_evicted_total'), 1, 'max-messages 3: the first was evicted');
  assert.equal(m.value('mailroom_messages_deleted_total'), 1);
  assert.equal(m.value('mailroom_smtp_rejected_total{reason="size"}'), 1);
  assert.equal(m.value('mailroom_store_messages'), 2);
  const info = (await getJson<{ messages: { bytes: number } }>(`${server.url}/api/info`)).body;
  assert.equal(m.value('mailroom_store_bytes'), info.messages.bytes);
  // Bytes of all four accepted: the three still listed before the delete plus the evicted first one.
  const all = sizes.reduce((a, b) => a + b, 0) + Buffer.byteLength(message(0) + '\r\n');
  assert.equal(m.value('mailroom_received_bytes_total'), all);
  // What memory holds for the two stored messages: some, and never more than their raw bytes.
  const held = m.value('mailroom_store_held_bytes') ?? 0;
  assert.ok(held > 0 && held <= all, `held ${held} of at most ${all}`);
});

test('gauges show open SMTP connections, feed clients and held waits', async () => {
  const smtp = await RawSmtp.open(server.smtpPort);
  await smtp.reply();
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/feed`);
  await new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  const marker = (await getJson<{ marker: string }>(`${server.url}/api/messages/marker`)).body.marker;
  const held = fetch(`${server.url}/api/messages/wait?query=${encodeURIComponent('gauge-test')}&since=${marker}&timeout=20s`);
  let m = await eventually(async () => {
    const now = await scrape(server.url);
    return now.value('mailroom_wait_pending') === 1 && now;
  }, { what: 'the wait to be counted' });
  assert.equal(m.value('mailroom_smtp_connections'), 1);
  assert.equal(m.value('mailroom_feed_clients'), 1);
  assert.equal(m.value('mailroom_wait_pending'), 1);
  assert.equal((await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: gauge-test\r\n\r\nx'))?.code, 250);
  assert.equal((await held).status, 200, 'the wait was answered by the new message');
  smtp.close();
  ws.close();
  await Promise.all([smtp.closed, new Promise((r) => ws.once('close', r))]);
  m = await eventually(async () => {
    const now = await scrape(server.url);
    return now.value('mailroom_smtp_connections') === 0 && now.value('mailroom_feed_clients') === 0 && now;
  }, { what: 'the connection and the feed client to leave the gauges' });
  assert.equal(m.value('mailroom_smtp_connections'), 0);
  assert.equal(m.value('mailroom_feed_clients'), 0);
  assert.equal(m.value('mailroom_wait_pending'), 0);
});

test('each server has its own registry', async () => {
  const other = await startTestServer();
  try {
    const m = await scrape(other.url);
    assert.equal(m.value('mailroom_messages_received_total'), 0);
    assert.ok((await scrape(server.url)).value('mailroom_messages_received_total')! >= 4);
  } finally {
    await other.close();
  }
});

test('a gauge and /api/info show open POP3 and IMAP connections, an idling IMAP client included', async () => {
  const s = teardown.add(await startTestServer({ pop3: { host: '127.0.0.1', port: 0 }, imap: { host: '127.0.0.1', port: 0 } }), 'retrieval server');
  const pop3 = await RawPop3.open(s.pop3Port!);
  await pop3.awaitStatus(1, 'the POP3 greeting');
  const imaps = [await RawImap.open(s.imapPort!), await RawImap.open(s.imapPort!)];
  for (const c of imaps) await c.until(/\r\n/);
  await imaps[1]!.command('a1', 'LOGIN u p');
  await imaps[1]!.command('a2', 'SELECT INBOX');
  imaps[1]!.send('a3 IDLE\r\n');
  await imaps[1]!.until(/^\+ /);
  const m = await scrape(s.url);
  assert.equal(m.value('mailroom_retrieval_connections{protocol="pop3"}'), 1);
  assert.equal(m.value('mailroom_retrieval_connections{protocol="imap"}'), 2);
  const info = (await getJson<{ pop3: { port: number; connections: number }; imap: { port: number; tlsPort: number | null; connections: number } }>(`${s.url}/api/info`)).body;
  assert.deepEqual(info.imap, { port: s.imapPort, tlsPort: null, connections: 2 }, '/api/info says where mail clients read');
  assert.equal(info.pop3.port, s.pop3Port);
  for (const c of [pop3, ...imaps]) c.close();
  const after = await eventually(async () => {
    const now = await scrape(s.url);
    return now.value('mailroom_retrieval_connections{protocol="imap"}') === 0 && now.value('mailroom_retrieval_connections{protocol="pop3"}') === 0 && now;
  }, { what: 'the POP3 and IMAP connections to leave the gauge' });
  assert.ok(after);
  assert.equal((await scrape(server.url)).value('mailroom_retrieval_connections{protocol="imap"}'), 0, 'a server without the doors reports 0');
  assert.equal((await getJson<{ imap: unknown }>(`${server.url}/api/info`)).body.imap, null);
});
