import type { ExchangeSummary } from '../../../shared/exchange-types';
import type { UiClient } from '../client/ui-client';
import type { TrafficStore } from './traffic-store';

/**
 * Keeps a TrafficStore in step with the engine: events are queued into the
 * store as they arrive; on connect (and every reconnect, when events may have
 * been missed) the full list is loaded page by page and replaces the rows.
 */
export const PAGE_SIZE = 1000;

export async function loadAllExchanges(client: UiClient, maxRows: number): Promise<ExchangeSummary[]> {
  const out: ExchangeSummary[] = [];
  let cursor: string | undefined;
  const maxPages = Math.ceil(maxRows / PAGE_SIZE) + 1;
  for (let page = 0; page < maxPages; page++) {
    const res = await client.call('exchanges.list', { limit: PAGE_SIZE, order: 'oldest-first', ...(cursor ? { cursor } : {}) });
    out.push(...res.items);
    if (!res.nextCursor || res.items.length === 0) break;
    cursor = res.nextCursor;
  }
  return out;
}

export function syncTraffic(client: UiClient, store: TrafficStore, maxRows: number, onError: (err: Error) => void): () => void {
  let generation = 0;
  const reload = () => {
    const mine = ++generation;
    store.hold();
    loadAllExchanges(client, maxRows).then(
      (items) => {
        if (mine === generation) store.replaceAll(items);
      },
      (err: Error) => {
        if (mine !== generation) return;
        store.replaceAll(store.getSnapshot().rows);
        onError(err);
      },
    );
  };
  const offs = [
    client.on('exchange.started', (items) => store.enqueue({ kind: 'upsert', items })),
    client.on('exchange.updated', (items) => store.enqueue({ kind: 'upsert', items })),
    client.on('exchange.finished', (items) => store.enqueue({ kind: 'upsert', items })),
    client.on('exchange.removed', (p) => store.enqueue({ kind: 'remove', ids: p.ids, ...(p.all ? { all: true } : {}) })),
    client.onConnection((connected) => {
      if (connected) reload();
    }),
  ];
  return () => {
    generation++;
    for (const off of offs) off();
  };
}
