import type { RawHeaders } from '../../../../shared/http-types';
import { diffHeaders, summarizeDiff } from '../../model/header-diff';

const MARK = { same: '', added: '+', removed: '−', changed: '~' } as const;

/** Two header lists side by side; added/changed/removed lines marked, proxy headers highlighted. */
export function HeaderDiffTable(props: { left: RawHeaders; right: RawHeaders | undefined; leftTitle: string; rightTitle: string; label: string }) {
  if (!props.right) {
    return (
      <table className="hdiff" aria-label={props.label}>
        <thead>
          <tr>
            <th>{props.leftTitle}</th>
          </tr>
        </thead>
        <tbody>
          {props.left.map(([n, v], i) => (
            <tr key={i}>
              <td>
                <span className="hname">{n}:</span> {v}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const rows = diffHeaders(props.left, props.right);
  const s = summarizeDiff(rows);
  return (
    <>
      <div className="legend" style={{ marginBottom: 4 }}>
        <span className="l-added">{s.added} added</span>
        <span className="l-changed">{s.changed} changed</span>
        <span className="l-removed">{s.removed} removed</span>
        <span className="l-notable">proxy headers</span>
      </div>
      <table className="hdiff" aria-label={props.label}>
        <thead>
          <tr>
            <th className="mark" />
            <th>{props.leftTitle}</th>
            <th>{props.rightTitle}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className={`${r.change}${r.notable ? ' notable' : ''}`} data-header={r.key} data-change={r.change}>
              <td className="mark" aria-label={r.change}>
                {MARK[r.change]}
              </td>
              <td className="left">
                {r.leftName !== undefined ? (
                  <>
                    <span className="hname">{r.leftName}:</span> {r.leftValue}
                  </>
                ) : null}
              </td>
              <td className="right">
                {r.rightName !== undefined ? (
                  <>
                    <span className="hname">{r.rightName}:</span> {r.rightValue}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
