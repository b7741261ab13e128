// TLS material for STARTTLS and SMTPS: the operator's PEM files, or a self-signed certificate
// generated at start (clients in development accept it or skip verification).

import { readFile } from 'node:fs/promises';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** True when generated here rather than given by the operator. */
  selfSigned: boolean;
}

const SELF_SIGNED_DAYS = 825; // the longest validity Apple platforms accept for a leaf certificate

/** Reads the given files, or generates a self-signed certificate for `hostname`. */
export async function loadTls(certPath: string, keyPath: string, hostname: string): Promise<TlsMaterial> {
  if (certPath && keyPath) {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
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
