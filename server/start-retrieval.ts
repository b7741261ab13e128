// The retrieval doors, built from the settings for start.ts: POP3 (--pop3, --pop3s) and IMAP
// (--imap, --imaps). Both take the same credentials as SMTP or the inbox when either requires
// them, and offer STARTTLS/STLS exactly when SMTP offers STARTTLS (clients upgrade
// opportunistically and then refuse a self-signed certificate, as on SMTP), with the same
// certificate; their implicit-TLS ports use it too (a generated one when none is configured).

import type { App } from './app/index.js';
import type { Verify } from './auth/credentials.js';
import type { Settings } from './config-settings.js';
import { createImapListener, type ImapListener } from './imap/listener.js';
import type { Logger } from './log.js';
import { createPop3Listener, type Pop3Listener } from './pop3/listener.js';
import { loadTls, type TlsMaterial } from './smtp/tls.js';

export interface RetrievalDoors {
  pop3: Pop3Listener | null;
  imap: ImapListener | null;
  start(): Promise<void>;
  close(): Promise<unknown>;
  /** For the ready log line. */
  logFields(): Record<string, string | number | undefined>;
}

export async function buildRetrieval(settings: Settings, deps: { useCases: App; verify: Verify | null; tls: TlsMaterial | null; starttls: boolean; log: Logger }): Promise<RetrievalDoors> {
  const { retrieval, smtp } = settings;
  const { useCases, verify, log, starttls } = deps;
  let generated: Promise<TlsMaterial> | null = null; // one certificate for --pop3s and --imaps
  const implicitTls = async () => deps.tls ?? (await (generated ??= loadTls(smtp.smtpTlsCert, smtp.smtpTlsKey, smtp.smtpHostname)));
  const tlsFor = async (implicit: boolean) => (implicit ? await implicitTls() : starttls ? deps.tls : null);
  const pop3 =
    retrieval.pop3 || retrieval.pop3s
      ? createPop3Listener({ listen: retrieval.pop3, listenTls: retrieval.pop3s, tls: await tlsFor(retrieval.pop3s !== null), starttls, useCases, verify, log })
      : null;
  const imap =
    retrieval.imap || retrieval.imaps
      ? createImapListener({ listen: retrieval.imap, listenTls: retrieval.imaps, tls: await tlsFor(retrieval.imaps !== null), starttls, useCases, verify, log, maxLiteral: smtp.maxMessageSize })
      : null;
  const at = (host: string | undefined, port: number | null | undefined) => (host && port ? `${host}:${port}` : undefined);
  return {
    pop3,
    imap,
    async start() {
      await pop3?.start();
      await imap?.start();
    },
    close: () => Promise.allSettled([pop3?.close(), imap?.close()]),
    logFields: () => ({
      pop3: at(retrieval.pop3?.host, pop3?.port),
      pop3s: pop3?.tlsPort ?? undefined,
      imap: at(retrieval.imap?.host, imap?.port),
      imaps: imap?.tlsPort ?? undefined,
    }),
  };
}
