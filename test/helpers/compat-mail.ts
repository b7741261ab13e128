// Mail fixtures shared by the compat tests: a nodemailer transport to a test server and the
// messages the client-package flows send.

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
  return Math.random().toString(36).slice(2, 10);
}
