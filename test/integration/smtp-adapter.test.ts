// The contract between server/smtp/adapter.ts and smtp-server: the version is pinned, the private
// members the adapter still uses have the shape it relies on, and through a real socket the
// adapter hands our handlers every command, every reply exactly as written, the TLS details and
// one close per connection (also after STARTTLS). An upgrade of smtp-server that breaks any of
// these fails here, by name, instead of somewhere in a transcript or a benchmark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { createSmtpServer } from '../../server/smtp/adapter.js';
import type { CommandLine, Session, SmtpHandlers } from '../../server/smtp/session.js';
import { loadTls } from '../../server/smtp/tls.js';
import { RawSmtp, type Reply } from '../helpers/smtp-client.js';
import { eventually } from '../helpers/eventually.js';
import { Teardown } from '../helpers/teardown.js';

const require = createRequire(import.meta.url);
const normalized = (fn: (...args: never[]) => unknown) => fn.toString().replace(/\/\/.*$/gm, '').replace(/\s+/g, ' ');

test('smtp-server is pinned to the exact version installed', () => {
  const wanted = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies['smtp-server'];
  const installed = (require('smtp-server/package.json') as { version: string }).version;
  assert.match(wanted!, /^\d+\.\d+\.\d+$/, 'an exact version, no range: a minor release may change the private members below');
  assert.equal(installed, wanted);
});

test('the private members the adapter uses still have the shape it relies on', () => {
  const proto = SMTPConnection.prototype;
  // adapter.ts overrides init() with these same steps minus the 100 ms timer: if init() changes,
  // the override must be reviewed against it.
  assert.equal(
    normalized(proto.init),
    "init() { this._setListeners(() => { if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) { return this.send(421, this.name + ' Too many connected clients, try again in a moment', false); } let readyTimer = setTimeout(() => this.connectionReady(), 100); readyTimer.unref(); }); }",
    'SMTPConnection.init() changed: review MailroomConnection.init() in server/smtp/adapter.ts',
  );
  assert.equal(typeof proto._setListeners, 'function');
  assert.equal(proto._setListeners.length, 1, '_setListeners(callback)');
  assert.equal(typeof proto._onCommand, 'function');
  assert.equal(proto._onCommand.length, 2, '_onCommand(command, callback)');
  assert.ok(normalized(proto._createParser).includes('this._onCommand(command, callback)'), 'the parser calls _onCommand by name, so an override sees every line');
  assert.equal(typeof proto._getEnhancedStatusCode, 'function');
  assert.equal(proto._getEnhancedStatusCode.length, 2, '_getEnhancedStatusCode(code, context)');
  assert.ok(normalized(proto.send).includes('this._socket.write(payload'), 'replies are written to _socket, which the adapter corks');
});

interface Seen {
  opened: Session[];
  commands: CommandLine[];
  replies: string[];
  closed: Session[];
  data: string[];
}

function recordingHandlers(seen: Seen): SmtpHandlers {
  return {
    open: (s) => void seen.opened.push(s),
    connect: () => undefined,
    command: (_s, c) => (seen.commands.push(c), null),
    reply: (_s, r) => void seen.replies.push(r.text()),
    auth: () => undefined,
    mail: () => undefined,
    rcpt: () => undefined,
    async data(_s, stream) {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      seen.data.push(Buffer.concat(chunks).toString());
      return 'Ok: queued as test-1';
    },
    close: (s) => void seen.closed.push(s),
  };
}

test('through a socket: every command, every reply as written, TLS details, one close after STARTTLS', async () => {
  const t = new Teardown();
  try {
    const seen: Seen = { opened: [], commands: [], replies: [], closed: [], data: [] };
    const tls = await loadTls('', '', 'localhost');
    const spec = { secure: false, tls, starttls: true, hostname: 'mx.test', maxMessageSize: 1000, maxRecipients: 10, maxConnections: 10, maxCommandLength: 512, idleTimeout: 10_000, sessionTimeout: 60_000, authRequired: false, allowInsecureAuth: true };
    const server = createSmtpServer(spec, recordingHandlers(seen), () => {});
    t.defer('server', () => server.close());
    const port = await server.listen({ host: '127.0.0.1', port: 0 });

    const received: Reply[] = [];
    const plain = await RawSmtp.open(port);
    t.defer('client', () => plain.close());
    const keep = (r: Reply | null) => (received.push(r!), r!);
    assert.equal(keep(await plain.reply()).code, 220);
    keep(await plain.command('EHLO client.test'));
    keep(await plain.command('NOOP'));
    assert.equal(keep(await plain.command('STARTTLS')).code, 220);
    const secure = await plain.startTls();
    keep(await secure.command('EHLO client.test'));
    keep(await secure.command('MAIL FROM:<a@example.test>'));
    keep(await secure.command('RCPT TO:<b@example.test>'));
    keep(await secure.command('DATA'));
    assert.equal(keep(await secure.command('Subject: x\r\n\r\nbody\r\n.')).text, '2.0.0 Ok: queued as test-1');
    keep(await secure.command('QUIT'));

    // Our handlers saw each reply exactly as the client read it (multi-line replies joined by \n).
    const asRead = received.map((r) => {
      const lines = r.text.split(/\r?\n/);
      return [...lines.slice(0, -1), `${r.code} ${lines.at(-1)}`].join('\n');
    });
    assert.deepEqual(seen.replies, asRead);
    assert.deepEqual(seen.commands.map((c) => c.name), ['EHLO', 'NOOP', 'STARTTLS', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
    assert.equal(seen.commands[0]!.line, 'EHLO client.test');
    assert.deepEqual(seen.data, ['Subject: x\r\n\r\nbody\r\n']);

    const session = seen.opened[0]!;
    assert.equal(session.secure, true);
    assert.equal(session.heloName, 'client.test');
    assert.ok(session.tls);
    assert.equal(session.tls.protocol, (secure.socket as TLSSocket).getProtocol(), 'read from the upgraded socket');
    assert.ok(session.tls.cipher);
    await eventually(() => seen.closed.length === 1, { what: 'the close of a session that upgraded with STARTTLS' });
    assert.equal(seen.closed[0], session);
  } finally {
    await t.close();
  }
});
