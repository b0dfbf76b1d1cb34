import { isIPv4, isIPv6 } from './ip-syntax.js';

/** An IPv4 or IPv6 address as a number, with its family's width in bits. */
export interface IPValue {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

function v6Groups(addr: string): number[] | undefined {
  let text = addr.toLowerCase();
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    const v4 = parseIP(embedded[1]!);
    if (!v4) return undefined;
    text = text.slice(0, -embedded[1]!.length) + `${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.length === 8 ? all.map((g) => parseInt(g, 16)) : undefined;
}

/** Parses a textual IPv4 or IPv6 address; undefined when it is neither. */
export function parseIP(addr: string): IPValue | undefined {
  if (isIPv4(addr)) return { bits: 32, value: addr.split('.').reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n) };
  if (!isIPv6(addr)) return undefined;
  const groups = v6Groups(addr);
  return groups && { bits: 128, value: groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n) };
}

/** Formats an address value in its family's canonical text (IPv6 with the longest zero run compressed). */
export function formatIP(ip: IPValue): string {
  if (ip.bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((ip.value >> s) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** The mask of a prefix length in a family. */
export function prefixMask(bits: 32 | 128, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
}

/** The prefix length a contiguous netmask stands for, or undefined when it has holes. */
export function netmaskPrefix(mask: IPValue): number | undefined {
  for (let p = 0; p <= mask.bits; p++) if (prefixMask(mask.bits, p) === mask.value) return p;
  return undefined;
}

/** The classful default prefix libvirt gives an IPv4 address without netmask or prefix. */
export function classfulPrefix(ip: IPValue): number {
  const first = Number(ip.value >> 24n);
  if (first < 128) return 8;
  if (first < 192) return 16;
  return first < 224 ? 24 : 0;
}

/** Whether `ip` lies in the subnet `net`/`prefix`. */
export function inSubnet(ip: IPValue, net: IPValue, prefix: number): boolean {
  const mask = prefixMask(net.bits, prefix);
  return ip.bits === net.bits && (ip.value & mask) === (net.value & mask);
}

/** Whether two subnets share any address. */
export function subnetsOverlap(a: IPValue, aPrefix: number, b: IPValue, bPrefix: number): boolean {
  if (a.bits !== b.bits) return false;
  const p = Math.min(aPrefix, bPrefix);
  return inSubnet(a, b, p) && inSubnet(b, a, p);
}
