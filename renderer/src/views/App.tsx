import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { RouteView } from '../../../shared/api-contract';
import type { CodedError } from '../../../shared/http-types';
import type { TrafficSession } from '../model/traffic-session';
import { CaView } from './ca/CaView';
import { useConnected, useEvent, useQuery, useSignedOut } from './client-context';
import { RoutesView } from './routes/RoutesView';
import { TrafficView } from './traffic/TrafficView';
import { useHashRoute } from './use-hash-route';

const TABS = [
  { id: 'routes', label: 'Routes' },
  { id: 'traffic', label: 'Traffic' },
  { id: 'ca', label: 'HTTPS & trust' },
] as const;

const NO_ROUTES: RouteView[] = [];

export function App(props: { traffic: TrafficSession }) {
  const connected = useConnected();
  const signedOut = useSignedOut();
  const [route, go] = useHashRoute();
  const tab = TABS.some((t) => t.id === route[0]) ? route[0]! : 'routes';
  const info = useQuery('instance.info', {});
  const routes = useQuery('routes.list', {});
  useEvent('routes.changed', (list) => routes.set(list));
  const [configError, setConfigError] = useState<{ path?: string; error: CodedError } | null>(null);
  useEvent('config.error', setConfigError);
  useEvent('routes.changed', () => setConfigError(null));
  const { traffic } = props;
  const syncError = useSyncExternalStore(traffic.onError, traffic.error);
  const store = traffic.store;

  const openExchange = useCallback((id: string | null) => go(id ? ['traffic', id] : ['traffic']), [go]);

  useEffect(() => {
    document.title = tab === 'traffic' ? 'Gatehouse — Traffic' : tab === 'ca' ? 'Gatehouse — HTTPS' : 'Gatehouse — Routes';
  }, [tab]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Gatehouse
        </span>
        <nav className="tabs" role="tablist" aria-label="Views">
          {TABS.map((t) => (
            <button key={t.id} role="tab" className="tab" aria-selected={tab === t.id} onClick={() => go([t.id])}>
              {t.label}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        {info.data ? (
          <span className="conn mono" title={info.data.configPath}>
            {info.data.httpPort ? `http :${info.data.httpPort}` : ''} {info.data.httpsPort ? `https :${info.data.httpsPort}` : ''}
          </span>
        ) : null}
        <span className="conn" role="status">
          <span className={`dot ${connected ? 'up' : 'down'}`} />
          {connected ? 'Connected' : signedOut ? 'Signed out' : 'Reconnecting…'}
        </span>
      </header>
      {signedOut ? (
        <div className="banner bad" role="alert">
          <strong>Gatehouse was restarted and no longer accepts this page.</strong> Open the dashboard URL it printed when it
          started (it carries a new token); this page cannot reconnect.
        </div>
      ) : null}
      {configError ? (
        <div className="banner bad config-error" role="alert">
          <strong>Config file not applied — the last good config stays in effect.</strong>
          <pre className="mono">{configError.error.message}</pre>
        </div>
      ) : null}
      {syncError ? (
        <div className="banner" role="alert">
          Could not load the traffic list: {syncError.message}
        </div>
      ) : null}
      <main className="main">
        {tab === 'routes' ? <RoutesView info={info.data} /> : null}
        {tab === 'traffic' ? (
          <TrafficView store={store} routes={routes.data ?? NO_ROUTES} openId={route[1] ?? null} onOpen={openExchange} />
        ) : null}
        {tab === 'ca' ? <CaView /> : null}
      </main>
    </div>
  );
}
