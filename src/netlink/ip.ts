/**
 * IPv4/IPv6/MAC address parsing and printing, with clear errors on bad input.
 * Pure functions, no I/O.
 * @module
 */
import { ArgumentError } from './errors.js';

export type IPFamily = 4 | 6;

/** A parsed prefix: address, prefix length and family. */
export interface Prefix {
  address: string;
  prefixLen: number;
  family: IPFamily;
}

const V4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parse dotted-quad IPv4 into 4 bytes, or undefined. */
export function parseIPv4(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || !V4_RE.test(s)) return undefined;
  const out = new Uint8Array(4);
  const parts = s.split('.');
  for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
  return out;
}

/** Parse IPv6 text (RFC 4291 forms incl. embedded IPv4) into 16 bytes, or undefined. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length < 2 || s.length > 45) return undefined;
  let text = s;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (s.indexOf('.', lastColon) !== -1) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    text = s.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (t: string): string[] => (t === '' ? [] : t.split(':'));
  let parts: string[];
  if (halves.length === 2) {
    const left = split(halves[0]!);
    const right = split(halves[1]!);
    const fill = 8 - tail.length - left.length - right.length;
    if (fill < 1) return undefined;
    parts = [...left, ...new Array<string>(fill).fill('0'), ...right];
  } else {
    parts = split(text);
    if (parts.length + tail.length !== 8) return undefined;
  }
  const out = new Uint8Array(16);
  let i = 0;
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
    const v = parseInt(p, 16);
    out[i++] = v >> 8;
    out[i++] = v & 0xff;
  }
  for (const v of tail) {
    out[i++] = v >> 8;
    out[i++] = v & 0xff;
  }
  return i === 16 ? out : undefined;
}

/** Format 4 bytes as dotted quad. */
export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** Format 16 bytes as RFC 5952 canonical IPv6 text (lower case, longest zero run compressed, v4-mapped shown dotted). */
export function formatIPv6(b: Uint8Array, off = 0): string {
  // "::" (an unset IFLA_INET6_TOKEN in every link of a dump) without building it
  let any = 0;
  for (let i = 0; i < 16; i++) any |= b[off + i]!;
  if (any === 0) return '::';
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + i * 2]! << 8) | b[off + i * 2 + 1]!;
  // ::ffff:a.b.c.d
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += g[i]!.toString(16);
  }
  return s;
}

/** Parse an IPv4 or IPv6 address; returns bytes and family, or undefined. */
export function parseIP(s: string): { bytes: Uint8Array; family: IPFamily } | undefined {
  if (typeof s !== 'string') return undefined;
  if (s.includes(':')) {
    const b = parseIPv6(s);
    return b ? { bytes: b, family: 6 } : undefined;
  }
  const b = parseIPv4(s);
  return b ? { bytes: b, family: 4 } : undefined;
}

/** Format 4 or 16 bytes as an address; other lengths as hex. */
export function formatIP(b: Uint8Array, off = 0, len = b.length - off): string {
  if (len === 4) return formatIPv4(b, off);
  if (len === 16) return formatIPv6(b, off);
  return Buffer.from(b.buffer, b.byteOffset + off, len).toString('hex');
}

/** Whether `s` is a valid IPv4 or IPv6 address. */
export function isIP(s: string): 0 | 4 | 6 {
  const r = parseIP(s);
  return r ? r.family : 0;
}

/**
 * Parse "addr/len" (or a bare address, meaning a host prefix) into a Prefix.
 * The address is normalized (IPv6 canonical form). Throws ArgumentError.
 */
export function parsePrefix(s: string, field = 'prefix', opts: { requireLength?: boolean } = {}): Prefix {
  if (typeof s !== 'string') throw new ArgumentError(field, `expected a string like "10.0.0.1/24", got ${typeof s}`);
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const ip = parseIP(addr);
  if (!ip) throw new ArgumentError(field, `"${s}" is not a valid IPv4 or IPv6 address${slash >= 0 ? ' prefix' : ''}`);
  const max = ip.family === 4 ? 32 : 128;
  let prefixLen = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
      throw new ArgumentError(field, `"${s}" has an invalid prefix length (0..${max})`);
    }
    prefixLen = Number(p);
  } else if (opts.requireLength) {
    throw new ArgumentError(field, `"${s}" needs a prefix length, e.g. "${addr}/${max}"`);
  }
  return { address: formatIP(ip.bytes), prefixLen, family: ip.family };
}

/** Parse an address and return its bytes; throws ArgumentError. */
export function ipBytes(s: unknown, field: string, family?: IPFamily): Uint8Array {
  if (typeof s !== 'string') throw new ArgumentError(field, `expected an IP address string, got ${describe(s)}`);
  const ip = parseIP(s);
  if (!ip) throw new ArgumentError(field, `"${s}" is not a valid IP address`);
  if (family && ip.family !== family) throw new ArgumentError(field, `"${s}" is not an IPv${family} address`);
  return ip.bytes;
}

/** Zero the host bits of a prefix: networkOf("10.0.1.7/24") === "10.0.1.0". */
export function networkOf(p: Prefix): string {
  const ip = parseIP(p.address)!;
  const b = Uint8Array.from(ip.bytes);
  for (let i = 0; i < b.length; i++) {
    const bits = Math.max(0, Math.min(8, p.prefixLen - i * 8));
    b[i]! &= (0xff << (8 - bits)) & 0xff;
  }
  return formatIP(b);
}

/** Set the host bits of a prefix: broadcastOf("10.0.1.7/24") === "10.0.1.255" (what `ip addr add ... brd +` computes). */
export function broadcastOf(p: Prefix): string {
  const ip = parseIP(p.address)!;
  const b = Uint8Array.from(ip.bytes);
  for (let i = 0; i < b.length; i++) {
    const bits = Math.max(0, Math.min(8, p.prefixLen - i * 8));
    b[i]! |= ~(0xff << (8 - bits)) & 0xff;
  }
  return formatIP(b);
}

/** Whether the prefix has host bits set ("10.0.1.7/24" does, "10.0.1.0/24" does not). */
export function hasHostBits(p: Prefix): boolean {
  return networkOf(p) !== p.address;
}

/** Format a prefix as "addr/len". */
export function formatPrefix(p: Prefix): string {
  return `${p.address}/${p.prefixLen}`;
}

const MAC_RE = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2})*$/;

/** Parse "aa:bb:cc:dd:ee:ff" (also '-' separated; any length of 1..32 bytes) into bytes. Throws ArgumentError. */
export function parseMac(s: unknown, field = 'address', length?: number): Uint8Array {
  if (typeof s !== 'string') throw new ArgumentError(field, `expected a MAC address string like "02:00:00:00:00:01", got ${describe(s)}`);
  if (!MAC_RE.test(s)) throw new ArgumentError(field, `"${s}" is not a valid MAC address (expected hex bytes separated by ':')`);
  const parts = s.split(/[:-]/);
  if (parts.length > 32) throw new ArgumentError(field, `"${s}" is too long for a link-layer address`);
  if (length !== undefined && parts.length !== length) {
    throw new ArgumentError(field, `"${s}" must have ${length} bytes, has ${parts.length}`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Format link-layer address bytes as lower-case "aa:bb:cc". */
export function formatMac(b: Uint8Array, off = 0, len = b.length - off): string {
  // Hot path (every link has two or three of these): an Ethernet address is
  // built as one flat string from character codes, not by 11 concatenations.
  if (len === 6) {
    const a = b[off]!, c = b[off + 1]!, d = b[off + 2]!, e = b[off + 3]!, f = b[off + 4]!, g = b[off + 5]!;
    // the broadcast address (every Ethernet link's IFLA_BROADCAST) and all zeros: one string each
    if ((a & c & d & e & f & g) === 0xff) return MAC_BROADCAST;
    if ((a | c | d | e | f | g) === 0) return MAC_ZERO;
    return String.fromCharCode(
      HEXC[a >> 4]!, HEXC[a & 15]!, 58, HEXC[c >> 4]!, HEXC[c & 15]!, 58, HEXC[d >> 4]!, HEXC[d & 15]!, 58,
      HEXC[e >> 4]!, HEXC[e & 15]!, 58, HEXC[f >> 4]!, HEXC[f & 15]!, 58, HEXC[g >> 4]!, HEXC[g & 15]!,
    );
  }
  let s = '';
  for (let i = 0; i < len; i++) {
    if (i) s += ':';
    s += HEX[b[off + i]!];
  }
  return s;
}
const MAC_BROADCAST = 'ff:ff:ff:ff:ff:ff';
const MAC_ZERO = '00:00:00:00:00:00';
/** Character codes of '0'..'9', 'a'..'f'. */
const HEXC = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
