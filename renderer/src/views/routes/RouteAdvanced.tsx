import { BALANCE_POLICIES } from '../../../../shared/config';
import type { RouteFormState } from '../../model/route-form';
import type { FieldKit } from './route-fields';

/**
 * The route form's Advanced section: upstream choices and the per-route
 * features, grouped one row per concern. Compression and security-header
 * options show only while their feature is on.
 */
export function RouteAdvanced(props: { form: RouteFormState; kit: FieldKit }) {
  const { form, kit } = props;
  return (
    <div className="form">
      <span className="lbl">Upstream</span>
      <div className="fields">
        {kit.select('balance', 'Balance', [['', 'Default: round-robin'], ...BALANCE_POLICIES.map((p) => [p, p] as const)])}
        {kit.select(
          'verifyTls',
          'Verify upstream TLS',
          [
            ['', 'Default'],
            ['true', 'Verify certificates'],
            ['false', 'Do not verify'],
          ],
          { hint: 'Default: off for loopback targets, on for others' },
        )}
      </div>
      <span className="lbl">Features</span>
      <div className="checks">
        {kit.check('compress', 'Compress responses')}
        {kit.check('cache', 'Cache responses')}
        {kit.check('securityHeaders', 'Security headers')}
        {kit.check('spa', 'Single-page app (file: targets)')}
      </div>
      {form.compress ? (
        <>
          <span className="lbl">Compression</span>
          <div className="fields">
            {kit.select('compressEncodings', 'Encodings', [
              ['', 'Default: br, gzip'],
              ['br,gzip', 'br, then gzip'],
              ['gzip,br', 'gzip, then br'],
              ['br', 'br only'],
              ['gzip', 'gzip only'],
            ])}
            {kit.text('compressMinSize', 'Minimum size (bytes)', { placeholder: '1024' })}
          </div>
        </>
      ) : null}
      {form.securityHeaders ? (
        <>
          <span className="lbl">Security headers</span>
          <div className="fields">
            {kit.text('hstsMaxAge', 'HSTS max-age (s)', { placeholder: '300', hint: '0 turns HSTS off' })}
            {kit.text('frameOptions', 'X-Frame-Options', { placeholder: 'SAMEORIGIN', list: 'route-frame-options' })}
            {kit.text('referrerPolicy', 'Referrer-Policy', { placeholder: 'strict-origin-when-cross-origin', list: 'route-referrer-policies' })}
            {kit.text('contentSecurityPolicy', 'Content-Security-Policy', { placeholder: "default-src 'self'", wide: true, hint: 'None unless given.' })}
            <datalist id="route-frame-options">
              <option value="DENY" />
              <option value="SAMEORIGIN" />
            </datalist>
            <datalist id="route-referrer-policies">
              {REFERRER_POLICIES.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </div>
        </>
      ) : null}
      <span className="lbl">Rate limit</span>
      <div className="fields">
        {kit.text('rateLimitRate', 'Rate (req/s)', { placeholder: '10', accessibleName: 'Rate limit (req/s)' })}
        {kit.text('rateLimitBurst', 'Burst', { placeholder: 'same as rate' })}
        {kit.select('rateLimitPer', 'Limit per', [
          ['', 'Default: client'],
          ['client', 'Client address'],
          ['route', 'Whole route'],
        ])}
      </div>
      <span className="lbl">Network</span>
      <div className="fields">
        {kit.text('latency', 'Latency', { placeholder: '200ms' })}
        {kit.text('bandwidth', 'Bandwidth (bytes/s)', { placeholder: '65536' })}
      </div>
      <span className="lbl">Health check</span>
      <div className="fields">
        {kit.text('healthCheckPath', 'Path', { placeholder: '/health', accessibleName: 'Health check path' })}
        {kit.text('healthCheckInterval', 'Interval', { placeholder: '10s', accessibleName: 'Health check interval' })}
        {kit.text('healthCheckTimeout', 'Timeout', { placeholder: '2s', accessibleName: 'Health check timeout' })}
        {kit.text('healthCheckExpectStatus', 'Expect status', { placeholder: '200, 204', accessibleName: 'Health check expected status', hint: 'Default: any 2xx or 3xx' })}
      </div>
      {kit.error('advanced') ? (
        <>
          <span />
          <div>{kit.error('advanced')}</div>
        </>
      ) : null}
      {kit.row('headers', 'Header rules (JSON)', { rows: 6, mono: true, placeholder: '{"response": {"set": {"X-Dev": "1"}}, "request": {"remove": ["Cookie"]}}' })}
      {kit.row('rewrite', 'Path rewrite (JSON)', { rows: 2, mono: true, placeholder: '{"prefix": "/old", "to": "/new"}' })}
    </div>
  );
}

const REFERRER_POLICIES = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
];
