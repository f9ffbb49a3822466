/**
 * The resolver configuration `gatehouse dns setup` writes, as pure text:
 * macOS /etc/resolver/<suffix> files and a systemd-resolved drop-in. `localhost`
 * is left out: resolvers and browsers already answer *.localhost themselves.
 */

export const MANAGED_MARKER = '# Managed by Gatehouse (`gatehouse dns setup`); `gatehouse dns teardown` removes this file.';

/** Suffixes that need resolver configuration (everything but localhost). */
export function routedSuffixes(suffixes: readonly string[]): string[] {
  return suffixes.filter((s) => s !== 'localhost');
}

export function macosResolverFile(port: number): string {
  return `${MANAGED_MARKER}\nnameserver 127.0.0.1\nport ${port}\n`;
}

/**
 * systemd-resolved: DNS= with a port needs systemd ≥ 246; "~suffix" makes it a
 * routing-only domain, so only those names go to the responder.
 */
export function resolvedDropIn(port: number, suffixes: readonly string[]): string {
  return [
    MANAGED_MARKER,
    '[Resolve]',
    `DNS=127.0.0.1:${port}`,
    `Domains=${routedSuffixes(suffixes).map((s) => `~${s}`).join(' ')}`,
    '',
  ].join('\n');
}

export function isManagedFile(content: string | undefined): boolean {
  return content !== undefined && content.startsWith(MANAGED_MARKER);
}
