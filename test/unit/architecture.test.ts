// The rules of direction from the design (docs/architecture.md), read from the import statements
// of server/: front doors reach mail only through the use-case layer (server/app/), never the
// store, and never each other; mail/ imports no other part; app/ imports no front door.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server');
/** Folders of server/ that are front doors: protocols and the CLI. Future doors join this list. */
const DOORS = ['http', 'smtp', 'cli', 'pop3', 'imap', 'mcp', 'maildev'];

interface Import {
  /** The importing file, relative to server/. */
  from: string;
  /** The imported file, relative to server/ (only imports of server code are listed). */
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every static, re-export and dynamic import (type-only ones too: they couple as much). */
export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) specifiers.push(m[1]!);
  return specifiers;
}

function serverImports(): Import[] {
  const out: Import[] = [];
  for (const file of sourceFiles(SERVER)) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const to = relative(SERVER, join(dirname(file), spec));
      if (to.startsWith('..')) continue;
      out.push({ from: relative(SERVER, file), to });
    }
  }
  return out;
}

const part = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');
const imports = serverImports();
const show = (list: Import[]) => list.map((i) => `${i.from} imports ${i.to}`);

test('the import reader sees every form of import', () => {
  const source = ["import a from './a.js';", "import type { B } from '../b.js';", "export { c } from './c.js';", "import './d.js';", "type E = import('./e.js').E;", "import {\n  f,\n} from './f.js';"].join('\n');
  assert.deepEqual(importsOf(source).sort(), ['../b.js', './a.js', './c.js', './d.js', './e.js', './f.js']);
  assert.ok(imports.length > 100, `found only ${imports.length} imports under server/`);
});

test('no front door imports server/store/: they go through server/app/', () => {
  assert.deepEqual(show(imports.filter((i) => DOORS.includes(part(i.from)) && part(i.to) === 'store')), []);
});

test('no front door imports another', () => {
  assert.deepEqual(show(imports.filter((i) => DOORS.includes(part(i.from)) && DOORS.includes(part(i.to)) && part(i.from) !== part(i.to))), []);
});

test('only the config loader reads process.env: every other part gets typed values', () => {
  const readers = sourceFiles(SERVER).filter((f) => /\bprocess\.env\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SERVER, f));
  assert.deepEqual(readers, ['config.ts']);
});

test('the use-case layer imports no front door, and mail/ imports no other part', () => {
  assert.deepEqual(show(imports.filter((i) => part(i.from) === 'app' && DOORS.includes(part(i.to)))), []);
  assert.deepEqual(show(imports.filter((i) => part(i.from) === 'mail' && part(i.to) !== 'mail')), []);
});

/** Each third-party library of the fixed stack sits behind one adapter file (DESIGN.md). */
const ADAPTERS: Record<string, string> = { 'smtp-server': 'smtp/adapter.ts', mailparser: 'mail/parse.ts', ws: 'events/ws-feed.ts' };

test('each library of the stack is imported by exactly its one adapter file', () => {
  for (const [library, adapter] of Object.entries(ADAPTERS)) {
    const importers = sourceFiles(SERVER)
      .filter((f) => importsOf(readFileSync(f, 'utf8')).some((spec) => spec === library || spec.startsWith(`${library}/`)))
      .map((f) => relative(SERVER, f));
    assert.deepEqual(importers, [adapter], `${library} is imported by ${importers.join(', ')}`);
  }
});

test('docs/architecture.md names every step of the SMTP pipeline', async () => {
  const { PIPELINE_STEPS } = await import('../../server/smtp/pipeline.js');
  const doc = readFileSync(join(SERVER, '..', 'docs', 'architecture.md'), 'utf8');
  const missing = Object.entries(PIPELINE_STEPS).flatMap(([point, steps]) => steps.filter((step) => !doc.includes(`\`${step}\``)).map((step) => `${point}: ${step}`));
  assert.deepEqual(missing, []);
});

test('one MIME parser interface: only mail/parse.ts reaches the fast path', () => {
  const fast = imports.filter((i) => i.to === 'mail/quick-view.js' || i.to === 'mail/quick-parts.js').filter((i) => !i.from.startsWith('mail/quick-'));
  assert.deepEqual(show(fast), ['mail/parse.ts imports mail/quick-view.js']);
});
