// TLS material for STARTTLS and SMTPS: the operator's PEM files, or a self-signed certificate
// generated at start (clients in development accept it or skip verification).

import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';
import { ConfigError } from '../config.js';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** True when generated here rather than given by the operator. */
  selfSigned: boolean;
}

const SELF_SIGNED_DAYS = 825; // the longest validity Apple platforms accept for a leaf certificate

/** The options that name the files, for error messages. */
export interface TlsFlags {
  cert: string;
  key: string;
}

const SMTP_FLAGS: TlsFlags = { cert: '--smtp-tls-cert', key: '--smtp-tls-key' };

const REASONS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory', ENOTDIR: 'a part of the path is not a directory' };

async function readPem(path: string, flag: string, what: 'certificate' | 'private key'): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new ConfigError(`${flag} ${path}: cannot read it (${REASONS[code] ?? (err as Error).message}); give a readable PEM ${what} file`);
  }
  const marker = what === 'certificate' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
  if (!marker.test(text)) {
    throw new ConfigError(`${flag} ${path}: not a PEM ${what} (no "-----BEGIN ${what === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----" line); give a PEM ${what} file`);
  }
  return text;
}

/**
 * Reads the given PEM files (errors name the flag, the path and the fix, as ConfigError), or
 * generates a self-signed certificate for `hostname`.
 */
export async function loadTls(certPath: string, keyPath: string, hostname: string, flags: TlsFlags = SMTP_FLAGS): Promise<TlsMaterial> {
  if (certPath && keyPath) {
    const [cert, key] = await Promise.all([readPem(certPath, flags.cert, 'certificate'), readPem(keyPath, flags.key, 'private key')]);
    try {
      createSecureContext({ cert, key });
    } catch (err) {
      throw new ConfigError(`${flags.cert} ${certPath} and ${flags.key} ${keyPath} do not work together (${(err as Error).message}); give a certificate and its own private key`);
    }
    return { cert, key, selfSigned: false };
  }
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec', // P-256: generated in milliseconds, accepted by every current TLS client
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + SELF_SIGNED_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private, selfSigned: true };
}
