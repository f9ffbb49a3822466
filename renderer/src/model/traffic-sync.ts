import type { ExchangeSummary } from '../../../shared/exchange-types';
import { decodeSummarySnapshot } from '../../../shared/exchange-columns';
import type { UiClient } from '../client/ui-client';
import type { TrafficStore } from './traffic-store';

/**
 * Keeps a TrafficStore in step with the engine: events are queued into the
 * store as they arrive; on connect (and every reconnect, when events may have
 * been missed) the whole list is loaded in ONE exchanges.snapshot call (compact
 * columns: 100k rows are a few MB, where 1000-row exchanges.list pages cost 100
 * calls and ~40 MB of JSON) and replaces the rows.
 */
export async function loadAllExchanges(client: UiClient, maxRows: number): Promise<ExchangeSummary[]> {
  const snapshot = await client.call('exchanges.snapshot', { limit: maxRows });
  // Decoding 100k rows holds the main thread for a few hundred ms: tasks already queued
  // (React's chunk, compiled and waiting to run; a pending paint) go first.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return decodeSummarySnapshot(snapshot);
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
