import type { BalancePolicy } from '../../shared/config';

/** How long a target that refused a connection is skipped. */
export const DOWN_FOR_MS = 5_000;

/**
 * Health of one upstream, shared by every route that targets it. "Down" is
 * passive: set when a connection is refused, cleared by time or by a success.
 */
export class UpstreamHealth {
  /** Requests in flight (least-connections). */
  active = 0;
  downUntil = 0;
  lastError: string | undefined;
  /** Set by an active health check that failed; cleared by one that passed or when checks stop. */
  checkFailing = false;
  /** The upstream has answered a request at least once (without it, "up" only means "no failure seen"). */
  answered = false;
  /**
   * Its last request (or health check) failed. Unlike downUntil this does not wear off with time:
   * the balancer tries the target again after DOWN_FOR_MS, but it is reported down until a request
   * or a health check succeeds.
   */
  failing = false;

  isUp(now: number): boolean {
    return !this.checkFailing && now >= this.downUntil;
  }

  markDown(reason: string, now: number, forMs = DOWN_FOR_MS): void {
    this.downUntil = now + forMs;
    this.lastError = reason;
    this.failing = true;
  }

  /** A request to it was answered. */
  markUp(): void {
    this.answered = true;
    this.recovered();
  }

  /** Evidence that it works again (an answer, or a passing health check): back in rotation, not failing. */
  recovered(): void {
    this.downUntil = 0;
    this.failing = false;
  }
}

export interface BalancerMember {
  readonly health: UpstreamHealth;
  readonly weight: number;
}

/** FNV-1a over the client address plus a murmur3 finaliser (so the low bits spread): stable across restarts. */
export function hashAddress(address: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    h ^= address.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Chooses a target for each attempt of a request. `pick` considers targets that are up
 * and not yet tried; when none is left it tries the remaining down ones, the one that
 * recovers soonest first (so a single-target route always tries its target, and a dev
 * server that just started is found without waiting out the down period).
 * Returns -1 when every target has been tried.
 */
export class Balancer {
  private rr = 0;
  private readonly current: number[];

  constructor(
    readonly policy: BalancePolicy,
    private readonly members: readonly BalancerMember[],
  ) {
    this.current = members.map(() => 0);
  }

  get size(): number {
    return this.members.length;
  }

  pick(clientAddress: string, tried?: ReadonlySet<number>, now = Date.now()): number {
    const n = this.members.length;
    if (n === 0) return -1;
    const eligible = (i: number) => !tried?.has(i) && this.members[i]!.health.isUp(now);
    if (n === 1) return tried?.has(0) ? -1 : 0;
    let chosen = -1;
    switch (this.policy) {
      case 'least-connections':
        chosen = this.leastConnections(eligible);
        break;
      case 'ip-hash':
        chosen = this.probe(hashAddress(clientAddress) % n, eligible);
        break;
      case 'weighted':
        chosen = this.smoothWeighted(eligible);
        break;
      default:
        chosen = this.probe(this.rr++ % n, eligible);
        if (this.rr >= 0x3fffffff) this.rr = 0;
    }
    if (chosen >= 0) return chosen;
    // Nothing up and untried: the down ones, soonest recovery first.
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (tried?.has(i)) continue;
      if (best < 0 || this.members[i]!.health.downUntil < this.members[best]!.health.downUntil) best = i;
    }
    return best;
  }

  private probe(start: number, eligible: (i: number) => boolean): number {
    const n = this.members.length;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (eligible(i)) return i;
    }
    return -1;
  }

  private leastConnections(eligible: (i: number) => boolean): number {
    const n = this.members.length;
    const start = this.rr++ % n; // rotate among ties
    let best = -1;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (!eligible(i)) continue;
      if (best < 0 || this.members[i]!.health.active < this.members[best]!.health.active) best = i;
    }
    return best;
  }

  /** nginx's smooth weighted round-robin: a,a,b for weights 2,1 comes out a,b,a. */
  private smoothWeighted(eligible: (i: number) => boolean): number {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.members.length; i++) {
      if (!eligible(i)) continue;
      const w = this.members[i]!.weight;
      this.current[i]! += w;
      total += w;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best >= 0) this.current[best]! -= total;
    return best;
  }
}
