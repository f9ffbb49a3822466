export interface Destroyable {
  destroy(): void;
  /** When present, the entry removes itself on 'close'. */
  once?(event: 'close', listener: () => void): unknown;
}

/**
 * Live upgraded connections (WebSocket tunnels) by route id, so that disabling
 * or removing a route closes them.
 */
export class UpgradeTracker {
  private readonly byRoute = new Map<string, Set<Destroyable>>();

  /** Registers a tunnel; returns the function that unregisters it. */
  track(routeId: string, item: Destroyable): () => void {
    let set = this.byRoute.get(routeId);
    if (!set) {
      set = new Set();
      this.byRoute.set(routeId, set);
    }
    set.add(item);
    const untrack = () => {
      const s = this.byRoute.get(routeId);
      if (!s) return;
      s.delete(item);
      if (s.size === 0) this.byRoute.delete(routeId);
    };
    if (typeof item.once === 'function') item.once('close', untrack);
    return untrack;
  }

  /** Destroys the tunnels of every route for which `keep` says no; returns how many. */
  closeUnless(keep: (routeId: string) => boolean): number {
    let closed = 0;
    for (const [routeId, set] of [...this.byRoute]) {
      if (keep(routeId)) continue;
      this.byRoute.delete(routeId);
      for (const item of set) {
        closed++;
        try {
          item.destroy();
        } catch {
          // Already gone.
        }
      }
    }
    return closed;
  }

  closeAll(): number {
    return this.closeUnless(() => false);
  }

  count(routeId?: string): number {
    if (routeId !== undefined) return this.byRoute.get(routeId)?.size ?? 0;
    let n = 0;
    for (const s of this.byRoute.values()) n += s.size;
    return n;
  }
}
