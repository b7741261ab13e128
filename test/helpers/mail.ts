// Builds messages with nodemailer and sends them, so tests can compare stored bytes with sent bytes.

import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** The exact bytes nodemailer would send for these options. */
export async function compose(options: Mail.Options): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await t.sendMail(options);
  return info.message as Buffer;
}

/** An SMTP transport to a test server (self-signed STARTTLS accepted). */
export function smtpTransport(port: number, extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, tls: { rejectUnauthorized: false }, ...extra });
}

/** Sends raw bytes with an explicit envelope; resolves with the server's final reply text. */
export async function sendRawMail(port: number, raw: Buffer, envelope: { from: string; to: string[] }, extra: Record<string, unknown> = {}): Promise<string> {
  const info = await smtpTransport(port, extra).sendMail({ envelope, raw });
  return info.response;
}

/** The id in "250 2.0.0 Ok: queued as <id>". */
export function queuedId(response: string): string {
  const m = /queued as ([A-Za-z0-9_-]+)/.exec(response);
  if (!m) throw new Error(`no id in reply ${JSON.stringify(response)}`);
  return m[1]!;
}
