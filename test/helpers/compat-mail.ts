// Mail fixtures shared by the compat tests: a nodemailer transport to a test server and the
// messages the client-package flows send.

import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Mailroom } from '../../server/start.js';

/** A 1x1 transparent PNG (inline image fixture). */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** A plain SMTP transport to the server (no TLS, one message per connection). */
export function transportTo(server: Mailroom) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true });
}

/** A short unique token so subjects and addresses never collide between runs. */
export function token(): string {
  // Hex only: tests search for subjects like "T2 <token>" with `subject:T2`, and a base-36 token
  // could itself contain "t2" and match the wrong message.
  return randomBytes(5).toString('hex');
}
