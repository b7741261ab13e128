#!/usr/bin/env node
// Container health probe: exits 0 when this container's Mailroom answers /readyz with 200.
// Reads the HTTP address from the same MAILROOM_* env (and flags) as the server, so a changed
// MAILROOM_LISTEN needs no second setting. Node's own fetch: slim images have no curl.

import { ConfigError, resolveConfig } from './config.js';

const TIMEOUT_MS = 2000; // under Docker's default 30 s --timeout, and well above a healthy answer

async function probe(): Promise<number> {
  let listen;
  try {
    listen = resolveConfig(process.argv.slice(2), process.env).listen;
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`healthcheck: ${err.message}\n`);
    return 1;
  }
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::' || listen.host === '';
  const host = wildcard ? '127.0.0.1' : listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  try {
    const res = await fetch(`http://${host}:${listen.port}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.ok) return 0;
    process.stderr.write(`healthcheck: /readyz answered ${res.status}\n`);
  } catch (err) {
    process.stderr.write(`healthcheck: ${(err as Error).message}\n`);
  }
  return 1;
}

process.exit(await probe());
