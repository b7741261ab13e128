// The compat dialects as one fastify plugin: Mailpit v1 and MailHog v1/v2 routes over the same
// use cases as the native API, each group in its own encapsulated scope so Mailpit's text/plain errors and MailHog's
// untyped request bodies stay inside their dialect.

import type { FastifyInstance } from 'fastify';
import type { PeerModes } from '../../faults/peer-modes.js';
import type { Relay } from '../../outbound/relay.js';
import type { ReleaseHistory } from '../../outbound/release-history.js';
import type { App } from '../../app/index.js';
import { installMailpitErrors } from './mailpit-common.js';
import { mailpitListRoutes } from './mailpit-list.js';
import { mailpitMessageRoutes } from './mailpit-message.js';
import { mailpitTagRoutes } from './mailpit-tags.js';
import { mailpitAppRoutes } from './mailpit-app.js';
import { mailpitSendRoutes } from './mailpit-send.js';
import { mailhogRoutes } from './mailhog-routes.js';

/** The native features the dialects delegate to: chaos/Jim (failure injection) and release. */
export interface CompatOutbound {
  peerModes: PeerModes;
  relay: Relay;
  releases: ReleaseHistory;
}

/** Settings the dialects share with the SMTP side. */
export interface CompatOptions {
  /** Largest message accepted (bytes); sizes the body limit of POST /api/v1/send. */
  maxMessageSize: number;
}

export interface CompatDeps {
  useCases: App;
  info: () => Record<string, unknown>;
  options: CompatOptions;
  /** Absent (e.g. an app built without them): chaos, Jim and release answer as their peers do when off. */
  outbound?: CompatOutbound | undefined;
}

/** Registers every Mailpit and MailHog route. */
export async function compatRoutes(app: FastifyInstance, deps: CompatDeps): Promise<void> {
  await app.register(async (mailpit) => {
    installMailpitErrors(mailpit);
    await mailpit.register(mailpitListRoutes, { useCases: deps.useCases });
    await mailpit.register(mailpitMessageRoutes, { useCases: deps.useCases });
    await mailpit.register(mailpitTagRoutes, { useCases: deps.useCases });
    await mailpit.register(mailpitAppRoutes, { useCases: deps.useCases, info: deps.info, outbound: deps.outbound });
  });
  await app.register(mailpitSendRoutes, { useCases: deps.useCases, ...deps.options });
  await app.register(async (mailhog) => {
    // The `mailhog` package posts release bodies without a Content-Type; accept them here only.
    mailhog.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    await mailhog.register(mailhogRoutes, { useCases: deps.useCases, outbound: deps.outbound });
  });
}
