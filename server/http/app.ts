// buildApp(deps): the fastify application (no listen), so tests can inject() and start.ts can
// listen. Plugins: security guards, one error handler, the native API, health, the web bundle.

import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createApp, type App, type AppParts } from '../app/index.js';
import { installErrorHandling } from './errors.js';
import { installValidation } from './validation.js';
import { installSecurity } from './security.js';
import { installAuth, type VerifyCredentials } from './auth.js';
import { messagesRoutes } from './routes/messages.js';
import { tagsRoutes } from './routes/tags.js';
import { inboxesRoutes } from './routes/inboxes.js';
import { infoRoutes, type InfoRouteDeps } from './routes/info.js';
import { staticRoutes } from './static.js';
import { waitRoutes } from './routes/wait.js';
import { registerApiDocs } from './api-docs.js';
import { metricsRoutes, type MetricsRouteDeps } from './routes/metrics.js';
import { compatRoutes, type CompatOutbound } from './compat/index.js';
import type { InboxRouting } from '../mail/inbox-route.js';
import './schema-meta.js';

export interface AppDeps extends InfoRouteDeps {
  /** The store and bus the use cases work on (the HTTP door itself sees only the use cases). */
  store: AppParts['store'];
  bus: AppParts['bus'];
  /** Longest a GET /api/messages/wait is held (ms). */
  maxWait: number;
  allowedHosts: readonly string[];
  /** Directory of the built web UI, or null to serve none. */
  webRoot: string | null;
  /** Largest message accepted (bytes); also caps Mailpit's POST /api/v1/send. */
  maxMessageSize?: number;
  /** Chaos/Jim and release for the Mailpit/MailHog dialects (start-unhappy.ts). */
  compatOutbound?: CompatOutbound;
  /** Failure injection and SMTP sessions, for their use cases (start-unhappy.ts). */
  faults?: AppParts['faults'];
  sessions?: AppParts['sessions'];
  /** How SMTP routes mail to inboxes (the Mailpit send API routes the same way). */
  inboxRouting?: InboxRouting;
  /** fastify logger option: false, or pino options such as { level }. */
  logger: FastifyServerOptions['logger'];
  /** Prometheus registry behind /metrics (omitted: no /metrics route). */
  metrics?: MetricsRouteDeps['metrics'];
  /** Serve HTTPS with this certificate; plain HTTP when absent. */
  https?: { key: string; cert: string } | null;
  /** Require HTTP Basic credentials on every route but health; open when absent. */
  verifyCredentials?: VerifyCredentials | null;
}

const DEFAULT_MAX_MESSAGE_SIZE = 25 * 1024 * 1024; // matches the --max-message-size default
const BODY_LIMIT = 1024 * 1024; // 1 MiB: API bodies are small JSON (ids, flags); bigger ones get 413

/** Builds the HTTP app with every route registered. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.https ? { https: { key: deps.https.key, cert: deps.https.cert } } : {}),
    logger: deps.logger,
    // One line per message is logged by SMTP; per-request lines are noise.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreDuplicateSlashes: true },
  } as FastifyServerOptions) as unknown as FastifyInstance;
  // Only JSON bodies: no text/plain parser means a cross-site <form> or text/plain fetch gets 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('request body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });
  installValidation(app);
  installErrorHandling(app);
  installSecurity(app, deps.allowedHosts);
  installAuth(app, deps.verifyCredentials ?? null);
  await registerApiDocs(app); // first: it records the routes registered after it
  const maxMessageSize = deps.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const useCases = createApp({ store: deps.store, bus: deps.bus, maxWait: deps.maxWait, maxMessageSize, inboxRouting: deps.inboxRouting, outbound: deps.compatOutbound, faults: deps.faults, sessions: deps.sessions });
  app.decorate('useCases', useCases);
  // Held waits would keep app.close() waiting; end them first (they answer 503).
  app.addHook('preClose', async () => useCases.close());
  await app.register(messagesRoutes, { useCases });
  await app.register(waitRoutes, { useCases });
  await app.register(tagsRoutes, { useCases });
  await app.register(inboxesRoutes, { useCases });
  await app.register(compatRoutes, { useCases, info: deps.info, options: { maxMessageSize }, outbound: deps.compatOutbound });
  await app.register(infoRoutes, { info: deps.info, ready: deps.ready });
  if (deps.metrics) await app.register(metricsRoutes, { metrics: deps.metrics });
  await app.register(staticRoutes, { webRoot: deps.webRoot });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The use cases this app's routes call (start.ts hands the same instance to the other doors). */
    useCases: App;
  }
}
