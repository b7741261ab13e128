// startMailroom(): Mailroom inside a test process. Free loopback ports by default, no logs, no
// web UI unless asked, a client bound to it, and close() that leaves no handle behind.

import type { App } from './app/index.js';
import { MailroomClient } from './client/client.js';
import type { Config } from './config.js';
import { start, type Mailroom, type StartOptions } from './start.js';

export interface MailroomOptions extends Partial<Config> {
  /** Serve the web inbox too (default false: tests rarely need it). */
  webUi?: boolean;
  /** Passed to start(): TLS material instead of a generated certificate. */
  tls?: StartOptions['tls'];
}

/** A Mailroom running in this process. */
export interface InProcessMailroom {
  smtpPort: number;
  httpPort: number;
  /** Base URL of the HTTP server. */
  url: string;
  /** A client bound to this server. */
  client: MailroomClient;
  /** The use cases without HTTP in between (list, read, change, wait, append, release): what every front door calls. */
  useCases: App;
  /** The full handle (config, store, bus) for advanced use. */
  server: Mailroom;
  /** Stops both listeners and releases every handle; idempotent. */
  close(): Promise<void>;
}

/** Starts Mailroom on free ports of 127.0.0.1 (override any Config field). Several may run at once. */
export async function startMailroom(options: MailroomOptions = {}): Promise<InProcessMailroom> {
  const { webUi = false, tls, ...overrides } = options;
  const server = await start(
    { smtp: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, logLevel: 'silent', ...overrides },
    { webRoot: webUi ? undefined : null, ...(tls ? { tls } : {}) },
  );
  return {
    smtpPort: server.smtpPort,
    httpPort: server.httpPort,
    url: server.url,
    client: new MailroomClient(server.url),
    useCases: server.useCases,
    server,
    close: () => server.close(),
  };
}
