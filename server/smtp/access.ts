// Opt-in SMTP access control: required AUTH against a credentials list (PLAIN/LOGIN only after
// STARTTLS unless explicitly allowed), and a recipient pattern (others get 550 5.7.1 at RCPT).
// With nothing configured the catcher stays open: any credentials are accepted and recorded.

import type { SMTPServerOptions } from 'smtp-server';

export interface SmtpAccessOptions {
  /** Checks credentials; null means AUTH is optional and any credentials are accepted. */
  verify: ((user: string, password: string) => Promise<boolean>) | null;
  /** Allow PLAIN/LOGIN on a connection without TLS (only matters when verify is set). */
  allowInsecureAuth: boolean;
  /** Recipients must match this (the config compiles it case-insensitive); null allows all. */
  allowedRecipients: RegExp | null;
}

type AuthOptions = Pick<SMTPServerOptions, 'authOptional' | 'allowInsecureAuth' | 'onAuth'>;

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The smtp-server options for the configured AUTH mode. */
export function authOptions(access: SmtpAccessOptions): AuthOptions {
  const verify = access.verify;
  if (!verify) {
    return {
      authOptional: true,
      allowInsecureAuth: true,
      // Any credentials are accepted; the username is recorded with each message.
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? '' }),
    };
  }
  return {
    authOptional: false, // MAIL before AUTH gets 530 5.7.0
    allowInsecureAuth: access.allowInsecureAuth, // otherwise AUTH before STARTTLS gets 538 5.7.11
    onAuth(auth, _session, callback) {
      const user = auth.username ?? '';
      verify(user, auth.password ?? '').then(
        (ok) => (ok ? callback(null, { user }) : callback(smtpError(535, '5.7.8 Error: authentication failed'))),
        (err: Error) => callback(err),
      );
    },
  };
}

/** A recipient check, or null when every recipient is allowed. */
export function recipientFilter(access: SmtpAccessOptions): ((address: string) => Error | null) | null {
  const pattern = access.allowedRecipients;
  if (!pattern) return null;
  return (address) => (pattern.test(address) ? null : smtpError(550, `5.7.1 Error: recipient ${address} is not accepted here`));
}
