// The first thing a user sees after `mailroom`: where to point an app, where the inbox is, where
// mail is kept. Short, and plain text (no colours, so it reads the same in CI logs).

import type { Mailroom } from '../start.js';

/** The connect host an app should use for a listen host (a wildcard address means "this machine"). */
function connectHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

export function banner(m: Mailroom, version: string): string {
  const c = m.config;
  const smtpHost = connectHost(c.smtp.host);
  const keeps = c.dataDir ? `in ${c.dataDir} (kept across restarts)` : `in memory (up to ${c.maxMessages.toLocaleString('en-US')} messages)`;
  const secure = c.smtpAuth || c.smtpAuthFile ? 'SMTP AUTH required' : 'no auth';
  const lines = [
    `Mailroom ${version} is catching mail ${keeps}`,
    `  SMTP   ${smtpHost}:${m.smtpPort}${c.smtp.host !== smtpHost ? ` (listening on ${c.smtp.host})` : ''}`,
    ...(m.smtpsPort ? [`  SMTPS  ${smtpHost}:${m.smtpsPort} (implicit TLS)`] : []),
    ...(m.pop3Port !== null && c.pop3 ? [`  POP3   ${connectHost(c.pop3.host)}:${m.pop3Port} (mail clients)`] : []),
    ...(m.pop3sPort !== null && c.pop3s ? [`  POP3S  ${connectHost(c.pop3s.host)}:${m.pop3sPort} (implicit TLS)`] : []),
    ...(m.imapPort !== null && c.imap ? [`  IMAP   ${connectHost(c.imap.host)}:${m.imapPort} (mail clients)`] : []),
    ...(m.imapsPort !== null && c.imaps ? [`  IMAPS  ${connectHost(c.imaps.host)}:${m.imapsPort} (implicit TLS)`] : []),
    `  Inbox  ${m.url}`,
    `  Apps   SMTP_HOST=${smtpHost} SMTP_PORT=${m.smtpPort} (${secure})`,
    'Ctrl+C stops it; --quiet hides this banner.',
  ];
  return lines.join('\n') + '\n';
}
