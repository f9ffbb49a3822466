import type { ExchangeStart } from '../../main/engine/exchange-observer';

/** A plausible ExchangeStart for recorder unit tests (no sockets). */
export function exchangeStart(overrides: Partial<ExchangeStart> = {}): ExchangeStart {
  return {
    startedAt: Date.now(),
    clientAddress: '127.0.0.1',
    clientPort: 50000,
    httpVersion: '1.1',
    scheme: 'http',
    method: 'GET',
    host: 'app.test',
    url: '/',
    requestHeaders: [['Host', 'app.test']],
    ...overrides,
  };
}
