// The POP3 state machine on its own: AUTHORIZATION -> TRANSACTION -> UPDATE, with the use cases
// replaced by a small in-memory fake, so every transition and refusal is checked without sockets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../server/app/index.js';
import type { StoredMessage } from '../../server/mail/types.js';
import { Pop3Session, type Pop3UseCases } from '../../server/pop3/session.js';
import { multiline, top } from '../../server/pop3/wire.js';

function fakeUseCases(raws: Record<string, string>) {
  const deleted: string[][] = [];
  const ids = Object.keys(raws);
  const useCases: Pop3UseCases = {
    listInboxes: async () => [{ name: 'default', total: ids.length, unread: 0 }],
    // newest first, as the store answers
    selectMessages: async () => ids.map((id) => ({ id, size: raws[id]!.length }) as StoredMessage).reverse(),
    readRaw: async (id: string) => {
      if (!(id in raws)) throw new DomainError('not-found', `message ${id} not found`);
      return Buffer.from(raws[id]!);
    },
    deleteMessages: async (target: { ids?: readonly string[] }) => {
      deleted.push([...(target.ids ?? [])]);
      return target.ids?.length ?? 0;
    },
  };
  return { useCases, deleted };
}

const session = (useCases: Pop3UseCases, verify: ((u: string, p: string) => Promise<boolean>) | null = null) =>
  new Pop3Session({ useCases, verify, canStartTls: () => false, failedLoginPause: async () => {} });

const text = async (s: Pop3Session, line: string) => String((await s.handle(line)).out);

test('AUTHORIZATION -> TRANSACTION -> UPDATE: QUIT deletes exactly what DELE marked and RSET did not undo', async () => {
  const { useCases, deleted } = fakeUseCases({ a: 'A\r\n', b: 'B\r\n', c: 'C\r\n' });
  const s = session(useCases);
  assert.equal(s.state, 'authorization');
  assert.match(await text(s, 'STAT'), /^-ERR command not valid in this state/);
  assert.match(await text(s, 'PASS x'), /^-ERR send USER first/);
  assert.match(await text(s, 'USER u'), /^\+OK/);
  assert.match(await text(s, 'PASS p'), /^\+OK maildrop has 3 messages \(9 octets\)/);
  assert.equal(s.state, 'transaction');
  assert.match(await text(s, 'UIDL 1'), /^\+OK 1 a\r\n$/, 'message 1 is the oldest');
  assert.match(await text(s, 'DELE 1'), /^\+OK/);
  assert.match(await text(s, 'DELE 1'), /^-ERR message 1 is deleted/);
  assert.match(await text(s, 'RETR 1'), /^-ERR message 1 is deleted/);
  assert.match(await text(s, 'RSET'), /^\+OK maildrop has 3 messages/);
  assert.match(await text(s, 'DELE 2'), /^\+OK/);
  assert.match(await text(s, 'STAT'), /^\+OK 2 6\r\n$/);
  assert.match(await text(s, 'LIST 9'), /^-ERR no message 9/);
  assert.match(await text(s, 'RETR x'), /^-ERR a message number is needed/);
  const quit = await s.handle('QUIT');
  assert.equal(quit.then, 'close');
  assert.match(String(quit.out), /1 messages deleted/);
  assert.deepEqual(deleted, [['b']]);
  assert.equal(s.state, 'update');
});

test('QUIT before login deletes nothing; a failed login stays in AUTHORIZATION; AUTH PLAIN with and without an initial response', async () => {
  const { useCases, deleted } = fakeUseCases({ a: 'A\r\n' });
  const verify = async (u: string, p: string) => u === 'alice' && p === 'pw';
  const s = session(useCases, verify);
  assert.match(await text(s, 'USER alice'), /^\+OK/);
  assert.match(await text(s, 'PASS nope'), /^-ERR \[AUTH\]/);
  assert.equal(s.state, 'authorization');
  assert.match(await text(s, 'AUTH PLAIN'), /^\+ \r\n$/);
  assert.match(await text(s, Buffer.from('\0alice\0pw').toString('base64')), /^\+OK maildrop has 1 messages/);
  const t = session(useCases, verify);
  assert.match(await text(t, `AUTH PLAIN ${Buffer.from('\0alice\0pw').toString('base64')}`), /^\+OK/);
  assert.match(await text(session(useCases, verify), 'AUTH LOGIN'), /^-ERR only AUTH PLAIN/);
  const q = session(useCases);
  assert.equal((await q.handle('QUIT')).then, 'close');
  assert.deepEqual(deleted, []);
});

test('a message deleted elsewhere during the session: RETR says so instead of failing the connection', async () => {
  const raws: Record<string, string> = { a: 'A\r\n' };
  const { useCases } = fakeUseCases(raws);
  const s = session(useCases);
  await s.handle('USER u');
  await s.handle('PASS p');
  delete raws.a;
  assert.match(await text(s, 'RETR 1'), /^-ERR message 1 was deleted by another client/);
});

test('wire: dot-stuffing at line starts only, a final CRLF added when missing, TOP keeps the header and n body lines', () => {
  assert.equal(multiline(Buffer.from('.a\r\nb.c\r\n..d\r\n.\r\n')).toString(), '..a\r\nb.c\r\n...d\r\n..\r\n.\r\n');
  assert.equal(multiline(Buffer.from('no newline')).toString(), 'no newline\r\n.\r\n');
  const raw = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n');
  assert.equal(top(raw, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n');
  assert.equal(top(raw, 2).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
  assert.equal(top(raw, 99).toString(), raw.toString());
  assert.equal(top(Buffer.from('A: 1\nB: 2\n\nbody\n'), 0).toString(), 'A: 1\nB: 2\n\n');
});
