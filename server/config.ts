// One typed configuration: every option's flag, env var, default and meaning live in OPTIONS,
// and --help, the README table and the resolver are all generated from it.
// Precedence: defaults < MAILROOM_* env < command-line flags.

import { parseAddress, parseBytes, parseDuration, parseInt10, parseList, type HostPort } from './config-values.js';

/** The resolved configuration every part is built from. */
export interface Config {
  smtp: HostPort;
  listen: HostPort;
  smtps: HostPort | null;
  smtpTlsCert: string;
  smtpTlsKey: string;
  smtpHostname: string;
  smtpStarttls: 'auto' | 'on' | 'off';
  maxMessageSize: number;
  maxRecipients: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxCommandLength: number;
  smtpIdleTimeout: number;
  smtpSessionTimeout: number;
  maxMessages: number;
  maxStoreBytes: number;
  allowedHosts: string[];
  logLevel: string;
  maxWait: number;
}

type Parser<T> = (raw: string) => T;

interface OptionSpec<K extends keyof Config> {
  key: K;
  flag: string;
  env: string;
  default: string;
  help: string;
  parse: Parser<Config[K]>;
}

function opt<K extends keyof Config>(spec: Omit<OptionSpec<K>, 'env'>): OptionSpec<K> {
  const env = 'MAILROOM_' + spec.flag.replace(/-/g, '_').toUpperCase();
  return { ...spec, env };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every option, in the order --help and the README show them. */
export const OPTIONS = [
  opt({ key: 'smtp', flag: 'smtp', default: '127.0.0.1:1025', help: 'SMTP listen address (host:port); use 0.0.0.0 to accept mail from other machines', parse: parseAddress }),
  opt({ key: 'listen', flag: 'listen', default: '127.0.0.1:8025', help: 'HTTP listen address for the inbox, API and WebSocket feed (host:port)', parse: parseAddress }),
  opt({ key: 'smtps', flag: 'smtps', default: '', help: 'Optional implicit-TLS SMTP listen address (host:port), e.g. 127.0.0.1:1465; off when empty', parse: (v) => (v === '' ? null : parseAddress(v)) }),
  opt({ key: 'smtpTlsCert', flag: 'smtp-tls-cert', default: '', help: 'PEM certificate file for STARTTLS and SMTPS; a self-signed one is generated at start when empty', parse: (v) => v }),
  opt({ key: 'smtpTlsKey', flag: 'smtp-tls-key', default: '', help: 'PEM private key file matching --smtp-tls-cert', parse: (v) => v }),
  opt({
    key: 'smtpStarttls',
    flag: 'smtp-starttls',
    default: 'auto',
    help: 'Offer STARTTLS: auto = only with --smtp-tls-cert (apps that verify certificates, like nodemailer by default, fail on a self-signed one), on = always (self-signed when no cert), off = never',
    parse: (v) => {
      if (v !== 'auto' && v !== 'on' && v !== 'off') throw new Error('expected auto, on or off');
      return v;
    },
  }),
  opt({ key: 'smtpHostname', flag: 'smtp-hostname', default: 'mailroom', help: 'Name the SMTP server announces in its greeting', parse: (v) => v }),
  opt({ key: 'maxMessageSize', flag: 'max-message-size', default: '25MiB', help: 'Largest accepted message (advertised as SIZE); bigger ones get 552 5.3.4 and are not stored', parse: parseBytes }),
  opt({ key: 'maxRecipients', flag: 'max-recipients', default: '1000', help: 'Recipients per message; extras get 452 4.5.3', parse: parseInt10 }),
  opt({ key: 'maxConnections', flag: 'max-connections', default: '100', help: 'Concurrent SMTP connections in total; extras get 421', parse: parseInt10 }),
  opt({ key: 'maxConnectionsPerIp', flag: 'max-connections-per-ip', default: '50', help: 'Concurrent SMTP connections from one client address; extras get 421', parse: parseInt10 }),
  opt({ key: 'maxCommandLength', flag: 'max-command-length', default: '8KiB', help: 'Longest SMTP command line; longer ones get 421 and the connection is closed', parse: parseBytes }),
  opt({ key: 'smtpIdleTimeout', flag: 'smtp-idle-timeout', default: '60s', help: 'Close an SMTP connection idle this long (421 4.4.2)', parse: parseDuration }),
  opt({ key: 'smtpSessionTimeout', flag: 'smtp-session-timeout', default: '15m', help: 'Absolute limit on one SMTP connection, however active (421 4.4.2); stops trickling clients', parse: parseDuration }),
  opt({ key: 'maxMessages', flag: 'max-messages', default: '10000', help: 'Messages kept; the oldest are evicted when a new one arrives', parse: parseInt10 }),
  opt({ key: 'maxStoreBytes', flag: 'max-store-bytes', default: '512MiB', help: 'Total bytes of stored messages; the oldest are evicted to stay under it', parse: parseBytes }),
  opt({ key: 'allowedHosts', flag: 'allowed-hosts', default: '', help: 'Extra Host names the HTTP server answers (comma-separated); loopback names, IP literals and single-label names are always allowed', parse: parseList }),
  opt({ key: 'logLevel', flag: 'log-level', default: 'info', help: `Log level: ${LOG_LEVELS.join(', ')}`, parse: (v) => { if (!LOG_LEVELS.includes(v)) throw new Error(`expected one of ${LOG_LEVELS.join(', ')}`); return v; } }),
  opt({ key: 'maxWait', flag: 'max-wait', default: '5m', help: 'Longest one GET /api/messages/wait is held open; longer timeouts are cut to this', parse: parseDuration }),
] as const;

/** A configuration problem, naming the option and the bad value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type OptionSpecAny = OptionSpec<keyof Config>;

function parseOne(spec: OptionSpecAny, raw: string, source: string): Config[keyof Config] {
  try {
    return spec.parse(raw);
  } catch (err) {
    throw new ConfigError(`invalid value ${JSON.stringify(raw)} for ${source}: ${(err as Error).message}`);
  }
}

/** The defaults, as a complete Config. */
export function defaultConfig(): Config {
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const spec of OPTIONS as readonly OptionSpecAny[]) out[spec.key] = parseOne(spec, spec.default, `--${spec.flag}`);
  return out as Config;
}

/** Resolve a Config from flags and env (defaults < env < flags); throws ConfigError on bad input. */
export function resolveConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const byFlag = new Map<string, OptionSpecAny>();
  for (const spec of OPTIONS as readonly OptionSpecAny[]) {
    byFlag.set(spec.flag, spec);
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined) config[spec.key] = parseOne(spec, fromEnv, spec.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument ${JSON.stringify(arg)} (options start with --; see --help)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byFlag.get(name);
    if (!spec) throw new ConfigError(`unknown option --${name} (see --help)`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`option --${name} needs a value`);
      i++;
    }
    config[spec.key] = parseOne(spec, value, `--${name}`);
  }
  const c = config as unknown as Config;
  if (Boolean(c.smtpTlsCert) !== Boolean(c.smtpTlsKey)) {
    throw new ConfigError('--smtp-tls-cert and --smtp-tls-key must be given together');
  }
  return c;
}

/** The --help text, generated from OPTIONS. */
export function helpText(): string {
  const lines = [
    'mailroom: a mail-capture server for developers',
    '',
    'Usage: mailroom [options]',
    '',
    'Options (flag, env var, default):',
  ];
  for (const spec of OPTIONS as readonly OptionSpecAny[]) {
    lines.push(`  --${spec.flag} <value>   (${spec.env}, default: ${spec.default === '' ? 'none' : spec.default})`);
    lines.push(`      ${spec.help}`);
  }
  lines.push('  --help            show this text');
  return lines.join('\n');
}

/** The README's option table, generated from OPTIONS (a unit test keeps the README in sync). */
export function markdownTable(): string {
  const rows = ['| flag | env var | default | meaning |', '| --- | --- | --- | --- |'];
  for (const spec of OPTIONS as readonly OptionSpecAny[]) {
    rows.push(`| \`--${spec.flag}\` | \`${spec.env}\` | ${spec.default === '' ? '—' : `\`${spec.default}\``} | ${spec.help.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}
