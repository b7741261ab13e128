#!/usr/bin/env node
// Container health probe: exits 0 when this container's Mailroom answers /readyz with 200.
// Reads the HTTP address from the same MAILROOM_* env (and flags) as the server, so a changed
// MAILROOM_LISTEN needs no second setting. Speaks HTTPS when the inbox is served over HTTPS
// (--ui-tls or --ui-tls-cert), without verifying the certificate: it probes this very container.
// Node's own http/https: slim images have no curl.

import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { ConfigError, processEnv, resolveConfig } from './config.js';

const TIMEOUT_MS = 2000; // under Docker's default 30 s --timeout, and well above a healthy answer

async function probe(): Promise<number> {
  let listen;
  let https: boolean;
  try {
    const config = resolveConfig(process.argv.slice(2), processEnv());
    listen = config.listen;
    https = config.uiTls || Boolean(config.uiTlsCert);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`healthcheck: ${err.message}\n`);
    return 1;
  }
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::' || listen.host === '';
  const host = wildcard ? '127.0.0.1' : listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const url = `${https ? 'https' : 'http'}://${host}:${listen.port}/readyz`;
  const status = await new Promise<number | Error>((resolve) => {
    const req = (https ? httpsGet : httpGet)(url, { timeout: TIMEOUT_MS, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${TIMEOUT_MS} ms`)));
    req.on('error', resolve);
  });
  if (status === 200) return 0;
  process.stderr.write(`healthcheck: ${status instanceof Error ? status.message : `${url} answered ${status}`}\n`);
  return 1;
}

process.exit(await probe());
