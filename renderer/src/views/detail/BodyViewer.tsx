import { useMemo, useState } from 'react';
import { base64ToBytes } from '../../../../shared/base64';
import type { BodyCapture, DecodedBody } from '../../../../shared/exchange-types';
import { formatBytes } from '../../model/format';
import { hexDumpLines } from '../../model/hex-dump';
import { JsonTree } from './JsonTree';

type Mode = 'auto' | 'text' | 'hex';

/** A body: JSON as a collapsible tree, text, image preview or hex; size and truncation always shown. */
export function BodyViewer(props: { label: string; decoded: DecodedBody; capture: BodyCapture }) {
  const { decoded, capture } = props;
  const [mode, setMode] = useState<Mode>('auto');
  const json = useMemo(() => {
    if (decoded.kind !== 'json' || decoded.text === undefined) return undefined;
    try {
      return { value: JSON.parse(decoded.text) as unknown };
    } catch {
      return undefined;
    }
  }, [decoded]);
  const hex = useMemo(() => (mode === 'hex' ? hexDumpLines(base64ToBytes(capture.captured)).join('\n') : ''), [mode, capture.captured]);

  if (decoded.kind === 'empty' && capture.size === 0) {
    return <div className="faint">No body</div>;
  }
  let content;
  if (mode === 'hex') content = <pre className="body-content hex">{hex}</pre>;
  else if (mode === 'text') content = <pre className="body-content">{decoded.text ?? ''}</pre>;
  else if (decoded.kind === 'json' && json) content = <div className="body-content"><JsonTree value={json.value} /></div>;
  else if (decoded.kind === 'image' && decoded.base64)
    content = (
      <div className="body-content">
        <img alt={`${props.label} image`} src={`data:${decoded.mimeType ?? 'image/png'};base64,${decoded.base64}`} />
      </div>
    );
  else content = <pre className={`body-content${decoded.kind === 'hex' ? ' hex' : ''}`}>{decoded.text ?? ''}</pre>;

  return (
    <div className="body-view" aria-label={props.label}>
      <div className="body-bar">
        <span>
          {formatBytes(capture.size)}
          {decoded.contentEncoding?.length ? ` (${decoded.contentEncoding.join(', ')}; ${formatBytes(decoded.decodedSize)} decoded)` : ''}
        </span>
        {decoded.contentType ? <span className="faint">{decoded.contentType}</span> : null}
        {capture.truncated || decoded.truncated ? (
          <span className="truncated">truncated — first {formatBytes(base64ToBytes(capture.captured).length)} captured</span>
        ) : null}
        {decoded.decodeError ? <span className="truncated">{decoded.decodeError}</span> : null}
        <span className="grow" />
        {(['auto', 'text', 'hex'] as Mode[]).map((m) => (
          <button key={m} className="chip" aria-pressed={mode === m} onClick={() => setMode(m)}>
            {m === 'auto' ? viewName(decoded) : m}
          </button>
        ))}
      </div>
      {content}
    </div>
  );
}

function viewName(d: DecodedBody): string {
  return d.kind === 'json' ? 'json' : d.kind === 'image' ? 'image' : d.kind === 'hex' ? 'binary' : 'view';
}
