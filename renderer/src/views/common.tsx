import type { ReactNode } from 'react';

export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <h3>{props.title}</h3>
      {props.children}
      {props.action ? <div style={{ marginTop: 12 }}>{props.action}</div> : null}
    </div>
  );
}

export function Switch(props: { checked: boolean; onChange: (checked: boolean) => void; label: string; disabled?: boolean }) {
  return (
    <span className="switch">
      <input
        type="checkbox"
        role="switch"
        aria-label={props.label}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span className="track" />
    </span>
  );
}

export function ErrorNote(props: { error: Error | string | undefined | null }) {
  if (!props.error) return null;
  const message = typeof props.error === 'string' ? props.error : props.error.message;
  return (
    <div className="field-error" role="alert">
      {message}
    </div>
  );
}

const HEALTH_TITLES = {
  up: 'up: it has answered (a request, or its health check)',
  down: 'down: its last request or health check failed',
  unknown: 'unknown: no request has reached it yet, and no health check has finished',
} as const;

export function HealthDot(props: { health: 'up' | 'down' | 'unknown' }) {
  return <span className={`dot ${props.health}`} aria-label={props.health} title={HEALTH_TITLES[props.health]} />;
}
