// IMAP over TLS: STARTTLS on the plain port (curl imap:// --ssl-reqd fetches a message by UID) and
// the implicit-TLS port (Python's IMAP4_SSL); a command pipelined after STARTTLS is discarded, so
// plaintext cannot be injected into the TLS session; STARTTLS is offered only while it can be used.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import type { Mailroom } from '../../server/start.js';
import { imaplib, RawImap } from '../helpers/imap.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { curl } from '../helpers/python.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const RAW = Buffer.from('From: app@example.test\r\nTo: tls@example.test\r\nSubject: over tls\r\n\r\nbody over tls\r\n');

let server: Mailroom | undefined;
let uid = 0;

async function setUp(): Promise<Mailroom> {
  if (server) return server;
  server = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 }, imaps: { host: '127.0.0.1', port: 0 }, smtpStarttls: 'on' }), 'server');
  const id = queuedId(await sendRawMail(server.smtpPort, RAW, { from: 'app@example.test', to: ['tls@example.test'] }));
  uid = server.store.get(id)!.seq;
  return server;
}


test('curl imap:// --ssl-reqd upgrades with STARTTLS and fetches the message by UID, byte for byte', async () => {
  const s = await setUp();
  const r = await curl(['--silent', '--show-error', '--ssl-reqd', '--insecure', '--max-time', '20', '-u', 'me:any', `imap://127.0.0.1:${s.imapPort}/INBOX;UID=${uid}`]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out, RAW);
});

test('imaplib: IMAP4_SSL on the implicit-TLS port and starttls() on the plain one read the same bytes', async () => {
  const s = await setUp();
  const got = await imaplib<{ implicit: string; upgraded: string; capsBefore: string[]; capsAfter: string[] }>(
    s.imapPort!,
    `import ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
M = imaplib.IMAP4_SSL('127.0.0.1', int(os.environ['IMAPS_PORT']), ssl_context=ctx)
M.login('u', 'p'); M.select('INBOX')
implicit = base64.b64encode(M.fetch('1', '(BODY.PEEK[])')[1][0][1]).decode()
M.logout()
P = imaplib.IMAP4('127.0.0.1', port)
caps_before = list(P.capabilities)
P.starttls(ssl_context=ctx)
caps_after = list(P.capabilities)
P.login('u', 'p'); P.select('INBOX')
upgraded = base64.b64encode(P.fetch('1', '(BODY.PEEK[])')[1][0][1]).decode()
P.logout()
print(json.dumps(dict(implicit=implicit, upgraded=upgraded, capsBefore=caps_before, capsAfter=caps_after)))
`,
    { IMAPS_PORT: String(s.imapsPort) },
  );
  assert.deepEqual(Buffer.from(got.implicit, 'base64'), RAW);
  assert.deepEqual(Buffer.from(got.upgraded, 'base64'), RAW);
  assert.ok(got.capsBefore.includes('STARTTLS'));
  assert.ok(!got.capsAfter.includes('STARTTLS'), 'not offered once TLS is on');
});

test('a command pipelined after STARTTLS is discarded, not run inside the TLS session', async () => {
  const s = await setUp();
  const c = await RawImap.open(s.imapPort!);
  teardown.defer('client', () => c.close());
  await c.until(/\r\n/);
  c.send('a1 STARTTLS\r\na2 LOGIN injected x\r\n');
  assert.match(await c.until(/a1 OK[^\r\n]*\r\n/), /a1 OK Begin TLS/);
  c.socket.removeAllListeners('data');
  const secure = tlsConnect({ socket: c.socket, rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
  let text = '';
  secure.on('data', (d: Buffer) => (text += d.toString('latin1')));
  secure.write('b1 CAPABILITY\r\n');
  while (!/b1 OK/.test(text)) await new Promise((resolve) => secure.once('data', resolve));
  assert.doesNotMatch(text, /a2/, 'the plaintext LOGIN was dropped');
  assert.match(text, /^\* CAPABILITY IMAP4rev1 [^\r\n]*\r\nb1 OK/);
  assert.doesNotMatch(text, /STARTTLS/);
  secure.destroy();
});
