// Opt-in SMTP access control, as two steps: required AUTH against a credentials list (PLAIN/LOGIN
// only after STARTTLS unless explicitly allowed: the adapter's spec), and a recipient pattern
// (others get 550 5.7.1 at RCPT). With nothing configured the catcher stays open: any
// credentials are accepted and recorded.

import type { StepResult } from './session.js';
import { SmtpError } from './smtp-error.js';

export interface SmtpAccessOptions {
  /** Checks credentials; null means AUTH is optional and any credentials are accepted. */
  verify: ((user: string, password: string) => Promise<boolean>) | null;
  /** Allow PLAIN/LOGIN on a connection without TLS (only matters when verify is set). */
  allowInsecureAuth: boolean;
  /** Recipients must match this (the config compiles it case-insensitive); null allows all. */
  allowedRecipients: RegExp | null;
}

export const OPEN_ACCESS: SmtpAccessOptions = { verify: null, allowInsecureAuth: true, allowedRecipients: null };

/** The credentials step: nothing to check when AUTH is open (the username is recorded with each message). */
export function checkCredentials(access: SmtpAccessOptions, user: string, password: string): StepResult {
  const verify = access.verify;
  if (!verify) return;
  return verify(user, password).then((ok) => {
    if (!ok) throw new SmtpError(535, 'Error: authentication failed', { enhanced: '5.7.8' });
  });
}

/** The recipient step: refuses an address outside --smtp-allowed-recipients. */
export function checkRecipient(access: SmtpAccessOptions, address: string): void {
  const pattern = access.allowedRecipients;
  if (pattern && !pattern.test(address)) throw new SmtpError(550, `Error: recipient ${address} is not accepted here`, { enhanced: '5.7.1', counter: 'rejectedRecipients' });
}
