// Multiple inboxes and tags through real SMTP, HTTP and the WebSocket feed: two test suites running
// at once stay apart; recipient routing; the per-inbox cap; the tag API and its feed event.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { getJson, type ListBody, jsonRequest } from '../helpers/api.js';
import { parseInboxRouting } from '../../server/mail/inbox-route.js';
import { createClient } from '../../server/client/index.js';
import type { Mailroom } from '../../server/start.js';


async function send(server: Mailroom, mail: Mail.Options, user?: string): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true, ...(user ? { auth: { user, pass: 'secret' } } : {}) });
  const info = await t.sendMail({ from: 'app@example.test', text: 'hi', ...mail });
  t.close();
  return /queued as (\S+)/.exec(info.response)![1]!;
}

test('two suites sending in parallel with their own SMTP usernames each see and delete only their own mail', async () => {
  const server = await startTestServer();
  try {
    const suite = async (user: string) => {
      const sent: string[] = [];
      for (let i = 0; i < 10; i++) sent.push(await send(server, { to: `user${i}@example.test`, subject: `${user} ${i}` }, user));
      return sent;
    };
    const [a, b] = await Promise.all([suite('suite-a'), suite('suite-b')]);
    await send(server, { to: 'x@example.test', subject: 'no auth' });
    const listOf = async (inbox: string) => (await getJson<ListBody>(`${server.url}/api/messages?limit=100&inbox=${inbox}`)).body;
    assert.deepEqual((await listOf('suite-a')).messages.map((m) => m.id).sort(), [...a].sort());
    assert.deepEqual((await listOf('suite-b')).messages.map((m) => m.id).sort(), [...b].sort());
    assert.ok((await listOf('suite-a')).messages.every((m) => m.inbox === 'suite-a'));
    const inboxes = await getJson<{ inboxes: unknown[] }>(`${server.url}/api/inboxes`);
    assert.deepEqual(inboxes.body.inboxes, [
      { name: 'default', total: 1, unread: 1 },
      { name: 'suite-a', total: 10, unread: 10 },
      { name: 'suite-b', total: 10, unread: 10 },
    ]);
    // Mark-all-read and search scoped to one inbox.
    assert.deepEqual((await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { read: true, inbox: 'suite-b' }))).body, { updated: 10 });
    assert.equal((await listOf('suite-a')).unread, 10);
    const found = await getJson<ListBody>(`${server.url}/api/messages?inbox=suite-a&query=${encodeURIComponent('subject:"suite-a 3"')}`);
    assert.deepEqual(found.body.messages.map((m) => m.id), [a[3]]);
    // Suite A deletes all of its mail; B's is untouched.
    assert.deepEqual((await getJson(`${server.url}/api/messages?inbox=suite-a`, jsonRequest('DELETE'))).body, { deleted: 10 });
    assert.equal((await listOf('suite-a')).total, 0);
    assert.deepEqual((await listOf('suite-b')).messages.map((m) => m.id).sort(), [...b].sort());
    // The body form, and deleting a whole inbox.
    assert.deepEqual((await getJson(`${server.url}/api/inboxes/Suite-B`, jsonRequest('DELETE'))).body, { deleted: 10 });
    assert.equal((await getJson(`${server.url}/api/inboxes/suite-b`, jsonRequest('DELETE'))).status, 404);
    assert.deepEqual((await getJson<{ inboxes: unknown[] }>(`${server.url}/api/inboxes`)).body.inboxes, [{ name: 'default', total: 1, unread: 1 }]);
    assert.deepEqual((await getJson(`${server.url}/api/messages`, jsonRequest('DELETE', { inbox: 'default' }))).body, { deleted: 1 });
  } finally {
    await server.close();
  }
});

test('the client library scopes delete-all, mark-all and wait to one inbox', async () => {
  const server = await startTestServer();
  try {
    const client = createClient(server.url);
    await send(server, { to: 'a@example.test', subject: 'for A' }, 'Suite-A');
    await send(server, { to: 'b@example.test', subject: 'for B' }, 'suite-b');
    assert.equal((await client.waitForMessage('subject:"for a"', { inbox: 'SUITE-A', timeout: 2000 })).subject, 'for A');
    assert.equal(await client.markRead('all', true, { inbox: 'suite-b' }), 1);
    assert.deepEqual((await client.inboxes()).map((i) => [i.name, i.unread]), [['suite-a', 1], ['suite-b', 0]]);
    assert.equal(await client.deleteAll({ inbox: 'suite-a' }), 1);
    assert.deepEqual((await client.inboxes()).map((i) => i.name), ['suite-b']);
    assert.equal(await client.deleteAll({ query: 'subject:nothing-matches' }), 0);
    assert.equal(await client.deleteAll(), 1);
  } finally {
    await server.close();
  }
});

test('--inbox-from recipient-domain routes by recipient, and --max-messages-per-inbox evicts that inbox only', async () => {
  const server = await startTestServer({ inboxFrom: parseInboxRouting('recipient-domain'), maxMessagesPerInbox: 2 });
  try {
    const t1 = [];
    for (let i = 0; i < 3; i++) t1.push(await send(server, { to: `u${i}@Tenant1.test` }, 'ignored-user'));
    const t2 = await send(server, { to: 'someone@tenant2.test' });
    const inboxes = (await getJson<{ inboxes: Array<{ name: string; total: number }> }>(`${server.url}/api/inboxes`)).body.inboxes;
    assert.deepEqual(inboxes.map((i) => [i.name, i.total]), [['tenant1.test', 2], ['tenant2.test', 1]]);
    const tenant1 = (await getJson<ListBody>(`${server.url}/api/messages?inbox=tenant1.test`)).body.messages.map((m) => m.id);
    assert.deepEqual(tenant1, [t1[2], t1[1]]); // the oldest of tenant1 was evicted
    assert.equal((await getJson(`${server.url}/api/messages/${t2}`)).status, 200);
  } finally {
    await server.close();
  }
});

test('tags: from X-Tags and plus-addressing, set per message and in bulk, renamed and deleted globally, announced on the feed', async () => {
  const server = await startTestServer();
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/feed`);
  const frames: Array<{ type: string; messages?: Array<{ id: string; tags: string[] }> }> = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve) => ws.once('open', resolve));
  try {
    const a = await send(server, { to: 'alice+signup@example.test', subject: 'a', headers: { 'X-Tags': 'Release, urgent' } });
    const b = await send(server, { to: 'bob@example.test', subject: 'b' });
    const tags = async () => (await getJson<{ tags: unknown[] }>(`${server.url}/api/tags`)).body.tags;
    assert.deepEqual(await tags(), [
      { name: 'Release', count: 1 },
      { name: 'signup', count: 1 },
      { name: 'urgent', count: 1 },
    ]);
    const one = await getJson<{ tags: string[] }>(`${server.url}/api/messages/${b}`, jsonRequest('PATCH', { tags: ['URGENT', 'Needs Review'] }));
    assert.deepEqual(one.body.tags, ['Needs Review', 'urgent']); // the existing spelling wins
    const bulk = await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { ids: [a, b], addTags: ['ci'], removeTags: ['release'] }));
    assert.deepEqual(bulk.body, { updated: 2 });
    const byQuery = await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { query: 'to:bob', addTags: ['bob'] }));
    assert.deepEqual(byQuery.body, { updated: 1 });
    assert.deepEqual((await getJson(`${server.url}/api/tags/urgent`, jsonRequest('PUT', { name: 'Important' }))).body, { updated: 2 });
    assert.deepEqual((await getJson(`${server.url}/api/tags/ci`, jsonRequest('DELETE'))).body, { updated: 2 });
    assert.equal((await getJson(`${server.url}/api/tags/nope`, jsonRequest('DELETE'))).status, 404);
    assert.equal((await getJson(`${server.url}/api/tags/bob`, jsonRequest('PUT', { name: '!!!' }))).status, 400);
    assert.equal((await getJson(`${server.url}/api/messages/${a}`, jsonRequest('PATCH', { tags: ['ok', '<>'] }))).status, 400);
    assert.equal((await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { ids: [a], addTags: ['***'] }))).status, 400);
    assert.deepEqual(await tags(), [
      { name: 'bob', count: 1 },
      { name: 'Important', count: 2 },
      { name: 'Needs Review', count: 1 },
      { name: 'signup', count: 1 },
    ]);
    const search = async (q: string) => (await getJson<ListBody>(`${server.url}/api/messages?query=${encodeURIComponent(q)}`)).body.messages.map((m) => m.id);
    assert.deepEqual(await search('tag:important'), [b, a]);
    assert.deepEqual(await search('tag:"needs review"'), [b]);
    assert.deepEqual(await search('tag:urgent'), []);
    // Delete by query.
    assert.deepEqual((await getJson(`${server.url}/api/messages?query=tag:bob`, jsonRequest('DELETE'))).body, { deleted: 1 });
    assert.deepEqual(await search(''), [a]);
    const tagFrames = await eventually(() => {
      const now = frames.filter((f) => f.type === 'message:tags');
      return now.length >= 5 && now;
    }, { what: 'five message:tags frames' });
    assert.deepEqual(tagFrames[0]!.messages, [{ id: b, tags: ['Needs Review', 'urgent'] }]);
    assert.equal((await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { ids: [a], inbox: 'x', read: true }))).status, 400);
    assert.equal((await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { ids: [a] }))).status, 400);
  } finally {
    ws.close();
    await server.close();
  }
});
