// Mailpit v1 application routes: /api/v1/info, /api/v1/webui and /api/v1/chaos. Everything is
// read from Mailroom's own info, store, relay settings and failure injection (chaos triggers are
// ordinary fault rules, see faults/peer-modes.ts); features Mailroom lacks are reported as off.

import type { FastifyInstance } from 'fastify';
import type { ChaosTrigger, MailpitChaos } from '../../faults/peer-modes.js';
import { RuleError } from '../../faults/rules.js';
import type { App } from '../../app/index.js';
import type { CompatOutbound } from './index.js';
import { badRequest, field, sendJson } from './mailpit-common.js';

export interface MailpitAppDeps {
  useCases: App;
  /** The native /api/info document (version, uptime, SMTP counters). */
  info: () => Record<string, unknown>;
  outbound?: CompatOutbound | undefined;
}

const TRIGGERS = ['Sender', 'Recipient', 'Authentication'] as const;

/** A chaos PUT body, keys matched case-insensitively; a wrong type is Mailpit's 400. */
function chaosBody(body: unknown): Partial<Record<keyof MailpitChaos, Partial<ChaosTrigger>>> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('json: cannot unmarshal chaos triggers: expected an object');
  const out: Partial<Record<keyof MailpitChaos, Partial<ChaosTrigger>>> = {};
  for (const key of TRIGGERS) {
    const t = field(body, key);
    if (t === undefined || t === null) continue;
    const code = field(t, 'ErrorCode');
    const probability = field(t, 'Probability');
    for (const [name, v] of [['ErrorCode', code], ['Probability', probability]] as const) {
      if (v !== undefined && typeof v !== 'number') throw badRequest(`json: cannot unmarshal ${key}.${name}: expected a number`);
    }
    out[key] = { ...(code !== undefined ? { ErrorCode: code as number } : {}), ...(probability !== undefined ? { Probability: probability as number } : {}) };
  }
  return out;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Registers the Mailpit application routes. */
export async function mailpitAppRoutes(app: FastifyInstance, { useCases, info, outbound }: MailpitAppDeps): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get('/api/v1/info', hide, async (_request, reply) => {
    const native = info();
    const smtp = (native.smtp ?? {}) as Record<string, unknown>;
    const stats = await useCases.storeStats();
    const tags: Record<string, number> = {};
    for (const t of await useCases.listTags()) tags[t.name] = t.count;
    return sendJson(reply, {
      Version: typeof native.version === 'string' ? native.version : '',
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

  app.get('/api/v1/webui', hide, async (_request, reply) => {
    const relay = outbound?.relay.describe();
    return sendJson(reply, {
      Label: '',
      MessageRelay: {
        Enabled: relay?.configured ?? false,
        SMTPServer: relay?.configured ? `${relay.host}:${relay.port}` : '',
        ReturnPath: relay?.from ?? '',
        AllowedRecipients: relay?.allowedRecipients ?? '',
        BlockedRecipients: '',
        OverrideFrom: '',
        PreserveMessageIDs: relay?.configured ?? false, // Mailroom relays the bytes as captured
        RecipientAllowlist: relay?.allowedRecipients ?? '',
      },
      SpamAssassin: false,
      ChaosEnabled: outbound !== undefined,
      DuplicatesIgnored: false,
      HideDeleteAllButton: false,
    });
  });

  // Chaos triggers are fault rules (mailpit-chaos-*): always available in Mailroom. Without the
  // failure-injection parts (an app built bare) it answers as Mailpit without --enable-chaos.
  app.get('/api/v1/chaos', hide, async (_request, reply) => {
    if (!outbound) throw badRequest('Chaos is not enabled');
    return sendJson(reply, outbound.peerModes.getChaos());
  });
  app.put<{ Body: unknown }>('/api/v1/chaos', hide, async (request, reply) => {
    if (!outbound) throw badRequest('Chaos is not enabled');
    try {
      return sendJson(reply, outbound.peerModes.setChaos(chaosBody(request.body)));
    } catch (err) {
      if (err instanceof RuleError) throw badRequest(err.message);
      throw err;
    }
  });
}
