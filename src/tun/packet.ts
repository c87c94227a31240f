/**
 * Small packet helpers for TUN/TAP users: what a reader needs to route or
 * answer a packet (IP version, protocol, addresses, ICMP echo fields,
 * Ethernet/ARP headers), and builders for ICMP echo replies, ARP replies,
 * Ethernet frames and IPv4/UDP datagrams. Not a packet library.
 *
 * Every parser takes (buffer, offset) so it works after a tun_pi or
 * virtio-net header, and throws DecodeError on truncated or inconsistent
 * bytes (never reads out of bounds).
 * @module
 */
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import { formatIPv4, formatIPv6, formatMac, ipBytes, parseMac } from '../netlink/ip.js';

import { UAPI } from '../rtnl/uapi.js';
const { ETH_P_IP, ETH_P_ARP, ETH_P_IPV6, ETH_P_8021Q, ETH_P_8021AD, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6, ICMP_ECHOREPLY, ICMP_ECHO, ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY, ARPOP_REQUEST, ARPOP_REPLY } = UAPI;

/** Ethertypes, IP protocols, ICMP echo types and ARP operations (generated from the pinned uapi headers). */
export {
  ETH_P_IP,
  ETH_P_ARP,
  ETH_P_IPV6,
  ETH_P_8021Q,
  ETH_P_8021AD,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_ICMPV6,
  ICMP_ECHOREPLY,
  ICMP_ECHO,
  ICMPV6_ECHO_REQUEST,
  ICMPV6_ECHO_REPLY,
  ARPOP_REQUEST,
  ARPOP_REPLY,
};

function need(p: Uint8Array, off: number, len: number, what: string): void {
  if (!Number.isInteger(off) || off < 0 || off + len > p.length) {
    throw new DecodeError(`${what}: needs ${len} bytes, ${Math.max(0, p.length - off)} available`, off, what);
  }
}

function view(p: Uint8Array): DataView {
  return new DataView(p.buffer, p.byteOffset, p.byteLength);
}

/** The IP version nibble (4 or 6; anything else for garbage) of the packet at offset. */
export function ipVersion(p: Uint8Array, offset = 0): number {
  need(p, offset, 1, 'ip');
  return p[offset]! >> 4;
}

export interface IPv4Header {
  version: 4;
  /** Header length in bytes (IHL * 4). */
  headerLength: number;
  tos: number;
  /** Total length field (header + payload). */
  totalLength: number;
  id: number;
  /** DF/MF bits (0x2 = DF, 0x1 = MF). */
  flags: number;
  fragmentOffset: number;
  ttl: number;
  /** IPPROTO_*: 1 ICMP, 6 TCP, 17 UDP... */
  protocol: number;
  checksum: number;
  src: string;
  dst: string;
  /** Offset of the payload (transport header) in the buffer. */
  payloadOffset: number;
  /** Payload length in bytes. */
  payloadLength: number;
}

export interface IPv6Header {
  version: 6;
  headerLength: 40;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  /** Next header (not followed through extension headers). */
  protocol: number;
  hopLimit: number;
  src: string;
  dst: string;
  payloadOffset: number;
}

export type IPHeader = IPv4Header | IPv6Header;

/** Parse an IPv4 or IPv6 header. */
export function parseIp(p: Uint8Array, offset = 0): IPHeader {
  const v = ipVersion(p, offset);
  if (v === 4) return parseIPv4Header(p, offset);
  if (v === 6) return parseIPv6Header(p, offset);
  throw new DecodeError(`not an IP packet (version nibble ${v})`, offset, 'ip');
}

export function parseIPv4Header(p: Uint8Array, offset = 0): IPv4Header {
  need(p, offset, 20, 'ipv4');
  const d = view(p);
  const vihl = p[offset]!;
  if (vihl >> 4 !== 4) throw new DecodeError(`not IPv4 (version ${vihl >> 4})`, offset, 'ipv4');
  const hl = (vihl & 15) * 4;
  if (hl < 20) throw new DecodeError(`IPv4 header length ${hl} < 20`, offset, 'ipv4');
  need(p, offset, hl, 'ipv4 options');
  const total = d.getUint16(offset + 2);
  if (total < hl || offset + total > p.length) throw new DecodeError(`IPv4 total length ${total} does not fit (${p.length - offset} bytes, header ${hl})`, offset + 2, 'ipv4');
  const frag = d.getUint16(offset + 6);
  return {
    version: 4,
    headerLength: hl,
    tos: p[offset + 1]!,
    totalLength: total,
    id: d.getUint16(offset + 4),
    flags: frag >> 13,
    fragmentOffset: (frag & 0x1fff) * 8,
    ttl: p[offset + 8]!,
    protocol: p[offset + 9]!,
    checksum: d.getUint16(offset + 10),
    src: formatIPv4(p, offset + 12),
    dst: formatIPv4(p, offset + 16),
    payloadOffset: offset + hl,
    payloadLength: total - hl,
  };
}

export function parseIPv6Header(p: Uint8Array, offset = 0): IPv6Header {
  need(p, offset, 40, 'ipv6');
  const d = view(p);
  const w = d.getUint32(offset);
  if (w >>> 28 !== 6) throw new DecodeError(`not IPv6 (version ${w >>> 28})`, offset, 'ipv6');
  const plen = d.getUint16(offset + 4);
  if (offset + 40 + plen > p.length) throw new DecodeError(`IPv6 payload length ${plen} does not fit (${p.length - offset - 40} bytes)`, offset + 4, 'ipv6');
  return {
    version: 6,
    headerLength: 40,
    trafficClass: (w >>> 20) & 0xff,
    flowLabel: w & 0xfffff,
    payloadLength: plen,
    protocol: p[offset + 6]!,
    hopLimit: p[offset + 7]!,
    src: formatIPv6(p, offset + 8),
    dst: formatIPv6(p, offset + 24),
    payloadOffset: offset + 40,
  };
}

/** An ICMP (v4 or v6) echo request or reply. */
export interface IcmpEcho {
  /** 8/0 (ICMP) or 128/129 (ICMPv6). */
  type: number;
  code: number;
  checksum: number;
  /** Echo identifier. */
  id: number;
  /** Echo sequence number. */
  seq: number;
  /** Whether it is a request (type 8 or 128). */
  request: boolean;
  /** Offset and length of the echo data. */
  dataOffset: number;
  dataLength: number;
}

/**
 * The ICMP echo fields of an IP packet, or undefined when the packet is not
 * an ICMP/ICMPv6 echo request or reply.
 */
export function parseIcmpEcho(p: Uint8Array, offset = 0): IcmpEcho | undefined {
  const ip = parseIp(p, offset);
  const icmp6 = ip.version === 6;
  if (ip.protocol !== (icmp6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) return undefined;
  if (ip.version === 4 && ip.fragmentOffset !== 0) return undefined;
  const o = ip.payloadOffset;
  const end = ip.version === 4 ? offset + ip.totalLength : o + ip.payloadLength;
  if (end - o < 8) throw new DecodeError('ICMP echo shorter than 8 bytes', o, 'icmp');
  const type = p[o]!;
  const isEcho = icmp6 ? type === ICMPV6_ECHO_REQUEST || type === ICMPV6_ECHO_REPLY : type === ICMP_ECHO || type === ICMP_ECHOREPLY;
  if (!isEcho) return undefined;
  const d = view(p);
  return {
    type,
    code: p[o + 1]!,
    checksum: d.getUint16(o + 2),
    id: d.getUint16(o + 4),
    seq: d.getUint16(o + 6),
    request: type === (icmp6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO),
    dataOffset: o + 8,
    dataLength: end - o - 8,
  };
}

/** RFC 1071 one's complement sum of p[start..end) folded to 16 bits (not inverted), continuing from `sum`. */
export function onesSum(p: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
  if (i < end) sum += p[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The Internet checksum of p[start..end). */
export function inetChecksum(p: Uint8Array, start = 0, end = p.length, initial = 0): number {
  return ~onesSum(p, start, end, initial) & 0xffff;
}

/** Pseudo-header sum for TCP/UDP/ICMPv6 checksums. */
function pseudoSum(p: Uint8Array, ipOff: number, version: 4 | 6, proto: number, len: number): number {
  if (version === 4) {
    let s = onesSum(p, ipOff + 12, ipOff + 20);
    s += proto + len;
    return s;
  }
  let s = onesSum(p, ipOff + 8, ipOff + 40);
  s += (len >>> 16) + (len & 0xffff) + proto;
  return s;
}

/**
 * Build the echo reply to an ICMP/ICMPv6 echo request (an IP packet at
 * `offset`): addresses swapped, type 0/129, TTL 64, checksums recomputed,
 * same id, sequence and data. Bytes before `offset` (tun_pi, virtio-net
 * header) are copied unchanged. Throws ArgumentError when the packet is not
 * an echo request.
 */
export function icmpEchoReply(request: Uint8Array, offset = 0): Buffer {
  const echo = parseIcmpEcho(request, offset);
  if (!echo || !echo.request) throw new ArgumentError('request', 'not an ICMP/ICMPv6 echo request');
  const ip = parseIp(request, offset);
  const end = ip.version === 4 ? offset + ip.totalLength : ip.payloadOffset + ip.payloadLength;
  const out = Buffer.from(request.subarray(0, end));
  const d = view(out);
  const o = ip.payloadOffset;
  if (ip.version === 4) {
    // swap addresses
    const src = out.subarray(offset + 12, offset + 16);
    const tmp = Buffer.from(src);
    out.copy(out, offset + 12, offset + 16, offset + 20);
    tmp.copy(out, offset + 16);
    out[offset + 8] = 64;
    d.setUint16(offset + 6, 0); // no fragmentation flags/offset
    d.setUint16(offset + 10, 0);
    d.setUint16(offset + 10, inetChecksum(out, offset, offset + ip.headerLength));
    out[o] = ICMP_ECHOREPLY;
    out[o + 1] = 0;
    d.setUint16(o + 2, 0);
    d.setUint16(o + 2, inetChecksum(out, o, end));
  } else {
    const tmp = Buffer.from(out.subarray(offset + 8, offset + 24));
    out.copy(out, offset + 8, offset + 24, offset + 40);
    tmp.copy(out, offset + 24);
    out[offset + 7] = 64;
    out[o] = ICMPV6_ECHO_REPLY;
    out[o + 1] = 0;
    d.setUint16(o + 2, 0);
    const len = end - o;
    d.setUint16(o + 2, inetChecksum(out, o, end, pseudoSum(out, offset, 6, IPPROTO_ICMPV6, len)));
  }
  return out;
}

/** Whether the transport checksum (UDP/TCP/ICMP/ICMPv6) and the IPv4 header checksum of a packet are valid. */
export function checksumsValid(p: Uint8Array, offset = 0): boolean {
  const ip = parseIp(p, offset);
  const o = ip.payloadOffset;
  if (ip.version === 4) {
    if (inetChecksum(p, offset, offset + ip.headerLength) !== 0) return false;
    const end = offset + ip.totalLength;
    if (ip.protocol === IPPROTO_ICMP) return inetChecksum(p, o, end) === 0;
    if (ip.protocol === IPPROTO_UDP && end - o >= 8 && view(p).getUint16(o + 6) === 0) return true; // no checksum
    if (ip.protocol === IPPROTO_UDP || ip.protocol === IPPROTO_TCP) return inetChecksum(p, o, end, pseudoSum(p, offset, 4, ip.protocol, end - o)) === 0;
    return true;
  }
  const end = o + ip.payloadLength;
  if (ip.protocol === IPPROTO_ICMPV6 || ip.protocol === IPPROTO_UDP || ip.protocol === IPPROTO_TCP) {
    return inetChecksum(p, o, end, pseudoSum(p, offset, 6, ip.protocol, end - o)) === 0;
  }
  return true;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  dataOffset: number;
  dataLength: number;
}

/** The UDP header of an IP packet, or undefined when it is not UDP. */
export function parseUdp(p: Uint8Array, offset = 0): UdpDatagram | undefined {
  const ip = parseIp(p, offset);
  if (ip.protocol !== IPPROTO_UDP) return undefined;
  const o = ip.payloadOffset;
  const avail = ip.version === 4 ? offset + ip.totalLength - o : ip.payloadLength;
  if (avail < 8) throw new DecodeError('UDP header truncated', o, 'udp');
  const d = view(p);
  const len = d.getUint16(o + 4);
  if (len < 8 || len > avail) throw new DecodeError(`UDP length ${len} does not fit (${avail} bytes)`, o + 4, 'udp');
  return { srcPort: d.getUint16(o), dstPort: d.getUint16(o + 2), length: len, checksum: d.getUint16(o + 6), dataOffset: o + 8, dataLength: len - 8 };
}

export interface Udp4Options {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** Payload bytes, or a length to fill with a pattern. */
  payload: Uint8Array | number;
  ttl?: number;
  id?: number;
  /** Compute the UDP checksum (default true; false leaves 0 = none). */
  checksum?: boolean;
}

function port(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new ArgumentError(field, 'expected a port 0..65535');
  return v;
}

/** Build an IPv4/UDP packet (for writing into a TUN device). */
export function buildUdp4(o: Udp4Options): Buffer {
  const src = ipBytes(o.src, 'src', 4);
  const dst = ipBytes(o.dst, 'dst', 4);
  port(o.srcPort, 'srcPort');
  port(o.dstPort, 'dstPort');
  const plen = typeof o.payload === 'number' ? o.payload : o.payload.length;
  if (!Number.isInteger(plen) || plen < 0 || plen > 65507) throw new ArgumentError('payload', 'a UDP payload is 0..65507 bytes');
  const total = 28 + plen;
  const b = Buffer.alloc(total);
  const d = view(b);
  b[0] = 0x45;
  d.setUint16(2, total);
  d.setUint16(4, o.id ?? 0);
  d.setUint16(6, 0x4000); // DF
  b[8] = o.ttl ?? 64;
  b[9] = IPPROTO_UDP;
  b.set(src, 12);
  b.set(dst, 16);
  d.setUint16(10, inetChecksum(b, 0, 20));
  d.setUint16(20, o.srcPort);
  d.setUint16(22, o.dstPort);
  d.setUint16(24, 8 + plen);
  if (typeof o.payload === 'number') for (let i = 0; i < plen; i++) b[28 + i] = i & 0xff;
  else b.set(o.payload, 28);
  if (o.checksum !== false) {
    const c = inetChecksum(b, 20, total, pseudoSum(b, 0, 4, IPPROTO_UDP, 8 + plen));
    d.setUint16(26, c === 0 ? 0xffff : c);
  }
  return b;
}

export interface Icmp4EchoOptions {
  src: string;
  dst: string;
  id: number;
  seq: number;
  /** Echo data, or a length to fill with a pattern (default 56, like ping). */
  data?: Uint8Array | number;
  /** Request (type 8, default) or reply (type 0). */
  reply?: boolean;
  ttl?: number;
}

/** Build an IPv4 ICMP echo request (or reply) packet. */
export function buildIcmp4Echo(o: Icmp4EchoOptions): Buffer {
  const src = ipBytes(o.src, 'src', 4);
  const dst = ipBytes(o.dst, 'dst', 4);
  for (const k of ['id', 'seq'] as const) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) throw new ArgumentError(k, 'expected 0..65535');
  }
  const data = o.data ?? 56;
  const dlen = typeof data === 'number' ? data : data.length;
  if (!Number.isInteger(dlen) || dlen < 0 || dlen > 65507) throw new ArgumentError('data', 'echo data is 0..65507 bytes');
  const total = 28 + dlen;
  const b = Buffer.alloc(total);
  const d = view(b);
  b[0] = 0x45;
  d.setUint16(2, total);
  d.setUint16(6, 0x4000);
  b[8] = o.ttl ?? 64;
  b[9] = IPPROTO_ICMP;
  b.set(src, 12);
  b.set(dst, 16);
  d.setUint16(10, inetChecksum(b, 0, 20));
  b[20] = o.reply ? ICMP_ECHOREPLY : ICMP_ECHO;
  d.setUint16(24, o.id);
  d.setUint16(26, o.seq);
  if (typeof data === 'number') for (let i = 0; i < dlen; i++) b[28 + i] = i & 0xff;
  else b.set(data, 28);
  d.setUint16(22, inetChecksum(b, 20, total));
  return b;
}

export interface EthernetHeader {
  dst: string;
  src: string;
  /** EtherType of the payload (after any VLAN tags). */
  etherType: number;
  /** 802.1Q/802.1ad VLAN ids, outermost first. */
  vlans: number[];
  payloadOffset: number;
}

/** Parse an Ethernet header (with VLAN tags) as read from a TAP device. */
export function parseEthernet(p: Uint8Array, offset = 0): EthernetHeader {
  need(p, offset, 14, 'ethernet');
  const d = view(p);
  let o = offset + 12;
  let type = d.getUint16(o);
  const vlans: number[] = [];
  while (type === ETH_P_8021Q || type === ETH_P_8021AD) {
    need(p, o, 6, 'vlan');
    vlans.push(d.getUint16(o + 2) & 0xfff);
    o += 4;
    type = d.getUint16(o);
  }
  return { dst: formatMac(p, offset, 6), src: formatMac(p, offset + 6, 6), etherType: type, vlans, payloadOffset: o + 2 };
}

/** Build an Ethernet frame (no VLAN tag). */
export function buildEthernet(h: { dst: string; src: string; etherType: number }, payload: Uint8Array): Buffer {
  const b = Buffer.alloc(14 + payload.length);
  b.set(parseMac(h.dst, 'dst', 6), 0);
  b.set(parseMac(h.src, 'src', 6), 6);
  if (!Number.isInteger(h.etherType) || h.etherType < 0 || h.etherType > 0xffff) throw new ArgumentError('etherType', 'expected 0..0xffff');
  b.writeUInt16BE(h.etherType, 12);
  b.set(payload, 14);
  return b;
}

/** An Ethernet/IPv4 ARP packet. */
export interface ArpPacket {
  /** 1 request, 2 reply. */
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** Parse an ARP packet (Ethernet hardware, IPv4 protocol) at offset (the Ethernet payload). */
export function parseArp(p: Uint8Array, offset = 0): ArpPacket {
  need(p, offset, 28, 'arp');
  const d = view(p);
  if (d.getUint16(offset) !== 1 || d.getUint16(offset + 2) !== ETH_P_IP || p[offset + 4] !== 6 || p[offset + 5] !== 4) {
    throw new DecodeError('not an Ethernet/IPv4 ARP packet', offset, 'arp');
  }
  return {
    op: d.getUint16(offset + 6),
    senderMac: formatMac(p, offset + 8, 6),
    senderIp: formatIPv4(p, offset + 14),
    targetMac: formatMac(p, offset + 18, 6),
    targetIp: formatIPv4(p, offset + 24),
  };
}

/** Build an ARP packet (the Ethernet payload). */
export function buildArp(a: ArpPacket): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(ETH_P_IP, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(a.op, 6);
  b.set(parseMac(a.senderMac, 'senderMac', 6), 8);
  b.set(ipBytes(a.senderIp, 'senderIp', 4), 14);
  b.set(parseMac(a.targetMac, 'targetMac', 6), 18);
  b.set(ipBytes(a.targetIp, 'targetIp', 4), 24);
  return b;
}

/**
 * The Ethernet frame answering an ARP request frame (read from a TAP
 * device) for an address we own: "targetIp is at `mac`". Undefined when the
 * frame is not an ARP request.
 */
export function arpReplyFrame(frame: Uint8Array, mac: string): Buffer | undefined {
  const eth = parseEthernet(frame);
  if (eth.etherType !== ETH_P_ARP) return undefined;
  const req = parseArp(frame, eth.payloadOffset);
  if (req.op !== ARPOP_REQUEST) return undefined;
  const reply = buildArp({ op: ARPOP_REPLY, senderMac: mac, senderIp: req.targetIp, targetMac: req.senderMac, targetIp: req.senderIp });
  return buildEthernet({ dst: req.senderMac, src: mac, etherType: ETH_P_ARP }, reply);
}

/**
 * The Ethernet frame answering an ICMP echo request frame (IPv4 or IPv6)
 * read from a TAP device: MACs swapped (our `mac` as source), IP reply from
 * icmpEchoReply(). Undefined when the frame is not an echo request.
 */
export function icmpEchoReplyFrame(frame: Uint8Array, mac?: string): Buffer | undefined {
  const eth = parseEthernet(frame);
  if (eth.etherType !== ETH_P_IP && eth.etherType !== ETH_P_IPV6) return undefined;
  const echo = parseIcmpEcho(frame, eth.payloadOffset);
  if (!echo?.request) return undefined;
  const ip = icmpEchoReply(frame.subarray(eth.payloadOffset));
  return buildEthernet({ dst: eth.src, src: mac ?? eth.dst, etherType: eth.etherType }, ip);
}
