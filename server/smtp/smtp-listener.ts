// The SMTP listener(s): plain with optional STARTTLS, plus an optional implicit-TLS port, both
// over one pipeline (pipeline.ts), so limits, counters and sessions are shared between them.
// Accepts every sender and recipient; stores each complete message, then answers 250 with its id.

import type { Logger } from '../log.js';
import type { HostPort } from '../config-values.js';
import { createSmtpServer, type SmtpServerHandle } from './adapter.js';
import { createPipeline, type PipelineOptions, type SmtpCounters } from './pipeline.js';
import type { SmtpServerSpec } from './session.js';
import type { TlsMaterial } from './tls.js';

export type { SmtpCounters } from './pipeline.js';

export interface SmtpListenerOptions extends Omit<PipelineOptions, 'log'> {
  listen: HostPort;
  /** Implicit-TLS address, or null for none. */
  smtps: HostPort | null;
  /** Certificate for STARTTLS and SMTPS; required when either is on. */
  tls: TlsMaterial | null;
  /** Offer STARTTLS on the plain listener. */
  starttls: boolean;
  hostname: string;
  maxRecipients: number;
  maxConnections: number;
  maxCommandLength: number;
  idleTimeout: number;
  sessionTimeout: number;
  log: Logger;
}

export interface SmtpListener {
  /** Bound ports (after start). */
  readonly port: number;
  readonly smtpsPort: number | null;
  readonly counters: SmtpCounters;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the listener; nothing is bound until start(). */
export function createSmtpListener(options: SmtpListenerOptions): SmtpListener {
  const { log } = options;
  const pipeline = createPipeline(options);
  const spec = (secure: boolean): SmtpServerSpec => ({
    secure,
    tls: options.tls,
    starttls: options.starttls,
    hostname: options.hostname,
    maxMessageSize: options.maxMessageSize,
    maxRecipients: options.maxRecipients,
    maxConnections: options.maxConnections,
    maxCommandLength: options.maxCommandLength,
    idleTimeout: options.idleTimeout,
    sessionTimeout: options.sessionTimeout,
    authRequired: Boolean(options.access?.verify),
    allowInsecureAuth: options.access?.allowInsecureAuth ?? true,
  });
  const onError = (err: Error & { code?: string }) => log.debug({ err: err.message, code: err.code }, 'smtp connection error');
  const plain = createSmtpServer(spec(false), pipeline.handlers, onError);
  const tlsServer = options.smtps ? createSmtpServer(spec(true), pipeline.handlers, onError) : null;
  let port = 0;
  let smtpsPort: number | null = null;

  return {
    get port() {
      return port;
    },
    get smtpsPort() {
      return smtpsPort;
    },
    counters: pipeline.counters,
    async start() {
      port = await plain.listen(options.listen);
      if (tlsServer && options.smtps) smtpsPort = await tlsServer.listen(options.smtps);
    },
    async close() {
      pipeline.close();
      await Promise.all([plain, tlsServer].filter((s): s is SmtpServerHandle => s !== null).map((s) => s.close()));
    },
  };
}
