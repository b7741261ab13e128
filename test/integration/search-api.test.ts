// Every search filter through the HTTP API, over messages sent for real over SMTP (nodemailer).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startTestServer } from '../helpers/server.js';
import { getJson, type ListBody, type ApiErrorBody } from '../helpers/api.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
let now = 0;
const ids: Record<string, string> = {};

function transport(user?: string) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true, ...(user ? { auth: { user, pass: 'x' } } : {}) });
}

const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer(), 'server');
  const koeln = await transport('Suite-A').sendMail({
    from: 'Alice Ärger <alice@example.test>',
    to: 'Bob <bob+welcome@example.test>',
    subject: 'Grüße aus Köln',
    text: 'Die Straße ist\nlang und schön',
    messageId: '<koeln-1@mail.example.test>',
    headers: { 'X-Tags': 'Urgent', 'X-Priority': '1 (Highest)' },
    attachments: [{ filename: 'Report-Q1.pdf', content: 'pdf bytes' }],
  });
  const invoice = await transport().sendMail({
    from: 'carol@billing.test',
    to: 'dave@example.test',
    cc: 'Eve <eve@example.test>',
    bcc: 'frank@example.test',
    replyTo: 'Support Desk <help@example.test>',
    subject: 'Invoice 42',
    html: '<p>Please pay <b>now</b></p><img src="cid:logo@billing">',
    messageId: '<abc-123@billing.test>',
    headers: { 'X-Mailer': 'Billing System 3' },
    attachments: [{ filename: 'logo.png', cid: 'logo@billing', content: Buffer.alloc(1200 * 1024, 7), contentType: 'image/png' }],
  });
  const greek = await transport('suite-a').sendMail({
    from: 'İstanbul Ofis <ist@example.test>',
    to: 'zoe@example.test',
    subject: 'ΟΔΟΣ',
    text: 'καλημέρα',
  });
  for (const [name, info] of Object.entries({ koeln, invoice, greek })) ids[name] = /queued as (\S+)/.exec(info.response)![1]!;
  const r = await fetch(`${server.url}/api/messages/${ids.invoice}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: true }) });
  assert.equal(r.status, 200);
  now = Date.now();
});

async function search(query: string, tz = 'UTC', extra = ''): Promise<string[]> {
  const { status, body } = await getJson<ListBody>(`${server.url}/api/messages?query=${encodeURIComponent(query)}&tz=${encodeURIComponent(tz)}${extra}`);
  assert.equal(status, 200, `${query}: ${JSON.stringify(body)}`);
  assert.equal(body.total, body.messages.length);
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return body.messages.map((m) => byId[m.id]!).sort();
}

/** The UTC calendar date of an instant, as YYYY-MM-DD. */
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

test('every filter, through GET /api/messages?query=', async () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  // A date whose midnight is already past at UTC+14 but still ahead at UTC-11 (see the tz cases).
  const edge = utcDate(now + 13 * 3600_000);
  const cases: Array<[string, string[], string?]> = [
    ['köln', ['koeln']],
    ['STRASSE', ['koeln']],
    ['"ist lang"', ['koeln']],
    ['οδοσ', ['greek']],
    ['istanbul', ['greek']],
    ['"pay now"', ['invoice']],
    ['report-q1', ['koeln']],
    ['from:alice', ['koeln']],
    ['from:ärger', ['koeln']],
    ['to:bob+welcome', ['koeln']],
    ['to:dave@example.test', ['invoice']],
    ['cc:eve', ['invoice']],
    ['bcc:frank', ['invoice']],
    ['reply-to:"support desk"', ['invoice']],
    ['addressed:frank', ['invoice']],
    ['addressed:zoe', ['greek']],
    ['subject:invoice', ['invoice']],
    ['subject:"grüsse aus"', ['koeln']],
    ['body:straße', ['koeln']],
    ['body:invoice', []],
    ['attachment:report', ['koeln']],
    ['attachment:logo.png', ['invoice']],
    ['message-id:abc-123', ['invoice']],
    ['message-id:<koeln-1@mail.example.test>', ['koeln']],
    ['tag:urgent', ['koeln']],
    ['tag:welcome', ['koeln']], // plus-addressing
    ['is:tagged', ['koeln']],
    ['is:read', ['invoice']],
    ['is:unread', ['greek', 'koeln']],
    ['has:attachment', ['koeln']],
    ['has:inline', ['invoice']],
    ['larger:1m', ['invoice']],
    ['smaller:100k', ['greek', 'koeln']],
    ['header:x-priority', ['koeln']],
    ['header:X-Mailer="billing system"', ['invoice']],
    ['header:x-mailer=outlook', []],
    ['inbox:suite-a', ['greek', 'koeln']],
    ['inbox:default', ['invoice']],
    [`after:${iso(now - 3600_000)}`, ['greek', 'invoice', 'koeln']],
    [`before:${iso(now - 3600_000)}`, []],
    [`after:${edge}`, ['greek', 'invoice', 'koeln'], 'Pacific/Kiritimati'],
    [`after:${edge}`, [], 'Pacific/Pago_Pago'],
    [`before:${edge}`, [], 'Pacific/Kiritimati'],
    [`before:${edge}`, ['greek', 'invoice', 'koeln'], 'Pacific/Pago_Pago'],
    ['from:alice OR from:carol', ['invoice', 'koeln']],
    ['example.test (köln OR invoice) -tag:urgent', ['invoice']],
    ['-(köln OR invoice)', ['greek']],
    ['!is:read -has:attachment', ['greek']],
  ];
  for (const [query, expected, tz] of cases) assert.deepEqual(await search(query, tz), expected, `${query} (tz ${tz ?? 'UTC'})`);
  // Every single-filter case negated gives the complement.
  for (const [query, expected, tz] of cases) {
    if (/\s/.test(query.replace(/"[^"]*"/g, 'x'))) continue;
    const complement = ['greek', 'invoice', 'koeln'].filter((x) => !expected.includes(x));
    assert.deepEqual(await search(`-${query}`, tz), complement, `-${query}`);
  }
});

test('a search can be scoped to an inbox and paged with a cursor', async () => {
  assert.deepEqual(await search('example.test', 'UTC', '&inbox=suite-a'), ['greek', 'koeln']);
  const first = await getJson<ListBody>(`${server.url}/api/messages?query=example.test&limit=1`);
  assert.equal(first.body.total, 3);
  assert.equal(first.body.messages.length, 1);
  const second = await getJson<ListBody>(`${server.url}/api/messages?query=example.test&limit=5&cursor=${first.body.nextCursor}`);
  assert.equal(second.body.messages.length, 2);
  assert.equal(second.body.nextCursor, null);
});

test('a malformed query or time zone is a 400 invalid_query saying what and where', async () => {
  const cases: Array<[string, RegExp]> = [
    ['from:alice (tag:x', /'\(' is never closed \(at character 12 of the query\)/],
    ['is:maybe', /unknown is: value "maybe".*at character 4/],
    ['larger:huge', /bad size "huge"/],
    ['before:2024-02-30', /bad date "2024-02-30"/],
    ['a OR', /OR needs a term on its right/],
    ['subject:', /subject: needs a value/],
  ];
  for (const [query, message] of cases) {
    const { status, body } = await getJson<ApiErrorBody>(`${server.url}/api/messages?query=${encodeURIComponent(query)}`);
    assert.equal(status, 400, query);
    assert.equal(body.error.code, 'invalid_query');
    assert.match(body.error.message, message);
  }
  const tz = await getJson<ApiErrorBody>(`${server.url}/api/messages?query=after:2024-01-01&tz=Mars/Base`);
  assert.equal(tz.status, 400);
  assert.match(tz.body.error.message, /unknown time zone "Mars\/Base" in the tz parameter/);
});
