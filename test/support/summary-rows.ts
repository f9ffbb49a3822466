import type { ExchangeSummary } from '../../shared/exchange-types';

/** A pending summary for seq (id "e<seq>", url "/<seq>"), with `over` laid on top. */
export function pendingSummary(seq: number, over: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return {
    id: `e${seq}`,
    seq,
    source: 'proxy',
    state: 'pending',
    startedAt: 1000 + seq,
    clientAddress: '127.0.0.1',
    clientPort: 5000,
    scheme: 'http',
    httpVersion: '1.1',
    method: 'GET',
    host: 'app.test',
    url: `/${seq}`,
    requestSize: 0,
    responseSize: 0,
    websocket: false,
    ...over,
  };
}
