// The composition root: builds the bus, store, SMTP listener, HTTP app and feed from one Config,
// wires them, and returns handles plus close(). No module state: call it as often as you like.

import type { AddressInfo } from 'node:net';
import { defaultConfig, type Config } from './config.js';
import { settingsOf } from './config-settings.js';
import { createEventBus } from './events/bus.js';
import { createWsFeed } from './events/ws-feed.js';
import { buildApp } from './http/app.js';
import { routeUpgrades } from './http/upgrade.js';
import { createMailpitFrames } from './http/compat/mailpit-events.js';
import { mailhogFrames } from './http/compat/mailhog-shapes.js';
import { upgradeAuthorizer } from './http/auth.js';
import { loadVerifier } from './auth/credentials.js';
import type { Logger } from './log.js';
import { version, webRoot as defaultWebRoot } from './paths.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createSmtpListener } from './smtp/smtp-listener.js';
import type { Verify } from './auth/credentials.js';
import { loadTls, type TlsMaterial } from './smtp/tls.js';
import { buildRetrieval, type RetrievalDoors } from './start-retrieval.js';
import { createMemoryStore } from './store/memory-store.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { MessageStore } from './store/store.js';
import type { EventBus } from './events/bus.js';
import type { App } from './app/index.js';
import { buildUnhappyPaths, type UnhappyPaths } from './start-unhappy.js';

export interface StartOptions {
  /** Use this certificate instead of reading files or generating one. */
  tls?: TlsMaterial;
  /** Web bundle directory; null serves no UI. Defaults to dist/web in the package. */
  webRoot?: string | null;
  /** Log the 'mailroom ready' line (info) with the addresses; off when the CLI prints its banner instead. */
  logReady?: boolean;
}

/** A running Mailroom. */
export interface Mailroom {
  config: Config;
  smtpPort: number;
  smtpsPort: number | null;
  /** The POP3 port when --pop3 is set, else null. */
  pop3Port: number | null;
  /** The implicit-TLS POP3 port when --pop3s is set, else null. */
  pop3sPort: number | null;
  /** The IMAP port when --imap is set, else null. */
  imapPort: number | null;
  /** The implicit-TLS IMAP port when --imaps is set, else null. */
  imapsPort: number | null;
  httpPort: number;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:8025 */
  url: string;
  /** Every use case (list, read, change, wait, append, release), in process: what each front door calls. */
  useCases: App;
  /** The store and bus beneath the use cases, for tests that look under the hood. */
  store: MessageStore;
  bus: EventBus;
  log: Logger;
  /** Failure injection, rejected list, sessions, release and webhooks (start-unhappy.ts). */
  unhappy: UnhappyPaths;
  /** The Prometheus registry behind /metrics. */
  metrics: Metrics;
  /** Stops listening, drops feed clients and releases every handle. Idempotent. */
  close(): Promise<void>;
}

/** A verifier accepting what either accepts; null (anyone) when neither is configured. */
function eitherVerifier(a: Verify | null, b: Verify | null): Verify | null {
  if (!a || !b) return a ?? b;
  return async (user, password) => (await a(user, password)) || b(user, password);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts Mailroom with the given settings (missing ones take their defaults). */
export async function start(overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<Mailroom> {
  const config: Config = { ...defaultConfig(), ...overrides };
  const settings = settingsOf(config); // validated once, then read by topic
  const startedAt = Date.now();
  let ready = false;

  const bus = createEventBus();
  const limits = { maxMessages: settings.storage.maxMessages, maxBytes: settings.storage.maxStoreBytes, maxPerInbox: settings.storage.maxMessagesPerInbox, bus };
  const store = settings.storage.dataDir ? openSqliteStore({ dataDir: settings.storage.dataDir, ...limits }) : createMemoryStore(limits);
  // Opt-in access control and HTTPS (README "Security"): all off unless configured.
  const uiVerify = await loadVerifier(settings.security.uiAuthFile, settings.security.uiAuth, '--ui-auth-file/--ui-auth');
  const smtpVerify = await loadVerifier(settings.security.smtpAuthFile, settings.security.smtpAuth, '--smtp-auth-file/--smtp-auth');
  // Required AUTH without --smtp-auth-allow-insecure means credentials only over TLS, so STARTTLS
  // is offered (self-signed unless a certificate is given) unless explicitly turned off (which
  // validateConfig refuses without --smtps).
  const authNeedsTls = smtpVerify !== null && !settings.security.smtpAuthAllowInsecure;
  // STARTTLS by default only with the operator's certificate: most SMTP clients upgrade
  // opportunistically and then refuse a self-signed certificate, which would break plain apps.
  const starttls = settings.smtp.smtpStarttls === 'on' || (settings.smtp.smtpStarttls === 'auto' && (Boolean(settings.smtp.smtpTlsCert) || authNeedsTls));
  const needTls = starttls || settings.smtp.smtps !== null;
  const tls = options.tls ?? (needTls ? await loadTls(settings.smtp.smtpTlsCert, settings.smtp.smtpTlsKey, settings.smtp.smtpHostname) : null);
  const https = settings.security.uiTlsCert
    ? await loadTls(settings.security.uiTlsCert, settings.security.uiTlsKey, settings.smtp.smtpHostname, { cert: '--ui-tls-cert', key: '--ui-tls-key' })
    : settings.security.uiTls
      ? (tls ?? (await loadTls(settings.smtp.smtpTlsCert, settings.smtp.smtpTlsKey, settings.smtp.smtpHostname)))
      : null;
  const unhappy = await buildUnhappyPaths(settings, { bus, store });

  // Late-bound so /api/info can report the listener and feed built after the app.
  let smtpInfo: () => Record<string, unknown> = () => ({});
  let feedClients = () => 0;
  let smtpCounters: () => Readonly<Record<string, number>> = () => ({});
  let waits = () => 0;
  let doors: RetrievalDoors | null = null;
  const metrics = createMetrics({ bus, store: () => store.stats(), smtp: () => smtpCounters(), feedClients: () => feedClients(), waits: () => waits(), retrieval: () => ({ pop3: doors?.pop3?.connections ?? 0, imap: doors?.imap?.connections ?? 0 }) });
  const app = await buildApp({
    store,
    bus,
    maxWait: settings.web.maxWait,
    allowedHosts: settings.security.allowedHosts,
    https,
    verifyCredentials: uiVerify,
    webRoot: options.webRoot === undefined ? defaultWebRoot : options.webRoot,
    maxMessageSize: settings.smtp.maxMessageSize,
    compatOutbound: { peerModes: unhappy.peerModes, relay: unhappy.relay, releases: unhappy.releases },
    faults: { controller: unhappy.faults, rejected: unhappy.rejected },
    sessions: unhappy.sessions,
    inboxRouting: settings.storage.inboxFrom,
    logger: settings.output.logLevel === 'silent' ? false : { level: settings.output.logLevel },
    ready: () => ready,
    metrics,
    info: () => ({
      name: 'mailroom',
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      messages: store.stats(),
      smtp: smtpInfo(),
      feed: { clients: feedClients() },
      // Where mail clients read (null: the door is off).
      pop3: doors?.pop3 ? { port: doors.pop3.port, tlsPort: doors.pop3.tlsPort, connections: doors.pop3.connections } : null,
      imap: doors?.imap ? { port: doors.imap.port, tlsPort: doors.imap.tlsPort, connections: doors.imap.connections } : null,
      waits: useCases.waitsHeld,
      unhappy: unhappy.stats(),
      limits: {
        maxMessageSize: settings.smtp.maxMessageSize,
        maxRecipients: settings.smtp.maxRecipients,
        maxMessages: settings.storage.maxMessages,
        maxStoreBytes: settings.storage.maxStoreBytes,
        maxWait: settings.web.maxWait,
        maxMessagesPerInbox: settings.storage.maxMessagesPerInbox,
        maxInFlightBytes: settings.smtp.maxInFlightBytes,
      },
    }),
  });
  const log: Logger = app.log;
  const useCases = app.useCases; // the one instance every door shares
  await app.register(unhappy.routes);
  waits = () => useCases.waitsHeld;

  const smtp = createSmtpListener({
    listen: settings.smtp.smtp,
    smtps: settings.smtp.smtps,
    tls,
    starttls,
    hostname: settings.smtp.smtpHostname,
    maxMessageSize: settings.smtp.maxMessageSize,
    maxRecipients: settings.smtp.maxRecipients,
    maxConnections: settings.smtp.maxConnections,
    maxConnectionsPerIp: settings.smtp.maxConnectionsPerIp,
    maxCommandLength: settings.smtp.maxCommandLength,
    idleTimeout: settings.smtp.smtpIdleTimeout,
    sessionTimeout: settings.smtp.smtpSessionTimeout,
    maxInFlightBytes: settings.smtp.maxInFlightBytes,
    access: { verify: smtpVerify, allowInsecureAuth: settings.security.smtpAuthAllowInsecure, allowedRecipients: settings.security.smtpAllowedRecipients },
    useCases,
    log,
    sessions: unhappy.sessions,
    rejected: unhappy.rejected,
    faults: unhappy.faults,
  });
  smtpCounters = () => ({ ...smtp.counters });
  const retrieval = await buildRetrieval(settings, { useCases, verify: eitherVerifier(smtpVerify, uiVerify), tls, starttls, log });
  doors = retrieval;
  smtpInfo = () => ({ port: smtp.port, smtpsPort: smtp.smtpsPort, starttls, tlsSelfSigned: tls ? tls.selfSigned : null, ...smtp.counters });

  const feed = createWsFeed({
    bus,
    hello: async () => {
      const stats = await useCases.storeStats();
      return { version, total: stats.count, unread: stats.unread };
    },
  });
  const mailpitFrames = createMailpitFrames(useCases, version);
  const mailpitFeed = createWsFeed({ bus, hello: () => ({}), helloFrame: mailpitFrames.stats, serialize: mailpitFrames.serialize });
  const mailhogFeed = createWsFeed({ bus, hello: () => ({}), helloFrame: () => null, serialize: mailhogFrames(useCases) });
  feedClients = () => feed.clients + mailpitFeed.clients + mailhogFeed.clients;
  routeUpgrades(
    app.server,
    new Map([
      ['/api/feed', feed.handleUpgrade],
      ['/api/events', mailpitFeed.handleUpgrade],
      ['/api/v2/websocket', mailhogFeed.handleUpgrade],
    ]),
    settings.security.allowedHosts,
    uiVerify ? upgradeAuthorizer(uiVerify) : null,
    { max: settings.web.maxFeedClients, open: () => feedClients() },
  );

  try {
    await smtp.start();
    await retrieval.start();
    // fastify logs "Server listening at …" at info; the ready line (or the CLI's banner) says more.
    const level = app.log.level;
    if (level === 'info') app.log.level = 'warn';
    try {
      await app.listen({ host: settings.web.listen.host, port: settings.web.listen.port });
    } finally {
      app.log.level = level;
    }
  } catch (err) {
    feed.close();
    mailpitFeed.close();
    mailhogFeed.close();
    await Promise.allSettled([smtp.close(), app.close(), retrieval.close()]);
    unhappy.close();
    metrics.close();
    store.close?.();
    throw err;
  }
  ready = true;
  const httpPort = (app.server.address() as AddressInfo).port;
  const url = `${https ? 'https' : 'http'}://${urlHost(settings.web.listen.host)}:${httpPort}`;
  if (options.logReady !== false) log.info({ smtp: `${settings.smtp.smtp.host}:${smtp.port}`, http: url, smtps: smtp.smtpsPort ?? undefined, ...retrieval.logFields(), dataDir: settings.storage.dataDir || undefined, messages: store.stats().count }, 'mailroom ready');

  let closing: Promise<void> | null = null;
  return {
    config,
    smtpPort: smtp.port,
    smtpsPort: smtp.smtpsPort,
    pop3Port: retrieval.pop3?.port ?? null,
    pop3sPort: retrieval.pop3?.tlsPort ?? null,
    imapPort: retrieval.imap?.port ?? null,
    imapsPort: retrieval.imap?.tlsPort ?? null,
    httpPort,
    url,
    useCases,
    store,
    bus,
    log,
    unhappy,
    metrics,
    close() {
      closing ??= (async () => {
        ready = false;
        feed.close();
        unhappy.close();
        mailpitFeed.close();
        mailhogFeed.close();
        await Promise.all([smtp.close(), app.close(), retrieval.close()]);
        metrics.close();
        store.close?.();
      })();
      return closing;
    },
  };
}
