// The faults panel's state: rules with fire counts, the rejected list, relay and webhook status.
// None of these are on the WebSocket feed, so the panel polls them while it is open (start()
// returns the stop function); every change made here refreshes at once.
import * as api from './api';
import type { FaultRule, FaultRuleInput, RejectedAttempt, RelayInfo, WebhookStatus } from './api';

const POLL_MS = 2000;
const REJECTED_PAGE = 50;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

class Faults {
  rules = $state.raw<FaultRule[]>([]);
  magicAddresses = $state(true);
  rejected = $state.raw<RejectedAttempt[]>([]);
  rejectedTotal = $state(0);
  rejectedDropped = $state(0);
  /** True while older rejected entries may exist beyond those loaded. */
  rejectedMore = $state(false);
  relay = $state.raw<RelayInfo | null>(null);
  webhooks = $state.raw<WebhookStatus | null>(null);
  loaded = $state(false);
  /** A failure the user should see (polling or an action). */
  error = $state<string | null>(null);

  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  /** Polls every POLL_MS until the returned function is called. */
  start(): () => void {
    this.#running = true;
    const tick = async () => {
      await this.refresh();
      if (this.#running) this.#timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      this.#running = false;
      clearTimeout(this.#timer);
    };
  }

  async refresh(): Promise<void> {
    try {
      const want = Math.min(1000, Math.max(REJECTED_PAGE, this.rejected.length));
      const [rules, rejected, relay, webhooks] = await Promise.all([api.listRules(), api.listRejected(want), api.getRelay(), api.getWebhooks()]);
      this.rules = rules.rules;
      this.magicAddresses = rules.magicAddresses;
      this.#setRejected(rejected, rejected.attempts);
      this.relay = relay;
      this.webhooks = webhooks;
      this.loaded = true;
      if (this.error?.startsWith('Could not refresh')) this.error = null;
    } catch (err) {
      this.error = `Could not refresh: ${message(err)}`;
    }
  }

  #setRejected(page: api.RejectedPage, attempts: RejectedAttempt[]): void {
    this.rejected = attempts;
    this.rejectedTotal = page.total;
    this.rejectedDropped = page.dropped;
    this.rejectedMore = attempts.length < page.total;
  }

  async loadOlderRejected(): Promise<void> {
    const last = this.rejected.at(-1);
    if (!last) return;
    await this.#act(async () => {
      const page = await api.listRejected(REJECTED_PAGE, last.seq);
      this.#setRejected(page, [...this.rejected, ...page.attempts]);
    });
  }

  /** Adds (id null) or replaces a rule. Returns the server's complaint, or null when saved. */
  async saveRule(id: string | null, input: FaultRuleInput): Promise<string | null> {
    try {
      if (id === null) await api.addRule(input);
      else await api.replaceRule(id, input);
    } catch (err) {
      return message(err);
    }
    await this.refresh();
    return null;
  }

  setEnabled = (id: string, enabled: boolean) => this.#act(() => api.setRuleEnabled(id, enabled));
  deleteRule = (id: string) => this.#act(() => api.deleteRule(id));
  clearRules = () => this.#act(() => api.clearRules());
  resetCounts = () => this.#act(() => api.resetRuleCounts());
  setMagic = (on: boolean) => this.#act(() => api.setMagicAddresses(on));
  clearRejected = () => this.#act(() => api.clearRejected());

  async #act(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      this.error = null;
    } catch (err) {
      this.error = message(err);
    }
    await this.refresh();
  }
}

/** The one faults state of the page. */
export const faults = new Faults();
