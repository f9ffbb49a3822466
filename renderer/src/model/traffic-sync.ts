import { SnapshotRows } from '../../../shared/exchange-columns';
import type { UiClient } from '../client/ui-client';
import type { TrafficStore } from './traffic-store';

/**
 * Keeps a TrafficStore in step with the engine: events are queued into the
 * store as they arrive; on connect (and every reconnect, when events may have
 * been missed) the whole list is loaded in ONE exchanges.snapshot call (compact
 * columns: 100k rows are a few MB, where 1000-row exchanges.list pages cost 100
 * calls and ~40 MB of JSON) and replaces the rows.
 */
export async function loadAllExchanges(client: UiClient, maxRows: number): Promise<SnapshotRows> {
  const snapshot = await client.call('exchanges.snapshot', { limit: maxRows });
  return new SnapshotRows(snapshot);
}

/**
 * How long one slice of decoding may hold the page's thread. Decoding 100k rows
 * at once takes 200–300 ms: the list is shown as soon as the rows on screen are
 * decoded (SnapshotRows decodes a block when one of its rows is read), and the
 * rest is decoded in slices between frames.
 */
const DECODE_SLICE_MS = 8;

interface PostTaskScheduler {
  postTask(callback: () => void, options: { priority: 'background' }): Promise<void>;
}

/**
 * Resolves in a task of its own at background priority: after rendering, input
 * and whatever the page is still loading (React's chunk may arrive after the
 * snapshot). Without scheduler.postTask (Chromium has it; Node has not), a
 * MessageChannel task, which a nested setTimeout(0) would clamp to 4 ms.
 */
function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<PostTaskScheduler> }).scheduler;
  if (typeof scheduler?.postTask === 'function') return scheduler.postTask(() => undefined, { priority: 'background' });
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export function syncTraffic(
  client: UiClient,
  store: TrafficStore,
  maxRows: number,
  onError: (err: Error) => void,
  yieldToPage: () => Promise<void> = nextTask,
): () => void {
  let generation = 0;
  const reload = () => {
    const mine = ++generation;
    store.hold();
    loadAllExchanges(client, maxRows)
      .then(async (rows) => {
        if (mine !== generation) return;
        store.showLoaded(rows);
        await yieldToPage(); // the first render reads (and decodes) only the rows on screen
        while (mine === generation && !rows.decodeSome(DECODE_SLICE_MS)) await yieldToPage();
        if (mine === generation) store.replaceAll(rows.toArray());
      })
      .catch((err: Error) => {
        if (mine !== generation) return;
        store.cancelLoad();
        onError(err);
      });
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
