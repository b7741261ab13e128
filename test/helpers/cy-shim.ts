// A small stand-in for Cypress's `cy` and `Cypress` globals, enough to run the real
// cypress-mailpit and cypress-mailhog command code in node:test against a live server
// (the Cypress binary cannot be installed here). Chains are promise-backed and awaitable;
// `.should()` assertions feed cy.verifyUpcomingAssertions so retrying commands really retry.

import { AsyncLocalStorage } from 'node:async_hooks';
import assert from 'node:assert/strict';

type Assertion = (value: unknown) => void;
type AnyFn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The assertions `.should()` attached to the command now running (for verifyUpcomingAssertions). */
const current = new AsyncLocalStorage<{ assertions: Assertion[] }>();
/** The last chain constructed: a command body that returns nothing yields its last command. */
let lastCreated: Chain | null = null;

function tracked(fn: () => unknown): { result: unknown; created: Chain | null } {
  lastCreated = null;
  const result = fn();
  return { result, created: lastCreated };
}

/** What a callback's return value means in Cypress: a chain is adopted, undefined keeps the subject. */
function adopt(result: unknown, created: Chain | null, subject: unknown): unknown {
  if (result instanceof Chain) return result.promise;
  if (result === undefined) return created ? created.promise : subject;
  return result;
}

function chainer(name: string, args: unknown[]): Assertion {
  const negate = name.startsWith('not.');
  const key = name.replace(/^not\./, '').replace(/^(to\.|be\.)?/, '');
  const check = (v: unknown): boolean => {
    const length = (v as { length?: number } | null)?.length;
    switch (key) {
      case 'have.length':
        return length === args[0];
      case 'have.length.greaterThan':
        return typeof length === 'number' && length > (args[0] as number);
      case 'eq':
      case 'equal':
        return v === args[0];
      case 'deep.equal':
        return JSON.stringify(v) === JSON.stringify(args[0]);
      case 'include':
        return typeof v === 'string' || Array.isArray(v) ? (v as string | unknown[]).includes(args[0] as never) : false;
      case 'true':
        return v === true;
      case 'false':
        return v === false;
      default:
        throw new Error(`cy shim: unsupported assertion ${name}`);
    }
  };
  return (v) => assert.ok(check(v) !== negate, `expected ${(JSON.stringify(v) as string | undefined)?.slice(0, 200)} to ${name} ${JSON.stringify(args)}`);
}

/** A Cypress chainable: awaitable, with then/its/should and the registered child commands. */
export class Chain<T = unknown> {
  readonly assertions: Assertion[] = [];
  readonly promise: Promise<T>;
  [command: string]: unknown;

  constructor(source: PromiseLike<T> | T) {
    this.promise = Promise.resolve(source).then((v) => {
      for (const a of this.assertions) a(v);
      return v;
    });
    this.promise.catch(() => {}); // whoever awaits the chain sees the error
    lastCreated = this; // eslint-disable-line @typescript-eslint/no-this-alias -- cy.wrap() hands the newest chain to the next command
  }

  then(onFulfilled?: AnyFn, onRejected?: AnyFn): Chain {
    return new Chain(
      this.promise.then(
        (v) => {
          if (!onFulfilled) return v;
          const { result, created } = tracked(() => onFulfilled(v));
          return adopt(result, created, v);
        },
        onRejected,
      ),
    );
  }

  its(key: string): Chain {
    return new Chain(this.promise.then((v) => (v as Record<string, unknown>)[key]));
  }

  should(assertion: string | Assertion, ...args: unknown[]): this {
    this.assertions.push(typeof assertion === 'function' ? assertion : chainer(assertion, args));
    return this;
  }
}

function runCommand(fn: AnyFn, args: Promise<unknown[]>): Chain {
  let resolveOuter!: (v: unknown) => void;
  const outer = new Chain(new Promise((r) => (resolveOuter = r)));
  const ctx = { assertions: outer.assertions };
  resolveOuter(
    args.then((list) =>
      current.run(ctx, () => {
        const { result, created } = tracked(() => fn(...list));
        return adopt(result, created, undefined);
      }),
    ),
  );
  lastCreated = outer;
  return outer;
}

export interface RecordedRequest {
  method: string;
  url: string;
  status: number;
}

export interface ShimOptions {
  env?: Record<string, unknown>;
  expose?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms)); // cypress-mailhog's own retry interval, replayed

/** Installs fresh `Cypress` and `cy` globals; returns them plus the log of HTTP requests made. */
export function installShim(options: ShimOptions = {}) {
  const requests: RecordedRequest[] = [];
  const settings = { env: { ...options.env }, expose: { ...options.expose }, config: { defaultCommandTimeout: 4000, ...options.config } };

  async function request(opts: Record<string, any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const url = new URL(opts.url as string);
    for (const [k, v] of Object.entries((opts.qs ?? {}) as Record<string, unknown>)) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const auth = opts.auth as { user?: string; pass?: string } | string | undefined;
    if (auth && typeof auth === 'object' && auth.user) headers.authorization = 'Basic ' + Buffer.from(`${auth.user}:${auth.pass ?? ''}`).toString('base64');
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      if (typeof opts.body !== 'string') headers['content-type'] ??= 'application/json';
    }
    const method = ((opts.method as string | undefined) ?? 'GET').toUpperCase();
    const res = await fetch(url, { method, headers, body, redirect: opts.followRedirect === false ? 'manual' : 'follow' });
    const text = await res.text();
    requests.push({ method, url: opts.url as string, status: res.status });
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text ? JSON.parse(text) : text;
    if (opts.failOnStatusCode !== false && (res.status < 200 || res.status >= 300)) {
      throw new Error(`cy.request() failed: ${res.status} ${method} ${url}: ${text.slice(0, 200)}`);
    }
    return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers) };
  }

  const cy: Record<string, AnyFn> = {
    request: (opts) => new Chain(request(opts)),
    wrap: (v) => new Chain(v),
    wait: (ms: number) => new Chain(delay(ms)),
    env: (keys: string[]) => new Chain(Object.fromEntries(keys.map((k) => [k, settings.env[k]]))),
    log: () => new Chain(undefined),
    verifyUpcomingAssertions: (value, _options, { onRetry }: { onRetry: () => unknown }) => {
      const assertions = current.getStore()?.assertions ?? [];
      try {
        for (const a of assertions) a(value);
        return new Chain(value);
      } catch {
        return new Chain(
          delay(50).then(() => {
            const r = onRetry();
            return r instanceof Chain ? r.promise : r;
          }),
        );
      }
    },
  };

  const Cypress = {
    env: (k?: string) => (k === undefined ? settings.env : settings.env[k]),
    expose: (k: string) => settings.expose[k],
    config: (k: string) => (settings.config as Record<string, unknown>)[k],
    Commands: {
      add(name: string, optsOrFn: { prevSubject?: boolean } | AnyFn, maybeFn?: AnyFn) {
        const fn = (typeof optsOrFn === 'function' ? optsOrFn : maybeFn)!;
        const prevSubject = typeof optsOrFn === 'object' && optsOrFn.prevSubject;
        if (prevSubject) {
          Chain.prototype[name] = function (this: Chain, ...args: unknown[]) {
            return runCommand(fn, this.promise.then((subject) => [subject, ...args]));
          };
        } else {
          cy[name] = (...args: unknown[]) => runCommand(fn, Promise.resolve(args));
        }
      },
    },
  };

  Object.assign(globalThis, { cy, Cypress });
  return { cy, Cypress, requests, settings };
}

/** Awaits a chain (or any value) the way a Cypress test would consume its subject. */
export async function run<T = any>(chain: unknown): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (chain instanceof Chain ? await chain.promise : await chain) as T;
}
