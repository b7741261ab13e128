#!/usr/bin/env node
// Process entry: `mailroom [options]` serves (the default); `mailroom <command>` runs a tool for
// CI and shells (wait, send, ingest, export). Each command has its own --help.

import { commandHelp, complain, parseArgs, UsageError, type CommandDef } from './cli/args.js';
import { serve } from './cli/serve.js';
import { waitCommand } from './cli/wait.js';
import { sendCommand } from './cli/send.js';
import { ingestCommand } from './cli/ingest.js';
import { exportCommand } from './cli/export.js';
import { version } from './paths.js';

const COMMANDS: CommandDef[] = [waitCommand, sendCommand, ingestCommand, exportCommand];

function commandsHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 5);
  return [
    'Commands (mailroom <command> --help for their options):',
    `  ${'serve'.padEnd(width)}  run the server (the default when no command is given)`,
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'mailroom --version prints the version.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (first === 'serve') return serve(rest, commandsHelp());
  if (first === 'help') {
    const cmd = COMMANDS.find((c) => c.name === rest[0]);
    return cmd ? (process.stdout.write(commandHelp(cmd) + '\n'), 0) : serve(['--help'], commandsHelp());
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  if (!cmd) return serve(argv, commandsHelp());
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(cmd) + '\n');
    return 0;
  }
  try {
    return await cmd.run(parseArgs(cmd, rest));
  } catch (err) {
    if (err instanceof UsageError) {
      complain(cmd.name, err.message);
      return cmd.name === 'send' ? 64 : 2; // sendmail callers expect EX_USAGE
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: Error & { code?: string }) => {
    const hint = err.code === 'EADDRINUSE' ? ' (is another mail catcher running? choose other ports with --smtp / --listen)' : '';
    process.stderr.write(`mailroom: ${err.message}${hint}\n`);
    process.exit(1);
  },
);
