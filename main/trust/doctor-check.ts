/** One line of `gatehouse doctor`: what was checked, how it went, and the fix when it did not go well. */
export interface DoctorCheck {
  area: 'config' | 'ca' | 'trust' | 'dns' | 'ports' | 'upstream';
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

export function formatDoctorCheck(c: DoctorCheck): string {
  return `${MARK[c.status]} ${c.message}${c.fix && c.status !== 'ok' ? `\n    fix: ${c.fix}` : ''}`;
}
