import { base64ToBytes, utf8DecodeStrict } from '../../../../shared/base64';
import type { WsMessage } from '../../../../shared/exchange-types';
import { formatBytes, formatClock } from '../../model/format';

const OPCODES: Record<number, string> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

export function WsMessages(props: { messages: readonly WsMessage[]; dropped?: number }) {
  if (props.messages.length === 0) return <div className="faint">No messages yet.</div>;
  return (
    <div className="ws-list" aria-label="WebSocket messages">
      {props.dropped ? <div className="truncated">{props.dropped} earlier messages not kept</div> : null}
      {props.messages.map((m, i) => {
        const out = m.direction === 'client-to-upstream';
        const bytes = base64ToBytes(m.data);
        const text = m.opcode === 2 ? undefined : utf8DecodeStrict(bytes);
        return (
          <div className="ws-msg" key={i}>
            <span className={out ? 'dir-out' : 'dir-in'} title={out ? 'client → upstream' : 'upstream → client'}>
              {out ? '↑' : '↓'}
            </span>
            <span className="faint">{formatClock(m.time)}</span>
            <span className="faint">
              {OPCODES[m.opcode] ?? m.opcode} {formatBytes(m.size)}
            </span>
            <span style={{ wordBreak: 'break-all' }}>
              {text ?? [...bytes.slice(0, 64)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}
              {m.truncated ? <span className="truncated"> …truncated</span> : null}
            </span>
          </div>
        );
      })}
    </div>
  );
}
