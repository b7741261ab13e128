// Failure injection through real SMTP: an app-like nodemailer client sees the injected 4xx/5xx at
// every stage, delays, disconnects, drops and slow DATA; rules are managed over HTTP and report
// how often they fired; every refused attempt lands in the rejected list.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { startTestServer } from '../helpers/server.js';
import { getJson, list, jsonRequest, type ApiErrorBody } from '../helpers/api.js';
import type { Mailroom } from '../../server/start.js';
import type { FaultRule } from '../../server/faults/rules.js';
import type { RejectedAttempt } from '../../server/faults/rejected-log.js';
import { fileTeardown } from '../helpers/teardown.js';

interface Outcome {
  ok: boolean;
  code: number | null;
  response: string;
  error: string | null;
}

/** Sends like an app would: one nodemailer transport per message, STARTTLS if offered, AUTH when asked. */
async function send(port: number, to: string | string[] = 'user@example.test', extra: Partial<Mail.Options> & { auth?: boolean } = {}): Promise<Outcome> {
  const { auth, ...mail } = extra;
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, tls: { rejectUnauthorized: false }, ...(auth ? { auth: { user: 'app', pass: 's3cret-pass' } } : {}) });
  try {
    const info = await t.sendMail({ from: 'app@example.test', to, subject: 'hello', text: 'hi there', ...mail });
    return { ok: true, code: 250, response: info.response, error: null };
  } catch (err) {
    const e = err as Error & { responseCode?: number; response?: string };
    return { ok: false, code: e.responseCode ?? null, response: e.response ?? '', error: e.message };
  } finally {
    t.close();
  }
}


let server: Mailroom;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer(), 'server');
});

async function withRule<T>(rule: object, f: (id: string) => Promise<T>): Promise<T> {
  const res = await getJson<FaultRule>(`${server.url}/api/faults/rules`, jsonRequest('POST', rule));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  try {
    return await f(res.body.id);
  } finally {
    await fetch(`${server.url}/api/faults/rules`, { method: 'DELETE' });
  }
}

const rule = async (id: string) => (await getJson<FaultRule>(`${server.url}/api/faults/rules/${id}`)).body;
const rejected = async () => (await getJson<{ attempts: RejectedAttempt[] }>(`${server.url}/api/rejected?limit=5`)).body.attempts;

test('injected replies reach the client at every stage, with the configured code and enhanced code', async () => {
  const cases: Array<[object, Partial<Parameters<typeof send>[2]>, number, RegExp]> = [
    [{ stage: 'connect', action: { type: 'tempfail', code: 421, text: 'busy, come back later' } }, {}, 421, /421 busy/],
    [{ stage: 'ehlo', action: { type: 'reject', code: 554, text: 'no HELO for you' } }, {}, 554, /554 5\.\d\.\d no HELO for you/],
    [{ stage: 'auth', action: { type: 'reject', code: 535, enhanced: '5.7.8', text: 'bad credentials' } }, { auth: true }, 535, /535 5\.7\.8 bad credentials/],
    [{ stage: 'mail', match: { from: '*@example.test' }, action: { type: 'tempfail', code: 451, text: 'sender {from} greylisted' } }, {}, 451, /451 4\.\d\.\d sender app@example\.test greylisted/],
    [{ stage: 'rcpt', action: { type: 'reject', code: 550, enhanced: '5.1.1', text: 'no such user' } }, {}, 550, /550 5\.1\.1 no such user/],
    [{ stage: 'data', match: { subject: 'hello' }, action: { type: 'reject', code: 552, enhanced: '5.3.4', text: 'too big for us' } }, {}, 552, /552 5\.3\.4 too big for us/],
  ];
  for (const [r, opts, code, reply] of cases) {
    await withRule(r, async (id) => {
      const before = (await list(server.url)).total;
      const out = await send(server.smtpPort, 'user@example.test', opts);
      assert.equal(out.ok, false, `${JSON.stringify(r)} should fail`);
      assert.equal(out.code, code, `${JSON.stringify(r)}: ${out.error}`);
      assert.match(out.response, reply);
      // nodemailer retries a refused EHLO as HELO, which the same rule refuses again.
      assert.equal((await rule(id)).stats.fired, (r as { stage: string }).stage === 'ehlo' ? 2 : 1);
      assert.equal((await list(server.url)).total, before, 'nothing stored');
      const last = (await rejected())[0]!;
      assert.equal(last.rule?.id, id);
      assert.match(last.reply, reply);
    });
  }
  // With the rules gone, the same client succeeds.
  assert.equal((await send(server.smtpPort)).ok, true);
});

test('a disconnect leaves the client with a closed connection and nothing stored', async () => {
  await withRule({ stage: 'rcpt', action: { type: 'disconnect' } }, async (id) => {
    const before = (await list(server.url)).total;
    const out = await send(server.smtpPort);
    assert.equal(out.ok, false);
    assert.match(out.error!, /closed|ECONNRESET|socket/i);
    assert.equal((await list(server.url)).total, before);
    const last = (await rejected())[0]!;
    assert.deepEqual([last.rule?.id, last.outcome, last.stage, last.envelope.rcptTo], [id, 'disconnect', 'rcpt', ['user@example.test']]);
  });
});

test('drop answers 250 with an id that is never stored, and says so in the rejected list', async () => {
  await withRule({ stage: 'data', when: { mode: 'first', n: 1 }, action: { type: 'drop' } }, async () => {
    const dropped = await send(server.smtpPort);
    assert.equal(dropped.ok, true);
    const id = /queued as (\S+)/.exec(dropped.response)![1]!;
    assert.equal((await getJson(`${server.url}/api/messages/${id}`)).status, 404);
    assert.equal((await rejected())[0]!.outcome, 'drop');
    const kept = await send(server.smtpPort);
    const keptId = /queued as (\S+)/.exec(kept.response)![1]!;
    assert.equal((await getJson(`${server.url}/api/messages/${keptId}`)).status, 200, 'first=1: the second message is stored');
  });
});

test('delay holds the reply at least that long, then the message is stored', async () => {
  await withRule({ stage: 'data', action: { type: 'delay', delayMs: 400 } }, async () => {
    const t0 = Date.now();
    const out = await send(server.smtpPort);
    assert.equal(out.ok, true);
    assert.ok(Date.now() - t0 >= 390, 'the final reply came no sooner than the delay');
    const id = /queued as (\S+)/.exec(out.response)![1]!;
    const tr = (await getJson<{ entries: Array<{ ms: number; dir: string; text: string }> }>(`${server.url}/api/messages/${id}/transcript`)).body;
    const data = tr.entries.find((e) => e.text.startsWith('<'))!;
    const final = tr.entries.at(-1)!;
    assert.match(final.text, /^250 /);
    assert.ok(final.ms - data.ms >= 390, 'the transcript shows the delay');
    assert.ok(tr.entries.some((e) => e.dir === 'note' && /delayed 400 ms/.test(e.text)));
  });
});

test('slow reads DATA at the given rate and still stores every byte', async () => {
  await withRule({ stage: 'mail', action: { type: 'slow', bytesPerSecond: 8000 } }, async () => {
    const text = 'x'.repeat(76) + '\r\n';
    const body = text.repeat(150); // ~11.7 KB: at 8000 B/s at least ~1.4 s
    const t0 = Date.now();
    const out = await send(server.smtpPort, 'user@example.test', { text: body });
    assert.equal(out.ok, true);
    assert.ok(Date.now() - t0 >= 1000, 'reading was throttled');
    const id = /queued as (\S+)/.exec(out.response)![1]!;
    const tr = (await getJson<{ entries: Array<{ text: string }> }>(`${server.url}/api/messages/${id}/transcript`)).body;
    assert.ok(tr.entries.some((e) => e.text === 'DATA read at 8000 bytes/s'));
    const raw = Buffer.from(await (await fetch(`${server.url}/api/messages/${id}/raw`)).arrayBuffer()).toString();
    assert.ok(raw.includes(body.trimEnd()), 'body intact');
  });
});

test('every Nth, first N and rate rules fire on the expected messages', async () => {
  const pattern = async (n: number) => {
    const out: boolean[] = [];
    for (let i = 0; i < n; i++) out.push((await send(server.smtpPort)).ok);
    return out;
  };
  await withRule({ stage: 'data', when: { mode: 'every', n: 2 }, action: { type: 'tempfail', code: 451 } }, async (id) => {
    assert.deepEqual(await pattern(4), [true, false, true, false]);
    assert.deepEqual((await rule(id)).stats, { ...(await rule(id)).stats, matched: 4, fired: 2 });
  });
  await withRule({ stage: 'rcpt', when: { mode: 'first', n: 2 }, action: { type: 'tempfail', code: 450 } }, async () => {
    assert.deepEqual(await pattern(3), [false, false, true]);
  });
  await withRule({ stage: 'mail', when: { mode: 'rate', limit: 2, windowMs: 600_000 }, action: { type: 'tempfail', code: 421, text: 'rate limit' } }, async () => {
    assert.deepEqual(await pattern(4), [true, true, false, false]);
  });
});

test('probability rules make the same decisions for the same --faults-seed', async () => {
  const run = async () => {
    const s = await startTestServer({ faults: 'rcpt:451:p=0.5', faultsSeed: 1234 });
    try {
      const out: boolean[] = [];
      for (let i = 0; i < 12; i++) out.push((await send(s.smtpPort)).ok);
      return out;
    } finally {
      await s.close();
    }
  };
  const a = await run();
  assert.deepEqual(await run(), a);
  assert.ok(a.includes(true) && a.includes(false), `both outcomes occur: ${a.join(', ')}`);
});

test('rules API: validation errors, 404s, patch, put, position, clear', async () => {
  const bad = await getJson<ApiErrorBody>(`${server.url}/api/faults/rules`, jsonRequest('POST', { stage: 'mail', match: { subject: 'x' }, action: { type: 'drop' } }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_rule');
  assert.match(bad.body.error.message, /subject is only known at stage data/);
  assert.equal((await getJson(`${server.url}/api/faults/rules`, jsonRequest('POST', { stage: 'rcpt', action: { type: 'explode' } }))).status, 400);
  assert.equal((await getJson(`${server.url}/api/faults/rules/nope`)).status, 404);
  assert.equal((await getJson(`${server.url}/api/faults/rules/nope`, jsonRequest('PATCH', { enabled: false }))).status, 404);
  const put = await getJson<FaultRule>(`${server.url}/api/faults/rules/my-rule`, jsonRequest('PUT', { stage: 'rcpt', action: { type: 'reject', code: 550 } }));
  assert.equal(put.status, 201);
  const dup = await getJson<ApiErrorBody>(`${server.url}/api/faults/rules`, jsonRequest('POST', { id: 'my-rule', stage: 'rcpt', action: { type: 'drop' } }));
  assert.equal(dup.status, 409);
  const patched = await getJson<FaultRule>(`${server.url}/api/faults/rules/my-rule`, jsonRequest('PATCH', { enabled: false }));
  assert.equal(patched.body.enabled, false);
  assert.equal((await send(server.smtpPort)).ok, true, 'a disabled rule does nothing');
  await getJson(`${server.url}/api/faults/rules?position=0`, jsonRequest('POST', { id: 'top', stage: 'rcpt', action: { type: 'drop' } }));
  const all = (await getJson<{ rules: FaultRule[] }>(`${server.url}/api/faults/rules`)).body.rules;
  assert.deepEqual(all.map((r) => r.id), ['top', 'my-rule']);
  assert.equal((await fetch(`${server.url}/api/faults/rules/top`, { method: 'DELETE' })).status, 204);
  const cleared = await getJson<{ deleted: number }>(`${server.url}/api/faults/rules`, { method: 'DELETE' });
  assert.equal(cleared.body.deleted, 1);
});

test('magic addresses act without any rule, and can be switched off', async () => {
  const r1 = await send(server.smtpPort, 'tempfail-452-4.2.2@example.test');
  assert.deepEqual([r1.ok, r1.code], [false, 452]);
  assert.match(r1.response, /452 4\.2\.2/);
  const r2 = await send(server.smtpPort, ['ok@example.test', 'reject-551-data+t1@example.test']);
  assert.deepEqual([r2.ok, r2.code], [false, 551], 'the -data variant refuses at the end of DATA');
  const r3 = await send(server.smtpPort, 'disconnect@example.test');
  assert.equal(r3.ok, false);
  const before = (await list(server.url)).total;
  const r4 = await send(server.smtpPort, 'drop@example.test');
  assert.equal(r4.ok, true);
  assert.equal((await list(server.url)).total, before);
  const t0 = Date.now();
  assert.equal((await send(server.smtpPort, 'delay-300ms@example.test')).ok, true);
  assert.ok(Date.now() - t0 >= 290);
  const magic = (await rejected()).map((a) => a.rule?.name);
  assert.ok(magic.includes('drop') && magic.includes('disconnect'));

  const off = await getJson<{ magicAddresses: boolean }>(`${server.url}/api/faults/settings`, jsonRequest('PUT', { magicAddresses: false }));
  assert.equal(off.body.magicAddresses, false);
  assert.equal((await send(server.smtpPort, 'reject-550@example.test')).ok, true, 'off: an ordinary address');
  await getJson(`${server.url}/api/faults/settings`, jsonRequest('PUT', { magicAddresses: true }));
});

test('rules load from --faults and --faults-file at start; bad ones stop the start with a clear error', async () => {
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'mailroom-faults-'));
  const file = join(dir, 'rules.json');
  await writeFile(file, JSON.stringify({ rules: [{ id: 'from-file', stage: 'rcpt', match: { to: '*@blocked.test' }, action: { type: 'reject', code: 550, text: 'blocked' } }] }));
  const s = await startTestServer({ faultsFile: file, faults: 'mail:451:first=1' });
  try {
    const ids = (await getJson<{ rules: FaultRule[] }>(`${s.url}/api/faults/rules`)).body.rules.map((r) => r.id);
    assert.deepEqual(ids, ['from-file', 'rule-1']);
    assert.equal((await send(s.smtpPort)).code, 451);
    assert.equal((await send(s.smtpPort, 'x@blocked.test')).code, 550);
    assert.equal((await send(s.smtpPort)).ok, true);
  } finally {
    await s.close();
  }
  await writeFile(file, '[{"stage":"rcpt","action":{"type":"reject","code":250}}]');
  await assert.rejects(startTestServer({ faultsFile: file }), /--faults-file.*action.code must be/);
});

test('Mailpit chaos and MailHog Jim act through the same rules (the compat routes call these)', async () => {
  const modes = server.unhappy.peerModes;
  modes.setChaos({ Sender: { ErrorCode: 451, Probability: 100 } });
  try {
    const out = await send(server.smtpPort);
    assert.deepEqual([out.ok, out.code], [false, 451]);
    assert.match(out.response, /451 .*Chaos sender error/);
    const listed = (await getJson<{ rules: FaultRule[] }>(`${server.url}/api/faults/rules`)).body.rules.find((r) => r.id === 'mailpit-chaos-sender')!;
    assert.equal(listed.stats.fired, 1, 'visible with its count like any rule');
  } finally {
    modes.setChaos({});
  }
  modes.enableJim({ AcceptChance: 0, DisconnectChance: 0, LinkSpeedAffect: 0, RejectSenderChance: 0, RejectRecipientChance: 0, RejectAuthChance: 0 });
  try {
    const out = await send(server.smtpPort);
    assert.equal(out.ok, false, 'Jim refuses every connection before the greeting');
    assert.equal((await rejected())[0]!.rule?.id, 'jim-accept');
  } finally {
    modes.disableJim();
  }
  modes.enableJim({ AcceptChance: 1, DisconnectChance: 0, LinkSpeedAffect: 0, RejectSenderChance: 0, RejectRecipientChance: 1, RejectAuthChance: 0 });
  try {
    const out = await send(server.smtpPort, 'someone@example.test');
    assert.deepEqual([out.code, /550 .*Invalid recipient <someone@example\.test>/.test(out.response)], [550, true]);
  } finally {
    modes.disableJim();
  }
  assert.equal((await send(server.smtpPort)).ok, true);
});

test('EHLO delay and connect-stage delay hold the reply, then the session goes on', async () => {
  await withRule({ stage: 'ehlo', action: { type: 'delay', delayMs: 300 } }, async () => {
    const t0 = Date.now();
    assert.equal((await send(server.smtpPort)).ok, true);
    assert.ok(Date.now() - t0 >= 290);
  });
  await withRule({ stage: 'connect', action: { type: 'delay', delayMs: 300 } }, async () => {
    const t0 = Date.now();
    assert.equal((await send(server.smtpPort)).ok, true);
    assert.ok(Date.now() - t0 >= 290, 'the greeting came late');
  });
});
