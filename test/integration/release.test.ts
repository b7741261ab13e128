// Release and auto-relay against a second Mailroom on loopback as the upstream SMTP server:
// bytes arrive as captured minus Bcc, recipients are checked, results are recorded with the
// message, auto-relay runs after the 250 and retries transient failures.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { relayTo, startTestServer } from '../helpers/server.js';
import { getJson, list, raw, jsonRequest, type ApiErrorBody } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import type { Mailroom } from '../../server/start.js';
import type { ReleaseRecord } from '../../server/outbound/relay.js';
import { fileTeardown } from '../helpers/teardown.js';

let upstream: Mailroom;
let capture: Mailroom;
const teardown = fileTeardown();
before(async () => {
  upstream = teardown.add(await startTestServer({ smtpStarttls: 'on' }), 'upstream');
  capture = teardown.add(await startTestServer(relayTo(upstream)), 'capture');
});

const MESSAGE = [
  'From: App <app@example.test>',
  'To: to@example.test',
  'Bcc: secret@example.test,',
  '  other-secret@example.test',
  'Subject: release me',
  'Message-ID: <release-1@example.test>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Body line with caf\u00e9',
  'Bcc: this line is body, not a header',
  '',
].join('\r\n');

const idOf = (text: string) => /queued as (\S+)/.exec(text)![1]!;

async function captured(body = MESSAGE, to = ['to@example.test', 'secret@example.test']): Promise<string> {
  const reply = await sendRaw(capture.smtpPort, 'app@example.test', to, body);
  assert.equal(reply?.code, 250);
  return idOf(reply.text);
}

test('release sends the captured bytes minus Bcc to the upstream, and records the result', async () => {
  const id = await captured();
  const res = await getJson<ReleaseRecord>(`${capture.url}/api/messages/${id}/release`, jsonRequest('POST', { to: ['Person@Allowed.test'] }));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.ok, true);
  assert.match(res.body.response!, /^250 2\.0\.0 Ok: queued as /);
  const upstreamId = idOf(res.body.response!);

  const sent = await raw(upstream.url, upstreamId);
  const original = await raw(capture.url, id);
  const expected = original.toString('latin1').replace('Bcc: secret@example.test,\r\n  other-secret@example.test\r\n', '');
  assert.notEqual(expected, original.toString('latin1'), 'the fixture has a Bcc header');
  assert.equal(sent.toString('latin1'), expected, 'byte for byte, minus the Bcc header');
  const env = (await getJson<{ envelope: { mailFrom: string; rcptTo: string[] } }>(`${upstream.url}/api/messages/${upstreamId}`)).body.envelope;
  assert.deepEqual([env.mailFrom, env.rcptTo.map((a) => a.toLowerCase())], ['app@example.test', ['person@allowed.test']]);

  const history = (await getJson<{ releases: ReleaseRecord[] }>(`${capture.url}/api/messages/${id}/releases`)).body.releases;
  assert.equal(history.length, 1);
  assert.deepEqual([history[0]!.ok, history[0]!.auto, history[0]!.to], [true, false, ['Person@Allowed.test']]);
});

test('recipients must match the allowed pattern; none are allowed until it is set; off without a host', async () => {
  const id = await captured();
  const before = (await list(upstream.url)).total;
  const refused = await getJson<ApiErrorBody>(`${capture.url}/api/messages/${id}/release`, jsonRequest('POST', { to: ['ok@allowed.test', 'boss@elsewhere.test'] }));
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'recipient_not_allowed');
  assert.match(refused.body.error.message, /boss@elsewhere\.test/);
  assert.equal((await getJson(`${capture.url}/api/messages/${id}/release`, jsonRequest('POST', { to: [] }))).status, 400);
  assert.equal((await getJson(`${capture.url}/api/messages/NoSuchMessage123/release`, jsonRequest('POST', { to: ['a@allowed.test'] }))).status, 404);
  assert.equal((await list(upstream.url)).total, before, 'nothing sent');

  const noPattern = await startTestServer({ outboundAllowPrivate: true, relayHost: '127.0.0.1', relayPort: upstream.smtpPort });
  try {
    const r = await sendRaw(noPattern.smtpPort, 'a@example.test', ['b@example.test'], MESSAGE);
    const res = await getJson<ApiErrorBody>(`${noPattern.url}/api/messages/${idOf(r!.text)}/release`, jsonRequest('POST', { to: ['a@allowed.test'] }));
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, /no recipient is allowed until --relay-allowed-recipients/);
  } finally {
    await noPattern.close();
  }
  // The upstream (no --relay-host) holds the released copy; releasing it from there is refused.
  const held = (await list(upstream.url)).messages[0];
  assert.ok(held, 'the upstream has a message to try');
  const off = await getJson<ApiErrorBody>(`${upstream.url}/api/messages/${held.id}/release`, jsonRequest('POST', { to: ['a@allowed.test'] }));
  assert.equal(off.status, 400);
  assert.equal(off.body.error.code, 'relay_not_configured');
  const info = (await getJson<{ configured: boolean; allowedRecipients: string | null }>(`${capture.url}/api/relay`)).body;
  assert.deepEqual([info.configured, info.allowedRecipients], [true, '@allowed\\.test$']);
  assert.ok(!JSON.stringify(info).includes('password'));
});

test('an upstream refusal comes back as 502 with its reply code, and is recorded', async () => {
  const id = await captured();
  await getJson(`${upstream.url}/api/faults/rules`, jsonRequest('POST', { id: 'no', stage: 'rcpt', action: { type: 'reject', code: 550, enhanced: '5.1.1', text: 'unknown user' } }));
  try {
    const res = await getJson<ApiErrorBody & { result: ReleaseRecord }>(`${capture.url}/api/messages/${id}/release`, jsonRequest('POST', { to: ['gone@allowed.test'] }));
    assert.equal(res.status, 502);
    assert.equal(res.body.error.code, 'upstream_failed');
    assert.equal(res.body.result.code, 550);
    assert.match(res.body.result.response ?? res.body.result.error!, /550 5\.1\.1 unknown user/);
    const history = (await getJson<{ releases: ReleaseRecord[] }>(`${capture.url}/api/messages/${id}/releases`)).body.releases;
    assert.equal(history.at(-1)!.ok, false);
  } finally {
    await fetch(`${upstream.url}/api/faults/rules/no`, { method: 'DELETE' });
  }
});

test('auto-relay runs after the 250, retries transient upstream failures and records every attempt', async () => {
  await getJson(`${upstream.url}/api/faults/rules`, jsonRequest('POST', { id: 'flaky', stage: 'data', when: { mode: 'first', n: 2 }, action: { type: 'tempfail', code: 451, text: 'try later' } }));
  const auto = await startTestServer({
    ...relayTo(upstream),
    relayAuto: true,
    relayAutoQuery: 'forward-me',
    relayRetries: 3,
    relayBackoff: 200,
  });
  try {
    const before = (await list(upstream.url)).total;
    const skipped = await sendRaw(auto.smtpPort, 'a@example.test', ['x@allowed.test'], 'Subject: keep me here\r\n\r\nhi\r\n');
    assert.equal(skipped?.code, 250);
    const reply = await sendRaw(auto.smtpPort, 'a@example.test', ['x@allowed.test'], 'Subject: please forward-me\r\nBcc: hidden@example.test\r\n\r\nhi\r\n');
    assert.equal(reply?.code, 250, 'the client gets its 250 at once');
    assert.equal((await list(upstream.url)).total, before, 'not yet relayed when the 250 came: ingest did not wait');
    await auto.unhappy.autoRelay!.idle();
    const upstreamList = await list(upstream.url);
    assert.equal(upstreamList.total, before + 1, 'exactly one relayed: the matching message');
    assert.equal(upstreamList.messages[0]!.subject, 'please forward-me');
    assert.ok(!(await raw(upstream.url, upstreamList.messages[0]!.id)).toString().includes('hidden@example.test'));
    const history = (await getJson<{ releases: ReleaseRecord[] }>(`${auto.url}/api/messages/${idOf(reply.text)}/releases`)).body.releases;
    assert.deepEqual(history.map((h) => [h.attempt, h.ok, h.code, h.auto]), [[1, false, 451, true], [2, false, 451, true], [3, true, null, true]]);
    const status = (await getJson<{ auto: { enabled: boolean; queue: { delivered: number; retried: number; failed: number } } }>(`${auto.url}/api/relay`)).body.auto;
    assert.deepEqual([status.enabled, status.queue.delivered, status.queue.retried, status.queue.failed], [true, 1, 2, 0]);
  } finally {
    await auto.close();
    await fetch(`${upstream.url}/api/faults/rules/flaky`, { method: 'DELETE' });
  }
});
