import * as net from 'node:net';
import { EngineError } from './engine-error';

/** "::ffff:127.0.0.1" → "127.0.0.1"; anything else unchanged ("" for undefined). */
export function normalizeClientAddress(address: string | undefined): string {
  if (!address) return '';
  // An IPv4-mapped IPv6 address is the only IPv6 form with dots in it.
  if (address.charCodeAt(0) === 58 /* : */ && address.indexOf('.') > 0 && address.slice(0, 7).toLowerCase() === '::ffff:') {
    return address.slice(7);
  }
  return address;
}

/**
 * A compiled list of IPs and CIDRs (config.trustedProxies). IPv4-mapped IPv6
 * client addresses are matched as IPv4.
 */
export class AddressMatcher {
  private constructor(
    private readonly list: net.BlockList,
    readonly size: number,
  ) {}

  static readonly none = new AddressMatcher(new net.BlockList(), 0);

  /** Throws an EngineError (INVALID_TRUSTED_PROXY) naming the entry it cannot read. */
  static compile(entries: readonly string[] | undefined): AddressMatcher {
    if (!entries || entries.length === 0) return AddressMatcher.none;
    const list = new net.BlockList();
    for (const raw of entries) {
      const entry = raw.trim();
      const slash = entry.indexOf('/');
      const addr = normalizeClientAddress(slash < 0 ? entry : entry.slice(0, slash));
      const family = net.isIP(addr);
      const bad = () =>
        new EngineError('INVALID_TRUSTED_PROXY', `trustedProxies: "${raw}" is not an IP address or CIDR (e.g. 10.0.0.0/8, ::1)`);
      if (family === 0) throw bad();
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (slash < 0) {
        list.addAddress(addr, type);
      } else {
        const bitsText = entry.slice(slash + 1);
        const bits = Number(bitsText);
        if (!/^\d+$/.test(bitsText) || bits > (family === 4 ? 32 : 128)) throw bad();
        list.addSubnet(addr, bits, type);
      }
    }
    return new AddressMatcher(list, entries.length);
  }

  has(address: string): boolean {
    if (this.size === 0) return false;
    const addr = normalizeClientAddress(address);
    const family = net.isIP(addr);
    if (family === 0) return false;
    return this.list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
  }
}
