// Mailpit v1 application routes: /api/v1/info, /api/v1/webui and /api/v1/chaos. Everything is
// read from Mailroom's own info and store; features Mailroom lacks are reported as off.

import type { FastifyInstance } from 'fastify';
import type { MessageStore } from '../../store/store.js';
import { badRequest, sendJson } from './mailpit-common.js';

export interface MailpitAppDeps {
  store: MessageStore;
  /** The native /api/info document (version, uptime, SMTP counters). */
  info: () => Record<string, unknown>;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Registers the Mailpit application routes. */
export async function mailpitAppRoutes(app: FastifyInstance, { store, info }: MailpitAppDeps): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get('/api/v1/info', hide, async (_request, reply) => {
    const native = info();
    const smtp = (native.smtp ?? {}) as Record<string, unknown>;
    const stats = store.stats();
    const tags: Record<string, number> = {};
    for (const t of store.tags()) tags[t.name] = t.count;
    return sendJson(reply, {
      Version: String(native.version ?? ''),
      LatestVersion: 'disabled', // Mailroom never calls out to check for releases
      Database: '', // messages live in memory
      DatabaseSize: stats.bytes,
      Messages: stats.count,
      Unread: stats.unread,
      Tags: tags,
      RuntimeStats: {
        Uptime: num(native.uptimeSeconds),
        Memory: process.memoryUsage().rss,
        MessagesDeleted: stats.deleted + stats.evicted,
        SMTPAccepted: num(smtp.accepted),
        SMTPAcceptedSize: num(smtp.acceptedBytes),
        SMTPRejected: num(smtp.rejectedSize) + num(smtp.rejectedConnections),
        SMTPIgnored: 0, // Mailroom never drops a message it answered 250 for
      },
    });
  });

  app.get('/api/v1/webui', hide, async (_request, reply) =>
    sendJson(reply, {
      Label: '',
      MessageRelay: {
        Enabled: false,
        SMTPServer: '',
        ReturnPath: '',
        AllowedRecipients: '',
        BlockedRecipients: '',
        OverrideFrom: '',
        PreserveMessageIDs: false,
        RecipientAllowlist: '',
      },
      SpamAssassin: false,
      ChaosEnabled: false,
      DuplicatesIgnored: false,
      HideDeleteAllButton: false,
    }),
  );

  // Failure injection is not wired to the Mailpit dialect yet: answer as Mailpit without --enable-chaos.
  const chaosOff = async () => {
    throw badRequest('Chaos is not enabled');
  };
  app.get('/api/v1/chaos', hide, chaosOff);
  app.put('/api/v1/chaos', hide, chaosOff);
}
