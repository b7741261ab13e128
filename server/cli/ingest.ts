// `mailroom ingest`: load saved mail (.eml files, mbox files, directories of them) into a running
// Mailroom over SMTP: the same path as any other mail, so limits, parsing and events all apply.

import { UsageError, complain, type CommandDef } from './args.js';
import { collectFiles, envelopeFromHeaders, readMailFile } from './mail-files.js';
import { SMTP_FLAG, smtpTarget } from './send.js';
import { SmtpSession, SmtpSubmitError } from './smtp-submit.js';

const PROGRESS_EVERY_MS = 1000; // progress lines at most this often (and at the end)
const FALLBACK_RECIPIENT = 'undisclosed-recipients@mailroom.invalid'; // for saved mail that names nobody

export const ingestCommand: CommandDef = {
  name: 'ingest',
  summary: 'load .eml files, mbox files or directories of them into a running server',
  usage: '[--smtp host:port] [--to address] <file|dir>...',
  flags: [
    SMTP_FLAG,
    { name: 'to', value: '<address>', help: 'Deliver every message to this recipient instead of the To/Cc/Bcc headers' },
    { name: 'quiet', short: ['q'], help: 'No progress lines' },
  ],
  notes: [
    'Each message is submitted over SMTP; the envelope comes from the headers (Return-Path/From, To/Cc/Bcc) or the mbox "From " line. Directories are searched recursively for .eml, .mbox, .mbx and .msg files.',
    'Exit codes: 0 all loaded; 1 some messages were refused (each is named on stderr); 2 bad usage; 3 server unreachable.',
  ],
  async run({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError('give at least one file or directory');
    const target = smtpTarget(values.smtp as string);
    let files: string[];
    try {
      files = await collectFiles(positionals);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const quiet = Boolean(values.quiet);
    let session: SmtpSession;
    try {
      session = await SmtpSession.open(target);
    } catch (err) {
      complain('ingest', (err as Error).message);
      return 3;
    }
    let sent = 0;
    let failed = 0;
    let lastProgress = Date.now();
    const progress = (done: number, final = false) => {
      if (quiet) return;
      if (!final && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = Date.now();
      process.stderr.write(`mailroom ingest: ${sent} loaded, ${failed} refused (${done}/${files.length} files)\n`);
    };
    try {
      for (let i = 0; i < files.length; i++) {
        for (const msg of await readMailFile(files[i]!)) {
          const env = envelopeFromHeaders(msg.data);
          const from = msg.mboxSender ?? env.from;
          const to = values.to ? [values.to as string] : env.to.length ? env.to : [FALLBACK_RECIPIENT];
          try {
            await session.send(from, to, msg.data);
            sent++;
          } catch (err) {
            if (!(err instanceof SmtpSubmitError)) throw err;
            if (err.code === 0) {
              complain('ingest', `${msg.source}: ${err.message}; stopping`);
              return 3;
            }
            failed++;
            complain('ingest', `${msg.source}: ${err.message}`);
          }
          progress(i);
        }
      }
    } finally {
      await session.close();
    }
    progress(files.length, true);
    return failed ? 1 : 0;
  },
};
