import { useEffect, useState } from 'react';
import type { InstanceInfo, RouteStatus, RouteView, TargetCheck } from '../../../../shared/api-contract';
import { routeTargets } from '../../../../shared/config';
import { routeOpenUrl, routeHealth } from '../../model/route-links';
import { useClient, useEvent, useQuery } from '../client-context';
import { EmptyState, ErrorNote, HealthDot, Switch } from '../common';
import { RouteForm } from './RouteForm';

const STATUS_POLL_MS = 2000;

/** The routes table: live from routes.changed (hand edits of the config file included), health polled. */
export function RoutesView(props: { info: InstanceInfo | undefined }) {
  const client = useClient();
  const routes = useQuery('routes.list', {});
  const [status, setStatus] = useState<Map<string, RouteStatus>>(new Map());
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [purged, setPurged] = useState<{ id: string; n: number } | null>(null);

  useEvent('routes.changed', (list) => routes.set(list));

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () => {
      client.call('routes.status', {}).then(
        (list) => live && setStatus(new Map(list.map((s) => [s.id, s]))),
        () => {},
      );
      timer = setTimeout(poll, STATUS_POLL_MS);
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client]);

  const act = async (p: Promise<unknown>) => {
    setActionError(null);
    try {
      await p;
    } catch (err) {
      setActionError(err as Error);
    }
  };

  const list: RouteView[] = routes.data ?? [];
  const httpPort = props.info?.httpPort;
  const httpsPort = props.info?.httpsPort;

  return (
    <div className="page">
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }}>
        <h2 style={{ margin: 0 }}>Routes</h2>
        <span className="muted">{list.length ? `${list.length} route${list.length === 1 ? '' : 's'}` : ''}</span>
        <span style={{ flex: 1 }} />
        {editing !== 'new' ? (
          <button className="btn primary" onClick={() => setEditing('new')}>
            Add route
          </button>
        ) : null}
      </div>
      {editing === 'new' ? (
        <RouteForm
          submitLabel="Add route"
          onCancel={() => setEditing(null)}
          onSubmit={async (route) => {
            const added = await client.call('routes.add', { route });
            routes.set([...list.filter((r) => r.id !== added.id), added]);
            setEditing(null);
          }}
        />
      ) : null}
      <ErrorNote error={routes.error ?? actionError} />
      {routes.loading && !routes.data ? <p className="muted">Loading routes…</p> : null}
      {routes.data && list.length === 0 && editing !== 'new' ? (
        <EmptyState
          title="No routes yet"
          action={
            <button className="btn primary" onClick={() => setEditing('new')}>
              Map app.test to localhost:3000
            </button>
          }
        >
          <p>
            A route maps a name to a local port: <code>app.test</code> → <code>http://localhost:3000</code>. Add one here, run{' '}
            <code>gatehouse add app.test 3000</code>, or edit the config file — changes appear here live.
          </p>
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <table className="grid" aria-label="Routes">
          <thead>
            <tr>
              <th style={{ width: 48 }}>On</th>
              <th>Host</th>
              <th>Path</th>
              <th>Targets</th>
              <th>HTTPS</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const st = status.get(r.id);
              const open = routeOpenUrl(r, httpPort, httpsPort);
              if (editing === r.id) {
                return (
                  <tr key={r.id}>
                    <td colSpan={6}>
                      <RouteForm
                        initial={r.route}
                        submitLabel="Save route"
                        onCancel={() => setEditing(null)}
                        onSubmit={async (route) => {
                          await client.call('routes.update', { id: r.id, route });
                          routes.reload();
                          setEditing(null);
                        }}
                      />
                    </td>
                  </tr>
                );
              }
              return (
                <tr key={r.id} className={r.enabled ? '' : 'disabled'} data-route={r.id}>
                  <td>
                    <Switch
                      label={`Enable ${r.id}`}
                      checked={r.enabled}
                      onChange={(enabled) =>
                        act(client.call('routes.toggle', { id: r.id, enabled }).then((v) => routes.set(list.map((x) => (x.id === v.id ? v : x)))))
                      }
                    />
                  </td>
                  <td className="mono">{r.route.host}</td>
                  <td className="mono">{r.route.path ?? '/'}</td>
                  <td>
                    <div className="status-list">
                      {routeTargets(r.route).map((t) => {
                        const ts = st?.targets.find((x) => x.url === t.url);
                        return (
                          <div className="status-item" key={t.url}>
                            <HealthDot health={routeHealth(ts)} />
                            <span className="mono">{t.url}</span>
                            {ts?.health === 'down' && ts.lastError && ts.lastError.message !== ts.check?.lastError ? <span className="err">{ts.lastError.message}</span> : null}
                            {ts?.check ? <span className={`route-note ${ts.check.ok === false ? 'err' : 'muted'}`}>{checkText(ts.check)}</span> : null}
                          </div>
                        );
                      })}
                      {st?.allDown ? (
                        <div className="status-item" role="status">
                          <span className="err">All targets down</span>
                        </div>
                      ) : null}
                    </div>
                  </td>
                  <td>{r.route.https === false ? <span className="faint">off</span> : 'on'}</td>
                  <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
                    {open ? (
                      <a className="btn small" href={open} target="_blank" rel="noopener noreferrer">
                        Open
                      </a>
                    ) : null}{' '}
                    {r.route.cache ? (
                      <>
                        <button
                          className="btn small"
                          title="Drop this route's cached responses"
                          onClick={() => act(client.call('cache.purge', { routeId: r.id }).then((p) => setPurged({ id: r.id, n: p.purged })))}
                        >
                          {purged?.id === r.id ? `Purged ${purged.n}` : 'Purge cache'}
                        </button>{' '}
                      </>
                    ) : null}
                    <button className="btn small" onClick={() => setEditing(r.id)}>
                      Edit
                    </button>{' '}
                    {confirmDelete === r.id ? (
                      <>
                        <button
                          className="btn small danger"
                          onClick={() => act(client.call('routes.remove', { id: r.id }).then(() => routes.set(list.filter((x) => x.id !== r.id))))}
                        >
                          Delete {r.id}?
                        </button>{' '}
                        <button className="btn small" onClick={() => setConfirmDelete(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button className="btn small danger" onClick={() => setConfirmDelete(r.id)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** The health check's latest result in a few words: "check ok (200)", "check failed: ECONNREFUSED", "check pending". */
function checkText(c: TargetCheck): string {
  if (c.ok === undefined) return 'check pending';
  const when = c.lastCheckedAt !== undefined ? ` at ${new Date(c.lastCheckedAt).toLocaleTimeString()}` : '';
  if (c.ok) return `check ok${c.lastStatus !== undefined ? ` (${c.lastStatus})` : ''}${when}`;
  const why = c.lastError ?? (c.lastStatus !== undefined ? `status ${c.lastStatus}` : 'failed');
  return `check failed: ${why}${when}`;
}
