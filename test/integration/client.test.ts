// mailroom-server/client against a real server: every method, query and predicate waits, typed errors.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMailroom } from '../../server/in-process.js';
import { ApiError, ConnectionError, MailroomClient, WaitTimeoutError, code, firstLink, links } from '../../server/client/index.js';
import { smtpTransport } from '../helpers/mail.js';

const mr = await startMailroom();
after(() => mr.close());
const client = mr.client;
const smtp = smtpTransport(mr.smtpPort);
after(() => smtp.close());
const send = (subject: string, extra: Record<string, unknown> = {}) => smtp.sendMail({ from: 'app@example.test', to: 'alice@example.test', subject, text: 'hi', ...extra });

test('list, search, get, raw, headers', async () => {
  await client.deleteAll();
  await send('client-list one');
  await send('client-list two', { text: 'Reset: https://app.example.test/reset?t=9', html: '<p>Code <b>834712</b> <a href="https://app.example.test/reset?t=9">reset</a></p>' });
  const page = await client.list({ limit: 1 });
  assert.equal(page.total, 2);
  assert.equal(page.messages[0]!.subject, 'client-list two');
  assert.ok(page.nextCursor);
  const next = await client.list({ limit: 1, cursor: page.nextCursor });
  assert.equal(next.messages[0]!.subject, 'client-list one');
  const found = await client.search('one');
  assert.deepEqual(found.messages.map((m) => m.subject), ['client-list one']);
  const m = await client.get(page.messages[0]!.id);
  assert.match(m.html ?? '', /834712/);
  assert.equal(code(m), '834712');
  assert.deepEqual(links(m), ['https://app.example.test/reset?t=9']);
  assert.equal(firstLink(m, /reset/), 'https://app.example.test/reset?t=9');
  const raw = await client.raw(m.id);
  assert.match(raw.toString(), /^Content-Type: multipart\/alternative/m);
  const headers = await client.headers(m.id);
  assert.equal(headers.find((h) => h.name === 'Subject')?.value, 'client-list two');
});

test('attachment: decoded bytes by part id, file name or PartInfo', async () => {
  const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
  await send('with attachment', { attachments: [{ filename: 'data.bin', content: bytes }] });
  const m = await client.waitForMessage('attachment', { timeout: 5000 });
  const part = m.parts.find((p) => p.filename === 'data.bin')!;
  assert.deepEqual(await client.attachment(m.id, part.id), bytes);
  assert.deepEqual(await client.attachment(m, 'data.bin'), bytes);
  assert.deepEqual(await client.attachment(m.id, part), bytes);
  await assert.rejects(client.attachment(m, 'missing.txt'), (e: unknown) => e instanceof ApiError && e.status === 404 && /no attachment named "missing.txt" \(has: data.bin\)/.test(e.message));
});

test('markRead, delete, deleteAll, inboxes', async () => {
  await client.deleteAll();
  await send('mr 1');
  await send('mr 2');
  await send('mr 3');
  const ids = (await client.list()).messages.map((m) => m.id);
  assert.equal(await client.markRead(ids[0]!), 1);
  assert.equal((await client.get(ids[0]!)).read, true);
  assert.equal(await client.markRead([ids[1]!, ids[2]!]), 2);
  assert.equal(await client.markRead('all', false), 3);
  assert.deepEqual(await client.inboxes(), [{ name: 'default', total: 3, unread: 3 }]);
  assert.equal(await client.delete(ids[0]!), 1);
  assert.equal(await client.delete([ids[1]!, 'AAAAAAAAAAAAAAAA']), 1);
  assert.equal(await client.deleteAll(), 1);
  assert.equal((await client.list()).total, 0);
  await assert.rejects(client.get(ids[0]!), (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'not_found' && e.request === `GET /api/messages/${ids[0]}`);
});

test('waitForMessage(query) with since: held by the server until the message arrives', async () => {
  const since = await client.marker();
  const waiting = client.waitForMessage('welcome-query', { since, timeout: 10_000 });
  await send('other mail');
  await send('welcome-query for alice');
  const m = await waiting;
  assert.equal(m.subject, 'welcome-query for alice');
  assert.equal(m.envelope.mailFrom, 'app@example.test');
});

test('waitForMessages(count, query) resolves with the matches in arrival order', async () => {
  const since = await client.marker();
  const waiting = client.waitForMessages(2, 'pair-msg', { since });
  await send('pair-msg A');
  await send('pair-msg B');
  assert.deepEqual((await waiting).map((m) => m.subject), ['pair-msg A', 'pair-msg B']);
});

test('waitForMessage(predicate) tests each arrival here, on the full message', async () => {
  const since = await client.marker();
  const waiting = client.waitForMessage((m) => (m.text ?? '').includes('magic-body-word'), { since, timeout: 10_000 });
  await send('pred 1', { text: 'nothing special' });
  await send('pred 2', { text: 'the magic-body-word is here' });
  assert.equal((await waiting).subject, 'pred 2');
  // Without since the newest stored messages are looked at first.
  assert.equal((await client.waitForMessage((m) => m.subject === 'pred 1', { timeout: 1000 })).subject, 'pred 1');
  const two = await client.waitForMessages(2, async (m) => m.subject.startsWith('pred '), { since });
  assert.deepEqual(two.map((m) => m.subject), ['pred 1', 'pred 2']);
});

test('timeouts throw WaitTimeoutError saying what was awaited and what arrived', async () => {
  const since = await client.marker();
  await send('distraction', { to: 'bob@example.test' });
  await assert.rejects(client.waitForMessage('never-sent-subject', { since, timeout: 300 }), (e: unknown) => {
    assert.ok(e instanceof WaitTimeoutError);
    assert.equal(e.query, 'never-sent-subject');
    assert.equal(e.arrived, 1);
    assert.equal(e.recent[0]?.subject, 'distraction');
    assert.match(e.message, /^no message matching `never-sent-subject` within 300 ms; 1 message arrived meanwhile: "distraction" to bob@example\.test$/);
    return true;
  });
  await assert.rejects(client.waitForMessage(() => false, { since, timeout: 300 }), (e: unknown) => {
    assert.ok(e instanceof WaitTimeoutError);
    assert.match(e.message, /^no message matching the predicate within 300 ms; 1 message arrived meanwhile: "distraction" to bob@example\.test$/);
    return true;
  });
});

test('a wait longer than the server --max-wait is continued by the client until its own deadline', async () => {
  const short = await startMailroom({ maxWait: 100 });
  try {
    const since = await short.client.marker();
    const waiting = short.client.waitForMessage('late-one', { since, timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 350)); // several server-side waits expire meanwhile
    await smtpTransport(short.smtpPort).sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'late-one', text: 'x' });
    assert.equal((await waiting).subject, 'late-one');
  } finally {
    await short.close();
  }
});

test('typed errors: bad input is an ApiError with the code; no server is a ConnectionError', async () => {
  await assert.rejects(client.list({ limit: 5000 }), (e: unknown) => e instanceof ApiError && e.status === 400 && e.code === 'bad_request');
  await assert.rejects(client.waitForMessages(0), RangeError);
  const gone = new MailroomClient({ url: 'http://127.0.0.1:9/' });
  await assert.rejects(gone.list(), (e: unknown) => e instanceof ConnectionError && /cannot reach Mailroom at http:\/\/127\.0\.0\.1:9/.test(e.message));
  assert.equal(typeof (await client.info()).version, 'string');
});
