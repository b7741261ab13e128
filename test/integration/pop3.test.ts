// POP3 through real clients: Python's poplib reads every message byte for byte (dot-stuffed
// lines included), TOP and UIDL answer, DELE + QUIT removes mail from the REST API, and a message
// deleted in the inbox is gone from the next session. Protocol edges over a raw socket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { eventually } from '../helpers/eventually.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { RawPop3, poplib } from '../helpers/pop3.js';
import { raw } from '../helpers/api.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();

async function pop3Server(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<Mailroom> {
  return teardown.add(await startTestServer({ pop3: { host: '127.0.0.1', port: 0 }, ...overrides }), 'server');
}

/** A message whose body has lines that start with dots, a lone dot and no final line break issues. */
function rawMessage(n: number): Buffer {
  return Buffer.from(
    [`From: app@example.test`, `To: user${n}@example.test`, `Subject: message ${n}`, `Message-ID: <m${n}@example.test>`, '', `line one of ${n}`, '.leading dot', '..two dots', '.', 'after the lone dot', ''].join('\r\n'),
  );
}

async function send(server: Mailroom, n: number): Promise<string> {
  return queuedId(await sendRawMail(server.smtpPort, rawMessage(n), { from: 'app@example.test', to: [`user${n}@example.test`] }));
}


test('poplib: STAT counts every message; RETR of each is byte-identical to the REST raw; TOP n 0 and UIDL answer', async () => {
  const server = await pop3Server();
  const ids: string[] = [];
  for (let n = 1; n <= 120; n++) ids.push(await send(server, n)); // more than Mailpit's 100
  const got = await poplib<{ stat: [number, number]; raws: string[]; uidl: string[]; top: string; list: string[] }>(
    server.pop3Port!,
    `p = poplib.POP3('127.0.0.1', port)
p.user('anyone'); p.pass_('anything')
stat = p.stat()
raws = [base64.b64encode(b'\\r\\n'.join(p.retr(i + 1)[1]) + b'\\r\\n').decode() for i in range(stat[0])]
uidl = [l.decode() for l in p.uidl()[1]]
top = b'\\r\\n'.join(p.top(1, 0)[1]).decode()
lst = [l.decode() for l in p.list()[1]]
p.quit()
print(json.dumps({'stat': stat, 'raws': raws, 'uidl': uidl, 'top': top, 'list': lst}))`,
  );
  assert.equal(got.stat[0], 120);
  const raws = await Promise.all(ids.map((id) => raw(server.url, id)));
  assert.equal(got.stat[1], raws.reduce((sum, r) => sum + r.length, 0), 'STAT octets');
  got.raws.forEach((b64, i) => assert.deepEqual(Buffer.from(b64, 'base64'), raws[i], `message ${i + 1} byte for byte`));
  assert.deepEqual(got.uidl, ids.map((id, i) => `${i + 1} ${id}`), 'UIDL: message number and Mailroom id, oldest first');
  assert.deepEqual(got.list, raws.map((r, i) => `${i + 1} ${r.length}`));
  assert.match(got.top, /^From: app@example.test\r\nTo: user1@example.test\r\nSubject: message 1\r\nMessage-ID: <m1@example.test>\r\n$/, 'TOP 1 0: the header and the empty line after it');
});

test('DELE + QUIT removes the message from the REST API; RSET undoes; a message deleted in the inbox is gone from the next session', async () => {
  const server = await pop3Server();
  const [a, b, c] = [await send(server, 1), await send(server, 2), await send(server, 3)];
  const first = await poplib<{ afterRset: [number, number]; stat: [number, number] }>(
    server.pop3Port!,
    `p = poplib.POP3('127.0.0.1', port)
p.user('u'); p.pass_('p')
p.dele(1); p.dele(2)
p.rset()
after_rset = p.stat()
p.dele(2)
stat = p.stat()
p.quit()
print(json.dumps({'afterRset': after_rset, 'stat': stat}))`,
  );
  assert.equal(first.afterRset[0], 3, 'RSET brought both back');
  assert.equal(first.stat[0], 2, 'a deleted message no longer counts in the session');
  assert.equal((await fetch(`${server.url}/api/messages/${b}`)).status, 404, 'DELE took effect at QUIT');
  assert.equal((await fetch(`${server.url}/api/messages/${a}`)).status, 200);
  assert.equal((await fetch(`${server.url}/api/messages/${a}`, { method: 'DELETE' })).status, 200);
  const second = await poplib<{ uidl: string[] }>(server.pop3Port!, `p = poplib.POP3('127.0.0.1', port)
p.user('u'); p.pass_('p')
uidl = [l.decode() for l in p.uidl()[1]]
p.quit()
print(json.dumps({'uidl': uidl}))`);
  assert.deepEqual(second.uidl, [`1 ${c}`], 'the next session sees only what is left, with the same UIDs');
});

test('raw socket: pipelined commands answered in order; wrong state, unknown command and a too-long line get -ERR', async () => {
  const server = await pop3Server();
  await send(server, 1);
  const c = await RawPop3.open(server.pop3Port!);
  teardown.defer('pop3 socket', () => c.close());
  await c.awaitStatus(1, 'greeting');
  c.send('STAT\r\nFROB\r\nUSER u\r\nPASS p\r\nSTAT\r\nUSER again\r\nNOOP\r\nCAPA\r\n');
  const lines = await c.awaitStatus(9, 'eight answers after the greeting');
  assert.match(lines[1]!, /^-ERR command not valid in this state/);
  assert.match(lines[2]!, /^-ERR unknown command "FROB"/);
  assert.match(lines[3]!, /^\+OK/);
  assert.match(lines[4]!, /^\+OK maildrop has 1 messages/);
  assert.match(lines[5]!, /^\+OK 1 \d+$/);
  assert.match(lines[6]!, /^-ERR command not valid in this state/, 'USER after login');
  assert.match(lines[7]!, /^\+OK/);
  assert.match(lines[8]!, /^\+OK capability list follows/);
  for (const cap of ['TOP', 'UIDL', 'USER', 'SASL PLAIN', 'RESP-CODES', 'PIPELINING']) assert.ok(c.text.includes(`\r\n${cap}\r\n`), `CAPA lists ${cap}`);

  const long = await RawPop3.open(server.pop3Port!);
  teardown.defer('pop3 socket', () => long.close());
  await long.awaitStatus(1, 'greeting');
  long.send('NOOP ' + 'x'.repeat(5000) + '\r\n');
  assert.match((await long.awaitStatus(2, 'refusal'))[1]!, /^-ERR line too long/);
  await eventually(() => long.closed, { what: 'the server closes the connection' });
});

test('with SMTP or inbox credentials configured, POP3 needs the same ones; AUTH PLAIN works; a user name naming an inbox reads that inbox', async () => {
  const server = await pop3Server({ uiAuth: 'alice:secret', inboxFrom: { kind: 'recipient-local' } });
  await send(server, 1);
  await send(server, 2);
  const got = await poplib<{ bad: string; inbox: number; plain: number }>(
    server.pop3Port!,
    `bad = ''
p = poplib.POP3('127.0.0.1', port)
p.user('alice')
try:
    p.pass_('wrong')
except poplib.error_proto as e:
    bad = e.args[0].decode()
p = poplib.POP3('127.0.0.1', port)
p.user('alice'); p.pass_('secret')
everything = p.stat()[0]
p.quit()
p = poplib.POP3('127.0.0.1', port)
resp = p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0alice\\0secret').decode())
plain = p.stat()[0]
p.quit()
print(json.dumps({'bad': bad, 'inbox': everything, 'plain': plain}))`,
  );
  assert.match(got.bad, /^-ERR \[AUTH\] invalid user name or password/);
  assert.equal(got.inbox, 2, 'alice names no inbox: every message');
  assert.equal(got.plain, 2);
  // The inbox user1 exists (recipient-local routing): its name reads only that inbox.
  const open = await startTestServer({ pop3: { host: '127.0.0.1', port: 0 }, inboxFrom: { kind: 'recipient-local' } });
  teardown.add(open, 'server');
  await send(open, 1);
  await send(open, 2);
  const scoped = await poplib<{ n: number }>(open.pop3Port!, `p = poplib.POP3('127.0.0.1', port)
p.user('user1'); p.pass_('x')
n = p.stat()[0]
p.quit()
print(json.dumps({'n': n}))`);
  assert.equal(scoped.n, 1);
});

test('connections per client address are bounded: the one over the limit gets -ERR [SYS/TEMP] and is closed', async () => {
  const server = await pop3Server();
  const open: RawPop3[] = [];
  for (let i = 0; i < 20; i++) {
    const c = await RawPop3.open(server.pop3Port!);
    teardown.defer('pop3 socket', () => c.close());
    open.push(c);
    await c.awaitStatus(1, `greeting ${i + 1}`);
  }
  const extra = await RawPop3.open(server.pop3Port!);
  teardown.defer('pop3 socket', () => extra.close());
  assert.match((await extra.awaitStatus(1, 'the refusal'))[0]!, /^-ERR \[SYS\/TEMP\] too many connections from your address/);
  await eventually(() => extra.closed, { what: 'the extra connection closed' });
  open[0]!.close();
  await eventually(async () => {
    const again = await RawPop3.open(server.pop3Port!);
    const [first] = await again.awaitStatus(1, 'an answer');
    again.close();
    return first!.startsWith('+OK');
  }, { what: 'a slot free again after one connection closed' });
});

test('a connection idle past the autologout timer is told so and closed, deleting nothing', async () => {
  const { createPop3Listener } = await import('../../server/pop3/listener.js');
  const server = await pop3Server();
  await send(server, 1);
  // The same use cases behind a second listener with a short timer (the flag's 10 minutes are RFC 1939's).
  const listener = createPop3Listener({ listen: { host: '127.0.0.1', port: 0 }, useCases: server.useCases, verify: null, log: server.log, idleTimeout: 300 });
  await listener.start();
  teardown.add(listener, 'short-timer listener');
  const c = await RawPop3.open(listener.port!);
  teardown.defer('pop3 socket', () => c.close());
  c.send('USER u\r\nPASS p\r\nDELE 1\r\n');
  const lines = await c.awaitStatus(5, 'the autologout notice');
  assert.match(lines[4]!, /^-ERR \[SYS\/TEMP\] autologout/);
  await eventually(() => c.closed, { what: 'the idle connection closed' });
  assert.equal((await server.useCases.listMessages({ limit: 10 })).messages.length, 1, 'no UPDATE state: the DELE did not take effect');
});
