// Greeting latency: TCP connect started -> 220 line received, on fresh connections, one at a time.

import { connect } from 'node:net';
import { now, percentile } from './stats.js';

function greetOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = now();
    const s = connect(port, '127.0.0.1');
    const timer = setTimeout(() => { // a deadline, not a wait
      s.destroy();
      reject(new Error('no greeting within 5 s'));
    }, 5000);
    s.once('data', (d: Buffer) => {
      const at = now();
      clearTimeout(timer);
      s.end('QUIT\r\n');
      s.destroy();
      if (!d.toString('latin1').startsWith('220')) reject(new Error(`unexpected greeting ${d.toString('latin1').slice(0, 60)}`));
      else resolve(at - t);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function greetingLatency(port: number, count: number): Promise<{ n: number; p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await greetOnce(port));
  return { n: times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
}
