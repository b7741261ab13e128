// Socket plumbing the line-based retrieval doors (POP3, IMAP) share: plain and implicit-TLS
// servers bound on start, a cap on connections per client address, STARTTLS on an accepted
// socket, and closing everything. The protocols themselves stay in their doors.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, TLSSocket, type SecureContext } from 'node:tls';
import type { HostPort } from '../config-values.js';

export interface LineServerOptions {
  listen: HostPort | null;
  listenTls?: HostPort | null;
  tls?: { key: string; cert: string } | null;
  maxConnectionsPerIp: number;
  /** A new connection: `secure` for the implicit-TLS port. Not called for one over the per-address cap. */
  serve(socket: Socket, secure: boolean): void;
  /** Writes the door's refusal for a connection over the per-address cap (then it is closed). */
  refuse(socket: Socket): void;
  /** A socket error (a reset, a failed handshake): every socket has this listener from the start. */
  onError(err: Error): void;
}

export interface LineServer {
  /** The TLS context for STARTTLS, or null without a certificate. */
  readonly context: SecureContext | null;
  readonly port: number | null;
  readonly tlsPort: number | null;
  readonly connections: number;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Binds `server` to `at`; resolves with the port. */
function listen(server: Server, at: HostPort): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function createLineServer(options: LineServerOptions): LineServer {
  const perIp = new Map<string, number>();
  const sockets = new Set<Socket>();
  const tls = options.tls ? { key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' as const } : null;
  const context = tls ? createSecureContext(tls) : null;
  const accept = (socket: Socket, secure: boolean) => {
    socket.on('error', options.onError);
    const ip = socket.remoteAddress ?? '';
    const count = (perIp.get(ip) ?? 0) + 1;
    perIp.set(ip, count);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
    });
    if (count > options.maxConnectionsPerIp) options.refuse(socket);
    else options.serve(socket, secure);
  };
  const server = createServer((socket) => accept(socket, false));
  const tlsServer = options.listenTls && tls ? createTlsServer(tls, (socket) => accept(socket, true)) : null;
  let port: number | null = null;
  let tlsPort: number | null = null;
  return {
    context,
    get port() {
      return port;
    },
    get tlsPort() {
      return tlsPort;
    },
    get connections() {
      return sockets.size;
    },
    async start() {
      if (options.listen) port = await listen(server, options.listen);
      if (tlsServer && options.listenTls) tlsPort = await listen(tlsServer, options.listenTls);
    },
    async close() {
      for (const s of sockets) s.destroy();
      const open = [server, tlsServer].filter((s): s is Server => s !== null && s.listening);
      await Promise.all(open.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** Starts TLS on an accepted plain socket (STARTTLS/STLS); the caller stops reading `raw` first. */
export function startTls(raw: Socket, context: SecureContext): TLSSocket {
  raw.setTimeout(0);
  return new TLSSocket(raw, { isServer: true, secureContext: context, requestCert: false });
}
