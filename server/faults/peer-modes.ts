// Mailpit's chaos triggers and MailHog's Jim, expressed as ordinary rules in the FaultController,
// so the compat routes (/api/v1/chaos, /api/v2/jim) do real work and their rules show up (with
// fire counts) in /api/faults/rules like any other. Rule ids: mailpit-chaos-*, jim-*.
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- parameters carry the shape rule input should have, but the values are untrusted JSON (API, files, flags): every check is real */

import type { FaultController } from './controller.js';
import { RuleError, type FaultRuleInput, type Stage } from './rules.js';

/** One Mailpit chaos trigger: reply code (400-599) and probability in percent (0-100). */
export interface ChaosTrigger {
  ErrorCode: number;
  Probability: number;
}

/** Mailpit's GET/PUT /api/v1/chaos body. */
export interface MailpitChaos {
  Sender: ChaosTrigger;
  Recipient: ChaosTrigger;
  Authentication: ChaosTrigger;
}

/** MailHog's Jim settings (chances are 0..1, link speeds in bytes/s). */
export interface JimConfig {
  DisconnectChance: number;
  AcceptChance: number;
  LinkSpeedAffect: number;
  LinkSpeedMin: number;
  LinkSpeedMax: number;
  RejectSenderChance: number;
  RejectRecipientChance: number;
  RejectAuthChance: number;
}

/** MailHog's defaults (monkey/jim.go). */
export const JIM_DEFAULTS: JimConfig = {
  DisconnectChance: 0.005,
  AcceptChance: 0.99,
  LinkSpeedAffect: 0.1,
  LinkSpeedMin: 1024,
  LinkSpeedMax: 10240,
  RejectSenderChance: 0.05,
  RejectRecipientChance: 0.05,
  RejectAuthChance: 0.05,
};

const CHAOS: Array<{ key: keyof MailpitChaos; stage: Stage; code: number; text: string }> = [
  { key: 'Sender', stage: 'mail', code: 451, text: 'Chaos sender error' },
  { key: 'Recipient', stage: 'rcpt', code: 451, text: 'Chaos recipient error' },
  { key: 'Authentication', stage: 'auth', code: 535, text: 'Chaos authentication error' },
];
const CHAOS_PREFIX = 'mailpit-chaos-';
const JIM_PREFIX = 'jim-';

/** Chaos and Jim on top of a FaultController. */
export interface PeerModes {
  /** The current triggers (defaults with 0 % when never set). */
  getChaos(): MailpitChaos;
  /** Replaces the triggers; omitted ones reset to the default code at 0 %. Throws RuleError on bad values. */
  setChaos(triggers: Partial<Record<keyof MailpitChaos, Partial<ChaosTrigger>>>): MailpitChaos;
  /** Jim's settings, or null when Jim is off. */
  getJim(): JimConfig | null;
  /** Turns Jim on (or replaces its settings) with the defaults overridden by `config`. Throws RuleError on bad values. */
  enableJim(config?: Partial<JimConfig>): JimConfig;
  /** Turns Jim off; false when it was already off. */
  disableJim(): boolean;
}

function chance(v: unknown, field: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RuleError(`${field} must be a number from 0 to 1`);
  return v;
}

/** Builds the chaos/Jim mapping over `faults`. */
export function createPeerModes(faults: FaultController): PeerModes {
  let jim: JimConfig | null = null;

  const modes: PeerModes = {
    getChaos() {
      const out = {} as MailpitChaos;
      for (const c of CHAOS) {
        const rule = faults.get(CHAOS_PREFIX + c.key.toLowerCase());
        const action = rule?.action;
        const probability = rule?.when.mode === 'probability' && rule.enabled ? rule.when.probability : 0;
        out[c.key] = {
          ErrorCode: action && (action.type === 'reject' || action.type === 'tempfail') ? action.code : c.code,
          Probability: Math.round(probability * 10000) / 100,
        };
      }
      return out;
    },
    setChaos(triggers) {
      const rules: FaultRuleInput[] = [];
      for (const c of CHAOS) {
        const t = triggers?.[c.key] ?? {};
        const code = t.ErrorCode ?? c.code;
        const pct = t.Probability ?? 0;
        if (!Number.isInteger(code) || code < 400 || code > 599) throw new RuleError(`${c.key}.ErrorCode must be 400-599`);
        if (typeof pct !== 'number' || !(pct >= 0 && pct <= 100)) throw new RuleError(`${c.key}.Probability must be 0-100`);
        rules.push({
          id: CHAOS_PREFIX + c.key.toLowerCase(),
          name: `Mailpit chaos: ${c.key}`,
          enabled: pct > 0, // kept (disabled) at 0 % so the code is remembered
          stage: c.stage,
          when: { mode: 'probability', probability: pct / 100 },
          action: { type: code >= 500 ? 'reject' : 'tempfail', code, text: c.text },
        });
      }
      faults.clear(CHAOS_PREFIX);
      for (const r of rules) faults.add(r);
      return modes.getChaos();
    },
    getJim: () => (jim ? { ...jim } : null),
    enableJim(config = {}) {
      const c: JimConfig = { ...JIM_DEFAULTS, ...config };
      for (const key of ['DisconnectChance', 'AcceptChance', 'LinkSpeedAffect', 'RejectSenderChance', 'RejectRecipientChance', 'RejectAuthChance'] as const) chance(c[key], key);
      for (const key of ['LinkSpeedMin', 'LinkSpeedMax'] as const) {
        if (!Number.isInteger(c[key]) || c[key] < 1) throw new RuleError(`${key} must be a whole number of bytes per second, at least 1`);
      }
      if (c.LinkSpeedMax < c.LinkSpeedMin) throw new RuleError('LinkSpeedMax must be at least LinkSpeedMin');
      const p = (probability: number) => ({ mode: 'probability' as const, probability });
      const rules: FaultRuleInput[] = [
        { id: 'jim-accept', name: 'Jim: refuse connection', stage: 'connect', when: p(1 - c.AcceptChance), action: { type: 'disconnect' } },
        { id: 'jim-linkspeed', name: 'Jim: slow link', stage: 'connect', when: p(c.LinkSpeedAffect), action: { type: 'slow', bytesPerSecond: c.LinkSpeedMin, maxBytesPerSecond: c.LinkSpeedMax } },
        ...(['ehlo', 'auth', 'mail', 'rcpt', 'data'] as const).map((stage): FaultRuleInput => ({
          id: `jim-disconnect-${stage}`,
          name: `Jim: disconnect at ${stage}`,
          stage,
          when: p(c.DisconnectChance),
          action: { type: 'disconnect' },
        })),
        { id: 'jim-reject-sender', name: 'Jim: reject sender', stage: 'mail', when: p(c.RejectSenderChance), action: { type: 'reject', code: 550, text: 'Invalid sender <{from}>' } },
        { id: 'jim-reject-recipient', name: 'Jim: reject recipient', stage: 'rcpt', when: p(c.RejectRecipientChance), action: { type: 'reject', code: 550, text: 'Invalid recipient <{to}>' } },
        { id: 'jim-reject-auth', name: 'Jim: reject auth', stage: 'auth', when: p(c.RejectAuthChance), action: { type: 'reject', code: 500, text: 'Unrecognised command' } },
      ];
      faults.clear(JIM_PREFIX);
      for (const r of rules) faults.add(r);
      jim = c;
      return { ...c };
    },
    disableJim() {
      const was = jim !== null;
      faults.clear(JIM_PREFIX);
      jim = null;
      return was;
    },
  };
  return modes;
}
