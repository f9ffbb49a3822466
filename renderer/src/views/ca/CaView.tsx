import { useState } from 'react';
import type { CaStatus } from '../../../../shared/api-contract';
import { useClient, useEvent, useQuery } from '../client-context';
import { ErrorNote } from '../common';

/** The local certificate authority: where it is, which trust stores trust it, buttons to change that. */
export function CaView() {
  const client = useClient();
  const ca = useQuery('ca.status', {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  useEvent('ca.state', (s: CaStatus) => ca.set(s));

  const act = async (method: 'ca.trust' | 'ca.untrust') => {
    setBusy(true);
    setError(null);
    try {
      ca.set(await client.call(method, {}));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const s = ca.data;
  // Untrust removes the CA from every store that has it: useful while any one does, even when the system store does not.
  const trustedAnywhere = Boolean(s?.trusted || s?.stores?.some((st) => st.trusted));
  return (
    <div className="page">
      <h2>Certificate authority &amp; trust</h2>
      <ErrorNote error={ca.error ?? error} />
      {!s ? (
        <p className="muted">Loading…</p>
      ) : !s.available ? (
        <div className="card">
          <strong>No certificate authority in this instance.</strong>
          <p className="muted">HTTPS routes need Gatehouse's local CA. Start Gatehouse with HTTPS enabled to create one.</p>
        </div>
      ) : (
        <>
          <div className="card">
            <div style={{ display: 'flex', alignItems: 'center', gap: 10, marginBottom: 8 }}>
              <strong style={{ flex: 1 }}>{s.subject ?? 'Gatehouse local CA'}</strong>
              {s.trusted ? <span className="pill ok">trusted</span> : <span className="pill bad">not trusted</span>}
            </div>
            <dl className="kv">
              <dt>Root certificate</dt>
              <dd className="mono">{s.certPath ?? (s.exists ? '—' : 'not created yet (made on first HTTPS request)')}</dd>
              <dt>SHA-256</dt>
              <dd className="mono">{s.fingerprintSha256 ?? '—'}</dd>
              <dt>Valid until</dt>
              <dd>{s.notAfter ? new Date(s.notAfter).toLocaleDateString() : '—'}</dd>
              <dt>May sign for</dt>
              <dd aria-label="Names the CA may sign for">
                {!s.exists ? '—' : s.permittedNames ? <PermittedNames names={s.permittedNames} /> : 'any name: this certificate has no name constraints'}
              </dd>
            </dl>
            <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
              <button className="btn primary" disabled={busy || !s.exists} onClick={() => act('ca.trust')}>
                Trust
              </button>
              <button
                className="btn"
                disabled={busy || !s.exists || !trustedAnywhere}
                title={s.exists && !trustedAnywhere ? 'No trust store on this system trusts this CA, so there is nothing to untrust' : undefined}
                onClick={() => act('ca.untrust')}
              >
                Untrust
              </button>
              {busy ? <span className="muted">Working… your system may ask for a password.</span> : null}
            </div>
          </div>
          <div className="card">
            <strong>Trust stores</strong>
            {s.stores && s.stores.length > 0 ? (
              <table className="grid" aria-label="Trust stores" style={{ marginTop: 6 }}>
                <tbody>
                  {s.stores.map((st) => (
                    <tr key={st.name}>
                      <td className="mono">{st.name}</td>
                      <td>{st.trusted ? <span className="pill ok">trusted</span> : <span className="pill warn">not trusted</span>}</td>
                      <td className="muted">{st.detail ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No trust stores found on this system.</p>
            )}
          </div>
          {s.certPath ? (
            <div className="card">
              <strong>Node.js</strong>
              <p className="muted">Node does not read the system store. Point it at the root certificate:</p>
              <pre className="mono" style={{ margin: 0 }}>
                export NODE_EXTRA_CA_CERTS="{s.certPath}"
              </pre>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

/** The CA's name constraints: the only names it can sign for, so its key cannot vouch for real sites. */
function PermittedNames(props: { names: readonly string[] }) {
  return (
    <>
      only{' '}
      {props.names.map((n, i) => (
        <span key={n}>
          {i > 0 ? ', ' : ''}
          <code>{n}</code>
        </span>
      ))}{' '}
      and names under {props.names.length === 1 ? 'it' : 'them'}
      <div className="muted" style={{ fontSize: 12 }}>
        Its name constraints: browsers refuse a certificate it signs for any other name, so its key cannot impersonate real sites.
      </div>
    </>
  );
}
