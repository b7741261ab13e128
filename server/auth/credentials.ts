// User credentials for the opt-in access control (HTTP Basic for the inbox/API, SMTP AUTH):
// an htpasswd file (bcrypt, as `htpasswd -B` writes it, or {SHA}) and/or inline user:password
// pairs. Shared by http/ and smtp/ through start.ts, which hands each a verify function.
//
// bcryptjs (pure JS, no native build) checks bcrypt hashes; Mailpit users already keep their
// users in bcrypt htpasswd files, so those files work unchanged.

import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';

type Secret = { kind: 'bcrypt'; hash: string } | { kind: 'sha1'; digest: Buffer } | { kind: 'plain'; digest: Buffer };

/** Checks a user name and password. */
export type Verify = (user: string, password: string) => Promise<boolean>;

/** A malformed credentials file or list, naming where. */
export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const VERIFIED_CACHE = 256; // successful checks remembered so each HTTP request does not pay ~50 ms of bcrypt
// A valid hash to compare against for unknown users, so a miss costs as much as a hit.
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.9Tn9XnQ6QzYgq7fmg0y0b4mR8yQe';

function secretOf(hash: string, where: string): Secret {
  if (/^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) return { kind: 'bcrypt', hash };
  if (hash.startsWith('{SHA}')) return { kind: 'sha1', digest: Buffer.from(hash.slice(5), 'base64') };
  throw new CredentialsError(`${where}: unsupported password hash (use bcrypt: htpasswd -B, or {SHA}: htpasswd -s)`);
}

/** Parses htpasswd text: `user:hash` per line; blank lines and # comments ignored. */
export function parseHtpasswd(text: string, source: string): Map<string, Secret> {
  const users = new Map<string, Secret>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const colon = l.indexOf(':');
    if (colon < 1) throw new CredentialsError(`${source} line ${i + 1}: expected user:hash`);
    users.set(l.slice(0, colon), secretOf(l.slice(colon + 1), `${source} line ${i + 1}`));
  }
  return users;
}

/** Parses inline `user:password` pairs separated by spaces (the Mailpit MP_UI_AUTH form). */
export function parseUserList(raw: string): Map<string, Secret> {
  const users = new Map<string, Secret>();
  for (const pair of raw.split(/\s+/).filter(Boolean)) {
    const colon = pair.indexOf(':');
    if (colon < 1) throw new CredentialsError('expected space-separated user:password pairs');
    users.set(pair.slice(0, colon), { kind: 'plain', digest: sha256(pair.slice(colon + 1)) });
  }
  return users;
}

/** A verify function over the given users (an empty map lets no one in). */
export function createVerifier(users: ReadonlyMap<string, Secret>): Verify {
  const verified = new Set<string>();
  return async (user, password) => {
    const key = sha256(`${user}\0${password}`).toString('base64');
    if (verified.has(key)) return true;
    const secret = users.get(user);
    let ok = false;
    if (!secret) await bcrypt.compare(password, DUMMY_HASH);
    else if (secret.kind === 'bcrypt') ok = await bcrypt.compare(password, secret.hash);
    else {
      const got = secret.kind === 'sha1' ? createHash('sha1').update(password, 'utf8').digest() : sha256(password);
      ok = got.length === secret.digest.length && timingSafeEqual(got, secret.digest);
    }
    if (ok) {
      if (verified.size >= VERIFIED_CACHE) verified.delete(verified.values().next().value!);
      verified.add(key);
    }
    return ok;
  };
}

/** Users from a file and/or an inline list; null when neither is configured (access control off). */
export async function loadVerifier(file: string, inline: string, label: string): Promise<Verify | null> {
  if (!file && !inline) return null;
  const users = new Map<string, Secret>();
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CredentialsError(`${label}: cannot read ${file}: ${(err as Error).message}`);
    }
    for (const [u, s] of parseHtpasswd(text, file)) users.set(u, s);
  }
  if (inline) for (const [u, s] of parseUserList(inline)) users.set(u, s);
  if (users.size === 0) throw new CredentialsError(`${label}: no users defined`);
  return createVerifier(users);
}
