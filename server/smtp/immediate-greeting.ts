// smtp-server with two departures from its defaults that no option controls:
//
// 1. Greeting without delay. SMTPConnection.init() waits a hard-coded 100 ms before the 220
//    greeting (early-talker detection). Apps that open a connection per message are then capped
//    near 10 messages/s per sender and every end-to-end test send pays 100 ms. We construct the
//    connection ourselves and run the same steps as init() without the timer. A client that
//    still talks before the greeting is answered "421 You talk too soon" by smtp-server itself.
//    test/integration/smtp-greeting.test.ts fails if the delay comes back.
// 2. An absolute session deadline. smtp-server only has an idle timeout, which every received
//    byte re-arms, so a client trickling one byte at a time would hold a connection forever.
//
// Both lean on SMTPConnection methods that smtp-server's own type declarations expose
// (_setListeners, connectionReady, send, close); the greeting test guards against drift.

import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/** RFC 3463 enhanced status code at the start of a reply text. */
const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

export interface MailroomSmtpOptions extends SMTPServerOptions {
  /** Absolute limit on one connection's life, in ms. */
  sessionTimeout: number;
  /** Called with each new connection before it greets (transcripts, EHLO hook: see session-tap.ts). */
  onConnection?: (connection: SMTPConnection, socket: Socket) => void;
}

/**
 * Holds a socket's writes until the end of this turn of the event loop, so the replies to a
 * pipelined group (RFC 2920: MAIL, RCPT..., DATA; or a message's 250 and the next envelope's
 * replies) leave in one write instead of one syscall each. Socket writes were ~20% of ingest CPU
 * (each loopback send also runs the receiver's TCP path). Flushing at the end of the tick still
 * sent a message's 250 (written after the async store step) apart from the replies to the
 * commands pipelined behind it; flushing in setImmediate joins them: 10 sessions x 2 KB went
 * 4,174 -> 5,667 msg/s and server CPU per message 0.30 -> 0.22 ms (npm run bench -- --only ingest).
 * The cost is at most one loop turn of latency per reply; end() flushes whatever is held.
 */
function coalesce(socket: Socket | undefined): void {
  if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  setImmediate(() => socket.uncork());
}

/** SMTPServer that greets at once and enforces an absolute per-connection deadline. */
export class MailroomSMTPServer extends SMTPServer {
  readonly #sessionTimeout: number;
  readonly #onConnection: MailroomSmtpOptions['onConnection'];

  constructor(options: MailroomSmtpOptions) {
    const { sessionTimeout, onConnection, ...rest } = options;
    super(rest);
    this.#sessionTimeout = sessionTimeout;
    this.#onConnection = onConnection;
  }

  override connect(socket: Socket, socketOptions: ConstructorParameters<typeof SMTPConnection>[2]): void {
    const connection = new SMTPConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data: Parameters<SMTPServer['_onClientConnect']>[0]) => this._onClientConnect(data));
    // First, so it wraps the raw send() and records replies exactly as written.
    this.#onConnection?.(connection, socket);

    // RFC 5321 says a successful DATA is "250 2.0.0"-style like Postfix's "Ok: queued as";
    // smtp-server labels it 2.6.0 (a media-conversion code), so use the generic success code.
    // A reply text that already starts with an enhanced code (our hooks' "4.3.1 ...") keeps it
    // instead of getting smtp-server's generic one in front ("451 4.3.0 4.3.1 ...").
    const send = connection.send.bind(connection);
    connection.send = (code, data, context) => {
      if (code === 250 || code === 354) coalesce((connection as unknown as { _socket?: Socket })._socket);
      if (code === 250 && context === 'DATA_OK') return send(code, data, undefined);
      if (typeof data === 'string' && ENHANCED_CODE.test(data)) return send(code, data, false);
      return send(code, data, context);
    };

    const deadline = setTimeout(() => {
      connection.send(421, 'Error: session time limit exceeded, closing connection');
    }, this.#sessionTimeout);
    deadline.unref();
    socket.once('close', () => clearTimeout(deadline));

    const maxClients = this.options.maxClients;
    connection._setListeners(() => {
      if (maxClients && this.connections.size > maxClients) {
        connection.send(421, `4.7.0 ${connection.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      connection.connectionReady();
    });
  }
}
