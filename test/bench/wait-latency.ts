// How soon a held GET /api/messages/wait answers after the SMTP 250: N rounds of "hold a wait,
// send one message on an open SMTP connection, time both the 250 and the wait response".
// Run: npm run bench:wait [-- rounds]   (prints p50/p90/p99/max in ms; asserts nothing)

import { request } from 'node:http';
import { Agent } from 'node:http';
import { startMailroom } from '../../server/in-process.js';
import { RawSmtp } from '../helpers/smtp-client.js';

const rounds = Number(process.argv[2] ?? 300);
const mr = await startMailroom();
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function waitFor(query: string, since: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${mr.url}/api/messages/wait?query=${query}&since=${since}&timeout=10s`, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now()) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const smtp = await RawSmtp.open(mr.smtpPort);
await smtp.reply();
await smtp.command('EHLO bench.local');
const after250: number[] = [];
const afterData: number[] = [];
for (let i = 0; i < rounds; i++) {
  const token = `latency${i}x`;
  const since = (await mr.client.marker());
  const waited = waitFor(token, since);
  while ((await mr.client.info()).waits !== 1) await new Promise((r) => setTimeout(r, 1)); // a 1 ms poll: the wait must be held before the clock starts
  await smtp.command('MAIL FROM:<bench@example.test>');
  await smtp.command('RCPT TO:<alice@example.test>');
  await smtp.command('DATA');
  const sent = performance.now();
  smtp.send(`Subject: ${token}\r\n\r\nhello\r\n.\r\n`);
  const reply = await smtp.reply();
  const got250 = performance.now();
  if (reply?.code !== 250) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  const answered = await waited;
  after250.push(answered - got250);
  afterData.push(answered - sent);
}
await smtp.command('QUIT').catch(() => null);
smtp.close();
agent.destroy();
await mr.close();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const row = (name: string, xs: number[]) =>
  `${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(2)}  p90 ${pct(xs, 90).toFixed(2)}  p99 ${pct(xs, 99).toFixed(2)}  max ${Math.max(...xs).toFixed(2)} ms`;
console.log(`wait latency over ${rounds} messages (negative: the wait answered before the 250 was read)`);
console.log(row('wait response after the 250', after250));
console.log(row('wait response after end of DATA', afterData));
