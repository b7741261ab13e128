// GET /api/messages/wait and /api/messages/marker through real SMTP and HTTP: immediate answers,
// the since marker (no race), timeouts with a report, counts, inboxes, limits, released waiters.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { startTestServer } from '../helpers/server.js';
import { getJson, type ApiErrorBody } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { parseMessage } from '../../server/mail/parse.js';
import { viewOf } from '../../server/mail/view.js';
import type { MessageDetail } from '../../server/mail/types.js';

const server = await startTestServer({ maxWait: 60_000 });
after(() => server.close());
const base = server.url;

const mail = (subject: string, to = 'alice@example.test', body = 'hello') =>
  sendRaw(server.smtpPort, 'app@example.test', [to], `From: app@example.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\n${body}\r\n`);
const marker = async () => (await getJson<{ marker: string }>(`${base}/api/messages/marker`)).body.marker;
const waitUrl = (params: Record<string, string>) => `${base}/api/messages/wait?${new URLSearchParams(params)}`;
type TimeoutBody = { error: { code: string; message: string; arrived: number; found: number; timeout: number; recent: Array<{ subject: string }> } };

async function waitsHeld(n: number): Promise<void> {
  await eventually(async () => {
    assert.equal((await getJson<{ waits: number }>(`${base}/api/info`)).body.waits, n, 'waits held by the server');
    return true;
  });
}

test('an already stored match is returned at once, as the full message', async () => {
  await mail('stored-first alpha', 'alice@example.test', 'Your link: https://app.example.test/confirm?t=1');
  const r = await getJson<MessageDetail>(waitUrl({ query: 'stored-first', timeout: '5s' }));
  assert.equal(r.status, 200);
  assert.equal(r.body.subject, 'stored-first alpha');
  assert.match(r.body.text ?? '', /confirm\?t=1/);
  assert.ok(r.body.envelope.rcptTo.includes('alice@example.test'));
  assert.match(r.headers.get('mailroom-marker') ?? '', /^[0-9a-z]+$/);
});

test('since: a message stored after the marker but before the call is found (no race)', async () => {
  const m = await marker();
  await mail('race-check one');
  const r = await getJson<MessageDetail>(waitUrl({ query: 'race-check', since: m, timeout: '5s' }));
  assert.equal(r.status, 200);
  assert.equal(r.body.subject, 'race-check one');
});

test('since: messages from before the marker do not count; timeout is 408 with a report', async () => {
  await mail('old-news');
  const m = await marker();
  await mail('other thing', 'bob@example.test');
  const r = await getJson<TimeoutBody>(waitUrl({ query: 'old-news', since: m, timeout: '300ms' }));
  assert.equal(r.status, 408);
  assert.equal(r.body.error.code, 'wait_timeout');
  assert.equal(r.body.error.arrived, 1);
  assert.equal(r.body.error.timeout, 300);
  assert.equal(r.body.error.recent[0]?.subject, 'other thing');
  assert.match(r.body.error.message, /no message matching `old-news` within 300 ms; 1 message arrived meanwhile: "other thing" to bob@example\.test/);
});

test('a wait held open answers when the message arrives, with the marker of that message', async () => {
  const m = await marker();
  const pending = getJson<MessageDetail>(waitUrl({ query: 'later-arrival', since: m, timeout: '10s' }));
  await waitsHeld(1);
  await mail('unrelated noise');
  await mail('later-arrival here');
  const r = await pending;
  assert.equal(r.status, 200);
  assert.equal(r.body.subject, 'later-arrival here');
  const next = r.headers.get('mailroom-marker')!;
  // Waiting again from that marker does not return the same message.
  const again = await getJson<TimeoutBody>(waitUrl({ query: 'later-arrival', since: next, timeout: '100ms' }));
  assert.equal(again.status, 408);
  await waitsHeld(0);
});

test('count=N waits for N matches and returns them oldest first', async () => {
  const m = await marker();
  await mail('batch-msg 1');
  const pending = getJson<{ messages: MessageDetail[]; marker: string }>(waitUrl({ query: 'batch-msg', since: m, count: '3', timeout: '10s' }));
  await waitsHeld(1);
  await mail('batch-msg 2');
  await mail('batch-msg 3');
  const r = await pending;
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.messages.map((x) => x.subject), ['batch-msg 1', 'batch-msg 2', 'batch-msg 3']);
  assert.match(r.body.marker, /^[0-9a-z]+$/);
  const short = await getJson<TimeoutBody>(waitUrl({ query: 'batch-msg', since: m, count: '4', timeout: '100ms' }));
  assert.equal(short.status, 408);
  assert.equal(short.body.error.found, 3);
  assert.match(short.body.error.message, /not 4 messages matching `batch-msg` within 100 ms \(3 found\)/);
});

test('inbox: only messages in that inbox count', async () => {
  const m = await marker();
  const pending = getJson<MessageDetail>(waitUrl({ query: 'inbox-scoped', inbox: 'team-b', since: m, timeout: '10s' }));
  await waitsHeld(1);
  await mail('inbox-scoped in default');
  const raw = Buffer.from('From: a@example.test\r\nTo: b@example.test\r\nSubject: inbox-scoped in team-b\r\n\r\nhi\r\n');
  const envelope = { mailFrom: 'a@example.test', rcptTo: ['b@example.test'], remoteAddress: '127.0.0.1', heloName: 'x', authUser: null, secure: false };
  server.store.add({ raw, envelope, view: viewOf(await parseMessage(raw), envelope), inbox: 'team-b' });
  const r = await pending;
  assert.equal(r.body.subject, 'inbox-scoped in team-b');
  assert.equal(r.body.inbox, 'team-b');
  const none = await getJson<TimeoutBody>(waitUrl({ inbox: 'nobody', timeout: '100ms' }));
  assert.equal(none.status, 408);
  assert.equal(none.body.error.message, 'no message in inbox "nobody" within 100 ms; 0 messages arrived meanwhile');
});

test('bad parameters get 400 with a JSON error', async () => {
  const bad: Array<Record<string, string>> = [{ timeout: 'soon' }, { since: 'NOT A MARKER' }, { count: '0' }, { bogus: '1' }];
  for (const params of bad) {
    const r = await getJson<ApiErrorBody>(waitUrl(params));
    assert.equal(r.status, 400, JSON.stringify(params));
    assert.equal(r.body.error.code, 'bad_request');
  }
});

test('a marker from the future (another or a restarted server) is refused, not silently waited on', async () => {
  const r = await getJson<ApiErrorBody>(waitUrl({ since: 'zzzz', timeout: '5s' }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_marker');
  assert.match(r.body.error.message, /restarted/);
});

test('a timeout above --max-wait is cut to it', async () => {
  const small = await startTestServer({ maxWait: 150 });
  try {
    const r = await getJson<TimeoutBody>(`${small.url}/api/messages/wait?query=nothing&timeout=60s`);
    assert.equal(r.status, 408);
    assert.equal(r.body.error.timeout, 150);
  } finally {
    await small.close();
  }
});

test('a waiter whose client disconnects is released', async () => {
  const ac = new AbortController();
  const pending = fetch(waitUrl({ query: 'never-comes', timeout: '30s' }), { signal: ac.signal }).catch((e: Error) => e);
  await waitsHeld(1);
  ac.abort();
  assert.ok((await pending) instanceof Error);
  await waitsHeld(0);
});

test('200 concurrent waiters are all answered by one message', async () => {
  const m = await marker();
  const waits = Array.from({ length: 200 }, () => getJson<MessageDetail>(waitUrl({ query: 'fan-out', since: m, timeout: '20s' })));
  await waitsHeld(200);
  await mail('fan-out now');
  const results = await Promise.all(waits);
  assert.ok(results.every((r) => r.status === 200 && r.body.subject === 'fan-out now'));
  await waitsHeld(0);
});

test('close() ends held waits with 503 and finishes', async () => {
  const s = await startTestServer();
  const pending = getJson<ApiErrorBody>(`${s.url}/api/messages/wait?query=x&timeout=60s`);
  await eventually(async () => (await getJson<{ waits: number }>(`${s.url}/api/info`)).body.waits === 1, { what: 'the wait to be held' });
  await s.close();
  const r = await pending;
  assert.equal(r.status, 503);
  assert.equal(r.body.error.code, 'shutting_down');
});
