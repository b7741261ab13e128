// The unhappy-path parts, built from Config for start.ts: failure injection (rules, magic
// addresses, Mailpit chaos / MailHog Jim modes), the rejected list, session transcripts,
// release/auto-relay and webhooks. A sub-composition root: only start.ts calls it.

import type { FastifyInstance } from 'fastify';
import { ConfigError, type Config } from './config.js';
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
import { createSmtpHooks, type SmtpHooks } from './smtp/hooks.js';
import type { MailroomSmtpOptions } from './smtp/immediate-greeting.js';
import { tapConnection } from './smtp/session-tap.js';
import type { MessageStore } from './store/store.js';

/** Handles on the unhappy-path parts. */
export interface UnhappyPaths {
  faults: FaultController;
  /** Mailpit chaos and MailHog Jim over `faults`, for the compat routes. */
  peerModes: PeerModes;
  rejected: RejectedLog;
  sessions: SessionRegistry;
  hooks: SmtpHooks;
  onConnection: NonNullable<MailroomSmtpOptions['onConnection']>;
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
export async function buildUnhappyPaths(config: Config, deps: { bus: EventBus; store: MessageStore }): Promise<UnhappyPaths> {
  const { bus, store } = deps;
  let initial: FaultRuleInput[] = [];
  try {
    if (config.faultsFile) initial = await loadRulesFile(config.faultsFile);
  } catch (err) {
    throw new ConfigError(`--faults-file ${config.faultsFile}: ${(err as Error).message}`);
  }
  let faults: FaultController;
  try {
    faults = createFaultController({ magicAddresses: config.magicAddresses, ...(config.faultsSeed !== null ? { seed: config.faultsSeed } : {}) }, [...initial, ...parseCompactRules(config.faults)]);
  } catch (err) {
    if (err instanceof RuleError || (err as Error).name === 'RuleLookupError') throw new ConfigError(`failure-injection rules (--faults-file/--faults): ${(err as Error).message}`);
    throw err;
  }
  const rejected = createRejectedLog(config.rejectedLogSize);
  const sessions = createSessionRegistry({ recentCapacity: config.sessionsLogSize, record: config.transcripts, maxMessages: config.maxMessages, bus });
  const hooks = createSmtpHooks({ faults, sessions, rejected });

  checkOutboundTargets(config);
  const relay = createRelay({
    host: config.relayHost,
    port: config.relayPort,
    security: config.relaySecurity,
    tlsVerify: config.relayTlsVerify,
    user: config.relayUser,
    password: config.relayPassword,
    allowedRecipients: config.relayAllowedRecipients,
    from: config.relayFrom,
    timeoutMs: config.relayTimeout,
    allowPrivate: config.outboundAllowPrivate,
  });
  const releases = createReleaseHistory({ bus, maxMessages: config.maxMessages });
  if (config.relayAuto && !relay.configured) throw new ConfigError('--relay-auto needs --relay-host');
  const autoRelay = config.relayAuto
    ? startAutoRelay({ bus, store, relay, history: releases, filter: query(config.relayAutoQuery, 'relay-auto-query'), to: config.relayAutoTo, retries: config.relayRetries, backoffMs: config.relayBackoff, capacity: config.relayQueueSize })
    : null;
  const webhooks = config.webhookUrls.length
    ? startWebhooks(
        {
          bus,
          store,
          urls: config.webhookUrls,
          secret: config.webhookSecret,
          filter: config.webhookQuery.trim() ? query(config.webhookQuery, 'webhook-query') : null,
          timeoutMs: config.webhookTimeout,
          retries: config.webhookRetries,
          backoffMs: config.webhookBackoff,
          capacity: config.webhookQueueSize,
          userAgent: `Mailroom/${version}`,
          allowPrivate: config.outboundAllowPrivate,
        },
        config.webhookQuery,
      )
    : null;

  return {
    faults,
    peerModes: createPeerModes(faults),
    rejected,
    sessions,
    hooks,
    onConnection: (connection, socket) => void tapConnection(connection, socket, { sessions, hooks, rejected }),
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
      await app.register(faultRoutes, { faults, rejected });
      await app.register(sessionRoutes, { sessions, useCases: app.useCases });
      await app.register(outboundRoutes, { useCases: app.useCases, relay, autoRelay, autoQuery: config.relayAutoQuery, webhooks });
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
function checkOutboundTargets(config: Config): void {
  const targets: Array<[string, string]> = config.webhookUrls.map((url) => ['--webhook-url host', new URL(url).hostname]);
  if (config.relayHost) targets.unshift(['--relay-host', config.relayHost]);
  for (const [what, host] of targets) {
    try {
      checkConfiguredTarget(what, host, config.outboundAllowPrivate);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
}
