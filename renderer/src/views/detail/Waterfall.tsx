import type { ExchangeTimings } from '../../../../shared/exchange-types';
import { formatDuration } from '../../model/format';
import { buildWaterfall } from '../../model/timing-waterfall';

export function Waterfall(props: { timings: ExchangeTimings }) {
  const w = buildWaterfall(props.timings);
  if (w.segments.length === 0) return <div className="faint">No upstream timings (the proxy answered itself, or the exchange is still starting).</div>;
  return (
    <div className="waterfall" aria-label="Timings">
      {w.segments.map((s) => (
        <div className="wf-row" key={s.phase} data-phase={s.phase} title={s.hint}>
          <span className="muted">{s.label}</span>
          <div className="wf-track">
            <div className={`wf-bar wf-${s.phase}`} style={{ left: `${s.offset * 100}%`, width: `${s.length * 100}%` }} />
          </div>
          <span className="num">{formatDuration(s.ms)}</span>
        </div>
      ))}
      <div className="wf-row">
        <strong>Total</strong>
        <span />
        <strong className="num">{formatDuration(w.totalMs)}</strong>
      </div>
    </div>
  );
}
