// SMTP ingest rows: messages/s and server CPU ms per message for each client shape, plus the load
// generator's own CPU so it is clear the client was not the bottleneck.

import nodemailer from 'nodemailer';
import { makeMessage, recipientOf } from './message.js';
import { cpuMs, startServerProcess, type ServerProcessOptions, type Usage } from './server-process.js';
import { runLoad } from './smtp-load.js';
import { runSmtpSource } from './smtp-source.js';
import { now } from './stats.js';

export interface IngestRow {
  name: string;
  client: string;
  messages: number;
  accepted: number;
  elapsedMs: number;
  rate: number;
  serverCpuMsPerMessage: number;
  clientCpuMsPerMessage: number;
  errors: string[];
}

export interface IngestShape {
  name: string;
  sessions: number;
  messages: number;
  bytes: number;
  newConnection: boolean;
}

/** The four raw-SMTP shapes; `scale` shrinks the counts for a quick run. */
export function ingestShapes(scale: number): IngestShape[] {
  const n = (x: number) => Math.max(200, Math.round(x * scale));
  return [
    { name: '10 sessions, reused, 2 KB', sessions: 10, messages: n(30_000), bytes: 2048, newConnection: false },
    { name: '1 session, reused, 2 KB', sessions: 1, messages: n(10_000), bytes: 2048, newConnection: false },
    { name: '10 senders, new connection each, 2 KB', sessions: 10, messages: n(10_000), bytes: 2048, newConnection: true },
    { name: '10 sessions, reused, 100 KB', sessions: 10, messages: n(5_000), bytes: 100 * 1024, newConnection: false },
  ];
}

function processCpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** A row from what was counted and the server's usage before and after. */
function rowOf(r: Pick<IngestRow, 'name' | 'client' | 'messages' | 'accepted' | 'elapsedMs' | 'errors'> & { clientCpu: number }, u0: Usage, u1: Usage): IngestRow {
  const { clientCpu, ...rest } = r;
  return {
    ...rest,
    rate: (r.accepted / r.elapsedMs) * 1000,
    serverCpuMsPerMessage: cpuMs(u0, u1) / Math.max(1, r.accepted),
    clientCpuMsPerMessage: clientCpu / Math.max(1, r.accepted),
  };
}

const WARM_UP_MESSAGES = 2000; // untimed, so the JIT has compiled the hot path before we measure

function warmUp(port: number): Promise<unknown> {
  return runLoad({ port, sessions: 10, messages: WARM_UP_MESSAGES, firstNumber: 1_000_000, message: (n) => makeMessage(n % 100, 2048), recipient: recipientOf });
}

/** One shape against a fresh server, with the lean client or smtp-source. */
export async function ingestRow(shape: IngestShape, client: { kind: 'lean' } | { kind: 'smtp-source'; bin: string }, server: ServerProcessOptions): Promise<IngestRow> {
  const s = await startServerProcess(server);
  try {
    await warmUp(s.smtpPort);
    const u0 = await s.usage();
    const base = u0.stats.received;
    let accepted: number;
    let elapsedMs: number;
    let clientCpu: number;
    let errors: string[] = [];
    if (client.kind === 'lean') {
      const cache = new Map<number, Buffer>();
      const message = (n: number) => {
        // Pre-build a small rotating set so message building does not count as client CPU.
        const k = n % 64;
        let m = cache.get(k);
        if (!m) cache.set(k, (m = makeMessage(n, shape.bytes)));
        return m;
      };
      for (let k = 0; k < 64; k++) message(k);
      const c1 = process.cpuUsage();
      const r = await runLoad({ port: s.smtpPort, sessions: shape.sessions, messages: shape.messages, newConnection: shape.newConnection, message, recipient: recipientOf });
      accepted = r.accepted;
      elapsedMs = r.elapsedMs;
      clientCpu = processCpuMs(c1);
      errors = r.errors;
    } else {
      // smtp-source's -l is the body length; its headers add about 150 bytes.
      const r = await runSmtpSource(client.bin, { port: s.smtpPort, sessions: shape.sessions, messages: shape.messages, bodyBytes: Math.max(0, shape.bytes - 150), newConnection: shape.newConnection });
      elapsedMs = r.elapsedMs;
      clientCpu = r.clientCpuMs;
      if (!r.ok) errors.push(r.output.trim().split('\n').slice(-3).join(' | '));
      accepted = (await s.usage()).stats.received - base;
    }
    return rowOf({ name: shape.name, client: client.kind, messages: shape.messages, accepted, elapsedMs, clientCpu, errors }, u0, await s.usage());
  } finally {
    await s.close();
  }
}

/** nodemailer with a pool of 10 connections, the way most Node apps send. */
export async function nodemailerPoolRow(messages: number, server: ServerProcessOptions): Promise<IngestRow> {
  const s = await startServerProcess(server);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, pool: true, maxConnections: 10, maxMessages: Infinity, secure: false, ignoreTLS: true });
  try {
    await warmUp(s.smtpPort);
    const u0 = await s.usage();
    const c0 = process.cpuUsage();
    const started = now();
    let next = 0;
    let accepted = 0;
    const errors: string[] = [];
    const IN_FLIGHT = 100; // enough queued sends to keep all 10 pooled connections busy
    const worker = async () => {
      while (next < messages) {
        const n = next++;
        try {
          await transport.sendMail({
            from: '"Bench Sender" <sender@example.test>',
            to: recipientOf(n),
            subject: `Bench message ${n}`,
            text: 'Hello from the benchmark. '.repeat(60),
            html: `<p>${'Hello from the <b>benchmark</b>. '.repeat(40)}</p>`,
          });
          accepted++;
        } catch (err) {
          if (errors.length < 5) errors.push((err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const elapsedMs = now() - started;
    const clientCpu = processCpuMs(c0);
    return rowOf({ name: 'nodemailer pool of 10, ~2.5 KB text+html', client: 'nodemailer', messages, accepted, elapsedMs, clientCpu, errors }, u0, await s.usage());
  } finally {
    transport.close();
    await s.close();
  }
}
