import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { CredentialsError, createVerifier, parseHtpasswd, parseUserList } from '../../server/auth/credentials.js';
import { isAuthorized } from '../../server/http/auth.js';
import { createByteBudget } from '../../server/smtp/inflight.js';

test('htpasswd: bcrypt ($2a/$2b/$2y) and {SHA} lines, comments and blanks; other hashes refused by line', async () => {
  const sha = '{SHA}' + createHash('sha1').update('pw2').digest('base64');
  const hash = bcrypt.hashSync('pw1', 4);
  const users = parseHtpasswd(`# team\n\nann:${hash.replace('$2b$', '$2y$')}\r\nbob:${sha}\n`, 'users');
  const verify = createVerifier(users);
  assert.equal(await verify('ann', 'pw1'), true);
  assert.equal(await verify('ann', 'pw1'), true, 'cached path');
  assert.equal(await verify('ann', 'PW1'), false);
  assert.equal(await verify('bob', 'pw2'), true);
  assert.equal(await verify('bob', 'pw1'), false);
  assert.equal(await verify('carl', 'pw1'), false);
  assert.throws(() => parseHtpasswd('x:$apr1$salt$hash\n', 'f'), (e: Error) => e instanceof CredentialsError && /f line 1: unsupported/.test(e.message));
  assert.throws(() => parseHtpasswd('no colon here\n', 'f'), /f line 1: expected user:hash/);
});

test('inline users: space-separated user:password, the password may hold colons', async () => {
  const verify = createVerifier(parseUserList(' a:x  b:y:z '));
  assert.equal(await verify('a', 'x'), true);
  assert.equal(await verify('b', 'y:z'), true);
  assert.equal(await verify('b', 'y'), false);
  assert.throws(() => parseUserList(':nouser'), CredentialsError);
});

test('Basic header parsing: only well-formed Basic credentials reach the verifier', async () => {
  const verify = createVerifier(parseUserList('user:p@ss:w0rd'));
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.equal(await isAuthorized(`Basic ${b64('user:p@ss:w0rd')}`, verify), true);
  assert.equal(await isAuthorized(`basic   ${b64('user:p@ss:w0rd')}`, verify), true);
  for (const h of [undefined, '', 'Basic', `Bearer ${b64('user:p@ss:w0rd')}`, `Basic ${b64('user')}`, `Basic ${b64(':p@ss:w0rd')}`, 'Basic ***']) {
    assert.equal(await isAuthorized(h, verify), false, String(h));
  }
});

test('byte budget: take within the cap, refuse beyond, release frees, canStart honours declared sizes', () => {
  const b = createByteBudget(100);
  assert.equal(b.take(60), true);
  assert.equal(b.take(50), false);
  assert.equal(b.used, 60);
  assert.equal(b.canStart(40), true);
  assert.equal(b.canStart(41), false);
  b.release(60);
  assert.equal(b.used, 0);
  b.release(10);
  assert.equal(b.used, 0, 'never negative');
});
