// Starts a Mailroom for a test: ports 0 on 127.0.0.1, silent logs, one shared certificate.

import { start, type Mailroom, type StartOptions } from '../../server/start.js';
import type { Config } from '../../server/config.js';
import { loadTls, type TlsMaterial } from '../../server/smtp/tls.js';

let tls: Promise<TlsMaterial> | undefined;

/** A self-signed certificate generated once per test process. */
export function testTls(): Promise<TlsMaterial> {
  tls ??= loadTls('', '', 'mailroom.test');
  return tls;
}

/** Starts a server on free loopback ports; call close() when done. */
export async function startTestServer(overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<Mailroom> {
  return start(
    {
      smtp: { host: '127.0.0.1', port: 0 },
      listen: { host: '127.0.0.1', port: 0 },
      logLevel: 'silent',
      ...overrides,
    },
    { tls: await testTls(), webRoot: null, ...options },
  );
}

/**
 * Config for a server that releases mail to `upstream` (a test server started with
 * smtpStarttls 'on') over STARTTLS, to recipients @allowed.test only.
 */
export function relayTo(upstream: Pick<Mailroom, 'smtpPort'>): Partial<Config> {
  return {
    relayHost: '127.0.0.1',
    outboundAllowPrivate: true, // the upstream is on loopback
    relayPort: upstream.smtpPort,
    relaySecurity: 'starttls',
    relayTlsVerify: false, // the upstream's certificate is self-signed
    relayAllowedRecipients: /@allowed\.test$/i,
  };
}
