// Opt-in HTTP Basic authentication for the inbox, the API and the WebSocket feed. Health routes
// stay open so orchestrators can probe them. Off unless users are configured.

import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

/** Checks a user name and password (bcrypt/htpasswd or inline users; see server/auth). */
export type VerifyCredentials = (user: string, password: string) => Promise<boolean>;

/** The challenge every 401 carries. */
export const AUTH_CHALLENGE = 'Basic realm="Mailroom", charset="UTF-8"';

/** Routes a probe may reach without credentials. */
const OPEN_PATHS = new Set(['/livez', '/readyz']);

/** Whether an Authorization header carries valid Basic credentials. */
export async function isAuthorized(header: string | undefined, verify: VerifyCredentials): Promise<boolean> {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return false;
  return verify(decoded.slice(0, colon), decoded.slice(colon + 1));
}

/** For the upgrade path: the same check on a raw request. */
export function upgradeAuthorizer(verify: VerifyCredentials): (request: IncomingMessage) => Promise<boolean> {
  return (request) => isAuthorized(request.headers.authorization, verify);
}

/** Requires credentials on every route except health; registered after the Host guard. */
export function installAuth(app: FastifyInstance, verify: VerifyCredentials | null): void {
  if (!verify) return;
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url.split('?')[0]!)) return;
    if (await isAuthorized(request.headers.authorization, verify)) return;
    return reply
      .code(401)
      .header('WWW-Authenticate', AUTH_CHALLENGE)
      .header('Cache-Control', 'no-store')
      .send(errorBody('unauthorized', 'authentication required'));
  });
}
