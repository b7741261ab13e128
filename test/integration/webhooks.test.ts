// Webhooks against a local HTTP receiver: signed JSON summaries, retries with backoff on 5xx,
// query filter, timeouts, a bounded queue whose drops are counted, status over the API.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer } from '../helpers/server.js';
import { getJson } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import type { Webhooks } from '../../server/outbound/webhooks.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on 127.0.0.1:0; `respond` decides each reply (or holds it when it returns null). */
async function receiver(respond: (n: number) => number | null) {
  const got: Received[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const status = respond(got.length);
      if (status === null) held.push(res);
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    /** Answers every held request with `status`. */
    release(status: number) {
      for (const res of held.splice(0)) res.writeHead(status, { 'content-type': 'text/plain' }).end('released');
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const SECRET = 'hook-secret-123';
type Status = ReturnType<Webhooks['status']>;

test('each new message is POSTed as signed JSON; a 500 is retried until it succeeds', async () => {
  const rx = await receiver((n) => (n <= 2 ? 500 : 204));
  const s = await startTestServer({ outboundAllowPrivate: true, webhookUrls: [rx.url], webhookSecret: SECRET, webhookBackoff: 20, webhookRetries: 3 });
  try {
    const reply = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: hooked\r\n\r\nhello\r\n');
    assert.equal(reply?.code, 250);
    await s.unhappy.webhooks!.idle();
    assert.equal(rx.got.length, 3, 'two 500s, then delivered');
    for (const [i, r] of rx.got.entries()) {
      const expected = 'sha256=' + createHmac('sha256', SECRET).update(r.body).digest('hex');
      assert.equal(r.headers['x-mailroom-signature'], expected, 'signature verifies');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-mailroom-attempt'], String(i + 1));
      assert.equal(r.headers['x-mailroom-delivery'], rx.got[0]!.headers['x-mailroom-delivery'], 'same delivery id on retries');
    }
    const payload = JSON.parse(rx.got[0]!.body);
    assert.equal(payload.event, 'message:new');
    assert.equal(payload.message.subject, 'hooked');
    assert.equal(payload.message.id, /queued as (\S+)/.exec(reply.text)![1]);
    assert.equal(payload.message.text, undefined, 'a summary, not the body');
    const status = (await getJson<Status>(`${s.url}/api/webhooks`)).body;
    assert.deepEqual([status.enabled, status.signed], [true, true]);
    assert.deepEqual([status.endpoints[0]!.delivered, status.endpoints[0]!.failed, status.endpoints[0]!.lastStatus], [1, 0, 204]);
    assert.deepEqual([status.queue.delivered, status.queue.retried, status.queue.dropped], [1, 2, 0]);
    assert.deepEqual([status.recent[0]!.state, status.recent[0]!.attempts], ['delivered', 3]);
  } finally {
    await s.close();
    await rx.close();
  }
});

test('a 4xx is final, a query selects messages, credentials in the URL are sent as basic auth and masked', async () => {
  const rx = await receiver(() => 400);
  const url = rx.url.replace('http://', 'http://hookuser:hookpass@');
  const s = await startTestServer({ outboundAllowPrivate: true, webhookUrls: [url], webhookQuery: 'important', webhookBackoff: 20 });
  try {
    await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: routine\r\n\r\nx\r\n');
    await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: important news\r\n\r\nx\r\n');
    await s.unhappy.webhooks!.idle();
    assert.equal(rx.got.length, 1, 'only the matching message, and no retry after 400');
    assert.equal(rx.got[0]!.headers.authorization, 'Basic ' + Buffer.from('hookuser:hookpass').toString('base64'));
    assert.equal(rx.got[0]!.headers['x-mailroom-signature'], undefined, 'unsigned without a secret');
    const status = (await getJson<Status>(`${s.url}/api/webhooks`)).body;
    assert.ok(!JSON.stringify(status).includes('hookpass'), 'password masked');
    assert.match(status.endpoints[0]!.url, /\*\*\*/);
    assert.match(status.endpoints[0]!.lastError!, /HTTP 400: receiver says no/);
    assert.equal(status.recent[0]!.state, 'failed');
  } finally {
    await s.close();
    await rx.close();
  }
});

test('the queue is bounded: deliveries beyond it are dropped and counted, and ingest never waits', async () => {
  const rx = await receiver(() => null); // holds every request until released
  // A timeout far longer than the test keeps both slots busy however slowly the machine sends.
  const s = await startTestServer({ outboundAllowPrivate: true, webhookUrls: [rx.url], webhookQueueSize: 2, webhookRetries: 0, webhookTimeout: 60_000 });
  try {
    for (let i = 0; i < 5; i++) assert.equal((await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], `Subject: n${i}\r\n\r\nx\r\n`))?.code, 250, 'ingest never waits');
    const during = (await getJson<Status>(`${s.url}/api/webhooks`)).body;
    assert.equal(during.queue.dropped, 3);
    assert.equal(during.queue.inFlight + during.queue.queued, 2);
    await eventually(() => rx.got.length >= 2, { what: 'two deliveries held by the receiver' });
    rx.release(500);
    await s.unhappy.webhooks!.idle();
    const after = (await getJson<Status>(`${s.url}/api/webhooks`)).body;
    assert.deepEqual([after.queue.failed, after.queue.dropped, after.endpoints[0]!.failed], [2, 3, 2]);
    assert.equal(rx.got.length, 2);
  } finally {
    await s.close();
    await rx.close();
  }
});

test('a hung receiver times out and the failure is visible', async () => {
  const rx = await receiver(() => null);
  const s = await startTestServer({ outboundAllowPrivate: true, webhookUrls: [rx.url], webhookRetries: 0, webhookTimeout: 300 });
  try {
    assert.equal((await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: hang\r\n\r\nx\r\n'))?.code, 250);
    await s.unhappy.webhooks!.idle();
    const after = (await getJson<Status>(`${s.url}/api/webhooks`)).body;
    assert.equal(after.queue.failed, 1);
    assert.match(after.endpoints[0]!.lastError!, /timed out after 300 ms/);
  } finally {
    await s.close();
    await rx.close();
  }
});

test('without --webhook-url nothing is sent and the status says so; bad URLs are refused at start', async () => {
  const s = await startTestServer();
  try {
    const status = (await getJson<Status>(`${s.url}/api/webhooks`)).body;
    assert.deepEqual([status.enabled, status.endpoints.length, status.queue], [false, 0, null]);
  } finally {
    await s.close();
  }
  const { resolveConfig } = await import('../../server/config.js');
  assert.throws(() => resolveConfig(['--webhook-url', 'ftp://x.test/'], {}), /--webhook-url.*http or https/);
});
