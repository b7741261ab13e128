// Release: send a captured message, as captured minus its Bcc header, to a real SMTP server the
// operator configured, for recipients the operator allowed. The only module that talks to an
// upstream SMTP server; nodemailer's SMTP transport with `envelope` + `raw` sends our bytes as
// they are. Every attempt is recorded with the message (release-history.ts).

import nodemailer from 'nodemailer';
import { removeHeader } from '../mail/raw-headers.js';
import type { StoredMessage } from '../mail/types.js';
import { resolveTarget } from './target-guard.js';

/** Upstream settings (from config). */
export interface RelaySettings {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  tlsVerify: boolean;
  user: string;
  password: string;
  /** Recipients must match; null allows none. */
  allowedRecipients: RegExp | null;
  /** Envelope sender; '' keeps the message's own. */
  from: string;
  timeoutMs: number;
  /** Allow a loopback, private or link-local upstream (--outbound-allow-private). */
  allowPrivate: boolean;
}

/** One release attempt as recorded and returned. */
export interface ReleaseRecord {
  at: string;
  to: string[];
  /** True when the upstream accepted the message (2xx after DATA). */
  ok: boolean;
  /** The upstream's final reply, e.g. "250 2.0.0 Ok: queued as X", when there was one. */
  response: string | null;
  /** The upstream's reply code on failure, when it gave one. */
  code: number | null;
  error: string | null;
  /** Recipients the upstream refused while accepting others. */
  rejected: string[];
  /** True for auto-relay, false for a release asked for through the API. */
  auto: boolean;
  attempt: number;
}

/** Why a release cannot be tried at all. */
export class ReleaseRefused extends Error {
  override name = 'ReleaseRefused';
  constructor(
    readonly code: 'relay_not_configured' | 'recipient_not_allowed' | 'no_recipients',
    message: string,
  ) {
    super(message);
  }
}

export interface Relay {
  readonly configured: boolean;
  /** Public view of the settings (never the password). */
  describe(): { configured: boolean; host: string; port: number; security: string; auth: boolean; allowedRecipients: string | null; from: string | null };
  /** Throws ReleaseRefused when relay is off or a recipient is not allowed. */
  check(to: readonly string[]): void;
  /** Sends; resolves with the record whatever the upstream said (network errors included). */
  send(message: StoredMessage, raw: Buffer, to: readonly string[], meta: { auto: boolean; attempt: number }): Promise<ReleaseRecord>;
}

const ADDRESS = /^[^\s<>@,;:"]+@[^\s<>@,;:"]+$/; // a plain addr-spec; anything fancier is refused

/** Creates the relay over the given settings (it opens one connection per send). */
export function createRelay(settings: RelaySettings): Relay {
  const configured = settings.host !== '';
  return {
    configured,
    describe: () => ({
      configured,
      host: settings.host,
      port: settings.port,
      security: settings.security,
      auth: settings.user !== '',
      allowedRecipients: settings.allowedRecipients ? settings.allowedRecipients.source : null,
      from: settings.from || null,
    }),
    check(to) {
      if (!configured) throw new ReleaseRefused('relay_not_configured', 'release is off: start Mailroom with --relay-host (see "Release and relay")');
      if (to.length === 0) throw new ReleaseRefused('no_recipients', 'give at least one recipient');
      const bad = to.filter((a) => !ADDRESS.test(a) || !settings.allowedRecipients || !settings.allowedRecipients.test(a));
      if (bad.length) {
        throw new ReleaseRefused(
          'recipient_not_allowed',
          settings.allowedRecipients
            ? `recipient(s) not allowed by --relay-allowed-recipients: ${bad.join(', ')}`
            : 'no recipient is allowed until --relay-allowed-recipients is set',
        );
      }
    },
    async send(message, raw, to, meta) {
      const at = new Date().toISOString();
      const base = { at, to: [...to], auto: meta.auto, attempt: meta.attempt };
      let address: string;
      try {
        // Connect to the address that was checked, not to a name that might resolve elsewhere next.
        address = (await resolveTarget('relay host', settings.host, settings.allowPrivate)).address;
      } catch (err) {
        return { ...base, ok: false, response: null, code: null, error: (err as Error).message, rejected: [] };
      }
      const transport = nodemailer.createTransport({
        host: address,
        port: settings.port,
        // TLS still verifies (and sends SNI for) the configured name, not the address.
        ...(address !== settings.host.replace(/^\[|\]$/g, '') ? { servername: settings.host } : {}),
        secure: settings.security === 'tls',
        requireTLS: settings.security === 'starttls',
        ignoreTLS: settings.security === 'none',
        auth: settings.user ? { user: settings.user, pass: settings.password } : undefined,
        tls: { rejectUnauthorized: settings.tlsVerify },
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
      });
      try {
        const info = await transport.sendMail({
          envelope: { from: settings.from || message.envelope.mailFrom || '', to: [...to] },
          raw: removeHeader(raw, 'bcc'),
        });
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- nodemailer's transports differ in what they fill in
        const rejected = ((info.rejected ?? []) as Array<string | { address: string }>).map((r) => (typeof r === 'string' ? r : r.address));
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
        return { ...base, ok: true, response: info.response ?? null, code: null, error: null, rejected };
      } catch (err) {
        const e = err as Error & { responseCode?: number; response?: string; rejected?: string[] };
        return { ...base, ok: false, response: e.response ?? null, code: e.responseCode ?? null, error: e.message, rejected: e.rejected ?? [] };
      } finally {
        transport.close();
      }
    },
  };
}
