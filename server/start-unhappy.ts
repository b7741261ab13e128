// The unhappy-path parts, built from Config for start.ts: failure injection (rules, magic
// addresses, Mailpit chaos / MailHog Jim modes), the rejected list, session transcripts,
// release/auto-relay and webhooks. A sub-composition root: only start.ts calls it.

import type { FastifyInstance } from 'fastify';
import { ConfigError } from './config.js';
import type { Settings } from './config-settings.js';
import type { EventBus } from './events/bus.js';
import { createFaultController, type FaultController } from './faults/controller.js';
import { loadRulesFile, parseCompactRules } from './faults/load.js';
import { createPeerModes, type PeerModes } from './faults/peer-modes.js';
import { createRejectedLog, type RejectedLog } from './faults/rejected-log.js';
import { RuleError, type FaultRuleInput } from './faults/rules.js';
import { faultRoutes } from './http/routes/faults.js';
import { outboundRoutes } from './http/routes/outbound.js';
import { sessionRoutes } from './http/routes/sessions.js';
import { compileQuery, type MessagePredicate } from './mail/search.js';
import { startAutoRelay, type AutoRelay } from './outbound/auto-relay.js';
import { createRelay, type Relay } from './outbound/relay.js';
import { createReleaseHistory, type ReleaseHistory } from './outbound/release-history.js';
import { startWebhooks, type Webhooks } from './outbound/webhooks.js';
import { checkConfiguredTarget } from './outbound/target-guard.js';
import { version } from './paths.js';
import { createSessionRegistry, type SessionRegistry } from './sessions/sessions.js';
import type { MessageStore } from './store/store.js';

/** Handles on the unhappy-path parts. */
export interface UnhappyPaths {
  faults: FaultController;
  /** Mailpit chaos and MailHog Jim over `faults`, for the compat routes. */
  peerModes: PeerModes;
  rejected: RejectedLog;
  sessions: SessionRegistry;
  relay: Relay;
  releases: ReleaseHistory;
  autoRelay: AutoRelay | null;
  webhooks: Webhooks | null;
  /** Counts for /api/info (and UI badges). */
  stats(): { faultRules: number; magicAddresses: boolean; rejected: number; sessions: { live: number; recent: number; transcripts: number }; relay: boolean; webhooks: boolean };
  /** Fastify plugin with the native routes. */
  routes(app: FastifyInstance): Promise<void>;
  close(): void;
}

function query(text: string, flag: string): MessagePredicate {
  try {
    return compileQuery(text);
  } catch (err) {
    throw new ConfigError(`invalid value ${JSON.stringify(text)} for --${flag}: ${(err as Error).message}`);
  }
}

/** Builds every part; throws ConfigError for a bad rules file or query. */
export async function buildUnhappyPaths(settings: Settings, deps: { bus: EventBus; store: MessageStore }): Promise<UnhappyPaths> {
  const { bus, store } = deps;
  let initial: FaultRuleInput[] = [];
  try {
    if (settings.faults.faultsFile) initial = await loadRulesFile(settings.faults.faultsFile);
  } catch (err) {
    throw new ConfigError(`--faults-file ${settings.faults.faultsFile}: ${(err as Error).message}`);
  }
  let faults: FaultController;
  try {
    faults = createFaultController({ magicAddresses: settings.faults.magicAddresses, ...(settings.faults.faultsSeed !== null ? { seed: settings.faults.faultsSeed } : {}) }, [...initial, ...parseCompactRules(settings.faults.faults)]);
  } catch (err) {
    if (err instanceof RuleError || (err as Error).name === 'RuleLookupError') throw new ConfigError(`failure-injection rules (--faults-file/--faults): ${(err as Error).message}`);
    throw err;
  }
  const rejected = createRejectedLog(settings.faults.rejectedLogSize);
  const sessions = createSessionRegistry({ recentCapacity: settings.smtp.sessionsLogSize, record: settings.smtp.transcripts, maxMessages: settings.storage.maxMessages, bus });

  checkOutboundTargets(settings.relay);
  const relay = createRelay({
    host: settings.relay.relayHost,
    port: settings.relay.relayPort,
    security: settings.relay.relaySecurity,
    tlsVerify: settings.relay.relayTlsVerify,
    user: settings.relay.relayUser,
    password: settings.relay.relayPassword,
    allowedRecipients: settings.relay.relayAllowedRecipients,
    from: settings.relay.relayFrom,
    timeoutMs: settings.relay.relayTimeout,
    allowPrivate: settings.relay.outboundAllowPrivate,
  });
  const releases = createReleaseHistory({ bus, maxMessages: settings.storage.maxMessages });
  if (settings.relay.relayAuto && !relay.configured) throw new ConfigError('--relay-auto needs --relay-host');
  const autoRelay = settings.relay.relayAuto
    ? startAutoRelay({ bus, store, relay, history: releases, filter: query(settings.relay.relayAutoQuery, 'relay-auto-query'), to: settings.relay.relayAutoTo, retries: settings.relay.relayRetries, backoffMs: settings.relay.relayBackoff, capacity: settings.relay.relayQueueSize })
    : null;
  const webhooks = settings.relay.webhookUrls.length
    ? startWebhooks(
        {
          bus,
          store,
          urls: settings.relay.webhookUrls,
          secret: settings.relay.webhookSecret,
          filter: settings.relay.webhookQuery.trim() ? query(settings.relay.webhookQuery, 'webhook-query') : null,
          timeoutMs: settings.relay.webhookTimeout,
          retries: settings.relay.webhookRetries,
          backoffMs: settings.relay.webhookBackoff,
          capacity: settings.relay.webhookQueueSize,
          userAgent: `Mailroom/${version}`,
          allowPrivate: settings.relay.outboundAllowPrivate,
        },
        settings.relay.webhookQuery,
      )
    : null;

  return {
    faults,
    peerModes: createPeerModes(faults),
    rejected,
    sessions,
    relay,
    releases,
    autoRelay,
    webhooks,
    stats: () => ({
      faultRules: faults.list().length,
      magicAddresses: faults.magicAddresses,
      rejected: rejected.list(1).total,
      sessions: sessions.stats(),
      relay: relay.configured,
      webhooks: webhooks !== null,
    }),
    async routes(app) {
      await app.register(faultRoutes, { useCases: app.useCases });
      await app.register(sessionRoutes, { useCases: app.useCases });
      await app.register(outboundRoutes, { useCases: app.useCases, relay, autoRelay, autoQuery: settings.relay.relayAutoQuery, webhooks });
    },
    close() {
      autoRelay?.close();
      webhooks?.close();
      sessions.dispose();
      releases.dispose();
    },
  };
}

/** A relay host or webhook URL that is plainly not public stops the start (unless allowed). */
function checkOutboundTargets(relay: Settings['relay']): void {
  const targets: Array<[string, string]> = relay.webhookUrls.map((url) => ['--webhook-url host', new URL(url).hostname]);
  if (relay.relayHost) targets.unshift(['--relay-host', relay.relayHost]);
  for (const [what, host] of targets) {
    try {
      checkConfiguredTarget(what, host, relay.outboundAllowPrivate);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
}
