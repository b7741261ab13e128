// `mailroom export <dir>`: every message (or every match of a query) as an .eml file with a safe,
// sortable name: <received>-<id>-<subject>.eml. Never writes outside <dir>; never overwrites.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MailroomClient } from '../client/client.js';
import { ApiError, ConnectionError } from '../client/errors.js';
import type { MessageSummary } from '../mail/types.js';
import { UsageError, complain, type CommandDef } from './args.js';
import { URL_FLAG } from './wait.js';

const PAGE = 1000; // the API's largest page
const SUBJECT_CHARS = 60; // enough to recognise a message in a file list

/** A file name for a message: only [A-Za-z0-9._-], no leading dot, bounded length. */
export function exportFileName(m: Pick<MessageSummary, 'id' | 'receivedAt' | 'subject'>): string {
  const when = m.receivedAt.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '').replace('T', '-');
  const id = m.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const subject = m.subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SUBJECT_CHARS)
    .replace(/-+$/, '')
    .toLowerCase();
  return `${when}-${id}${subject ? '-' + subject : ''}.eml`.replace(/^\.+/, '');
}

export const exportCommand: CommandDef = {
  name: 'export',
  summary: 'write every message as an .eml file into a directory',
  usage: '[--url <url>] [--query <query>] [--inbox <name>] <dir>',
  flags: [
    URL_FLAG,
    { name: 'query', short: ['q'], value: '<query>', help: 'Only messages matching this search-language query' },
    { name: 'inbox', value: '<name>', help: 'Only messages in this inbox' },
  ],
  notes: [
    'File names are <received time>-<id>-<subject>.eml, reduced to letters, digits, "-", "_" and "."; existing files are left alone (so exporting twice is safe).',
    'Exit codes: 0 done; 2 bad usage; 3 server unreachable or API error.',
  ],
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('give exactly one target directory');
    const dir = resolve(positionals[0]!);
    await mkdir(dir, { recursive: true });
    const client = new MailroomClient(values.url as string);
    let written = 0;
    let skipped = 0;
    try {
      let cursor: string | null = null;
      do {
        const page = await client.list({ limit: PAGE, cursor, query: values.query as string | undefined, inbox: values.inbox as string | undefined });
        for (const m of page.messages) {
          const file = join(dir, exportFileName(m));
          if (dirname(file) !== dir) throw new Error(`refusing to write outside ${dir}: ${file}`); // cannot happen with the name rules; kept as the guard
          let raw: Buffer;
          try {
            raw = await client.raw(m.id);
          } catch (err) {
            if (err instanceof ApiError && err.status === 404) continue; // deleted since the listing
            throw err;
          }
          try {
            await writeFile(file, raw, { flag: 'wx' });
            written++;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
            skipped++;
          }
        }
        cursor = page.nextCursor;
      } while (cursor);
    } catch (err) {
      if (err instanceof ApiError || err instanceof ConnectionError) {
        complain('export', err.message);
        return 3;
      }
      throw err;
    }
    process.stderr.write(`mailroom export: ${written} written, ${skipped} already there, in ${dir}\n`);
    return 0;
  },
};
