// Hostile API input, through real HTTP to an in-process server (so this process's Object.prototype
// is the server's): __proto__ and constructor keys in JSON bodies and query strings pollute
// nothing; a 100 KB query and patterns built to backtrack answer at once with a 400 or a result.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { getJson, jsonRequest } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
let server: Mailroom;
let id: string;

before(async () => {
  server = teardown.add(await startTestServer(), 'mailroom');
  await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], `Subject: target\r\n\r\n${'a'.repeat(5000)}\r\n`);
  id = server.store.list({ limit: 1 }).messages[0]!.id;
});

const polluted = () => (({}) as Record<string, unknown>).polluted;

test('__proto__ and constructor keys in bodies and query strings pollute nothing', async () => {
  const bodies = [
    '{"__proto__": {"polluted": "yes"}}',
    '{"read": true, "__proto__": {"polluted": "yes"}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
    '{"tags": ["x"], "__proto__": {"polluted": "yes"}}',
  ];
  for (const body of bodies) {
    for (const [method, path] of [['PATCH', `/api/messages/${id}`], ['PATCH', '/api/messages'], ['POST', '/api/faults/rules'], ['PUT', '/api/faults/settings'], ['POST', '/api/v1/send']] as const) {
      const r = await getJson<{ error?: { code: string } }>(`${server.url}${path}`, jsonRequest(method, body));
      assert.ok(r.status < 500, `${method} ${path} ${body}: ${r.status}`);
    }
  }
  for (const q of ['__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', '__proto__.polluted=yes']) {
    for (const path of ['/api/messages', '/api/v1/messages', '/api/v2/messages', '/api/messages/wait']) {
      const r = await fetch(`${server.url}${path}?${q}&timeout=1`);
      assert.ok(r.status < 500, `${path}?${q}: ${r.status}`);
      await r.arrayBuffer();
    }
  }
  assert.equal(polluted(), undefined, 'Object.prototype untouched');
  assert.equal((await getJson(`${server.url}/api/messages/${id}`)).status, 200, 'still serving');
});

test('a 100 KB query and backtracking patterns answer at once', async () => {
  const cases = [
    'x'.repeat(100_000),
    `subject:"${'a'.repeat(4000)}`,
    '('.repeat(5000) + 'a' + ')'.repeat(5000),
    Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' OR '),
    `${'a'.repeat(3000)}! ${'a*'.repeat(1000)}`,
    `header:${'X'.repeat(4000)}=${'a'.repeat(4000)}`,
  ];
  for (const query of cases) {
    const started = Date.now();
    const r = await fetch(`${server.url}/api/messages?query=${encodeURIComponent(query)}`);
    await r.arrayBuffer();
    assert.ok(r.status === 200 || r.status === 400 || r.status === 414 || r.status === 431, `status ${r.status} for a ${query.length}-character query`);
    // a bound that says "no catastrophic backtracking", not a timing target: seconds, not ms
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
  }
  assert.equal((await getJson(`${server.url}/api/messages/${id}`)).status, 200, 'still serving');
});
