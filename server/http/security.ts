// Guards for a server that runs on a developer's machine next to their browser:
// Host allowlist (DNS rebinding), Origin check for WebSockets, JSON-only mutations, and the
// security headers every response carries.

import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

/** The host name of a Host header value, without port or IPv6 brackets, lower-cased. */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * Whether a Host header may reach us. A DNS-rebinding attack needs a name the attacker controls,
 * i.e. a dotted public name, so IP literals, localhost names and single-label names (Docker
 * service names like "mailroom") are always safe; other names must be configured.
 */
export function isHostAllowed(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  if (!name) return false;
  if (isIP(name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (!name.includes('.')) return true;
  for (const entry of allowed) {
    const e = entry.toLowerCase();
    if (e === '*' || e === name) return true;
    if (e.startsWith('*.') && name.endsWith(e.slice(1))) return true;
  }
  return false;
}

/** Whether a browser Origin may open the feed: absent (not a browser) or same host:port as Host. */
export function isOriginAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  try {
    return new URL(origin).host.toLowerCase() === hostHeader.trim().toLowerCase();
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Registers the guards as hooks on the app. */
export function installSecurity(app: FastifyInstance, allowedHosts: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (!isHostAllowed(request.headers.host, allowedHosts)) {
      return reply.code(403).send(errorBody('forbidden_host', `Host ${JSON.stringify(request.headers.host ?? '')} is not allowed; add it with --allowed-hosts`));
    }
    if (SAFE_METHODS.has(request.method)) return;
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      return reply.code(403).send(errorBody('cross_site', 'cross-site requests may not change data'));
    }
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    // A route may opt in to bodies without any Content-Type (MailHog clients send none); a
    // cross-site browser request was already refused above by Sec-Fetch-Site.
    const untypedOk = type === '' && request.routeOptions.config.untypedBody === true;
    if (hasBody && type !== 'application/json' && !untypedOk) {
      return reply.code(415).send(errorBody('unsupported_media_type', 'requests that change data must send Content-Type: application/json'));
    }
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route accepts a request body without any Content-Type (MailHog clients send none). */
    untypedBody?: boolean;
  }
}
