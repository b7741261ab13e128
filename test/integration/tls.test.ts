// STARTTLS with the operator's certificate or a generated one, and the implicit-TLS listener.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { start } from '../../server/start.js';
import { startTestServer, testTls } from '../helpers/server.js';
import nodemailer from 'nodemailer';
import { smtpTransport, queuedId } from '../helpers/mail.js';
import { detail } from '../helpers/api.js';

const ports = { smtp: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, logLevel: 'silent' } as const;

test('STARTTLS uses the certificate given by --smtp-tls-cert/--smtp-tls-key', async () => {
  const material = await testTls();
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-tls-'));
  writeFileSync(join(dir, 'cert.pem'), material.cert);
  writeFileSync(join(dir, 'key.pem'), material.key);
  const s = await start({ ...ports, smtpTlsCert: join(dir, 'cert.pem'), smtpTlsKey: join(dir, 'key.pem') }, { webRoot: null });
  try {
    const t = smtpTransport(s.smtpPort, { requireTLS: true, tls: { ca: material.cert, servername: 'mailroom.test' } });
    const info = await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'tls', text: 'x' });
    assert.equal((await detail(s.url, queuedId(info.response))).envelope.secure, true);
    const inf = (await (await fetch(`${s.url}/api/info`)).json()) as { smtp: { tlsSelfSigned: boolean } };
    assert.equal(inf.smtp.tlsSelfSigned, false);
  } finally {
    await s.close();
  }
});

test('by default STARTTLS is not offered, so a client that verifies certificates still delivers', async () => {
  const s = await start(ports, { webRoot: null });
  try {
    // nodemailer's defaults: opportunistic STARTTLS with certificate verification.
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort });
    const info = await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'plain', text: 'x' });
    assert.equal((await detail(s.url, queuedId(info.response))).envelope.secure, false);
  } finally {
    await s.close();
  }
});

test('--smtp-starttls on without a certificate generates a self-signed one', async () => {
  const s = await start({ ...ports, smtpStarttls: 'on' }, { webRoot: null });
  try {
    const t = smtpTransport(s.smtpPort, { requireTLS: true });
    const info = await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'self-signed', text: 'x' });
    assert.equal((await detail(s.url, queuedId(info.response))).envelope.secure, true);
    const inf = (await (await fetch(`${s.url}/api/info`)).json()) as { smtp: { tlsSelfSigned: boolean } };
    assert.equal(inf.smtp.tlsSelfSigned, true);
  } finally {
    await s.close();
  }
});

test('--smtps adds an implicit-TLS listener that greets inside TLS', async () => {
  const s = await startTestServer({ smtps: { host: '127.0.0.1', port: 0 } });
  try {
    assert.ok(s.smtpsPort && s.smtpsPort !== s.smtpPort);
    const greeting = await new Promise<string>((resolve, reject) => {
      const sock = tlsConnect({ host: '127.0.0.1', port: s.smtpsPort!, rejectUnauthorized: false }, () => undefined);
      sock.once('data', (d) => {
        resolve(String(d));
        sock.destroy();
      });
      sock.once('error', reject);
    });
    assert.match(greeting, /^220 /);
    const t = smtpTransport(s.smtpsPort, { secure: true });
    const info = await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'smtps', text: 'x' });
    assert.equal((await detail(s.url, queuedId(info.response))).envelope.secure, true);
  } finally {
    await s.close();
  }
});
