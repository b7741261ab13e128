// `mailroom [serve] [options]`: run the server until SIGINT/SIGTERM.

import { ConfigError, processEnv, resolveConfig } from '../config.js';
import { helpText } from '../config-docs.js';
import { tuneHeapWhileServing } from '../heap-tuning.js';
import { start, type Mailroom } from '../start.js';
import { version } from '../paths.js';
import { banner } from './banner.js';
import { explainStartError } from './start-errors.js';

/** Starts the server; resolves with an exit code, or -1 while it keeps running. */
export async function serve(argv: string[], commandsHelp: string): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText() + '\n\n' + commandsHelp + '\n');
    return 0;
  }
  let config;
  try {
    config = resolveConfig(argv, processEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mailroom: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let mailroom: Mailroom;
  try {
    mailroom = await start(config, { logReady: config.quiet });
  } catch (err) {
    const failure = explainStartError(err, config);
    if (!failure) throw err;
    process.stderr.write(`mailroom: ${failure.line}\n`);
    return failure.code;
  }
  if (!config.quiet) process.stdout.write(banner(mailroom, version));
  tuneHeapWhileServing();
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
