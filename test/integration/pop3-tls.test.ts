// POP3 over TLS: STLS on the plain port (RFC 2595) and the implicit-TLS port, through curl and
// Python's poplib; commands pipelined after STLS are discarded, so plaintext cannot be injected
// into the TLS session; STLS is listed in CAPA only while it can be used.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import type { Mailroom } from '../../server/start.js';
import { eventually } from '../helpers/eventually.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { RawPop3, poplib } from '../helpers/pop3.js';
import { curl } from '../helpers/python.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const RAW = Buffer.from('From: app@example.test\r\nTo: tls@example.test\r\nSubject: over tls\r\n\r\n.a dot line\r\nbody\r\n');

let server: Mailroom | undefined;

/** One server for the file, with one message in it. */
async function setUp(): Promise<Mailroom> {
  if (server) return server;
  server = teardown.add(await startTestServer({ pop3: { host: '127.0.0.1', port: 0 }, pop3s: { host: '127.0.0.1', port: 0 }, smtpStarttls: 'on' }), 'server');
  queuedId(await sendRawMail(server.smtpPort, RAW, { from: 'app@example.test', to: ['tls@example.test'] }));
  return server;
}


test('curl pop3:// --ssl-reqd upgrades with STLS and fetches the message byte for byte', async () => {
  const server = await setUp();
  const r = await curl(['--silent', '--show-error', '--ssl-reqd', '--insecure', '--max-time', '20', '-u', 'me:any', `pop3://127.0.0.1:${server.pop3Port}/1`]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out, RAW);
});

test('poplib: STLS on the plain port and POP3_SSL on the implicit-TLS port read the same bytes', async () => {
  const server = await setUp();
  const got = await poplib<{ stls: string; implicit: string; capaAfter: string[] }>(
    server.pop3Port!,
    `import ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3('127.0.0.1', port)
p.stls(ctx)
capa_after = list(p.capa().keys())
p.user('u'); p.pass_('p')
stls = base64.b64encode(b'\\r\\n'.join(p.retr(1)[1]) + b'\\r\\n').decode()
p.quit()
q = poplib.POP3_SSL('127.0.0.1', int(os.environ['POP3S_PORT']), context=ctx)
q.user('u'); q.pass_('p')
implicit = base64.b64encode(b'\\r\\n'.join(q.retr(1)[1]) + b'\\r\\n').decode()
q.quit()
print(json.dumps({'stls': stls, 'implicit': implicit, 'capaAfter': capa_after}))`,
    { POP3S_PORT: String(server.pop3sPort) },
  );
  assert.deepEqual(Buffer.from(got.stls, 'base64'), RAW);
  assert.deepEqual(Buffer.from(got.implicit, 'base64'), RAW);
  assert.ok(!got.capaAfter.includes('STLS'), `no STLS once TLS is on: ${got.capaAfter.join(' ')}`);
});

test('commands pipelined after STLS are discarded: nothing sent in plaintext reaches the TLS session', async () => {
  const server = await setUp();
  const c = await RawPop3.open(server.pop3Port!);
  teardown.defer('pop3 socket', () => c.close());
  await c.awaitStatus(1, 'greeting');
  c.send('CAPA\r\n');
  await eventually(() => c.text.includes('\r\n.\r\n'), { what: 'the CAPA list' });
  assert.ok(c.text.includes('\r\nSTLS\r\n'), 'CAPA lists STLS before TLS');
  // The injection: USER rides in the same segment as STLS, in plaintext.
  c.send('STLS\r\nUSER injected\r\n');
  await eventually(() => /\+OK begin TLS/.test(c.text), { what: 'the STLS answer' });
  const secure = tlsConnect({ socket: c.socket, rejectUnauthorized: false });
  teardown.defer('pop3 tls socket', () => secure.destroy());
  let text = '';
  secure.setEncoding('latin1');
  secure.on('data', (d: string) => (text += d));
  await new Promise((resolve) => secure.once('secureConnect', resolve));
  secure.write('PASS secret\r\n');
  await eventually(() => /\r\n$/.test(text), { what: 'an answer to PASS' });
  assert.match(text, /^-ERR send USER first/, 'the plaintext USER was dropped');
});
