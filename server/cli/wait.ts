// `mailroom wait`: block until a matching message is stored, print it as JSON (for shell CI steps).

import { parseDuration } from '../config-values.js';
import { MailroomClient } from '../client/client.js';
import { ApiError, ConnectionError, WaitTimeoutError } from '../client/errors.js';
import { complain, UsageError, type CommandDef } from './args.js';

/** Where the commands find a running server unless told. */
export const URL_FLAG = { name: 'url', value: '<url>', env: 'MAILROOM_URL', default: 'http://127.0.0.1:8025', help: 'Base URL of the running Mailroom' } as const;

export const waitCommand: CommandDef = {
  name: 'wait',
  summary: 'wait for a message matching a query and print it as JSON',
  usage: '[--query <query>] [--timeout 10s] [--url <url>] [--inbox <name>] [--since <marker>] [--count <n>]',
  flags: [
    { name: 'query', short: ['q'], value: '<query>', default: '', help: 'Search-language query, e.g. "to:alice@example.test subject:Welcome" (may also be given as the argument)' },
    { name: 'timeout', short: ['t'], value: '<duration>', default: '10s', help: 'How long to wait: 500ms, 10s, 2m (a bare number is seconds)' },
    URL_FLAG,
    { name: 'inbox', value: '<name>', help: 'Only messages in this inbox' },
    { name: 'since', value: '<marker>', help: 'Only messages stored after this marker (from --marker or GET /api/messages/marker)' },
    { name: 'count', short: ['n'], value: '<n>', help: 'Wait for n matching messages and print them as a JSON array' },
    { name: 'marker', help: 'Print a marker for --since and exit (take it before the step that sends mail)' },
  ],
  notes: [
    'Prints the message (the same JSON as GET /api/messages/{id}) on stdout and exits 0.',
    'Exit codes: 0 found; 1 timed out (stderr says what arrived meanwhile); 2 bad usage; 3 server unreachable or API error.',
    'Example: M=$(mailroom wait --marker); ./signup.sh; mailroom wait --since "$M" -q "to:alice@example.test" | jq -r .subject',
  ],
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new UsageError(`expected at most one query argument, got ${positionals.length}`);
    const query = positionals[0] ?? (values.query as string);
    let timeout: number;
    try {
      timeout = parseDuration(values.timeout as string);
    } catch (err) {
      throw new UsageError(`invalid value ${JSON.stringify(values.timeout)} for --timeout: ${(err as Error).message}`);
    }
    const count = values.count === undefined ? 1 : Number(values.count);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`invalid value ${JSON.stringify(values.count)} for --count: expected a whole number of at least 1`);
    const client = new MailroomClient(values.url as string);
    try {
      if (values.marker) {
        process.stdout.write((await client.marker()) + '\n');
        return 0;
      }
      const options = { timeout, inbox: values.inbox as string | undefined, since: values.since as string | undefined };
      const out = values.count === undefined ? await client.waitForMessage(query, options) : await client.waitForMessages(count, query, options);
      process.stdout.write(JSON.stringify(out) + '\n');
      return 0;
    } catch (err) {
      if (err instanceof WaitTimeoutError) {
        complain('wait', err.message);
        return 1;
      }
      if (err instanceof ApiError || err instanceof ConnectionError) {
        complain('wait', err.message);
        return err instanceof ApiError && err.status === 400 ? 2 : 3;
      }
      throw err;
    }
  },
};
