import type { CaStatus } from '../../shared/api-contract';
import type { CaPort } from '../control/api-handlers';
import type { CertificateAuthority } from '../tls/certificate-authority';
import { permittedDnsNames } from '../tls/name-constraints';
import { detectStores, formatTrustReport, trustRoot, trustStatus, untrustRoot } from './trust-manager';
import { realSystemContext, type SystemContext } from './system-context';
import { rootCaFromPem, type TrustStore } from './trust-store';

/**
 * The CA as the control API sees it (`ca.status`, `ca.trust`, `ca.untrust`).
 * From the desktop app there is no terminal: root-only stores go through pkexec
 * when available; otherwise the call fails with the exact commands to run.
 */

const SYSTEM_STORE_IDS = new Set(['debian', 'fedora', 'p11-kit', 'macos-keychain', 'windows-user-root']);

export class TrustError extends Error {
  readonly code = 'TRUST_INCOMPLETE';
  readonly status = 500;
  constructor(message: string) {
    super(message);
    this.name = 'TrustError';
  }
}

export function createCaPort(ca: CertificateAuthority, ctx: SystemContext = realSystemContext({ interactive: false })): CaPort {
  const root = () => rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  const stores = (): TrustStore[] => detectStores(ctx);

  async function status(): Promise<CaStatus> {
    const r = root();
    const list = stores();
    const statuses = await trustStatus(r, list);
    const system = statuses.filter((s) => SYSTEM_STORE_IDS.has(s.store));
    const considered = system.length ? system : statuses;
    const permittedNames = permittedDnsNames(ca.rootCertificate.raw);
    return {
      available: true,
      exists: true,
      trusted: considered.length > 0 && considered.every((s) => s.state === 'trusted'),
      subject: ca.rootCertificate.subject.split('\n').join(', '),
      fingerprintSha256: r.sha256,
      notAfter: new Date(ca.rootCertificate.validTo).toISOString(),
      certPath: r.certPath,
      ...(permittedNames ? { permittedNames } : {}),
      stores: statuses.map((s) => ({
        name: s.label,
        trusted: s.state === 'trusted',
        ...(s.detail || s.fix ? { detail: [s.detail, s.state !== 'trusted' ? s.fix : undefined].filter(Boolean).join(' — ') } : {}),
      })),
    };
  }

  async function change(action: 'trust' | 'untrust'): Promise<CaStatus> {
    const r = root();
    const report = action === 'trust' ? await trustRoot(r, stores(), ctx) : await untrustRoot(r, stores(), ctx);
    if (!report.ok) throw new TrustError(formatTrustReport(report, r).join('\n'));
    return status();
  }

  return { status, trust: () => change('trust'), untrust: () => change('untrust') };
}
