// The native API answers every bad request with a 4xx and one error shape,
// {"error": {"code", "message", "field"?}}, naming what is wrong: malformed parameters, unknown
// body properties, type mismatches (never coerced), wrong methods (405 + Allow), bad JSON, wrong
// content type, oversize bodies and unknown routes.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { getJson, list, jsonRequest } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
let server: Mailroom;
let id: string;

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

before(async () => {
  server = teardown.add(await startTestServer(), 'mailroom');
  for (let i = 0; i < 3; i++) await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], `Subject: page ${i}\r\n\r\nhi\r\n`);
  id = (await list(server.url)).messages[0]!.id;
});


function assertError(r: { status: number; body: unknown }, status: number, code: string, message: RegExp, field?: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  const e = (r.body as ErrorBody).error;
  assert.deepEqual(Object.keys(r.body as object), ['error']);
  assert.equal(e.code, code);
  assert.match(e.message, message);
  assert.equal(e.field, field);
}

test('a malformed cursor, limit or an unknown parameter is a 400 naming the parameter', async () => {
  assertError(await getJson(`${server.url}/api/messages?cursor=garbage`), 400, 'bad_request', /cursor "garbage" is not one this server gave out/, 'cursor');
  assertError(await getJson(`${server.url}/api/messages?cursor=${encodeURIComponent('../x')}`), 400, 'bad_request', /parameter "cursor" is malformed/, 'cursor');
  assertError(await getJson(`${server.url}/api/messages?limit=abc`), 400, 'bad_request', /parameter "limit" must be an integer/, 'limit');
  assertError(await getJson(`${server.url}/api/messages?limit=0`), 400, 'bad_request', /parameter "limit" must be >= 1/, 'limit');
  assertError(await getJson(`${server.url}/api/messages?sort=oldest`), 400, 'bad_request', /unknown parameter "sort"/, 'sort');
  // the cursor the server gave out still works
  const first = await getJson<{ nextCursor: string; messages: Array<{ subject: string }> }>(`${server.url}/api/messages?limit=2`);
  const next = await getJson<{ messages: Array<{ subject: string }> }>(`${server.url}/api/messages?limit=2&cursor=${first.body.nextCursor}`);
  assert.equal(next.status, 200);
  assert.deepEqual(next.body.messages.map((m) => m.subject), ['page 0']);
});

test('an unsupported method on an existing route is a 405 with Allow; an unknown route a 404', async () => {
  const res = await fetch(`${server.url}/api/messages/${id}`, jsonRequest('PUT', { read: true }));
  assert.equal(res.status, 405);
  const allow = (res.headers.get('allow') ?? '').split(', ');
  for (const m of ['GET', 'PATCH', 'DELETE']) assert.ok(allow.includes(m), `Allow: ${res.headers.get('allow')}`);
  assert.ok(!allow.includes('PUT'));
  assertError({ status: res.status, body: await res.json() }, 405, 'method_not_allowed', /PUT is not allowed on \/api\/messages\/[\w-]+; use /);
  assertError(await getJson(`${server.url}/api/inboxes`, jsonRequest('POST', {})), 405, 'method_not_allowed', /POST is not allowed on \/api\/inboxes; use GET, HEAD$/);
  assertError(await getJson(`${server.url}/api/nothing-here`), 404, 'not_found', /no route for GET \/api\/nothing-here/);
});

test('an unknown body property is named; a wrong type is refused, never coerced', async () => {
  assertError(await getJson(`${server.url}/api/messages/${id}`, jsonRequest('PATCH', { readz: true })), 400, 'bad_request', /unknown property "readz"/, 'readz');
  assertError(await getJson(`${server.url}/api/messages/${id}`, jsonRequest('PATCH', { read: 'true' })), 400, 'bad_request', /property "read" must be a boolean/, 'read');
  assertError(await getJson(`${server.url}/api/messages/${id}`, jsonRequest('PATCH', { tags: 'urgent' })), 400, 'bad_request', /property "tags" must be an array/, 'tags');
  assertError(await getJson(`${server.url}/api/messages`, jsonRequest('DELETE', { ids: id })), 400, 'bad_request', /property "ids" must be an array/, 'ids');
  assertError(await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { read: true, ids: [1] })), 400, 'bad_request', /property "ids\.0" must be a string/, 'ids.0');
  assertError(await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', [1, 2])), 400, 'bad_request', /the JSON body must be an object/);
  assert.equal((await getJson(`${server.url}/api/messages/${id}`)).status, 200, 'the message is untouched');
  assert.equal((await list(server.url)).total, 3, 'nothing deleted');
});

test('what fastify refuses itself has the same shape: bad JSON, wrong content type, too large', async () => {
  assertError(await getJson(`${server.url}/api/messages/${id}`, jsonRequest('PATCH', '{"read": tru')), 400, 'invalid_json', /not valid JSON/);
  assertError(await getJson(`${server.url}/api/messages/${id}`, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'read=true' }), 415, 'unsupported_media_type', /content-type/i);
  assertError(await getJson(`${server.url}/api/messages`, jsonRequest('DELETE', { ids: ['x'.repeat(2 * 1024 * 1024)] })), 413, 'payload_too_large', /./);
});
