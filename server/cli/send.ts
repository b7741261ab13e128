// `mailroom send`: a sendmail stand-in. Reads one message on stdin and submits it over SMTP, so
// apps that shell out to sendmail (PHP mail(), cron, git send-email) can be pointed at Mailroom.

import { userInfo } from 'node:os';
import { parseAddress, type HostPort } from '../config-values.js';
import { UsageError, complain, type CommandDef } from './args.js';
import { addressesIn, headerRecipients, headerValues, withoutBcc } from './mail-files.js';
import { SmtpSession, SmtpSubmitError } from './smtp-submit.js';

/** sysexits.h codes that sendmail callers (PHP, cron) understand. */
const EX = { dataErr: 65, unavailable: 69, tempFail: 75 } as const;
const MAX_INPUT_BYTES = 512 * 1024 * 1024; // a message larger than this is a mistake, not mail

/** Where send and ingest submit unless told. */
export const SMTP_FLAG = { name: 'smtp', value: '<host:port>', env: 'MAILROOM_SMTP', default: '127.0.0.1:1025', help: 'SMTP address of the running Mailroom' } as const;

export function smtpTarget(raw: string): HostPort {
  try {
    return parseAddress(raw);
  } catch (err) {
    throw new UsageError(`invalid value ${JSON.stringify(raw)} for --smtp: ${(err as Error).message}`);
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`the message on stdin is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export const sendCommand: CommandDef = {
  name: 'send',
  summary: 'read a message on stdin and submit it over SMTP (sendmail-compatible)',
  usage: '[-f sender] [-t] [-i] [--smtp host:port] [recipient...]',
  flags: [
    { name: 'from', short: ['f', 'r'], value: '<address>', help: 'Envelope sender (MAIL FROM); default: the From header, else $USER@localhost' },
    { name: 'read-recipients', short: ['t'], help: 'Take recipients from the To, Cc and Bcc headers (added to any given as arguments); the Bcc header is removed' },
    { name: 'full-name', short: ['F'], value: '<name>', help: 'Sender display name, used when the message has no From header and one is added' },
    { name: 'ignore-dots', short: ['i', 'oi'], help: 'Accepted for compatibility: input always runs to end of file, a lone "." does not end it' },
    { name: 'compat', short: ['bm', 'odi', 'odb', 'odq', 'oem', 'oep', 'U'], help: 'Other sendmail switches, accepted and ignored' },
    SMTP_FLAG,
    { name: 'verbose', short: ['v'], help: "Print the server's final reply on stderr" },
  ],
  notes: [
    'Exit codes follow sendmail (sysexits): 0 sent; 64 bad usage; 65 empty or unreadable message; 69 the server refused it (5xx); 75 temporary failure or server unreachable (4xx, connection).',
    'Example: printf "Subject: hi\\n\\nhello\\n" | mailroom send -f app@example.test alice@example.test',
    'PHP: sendmail_path = "mailroom send -t -i --smtp 127.0.0.1:1025"',
  ],
  async run({ values, positionals }) {
    const target = smtpTarget(values.smtp as string);
    let data = await readStdin();
    if (data.length === 0 || data.toString('latin1').trim() === '') {
      complain('send', 'no message on stdin');
      return EX.dataErr;
    }
    const recipients = [...positionals];
    if (values['read-recipients']) {
      recipients.push(...headerRecipients(data));
      data = withoutBcc(data);
    }
    const unique = [...new Map(recipients.map((r) => [r.toLowerCase(), r])).values()];
    if (unique.length === 0) throw new UsageError('no recipients: give them as arguments or use -t to read them from the headers');
    const headerFrom = addressesIn(headerValues(data, ['from']).join(', '))[0];
    const sender = (values.from as string | undefined) ?? headerFrom ?? `${userInfo().username}@localhost`;
    if (headerValues(data, ['from']).length === 0) {
      const name = values['full-name'] as string | undefined;
      const from = name ? `"${name.replace(/["\\\r\n]/g, '')}" <${sender}>` : sender;
      data = Buffer.concat([Buffer.from(`From: ${from}\r\n`), data]);
    }
    let session: SmtpSession | null = null;
    try {
      session = await SmtpSession.open(target);
      const reply = await session.send(sender, unique, data);
      if (values.verbose) process.stderr.write(reply + '\n');
      return 0;
    } catch (err) {
      if (!(err instanceof SmtpSubmitError)) throw err;
      complain('send', err.message);
      return err.permanent ? EX.unavailable : EX.tempFail;
    } finally {
      await session?.close();
    }
  },
};
