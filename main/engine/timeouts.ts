import { DEFAULT_TIMEOUTS_MS, parseDuration, type TimeoutsConfig } from '../../shared/config';

export type Timeouts = { readonly [K in keyof typeof DEFAULT_TIMEOUTS_MS]: number };

/** config.timeouts with defaults filled in, all in milliseconds (0 disables where Node/undici allow). */
export function resolveTimeouts(config: TimeoutsConfig | undefined): Timeouts {
  const pick = (key: keyof typeof DEFAULT_TIMEOUTS_MS): number => {
    const raw = config?.[key];
    const ms = raw === undefined ? undefined : parseDuration(raw);
    return ms ?? DEFAULT_TIMEOUTS_MS[key];
  };
  return Object.freeze({
    requestHeaders: pick('requestHeaders'),
    keepAlive: pick('keepAlive'),
    upstreamConnect: pick('upstreamConnect'),
    upstreamHeaders: pick('upstreamHeaders'),
    upstreamBody: pick('upstreamBody'),
    clientBody: pick('clientBody'),
  });
}
