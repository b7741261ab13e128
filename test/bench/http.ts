// A keep-alive HTTP GET for latency measurements (node:http, no fetch overhead).

import { Agent, request } from 'node:http';

export interface HttpResult {
  status: number;
  body: Buffer;
}

export function createGetter(base: string): { get(path: string, timeoutMs?: number): Promise<HttpResult>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const url = new URL(base);
  return {
    get(path, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path, agent, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}
