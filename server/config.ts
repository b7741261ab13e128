// One typed configuration: every option's flag, env var, default and meaning live in OPTIONS,
// and --help, the README table and the resolver are all generated from it.
// Precedence: defaults < MAILROOM_* env < command-line flags.

import { parseCompactRules } from './faults/load.js';
import { validateRule } from './faults/validate.js';
import { parseAddress, parseBool, parseBytes, parseCount, parseDuration, parseInt10, parseList, parseRegex, parseUrlList, parseUserPairs, type HostPort } from './config-values.js';
import { parseInboxRouting, type InboxRouting } from './mail/inbox-route.js';

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
  quiet: boolean;
  maxWait: number;
  faults: string;
  faultsFile: string;
  faultsSeed: number | null;
  magicAddresses: boolean;
  rejectedLogSize: number;
  transcripts: boolean;
  sessionsLogSize: number;
  relayHost: string;
  relayPort: number;
  relaySecurity: 'starttls' | 'tls' | 'none';
  relayTlsVerify: boolean;
  relayUser: string;
  relayPassword: string;
  relayAllowedRecipients: RegExp | null;
  relayFrom: string;
  relayAuto: boolean;
  relayAutoQuery: string;
  relayAutoTo: string[];
  relayRetries: number;
  relayQueueSize: number;
  relayTimeout: number;
  relayBackoff: number;
  maxFeedClients: number;
  webhookUrls: string[];
  outboundAllowPrivate: boolean;
  webhookSecret: string;
  webhookQuery: string;
  webhookTimeout: number;
  webhookRetries: number;
  webhookQueueSize: number;
  webhookBackoff: number;
  inboxFrom: InboxRouting;
  maxMessagesPerInbox: number | null;
  dataDir: string;
  maxInFlightBytes: number;
  uiAuthFile: string;
  uiAuth: string;
  uiTls: boolean;
  uiTlsCert: string;
  uiTlsKey: string;
  smtpAuthFile: string;
  smtpAuth: string;
  smtpAuthAllowInsecure: boolean;
  smtpAllowedRecipients: RegExp | null;
  pop3: HostPort | null;
  pop3s: HostPort | null;
  imap: HostPort | null;
  imaps: HostPort | null;
}

type Parser<T> = (raw: string) => T;

/** The topics --help and docs/configuration.md group the options by, in that order. */
export const OPTION_GROUPS = {
  smtp: 'SMTP',
  web: 'Web inbox and API',
  storage: 'Storage',
  security: 'Security',
  relay: 'Release, relay and webhooks',
  faults: 'Failure injection',
  retrieval: 'Reading mail with mail clients (POP3)',
  output: 'Output',
} as const;

export type OptionGroup = keyof typeof OPTION_GROUPS;

export interface OptionSpec<K extends keyof Config, G extends OptionGroup = OptionGroup> {
  key: K;
  group: G;
  flag: string;
  env: string;
  default: string;
  help: string;
  parse: Parser<Config[K]>;
  /** Holds passwords: errors never echo the value. */
  secret?: boolean;
}

function opt<K extends keyof Config, G extends OptionGroup>(spec: Omit<OptionSpec<K, G>, 'env'>): OptionSpec<K, G> {
  const env = 'MAILROOM_' + spec.flag.replace(/-/g, '_').toUpperCase();
  return { ...spec, env };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every option, in the order --help and the README show them. */
export const OPTIONS = [
  opt({ key: 'smtp', group: 'smtp', flag: 'smtp', default: '127.0.0.1:1025', help: 'SMTP listen address (host:port); use 0.0.0.0 to accept mail from other machines', parse: parseAddress }),
  opt({ key: 'listen', group: 'web', flag: 'listen', default: '127.0.0.1:8025', help: 'HTTP listen address for the inbox, API and WebSocket feed (host:port)', parse: parseAddress }),
  opt({ key: 'maxFeedClients', group: 'web', flag: 'max-feed-clients', default: '1000', help: 'Open WebSocket feed connections at most (native, Mailpit and MailHog feeds together); extras get 503', parse: parseInt10 }),
  opt({ key: 'smtps', group: 'smtp', flag: 'smtps', default: '', help: 'Optional implicit-TLS SMTP listen address (host:port), e.g. 127.0.0.1:1465; off when empty', parse: (v) => (v === '' ? null : parseAddress(v)) }),
  opt({ key: 'smtpTlsCert', group: 'smtp', flag: 'smtp-tls-cert', default: '', help: 'PEM certificate file for STARTTLS and SMTPS; a self-signed one is generated at start when empty', parse: (v) => v }),
  opt({ key: 'smtpTlsKey', group: 'smtp', flag: 'smtp-tls-key', default: '', help: 'PEM private key file matching --smtp-tls-cert', parse: (v) => v }),
  opt({
    key: 'smtpStarttls',
    group: 'smtp',
    flag: 'smtp-starttls',
    default: 'auto',
    help: 'Offer STARTTLS: auto = only with --smtp-tls-cert (apps that verify certificates, like nodemailer by default, fail on a self-signed one), on = always (self-signed when no cert), off = never',
    parse: (v) => {
      if (v !== 'auto' && v !== 'on' && v !== 'off') throw new Error('expected auto, on or off');
      return v;
    },
  }),
  opt({ key: 'smtpHostname', group: 'smtp', flag: 'smtp-hostname', default: 'mailroom', help: 'Name the SMTP server announces in its greeting', parse: (v) => v }),
  opt({ key: 'maxMessageSize', group: 'smtp', flag: 'max-message-size', default: '25MiB', help: 'Largest accepted message (advertised as SIZE); bigger ones get 552 5.3.4 and are not stored', parse: parseBytes }),
  opt({ key: 'maxRecipients', group: 'smtp', flag: 'max-recipients', default: '1000', help: 'Recipients per message; extras get 452 4.5.3', parse: parseInt10 }),
  opt({ key: 'maxConnections', group: 'smtp', flag: 'max-connections', default: '100', help: 'Concurrent SMTP connections in total; extras get 421', parse: parseInt10 }),
  opt({ key: 'maxConnectionsPerIp', group: 'smtp', flag: 'max-connections-per-ip', default: '50', help: 'Concurrent SMTP connections from one client address; extras get 421', parse: parseInt10 }),
  opt({ key: 'maxCommandLength', group: 'smtp', flag: 'max-command-length', default: '8KiB', help: 'Longest SMTP command line; longer ones get 421 and the connection is closed', parse: parseBytes }),
  opt({ key: 'smtpIdleTimeout', group: 'smtp', flag: 'smtp-idle-timeout', default: '60s', help: 'Close an SMTP connection idle this long (421 4.4.2)', parse: parseDuration }),
  opt({ key: 'smtpSessionTimeout', group: 'smtp', flag: 'smtp-session-timeout', default: '15m', help: 'Absolute limit on one SMTP connection, however active (421 4.4.2); stops trickling clients', parse: parseDuration }),
  opt({ key: 'maxMessages', group: 'storage', flag: 'max-messages', default: '10000', help: 'Messages kept; the oldest are evicted when a new one arrives', parse: parseInt10 }),
  opt({ key: 'maxStoreBytes', group: 'storage', flag: 'max-store-bytes', default: '512MiB', help: 'Total bytes of stored messages; the oldest are evicted to stay under it', parse: parseBytes }),
  opt({ key: 'allowedHosts', group: 'security', flag: 'allowed-hosts', default: '', help: 'Extra Host names the HTTP server answers (comma-separated); loopback names, IP literals and single-label names are always allowed', parse: parseList }),
  opt({ key: 'logLevel', group: 'output', flag: 'log-level', default: 'info', help: `Log level: ${LOG_LEVELS.join(', ')}`, parse: (v) => { if (!LOG_LEVELS.includes(v)) throw new Error(`expected one of ${LOG_LEVELS.join(', ')}`); return v; } }),
  opt({ key: 'quiet', group: 'output', flag: 'quiet', default: 'false', help: "No start-up banner; the 'mailroom ready' log line (JSON, at info) gives the addresses instead", parse: parseBool }),
  opt({ key: 'maxWait', group: 'web', flag: 'max-wait', default: '5m', help: 'Longest one GET /api/messages/wait is held open; longer timeouts are cut to this', parse: parseDuration }),
  opt({ key: 'faults', group: 'faults', flag: 'faults', default: '', help: 'Failure-injection rules, comma-separated stage:what[:when], e.g. rcpt:451:p=0.5,data:delay=2s (see "Failure injection")', parse: (v) => { parseCompactRules(v).forEach(validateRule); return v; } }),
  opt({ key: 'faultsFile', group: 'faults', flag: 'faults-file', default: '', help: 'JSON file of failure-injection rules loaded at start (see "Failure injection")', parse: (v) => v }),
  opt({ key: 'faultsSeed', group: 'faults', flag: 'faults-seed', default: '', help: 'Seed for probability rules, so a run can be repeated exactly; random when empty', parse: (v) => (v === '' ? null : parseCount(v)) }),
  opt({ key: 'magicAddresses', group: 'faults', flag: 'magic-addresses', default: 'true', help: 'Act on magic addresses such as reject-550@x, tempfail-451@x, delay-3s@x, disconnect@x, drop@x', parse: parseBool }),
  opt({ key: 'rejectedLogSize', group: 'faults', flag: 'rejected-log-size', default: '1000', help: 'Refused or dropped SMTP attempts kept for /api/rejected (oldest forgotten first)', parse: parseInt10 }),
  opt({ key: 'transcripts', group: 'smtp', flag: 'transcripts', default: 'true', help: 'Record SMTP session transcripts (kept beside each message and for recent sessions)', parse: parseBool }),
  opt({ key: 'sessionsLogSize', group: 'smtp', flag: 'sessions-log-size', default: '200', help: 'Closed SMTP sessions kept for /api/sessions, including ones that delivered nothing', parse: parseCount }),
  opt({ key: 'relayHost', group: 'relay', flag: 'relay-host', default: '', help: 'Upstream SMTP server for release and auto-relay; release is off when empty', parse: (v) => v }),
  opt({ key: 'relayPort', group: 'relay', flag: 'relay-port', default: '587', help: 'Upstream SMTP port', parse: (v) => { const n = parseInt10(v); if (n > 65535) throw new Error('port must be 1-65535'); return n; } }),
  opt({ key: 'relaySecurity', group: 'relay', flag: 'relay-security', default: 'starttls', help: 'Upstream connection security: starttls (required), tls (implicit, e.g. port 465) or none', parse: (v) => { if (v !== 'starttls' && v !== 'tls' && v !== 'none') throw new Error('expected starttls, tls or none'); return v; } }),
  opt({ key: 'relayTlsVerify', group: 'relay', flag: 'relay-tls-verify', default: 'true', help: "Verify the upstream's TLS certificate; false accepts self-signed ones", parse: parseBool }),
  opt({ key: 'relayUser', group: 'relay', flag: 'relay-user', default: '', help: 'Upstream SMTP AUTH username (no AUTH when empty)', parse: (v) => v }),
  opt({ key: 'relayPassword', group: 'relay', flag: 'relay-password', default: '', help: 'Upstream SMTP AUTH password (prefer the env var to keep it out of ps)', parse: (v) => v }),
  opt({ key: 'relayAllowedRecipients', group: 'relay', flag: 'relay-allowed-recipients', default: '', help: 'Regular expression a release/relay recipient must match (case-insensitive); none allowed when empty', parse: parseRegex }),
  opt({ key: 'relayFrom', group: 'relay', flag: 'relay-from', default: '', help: "Envelope sender (MAIL FROM) for released mail; the message's own envelope sender when empty", parse: (v) => v }),
  opt({ key: 'relayAuto', group: 'relay', flag: 'relay-auto', default: 'false', help: 'Relay new messages automatically (those matching --relay-auto-query), after the 250, with retries', parse: parseBool }),
  opt({ key: 'relayAutoQuery', group: 'relay', flag: 'relay-auto-query', default: '', help: 'Search query selecting the messages auto-relay sends; all when empty', parse: (v) => v }),
  opt({ key: 'relayAutoTo', group: 'relay', flag: 'relay-auto-to', default: '', help: "Auto-relay recipients (comma-separated); the message's envelope recipients when empty", parse: parseList }),
  opt({ key: 'relayRetries', group: 'relay', flag: 'relay-retries', default: '3', help: 'Auto-relay retries after a failed attempt (network error or 4xx; a 5xx is final)', parse: parseCount }),
  opt({ key: 'relayQueueSize', group: 'relay', flag: 'relay-queue-size', default: '100', help: 'Auto-relay messages waiting at most; beyond it new ones are dropped and counted', parse: parseInt10 }),
  opt({ key: 'relayTimeout', group: 'relay', flag: 'relay-timeout', default: '30s', help: 'Time limit for one upstream delivery attempt', parse: parseDuration }),
  opt({ key: 'relayBackoff', group: 'relay', flag: 'relay-backoff', default: '1s', help: 'Delay before the first auto-relay retry; doubles with each retry (at most 60 s)', parse: parseDuration }),
  opt({ key: 'webhookUrls', group: 'relay', flag: 'webhook-url', default: '', help: 'URL(s) to POST a JSON summary of each new message to (comma-separated); off when empty', parse: parseUrlList }),
  opt({ key: 'outboundAllowPrivate', group: 'relay', flag: 'outbound-allow-private', default: 'false', help: 'Let the relay and webhooks connect to loopback, private, link-local and other non-public addresses (refused by default: SSRF)', parse: parseBool }),
  opt({ key: 'webhookSecret', group: 'relay', flag: 'webhook-secret', default: '', help: 'Secret for the X-Mailroom-Signature header (sha256=HMAC of the body); unsigned when empty', parse: (v) => v }),
  opt({ key: 'webhookQuery', group: 'relay', flag: 'webhook-query', default: '', help: 'Search query selecting the messages webhooks report; all when empty', parse: (v) => v }),
  opt({ key: 'webhookTimeout', group: 'relay', flag: 'webhook-timeout', default: '5s', help: 'Time limit for one webhook request', parse: parseDuration }),
  opt({ key: 'webhookRetries', group: 'relay', flag: 'webhook-retries', default: '3', help: 'Retries after a failed webhook delivery (network error, timeout, 5xx, 408, 429)', parse: parseCount }),
  opt({ key: 'webhookQueueSize', group: 'relay', flag: 'webhook-queue-size', default: '1000', help: 'Webhook deliveries waiting at most; beyond it new ones are dropped and counted', parse: parseInt10 }),
  opt({ key: 'webhookBackoff', group: 'relay', flag: 'webhook-backoff', default: '1s', help: 'Delay before the first webhook retry; doubles with each retry (at most 60 s)', parse: parseDuration }),
  opt({ key: 'inboxFrom', group: 'storage', flag: 'inbox-from', default: 'auth', help: 'Which inbox a message goes to: auth (the SMTP AUTH username, else "default"), recipient-domain, recipient-local (before any +tag), or pattern:<regex> matched against each recipient (group 1, else the whole match); recipient routing falls back to auth', parse: parseInboxRouting }),
  opt({ key: 'maxMessagesPerInbox', group: 'storage', flag: 'max-messages-per-inbox', default: '', help: 'Messages kept per inbox; that inbox\'s oldest are evicted (the global caps still apply); off when empty', parse: (v) => (v === '' ? null : parseInt10(v)) }),
  opt({ key: 'dataDir', group: 'storage', flag: 'data-dir', default: '', help: 'Directory to keep messages in (SQLite) so they survive a restart; in memory only when empty', parse: (v) => v }),
  opt({ key: 'maxInFlightBytes', group: 'smtp', flag: 'max-inflight-bytes', default: '200MiB', help: 'Message bytes being received at once over all SMTP connections (never less than --max-message-size); beyond it MAIL gets 452 4.3.1 and a message being received 451 4.3.1, so senders retry instead of memory growing', parse: parseBytes }),
  opt({ key: 'uiAuthFile', group: 'security', flag: 'ui-auth-file', default: '', help: 'htpasswd file (bcrypt `htpasswd -B`, or {SHA}) of users for the inbox, API and WebSocket feed; turns on HTTP Basic authentication (health routes stay open)', parse: (v) => v }),
  opt({ key: 'uiAuth', group: 'security', flag: 'ui-auth', default: '', help: 'Inbox/API users as space-separated user:password pairs (prefer the env var to the flag: flags show in ps); turns on HTTP Basic authentication', parse: parseUserPairs, secret: true }),
  opt({ key: 'uiTls', group: 'security', flag: 'ui-tls', default: 'false', help: 'Serve the inbox, API and feed over HTTPS; without --ui-tls-cert it uses the SMTP certificate, or a generated self-signed one', parse: parseBool }),
  opt({ key: 'uiTlsCert', group: 'security', flag: 'ui-tls-cert', default: '', help: 'PEM certificate file for HTTPS; setting it (with --ui-tls-key) turns HTTPS on', parse: (v) => v }),
  opt({ key: 'uiTlsKey', group: 'security', flag: 'ui-tls-key', default: '', help: 'PEM private key file matching --ui-tls-cert', parse: (v) => v }),
  opt({ key: 'smtpAuthFile', group: 'security', flag: 'smtp-auth-file', default: '', help: 'htpasswd file (bcrypt or {SHA}) of SMTP users; turns on required SMTP AUTH (MAIL before AUTH gets 530)', parse: (v) => v }),
  opt({ key: 'smtpAuth', group: 'security', flag: 'smtp-auth', default: '', help: 'SMTP users as space-separated user:password pairs; turns on required SMTP AUTH', parse: parseUserPairs, secret: true }),
  opt({ key: 'smtpAuthAllowInsecure', group: 'security', flag: 'smtp-auth-allow-insecure', default: 'false', help: 'With required SMTP AUTH, allow PLAIN/LOGIN on connections without TLS (otherwise STARTTLS first)', parse: parseBool }),
  opt({ key: 'pop3', group: 'retrieval', flag: 'pop3', default: '', help: 'POP3 listen address (host:port), e.g. 127.0.0.1:1110, so mail clients can download what Mailroom caught (docs/retrieval.md); off when empty', parse: (v) => (v === '' ? null : parseAddress(v)) }),
  opt({ key: 'imap', group: 'retrieval', flag: 'imap', default: '', help: 'IMAP listen address (host:port), e.g. 127.0.0.1:1143, so mail clients and IMAP code can read, flag and delete what Mailroom caught (docs/retrieval.md); off when empty', parse: (v) => (v === '' ? null : parseAddress(v)) }),
  opt({ key: 'imaps', group: 'retrieval', flag: 'imaps', default: '', help: 'Implicit-TLS IMAP listen address (host:port), e.g. 127.0.0.1:1993, with the SMTP certificate (--smtp-tls-cert, else a generated self-signed one); off when empty', parse: (v) => (v === '' ? null : parseAddress(v)) }),
  opt({ key: 'pop3s', group: 'retrieval', flag: 'pop3s', default: '', help: 'Implicit-TLS POP3 listen address (host:port), e.g. 127.0.0.1:1995, with the SMTP certificate (--smtp-tls-cert, else a generated self-signed one); off when empty', parse: (v) => (v === '' ? null : parseAddress(v)) }),
  opt({ key: 'smtpAllowedRecipients', group: 'security', flag: 'smtp-allowed-recipients', default: '', help: 'Regular expression (case-insensitive) recipients must match; others get 550 5.7.1 at RCPT', parse: parseRegex }),
] as const;

/** A configuration problem, naming the option and the bad value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type OptionSpecAny = OptionSpec<keyof Config>;

function parseOne(spec: OptionSpecAny, raw: string, source: string): Config[keyof Config] {
  try {
    return spec.parse(raw);
  } catch (err) {
    const shown = spec.secret ? 'hidden' : JSON.stringify(raw);
    throw new ConfigError(`invalid value ${shown} for ${source}: ${(err as Error).message}`);
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
    else if (spec.parse === parseBool && !isBoolWord(argv[i + 1])) value = 'true'; // a bare --quiet
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`option --${name} needs a value`);
      i++;
    }
    config[spec.key] = parseOne(spec, value, `--${name}`);
  }
  return validateConfig(config as unknown as Config);
}

/**
 * Checks what no single option's parser can: options that only work together. start() calls it
 * once on every configuration, from the command line or from code, before building anything.
 */
export function validateConfig(c: Config): Config {
  if (Boolean(c.smtpTlsCert) !== Boolean(c.smtpTlsKey)) {
    throw new ConfigError('--smtp-tls-cert and --smtp-tls-key must be given together');
  }
  if (Boolean(c.uiTlsCert) !== Boolean(c.uiTlsKey)) {
    throw new ConfigError('--ui-tls-cert and --ui-tls-key must be given together');
  }
  // Required AUTH without --smtp-auth-allow-insecure means credentials only over TLS.
  if ((c.smtpAuthFile || c.smtpAuth) && !c.smtpAuthAllowInsecure && c.smtpStarttls === 'off' && c.smtps === null) {
    throw new ConfigError('required SMTP AUTH needs STARTTLS or --smtps (or --smtp-auth-allow-insecure to accept credentials in clear text)');
  }
  return c;
}

/** The process environment, for resolveConfig and the CLI's flags: the one place that reads it. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

const isBoolWord = (v: string | undefined) => v !== undefined && /^(1|0|true|false|yes|no|on|off)$/i.test(v.trim());
