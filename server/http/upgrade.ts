// Routes HTTP upgrade requests (WebSockets) by path, after the same Host check as HTTP and an
// Origin check (cross-site WebSocket hijacking). Unknown paths and refusals get a plain HTTP
// error and the socket is closed.

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isHostAllowed, isOriginAllowed } from './security.js';
import { AUTH_CHALLENGE } from './auth.js';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const STATUS: Record<number, [string, string]> = { 401: ['Unauthorized', 'unauthorized'], 403: ['Forbidden', 'forbidden'], 404: ['Not Found', 'not_found'], 503: ['Service Unavailable', 'too_many_clients'] };

function refuse(socket: Duplex, status: number, reason: string): void {
  const [text, code] = STATUS[status]!;
  const body = JSON.stringify({ error: { code, message: reason } });
  const challenge = status === 401 ? `WWW-Authenticate: ${AUTH_CHALLENGE}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${challenge}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Attaches one 'upgrade' listener that dispatches to handlers by exact path. */
export function routeUpgrades(
  server: Server,
  handlers: ReadonlyMap<string, UpgradeHandler>,
  allowedHosts: readonly string[],
  authorize?: ((request: IncomingMessage) => Promise<boolean>) | null,
  /** At most `max` open feed sockets over all paths (`open()` counts them); beyond, 503. */
  limit?: { max: number; open: () => number },
): void {
  // Checked last, right before the handshake (which completes synchronously), so the count is exact.
  const accept = (handler: UpgradeHandler, request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (limit && limit.open() >= limit.max) return refuse(socket, 503, `too many WebSocket clients (${limit.max}, --max-feed-clients); try again later`);
    handler(request, socket, head);
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/{2,}/g, '/');
    const handler = handlers.get(path);
    if (!handler) return refuse(socket, 404, `no WebSocket endpoint at ${path}`);
    if (!isHostAllowed(request.headers.host, allowedHosts)) return refuse(socket, 403, 'Host not allowed');
    if (!isOriginAllowed(request.headers.origin, request.headers.host)) return refuse(socket, 403, 'Origin not allowed');
    if (!authorize) return accept(handler, request, socket, head);
    authorize(request).then(
      (ok) => (ok ? accept(handler, request, socket, head) : refuse(socket, 401, 'authentication required')),
      () => refuse(socket, 401, 'authentication required'),
    );
  });
}
