// A walk over the OpenAPI document: every native operation is called with one valid request and,
// where it takes any input, one invalid one; each answer's status must be one the document lists
// for that operation and its JSON body must match the documented schema. The case table must
// cover exactly the document's operations, so a new route needs a case (and api-docs.test.ts
// fails a route missing from the document). The Mailpit and MailHog dialects are not in the
// document and are not walked: they answer as their peers do, tested in compat-*.test.ts.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import type { Mailroom } from '../../server/start.js';
import { relayTo, startTestServer } from '../helpers/server.js';
import { getJson, list } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { smtpTransport } from '../helpers/mail.js';
import { fileTeardown } from '../helpers/teardown.js';

interface Call {
  method?: string;
  path: string;
  body?: unknown;
}
interface Case {
  valid: () => Call;
  /** null: the operation takes no input (no parameters, no body), so no request to it is malformed. */
  invalid: (() => Call) | null;
}
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  parameters?: unknown[];
  requestBody?: unknown;
}
type Doc = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

const teardown = fileTeardown();
let server: Mailroom;
let doc: Doc;
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const ids: Record<string, string> = {};
let ruleId = '';
let sessionId = '';
const MISSING = 'AAAAAAAAAAAAAAAA'; // well-formed, never issued

before(async () => {
  const upstream = teardown.add(await startTestServer({ smtpStarttls: 'on' }), 'upstream');
  server = teardown.add(await startTestServer(relayTo(upstream)), 'mailroom');
  doc = (await getJson<Doc>(`${server.url}/api/openapi.json`)).body;
  ajv.addSchema(doc, 'doc');
  const t = smtpTransport(server.smtpPort);
  await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'fixture', text: 'hello https://example.test/x', html: '<p>hello</p>', headers: { 'X-Tags': 'urgent' }, attachments: [{ filename: 'a.txt', content: 'attached' }] });
  await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: throwaway\r\nX-Tags: temp\r\n\r\nbye\r\n');
  const messages = (await list(server.url)).messages;
  ids.fixture = messages.find((m) => m.subject === 'fixture')!.id;
  ids.throwaway = messages.find((m) => m.subject === 'throwaway')!.id;
  sessionId = (await getJson<{ sessions: Array<{ id: string }> }>(`${server.url}/api/sessions`)).body.sessions[0]!.id;
});

const id = (name: string) => () => ids[name]!;
const rule = { stage: 'rcpt', match: { to: 'nobody@walk.test' }, action: { type: 'reject', code: 550 } };

/** One valid and one invalid request per operation, in an order where deletions come last. */
const CASES: Record<string, Case> = {
  'GET /api/openapi.json': { valid: () => ({ path: '/api/openapi.json' }), invalid: null },
  'GET /api/info': { valid: () => ({ path: '/api/info' }), invalid: null },
  'GET /livez': { valid: () => ({ path: '/livez' }), invalid: null },
  'GET /readyz': { valid: () => ({ path: '/readyz' }), invalid: null },
  'GET /metrics': { valid: () => ({ path: '/metrics' }), invalid: null },
  'GET /api/messages': { valid: () => ({ path: '/api/messages?limit=10&query=subject:fixture' }), invalid: () => ({ path: '/api/messages?limit=abc' }) },
  'GET /api/messages/{id}': { valid: () => ({ path: `/api/messages/${id('fixture')()}` }), invalid: () => ({ path: '/api/messages/not!an!id' }) },
  'GET /api/messages/{id}/raw': { valid: () => ({ path: `/api/messages/${id('fixture')()}/raw` }), invalid: () => ({ path: `/api/messages/${MISSING}/raw` }) },
  'GET /api/messages/{id}/headers': { valid: () => ({ path: `/api/messages/${id('fixture')()}/headers` }), invalid: () => ({ path: `/api/messages/${MISSING}/headers` }) },
  'GET /api/messages/{id}/text': { valid: () => ({ path: `/api/messages/${id('fixture')()}/text` }), invalid: () => ({ path: `/api/messages/${MISSING}/text` }) },
  'GET /api/messages/{id}/html': { valid: () => ({ path: `/api/messages/${id('fixture')()}/html` }), invalid: () => ({ path: `/api/messages/${MISSING}/html?remote=maybe` }) },
  'GET /api/messages/{id}/parts/{partId}': { valid: () => ({ path: `/api/messages/${id('fixture')()}/parts/${ids.part}` }), invalid: () => ({ path: `/api/messages/${id('fixture')()}/parts/99` }) },
  'GET /api/messages/{id}/transcript': { valid: () => ({ path: `/api/messages/${id('fixture')()}/transcript` }), invalid: () => ({ path: `/api/messages/${MISSING}/transcript` }) },
  'GET /api/messages/marker': { valid: () => ({ path: '/api/messages/marker' }), invalid: null },
  'GET /api/messages/wait': { valid: () => ({ path: '/api/messages/wait?query=subject:fixture&timeout=1s' }), invalid: () => ({ path: '/api/messages/wait?timeout=soon' }) },
  'PATCH /api/messages/{id}': { valid: () => ({ method: 'PATCH', path: `/api/messages/${id('fixture')()}`, body: { read: true } }), invalid: () => ({ method: 'PATCH', path: `/api/messages/${id('fixture')()}`, body: { readz: true } }) },
  'PATCH /api/messages': { valid: () => ({ method: 'PATCH', path: '/api/messages', body: { ids: [id('fixture')()], read: false } }), invalid: () => ({ method: 'PATCH', path: '/api/messages', body: { ids: 'x', read: true } }) },
  'GET /api/tags': { valid: () => ({ path: '/api/tags' }), invalid: null },
  'PUT /api/tags/{name}': { valid: () => ({ method: 'PUT', path: '/api/tags/temp', body: { name: 'temp2' } }), invalid: () => ({ method: 'PUT', path: '/api/tags/temp2', body: {} }) },
  'GET /api/inboxes': { valid: () => ({ path: '/api/inboxes' }), invalid: null },
  'GET /api/faults/rules': { valid: () => ({ path: '/api/faults/rules' }), invalid: null },
  'POST /api/faults/rules': { valid: () => ({ method: 'POST', path: '/api/faults/rules', body: rule }), invalid: () => ({ method: 'POST', path: '/api/faults/rules', body: { ...rule, stage: 'lunch' } }) },
  'GET /api/faults/rules/{id}': { valid: () => ({ path: `/api/faults/rules/${ruleId}` }), invalid: () => ({ path: '/api/faults/rules/no-such-rule' }) },
  'PUT /api/faults/rules/{id}': { valid: () => ({ method: 'PUT', path: `/api/faults/rules/${ruleId}`, body: rule }), invalid: () => ({ method: 'PUT', path: `/api/faults/rules/${ruleId}`, body: { stage: 'rcpt' } }) },
  'PATCH /api/faults/rules/{id}': { valid: () => ({ method: 'PATCH', path: `/api/faults/rules/${ruleId}`, body: { enabled: false } }), invalid: () => ({ method: 'PATCH', path: `/api/faults/rules/${ruleId}`, body: { enabled: 'no' } }) },
  'POST /api/faults/reset-counts': { valid: () => ({ method: 'POST', path: '/api/faults/reset-counts' }), invalid: null },
  'PUT /api/faults/settings': { valid: () => ({ method: 'PUT', path: '/api/faults/settings', body: { magicAddresses: true } }), invalid: () => ({ method: 'PUT', path: '/api/faults/settings', body: {} }) },
  'GET /api/rejected': { valid: () => ({ path: '/api/rejected?limit=5' }), invalid: () => ({ path: '/api/rejected?limit=abc' }) },
  'GET /api/sessions': { valid: () => ({ path: '/api/sessions?limit=5' }), invalid: () => ({ path: '/api/sessions?limit=0' }) },
  'GET /api/sessions/{id}': { valid: () => ({ path: `/api/sessions/${sessionId}` }), invalid: () => ({ path: '/api/sessions/no-such-session' }) },
  'POST /api/messages/{id}/release': { valid: () => ({ method: 'POST', path: `/api/messages/${id('fixture')()}/release`, body: { to: ['someone@allowed.test'] } }), invalid: () => ({ method: 'POST', path: `/api/messages/${id('fixture')()}/release`, body: { to: 'someone@allowed.test' } }) },
  'GET /api/messages/{id}/releases': { valid: () => ({ path: `/api/messages/${id('fixture')()}/releases` }), invalid: () => ({ path: `/api/messages/${MISSING}/releases` }) },
  'GET /api/relay': { valid: () => ({ path: '/api/relay' }), invalid: null },
  'GET /api/webhooks': { valid: () => ({ path: '/api/webhooks' }), invalid: null },
  // deletions last
  'DELETE /api/faults/rules/{id}': { valid: () => ({ method: 'DELETE', path: `/api/faults/rules/${ruleId}` }), invalid: () => ({ method: 'DELETE', path: `/api/faults/rules/${ruleId}` }) },
  'DELETE /api/faults/rules': { valid: () => ({ method: 'DELETE', path: '/api/faults/rules' }), invalid: null },
  'DELETE /api/rejected': { valid: () => ({ method: 'DELETE', path: '/api/rejected' }), invalid: null },
  'DELETE /api/tags/{name}': { valid: () => ({ method: 'DELETE', path: '/api/tags/temp2' }), invalid: () => ({ method: 'DELETE', path: '/api/tags/no-such-tag' }) },
  'DELETE /api/messages/{id}': { valid: () => ({ method: 'DELETE', path: `/api/messages/${id('throwaway')()}` }), invalid: () => ({ method: 'DELETE', path: `/api/messages/${MISSING}` }) },
  'DELETE /api/messages': { valid: () => ({ method: 'DELETE', path: '/api/messages', body: { ids: [MISSING] } }), invalid: () => ({ method: 'DELETE', path: '/api/messages', body: { ids: MISSING } }) },
  'DELETE /api/inboxes/{name}': { valid: () => ({ method: 'DELETE', path: '/api/inboxes/default' }), invalid: () => ({ method: 'DELETE', path: '/api/inboxes/no-such-inbox' }) },
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const pointer = (...parts: string[]) => 'doc#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

async function call(key: string, c: Call, expectOk: boolean): Promise<string | null> {
  const [method, path] = key.split(' ') as [string, string];
  const op = doc.paths[path]![method.toLowerCase()]!;
  const res = await fetch(server.url + c.path, {
    method: c.method ?? 'GET',
    ...(c.body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.body) } : {}),
  });
  const status = String(res.status);
  const text = await res.text();
  const what = `${key} (${c.method ?? 'GET'} ${c.path}) → ${status} ${text.slice(0, 200)}`;
  if (expectOk ? res.status >= 400 : res.status < 400 || res.status >= 500) return `${expectOk ? 'valid' : 'invalid'} request got ${what}`;
  const documented = op.responses[status];
  if (!documented) return `undocumented status: ${what} (documented: ${Object.keys(op.responses).join(', ')})`;
  const json = documented.content?.['application/json'];
  if (json?.schema && (res.headers.get('content-type') ?? '').includes('application/json')) {
    const validate = ajv.getSchema(pointer('paths', path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema'));
    assert.ok(validate, `schema for ${key} ${status}`);
    if (!validate(JSON.parse(text))) return `body does not match the documented ${status} schema: ${what}: ${ajv.errorsText(validate.errors)}`;
  }
  return null;
}

test('every native operation in the OpenAPI document has a case, and every case an operation', () => {
  const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual([...documented].sort(), Object.keys(CASES).sort());
  for (const key of documented) {
    const [method, path] = key.split(' ') as [string, string];
    const op = doc.paths[path]![method.toLowerCase()]!;
    const takesInput = Boolean(op.requestBody) || (op.parameters?.length ?? 0) > 0;
    assert.equal(CASES[key]!.invalid !== null, takesInput, `${key}: an invalid case exactly when it takes input`);
  }
});

test('each operation answers a valid request and an invalid one with documented statuses and shapes', async () => {
  const problems: string[] = [];
  for (const [key, c] of Object.entries(CASES)) {
    if (key === 'GET /api/messages/{id}/parts/{partId}') {
      const detail = (await getJson<{ parts: Array<{ id: string; filename: string | null }> }>(`${server.url}/api/messages/${ids.fixture}`)).body;
      ids.part = detail.parts.find((p) => p.filename === 'a.txt')!.id;
    }
    const valid = await call(key, c.valid(), true);
    if (valid) problems.push(valid);
    if (key === 'POST /api/faults/rules') ruleId = (await getJson<{ rules: Array<{ id: string }> }>(`${server.url}/api/faults/rules`)).body.rules[0]!.id;
    if (c.invalid) {
      const invalid = await call(key, c.invalid(), false);
      if (invalid) problems.push(invalid);
    }
  }
  assert.deepEqual(problems, []);
});
