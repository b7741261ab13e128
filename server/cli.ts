#!/usr/bin/env node
// Process entry: argv/env -> Config -> start(); --help; graceful shutdown on SIGINT/SIGTERM.

import { ConfigError, helpText, resolveConfig } from './config.js';
import { start } from './start.js';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText() + '\n');
    return 0;
  }
  let config;
  try {
    config = resolveConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mailroom: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const mailroom = await start(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    mailroom.log.info({ signal }, 'shutting down');
    mailroom.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error & { code?: string }) => {
    const hint = err.code === 'EADDRINUSE' ? ' (is another mail catcher running? choose other ports with --smtp / --listen)' : '';
    process.stderr.write(`mailroom: ${err.message}${hint}\n`);
    process.exit(1);
  },
);
