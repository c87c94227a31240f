/**
 * The "wireguard" generic netlink family: a WireGuard device's keys, port,
 * firewall mark and peers (`wg show`, `wg set`, `wg setconf`). The device
 * itself is a link: `rtnl.links.add({ name: 'wg0', kind: 'wireguard' })`.
 *
 *   wg set wg0 private-key K listen-port 51820 peer P endpoint 10.0.0.2:51820 allowed-ips 10.9.0.0/24
 *   genl.wireguard.set('wg0', { privateKey: K, listenPort: 51820, peers: [{ publicKey: P, endpoint: '10.0.0.2:51820', allowedIps: ['10.9.0.0/24'] }] })
 *   wg setconf wg0 FILE      ...set('wg0', { replacePeers: true, ... })
 *   wg show wg0 dump         genl.wireguard.get('wg0')
 *
 * Keys are base64 strings like wg's (32-byte Buffers and 64 hex digits are
 * accepted too). Large configurations are split over several messages the
 * way wg splits them (WGDEVICE_F_REPLACE_PEERS / WGPEER_F_REPLACE_ALLOWEDIPS
 * only in the first), and dumps split by the kernel are put back together.
 * @module
 */
import { ip, NOFIT, policy, string, struct, u16, u32, u64, u8, type Codec, type Policy, encodeAttrs, moreConsts } from '../netlink/attr.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe, formatIP, parseIP } from '../netlink/ip.js';
import { Writer } from '../netlink/writer.js';
import { base64Bytes, nestedArray, toBytes } from './codecs.js';
import { checkBool, checkDev, checkInt, checkKeys, checkObject } from './common.js';
import { registerGenlFamily, type GenlFamilySpec } from './protocol.js';
import type { DevRef, GenlTransport } from './transport.js';
import { GENL_UAPI as G } from './uapi.js';

export const WG_GENL_NAME = 'wireguard';

/** WGALLOWEDIP_A_FLAGS (Linux 6.16) and its WGALLOWEDIP_F_REMOVE_ME bit: remove one allowed IP. */
export const WGALLOWEDIP_A_FLAGS = 4;
export const WGALLOWEDIP_F_REMOVE_ME = 1;

const AF_INET = 2;
const AF_INET6 = 10;

/** A WireGuard key: 32 bytes, shown in base64. */
export const wgKey = base64Bytes(G.WG_KEY_LEN, 'a WireGuard key (32 bytes)');

/**
 * WGPEER_A_ENDPOINT: struct sockaddr_in (16 bytes) or sockaddr_in6 (28) as
 * "192.0.2.1:51820" / "[2001:db8::1]:51820" ("[fe80::1%3]:51820" with a scope
 * id). Odd layouts (non-zero padding, a flow label) stay raw.
 */
export const wgEndpoint: Codec<string> = {
  name: 'sockaddr',
  decode: (b, o, len) => {
    if (len < 2) return NOFIT;
    const fam = b.readUInt16LE(o);
    if (fam === AF_INET && len === 16) {
      for (let i = 8; i < 16; i++) if (b[o + i] !== 0) return NOFIT;
      return `${formatIP(b, o + 4, 4)}:${b.readUInt16BE(o + 2)}`;
    }
    if (fam === AF_INET6 && len === 28) {
      if (b.readUInt32BE(o + 4) !== 0) return NOFIT;
      const scope = b.readUInt32LE(o + 24);
      return `[${formatIP(b, o + 8, 16)}${scope ? `%${scope}` : ''}]:${b.readUInt16BE(o + 2)}`;
    }
    return NOFIT;
  },
  encode: (w, v) => w.bytes(endpointBytes(v, 'endpoint')),
  check: (v, f) => {
    endpointBytes(v, f);
    return v as string;
  },
};

/** struct sockaddr_in / sockaddr_in6 of "ip:port" / "[ip6%scope]:port". */
export function endpointBytes(v: unknown, f: string): Buffer {
  if (typeof v !== 'string') throw new ArgumentError(f, `expected "ip:port" or "[ipv6]:port", got ${describe(v)}`);
  const m6 = /^\[([^\]%]+)(?:%(\d+))?\]:(\d{1,5})$/.exec(v);
  const m4 = /^([0-9.]+):(\d{1,5})$/.exec(v);
  const host = m6 ? m6[1]! : m4?.[1];
  const portText = m6 ? m6[3] : m4?.[2];
  const addr = host !== undefined ? parseIP(host) : undefined;
  if (!addr || portText === undefined || (m6 && addr.family !== 6) || (m4 && addr.family !== 4)) {
    throw new ArgumentError(f, `"${v}" is not an endpoint: expected "ip:port" or "[ipv6]:port" with a literal address (no host names)`);
  }
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new ArgumentError(f, `"${v}": port ${port} is outside 1..65535`);
  if (addr.family === 4) {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(port, 2);
    b.set(addr.bytes, 4);
    return b;
  }
  const b = Buffer.alloc(28);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(port, 2);
  b.set(addr.bytes, 8);
  const scope = m6?.[2] !== undefined ? Number(m6[2]) : 0;
  if (!Number.isSafeInteger(scope) || scope > 0xffffffff) throw new ArgumentError(f, `"${v}": scope id out of range`);
  b.writeUInt32LE(scope, 24);
  return b;
}

/** WGALLOWEDIP_A_*: one allowed IP range. */
export const wgAllowedIpPolicy = policy('WGALLOWEDIP_A', moreConsts(G, { WGALLOWEDIP_A_FLAGS }), [
  ['WGALLOWEDIP_A_FAMILY', 'family', u16],
  ['WGALLOWEDIP_A_IPADDR', 'ipaddr', ip],
  ['WGALLOWEDIP_A_CIDR_MASK', 'cidrMask', u8],
  ['WGALLOWEDIP_A_FLAGS', 'flags', u32],
]);
/** struct __kernel_timespec of WGPEER_A_LAST_HANDSHAKE_TIME. */
const timespec = struct<{ sec: bigint; nsec: bigint }>('__kernel_timespec', [['sec', 'u64'], ['nsec', 'u64']]);
/** WGPEER_A_*: one peer. */
export const wgPeerPolicy = policy('WGPEER_A', G, [
  ['WGPEER_A_PUBLIC_KEY', 'publicKey', wgKey],
  ['WGPEER_A_PRESHARED_KEY', 'presharedKey', wgKey],
  ['WGPEER_A_FLAGS', 'flags', u32],
  ['WGPEER_A_ENDPOINT', 'endpoint', wgEndpoint],
  ['WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL', 'persistentKeepalive', u16],
  ['WGPEER_A_LAST_HANDSHAKE_TIME', 'lastHandshakeTime', timespec as Codec<unknown>],
  ['WGPEER_A_RX_BYTES', 'rxBytes', u64],
  ['WGPEER_A_TX_BYTES', 'txBytes', u64],
  ['WGPEER_A_ALLOWEDIPS', 'allowedIps', nestedArray(wgAllowedIpPolicy, { numbering: 'zero', nestedFlag: true })],
  ['WGPEER_A_PROTOCOL_VERSION', 'protocolVersion', u32],
]);
/** WGDEVICE_A_*: a device. */
export const wgDevicePolicy: Policy = policy('WGDEVICE_A', G, [
  ['WGDEVICE_A_IFINDEX', 'ifindex', u32],
  ['WGDEVICE_A_IFNAME', 'ifname', string],
  ['WGDEVICE_A_PRIVATE_KEY', 'privateKey', wgKey],
  ['WGDEVICE_A_PUBLIC_KEY', 'publicKey', wgKey],
  ['WGDEVICE_A_FLAGS', 'flags', u32],
  ['WGDEVICE_A_LISTEN_PORT', 'listenPort', u16],
  ['WGDEVICE_A_FWMARK', 'fwmark', u32],
  ['WGDEVICE_A_PEERS', 'peers', nestedArray(wgPeerPolicy, { numbering: 'zero', nestedFlag: true })],
]);

export const WG_COMMANDS: Record<number, string> = {
  [G.WG_CMD_GET_DEVICE]: 'WG_CMD_GET_DEVICE',
  [G.WG_CMD_SET_DEVICE]: 'WG_CMD_SET_DEVICE',
};

export const wireguardSpec: GenlFamilySpec = {
  name: WG_GENL_NAME,
  version: G.WG_GENL_VERSION,
  commands: WG_COMMANDS,
  policy: () => wgDevicePolicy,
  summaryKeys: ['ifname', 'ifindex', 'listenPort'],
};
registerGenlFamily(wireguardSpec);

// ------------------------------------------------------------------ types

/** A peer as `wg show DEV dump` lists it. */
export interface WgPeer {
  /** WGPEER_A_PUBLIC_KEY (base64) */
  publicKey: string;
  /** WGPEER_A_PRESHARED_KEY (base64); absent when none (all zeros) */
  presharedKey?: string;
  /** WGPEER_A_ENDPOINT: "ip:port" / "[ipv6]:port"; absent when none */
  endpoint?: string;
  /** WGPEER_A_ALLOWEDIPS as "10.9.0.0/24" */
  allowedIps: string[];
  /** WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL in seconds (0: off) */
  persistentKeepalive: number;
  /** WGPEER_A_LAST_HANDSHAKE_TIME; undefined before the first handshake */
  lastHandshake?: Date;
  /** WGPEER_A_LAST_HANDSHAKE_TIME as sent (seconds and nanoseconds since the epoch) */
  lastHandshakeTime: { sec: bigint; nsec: bigint };
  /** WGPEER_A_RX_BYTES */
  rxBytes: bigint;
  /** WGPEER_A_TX_BYTES */
  txBytes: bigint;
  /** WGPEER_A_PROTOCOL_VERSION */
  protocolVersion?: number;
}

/** A device as `wg show DEV dump` lists it. */
export interface WgDevice {
  ifindex: number;
  name: string;
  /** WGDEVICE_A_PRIVATE_KEY (base64); absent when none is set */
  privateKey?: string;
  /** WGDEVICE_A_PUBLIC_KEY (base64) */
  publicKey?: string;
  /** WGDEVICE_A_LISTEN_PORT */
  listenPort: number;
  /** WGDEVICE_A_FWMARK (0: off) */
  fwmark: number;
  peers: WgPeer[];
}

/** A key: base64 (like wg), 64 hex digits, or 32 bytes; null removes it (all zeros). */
export type WgKeyInput = string | Uint8Array | null;

/** One peer to add, change or remove (`wg set DEV peer KEY ...`). */
export interface WgPeerConfig {
  publicKey: string | Uint8Array;
  /** `remove`: delete the peer (nothing else may be given) */
  remove?: boolean;
  /** WGPEER_F_UPDATE_ONLY: change the peer only if it exists (Linux 5.7+? no: wireguard 1.0) */
  updateOnly?: boolean;
  /** `preshared-key`; null removes it */
  presharedKey?: WgKeyInput;
  /** `endpoint ip:port` / `[ipv6]:port` */
  endpoint?: string;
  /** `persistent-keepalive` seconds, 0 (or 'off') disables */
  persistentKeepalive?: number | 'off';
  /** `allowed-ips`: "10.9.0.0/24", "fd00::/64" */
  allowedIps?: string[];
  /**
   * Replace the peer's allowed IPs with `allowedIps` (WGPEER_F_REPLACE_ALLOWEDIPS),
   * as `wg set ... allowed-ips` does. Default: true when allowedIps is given;
   * false appends them (`wg addconf`).
   */
  replaceAllowedIps?: boolean;
}

/** Changes to a device (`wg set`; with replacePeers, `wg setconf`). */
export interface WgDeviceConfig {
  /** `private-key`; null removes it */
  privateKey?: WgKeyInput;
  /** `listen-port`, 0: random */
  listenPort?: number;
  /** `fwmark`, 0 (or 'off') disables */
  fwmark?: number | 'off';
  /** WGDEVICE_F_REPLACE_PEERS: the peers below replace all current ones (`wg setconf`) */
  replacePeers?: boolean;
  peers?: WgPeerConfig[];
}

// --------------------------------------------------------------- checks

const ZERO_KEY = Buffer.alloc(G.WG_KEY_LEN).toString('base64');

function key(v: unknown, f: string, allowNull: boolean): string {
  if (v === null && allowNull) return ZERO_KEY;
  return toBytes(v, f, G.WG_KEY_LEN, 'a WireGuard key (32 bytes)').toString('base64');
}

/** "10.9.0.0/24" -> WGALLOWEDIP_A_* */
export function allowedIpAttrs(v: unknown, f: string): { family: number; ipaddr: string; cidrMask: number } {
  if (typeof v !== 'string') throw new ArgumentError(f, `expected an address prefix like "10.9.0.0/24", got ${describe(v)}`);
  const slash = v.indexOf('/');
  const addr = parseIP(slash >= 0 ? v.slice(0, slash) : v);
  if (!addr) throw new ArgumentError(f, `"${v}" is not an IPv4 or IPv6 prefix`);
  const max = addr.family === 4 ? 32 : 128;
  let mask = max;
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new ArgumentError(f, `"${v}": prefix length must be 0..${max}`);
    mask = Number(p);
  }
  return { family: addr.family === 4 ? AF_INET : AF_INET6, ipaddr: formatIP(addr.bytes), cidrMask: mask };
}

function checkPeer(v: unknown, f: string): Record<string, unknown> {
  const r = checkObject(v, f);
  checkKeys(r, ['publicKey', 'remove', 'updateOnly', 'presharedKey', 'endpoint', 'persistentKeepalive', 'allowedIps', 'replaceAllowedIps'], f);
  const p = (k: string): string => `${f}.${k}`;
  const out: Record<string, unknown> = { publicKey: key(r.publicKey, p('publicKey'), false) };
  let flags = 0;
  if (r.remove !== undefined && checkBool(r.remove, p('remove'))) {
    for (const k of Object.keys(r)) if (r[k] !== undefined && k !== 'publicKey' && k !== 'remove') throw new ArgumentError(p(k), 'a peer being removed takes no other settings');
    out.flags = G.WGPEER_F_REMOVE_ME;
    return out;
  }
  if (r.updateOnly !== undefined && checkBool(r.updateOnly, p('updateOnly'))) flags |= G.WGPEER_F_UPDATE_ONLY;
  if (r.presharedKey !== undefined) out.presharedKey = key(r.presharedKey, p('presharedKey'), true);
  if (r.endpoint !== undefined) {
    wgEndpoint.check(r.endpoint, p('endpoint'), {});
    out.endpoint = r.endpoint;
  }
  if (r.persistentKeepalive !== undefined) out.persistentKeepalive = r.persistentKeepalive === 'off' ? 0 : checkInt(r.persistentKeepalive, p('persistentKeepalive'), 0, 65535, 'seconds');
  let replace = false;
  if (r.allowedIps !== undefined) {
    if (!Array.isArray(r.allowedIps)) throw new ArgumentError(p('allowedIps'), `expected an array of prefixes, got ${describe(r.allowedIps)}`);
    out.allowedIps = r.allowedIps.map((x, i) => allowedIpAttrs(x, `${p('allowedIps')}[${i}]`));
    replace = true;
  }
  if (r.replaceAllowedIps !== undefined) replace = checkBool(r.replaceAllowedIps, p('replaceAllowedIps'));
  if (replace) flags |= G.WGPEER_F_REPLACE_ALLOWEDIPS;
  if (flags) out.flags = flags;
  return out;
}

/** Each message carries at most this many bytes of peers (an attribute's length is 16 bits; wg splits at 4 KiB). */
export const WG_MESSAGE_BUDGET = 32 * 1024;

/** Encoded size of a peer; its allowed IPs are measured one by one (a whole list may exceed an attribute's 64 KiB). */
function peerSize(p: Record<string, unknown>): number {
  const { allowedIps, ...rest } = p as { allowedIps?: Record<string, unknown>[] };
  const w = new Writer(256);
  encodeAttrs(w, wgPeerPolicy, rest);
  let n = w.pos + 4;
  if (allowedIps) {
    n += 4;
    for (const a of allowedIps) n += allowedIpSize(a);
  }
  return n;
}

function allowedIpSize(a: Record<string, unknown>): number {
  const w = new Writer(64);
  encodeAttrs(w, wgAllowedIpPolicy, a);
  return w.pos + 4;
}

/**
 * Split a device change into messages: device settings and flags in the
 * first; peers packed up to `budget` bytes of peers per message; a peer too
 * large for one message continues in the next ones as the same public key
 * with only more allowed IPs (no flags: they are appended), as wg does.
 */
export function splitDeviceConfig(head: Record<string, unknown>, peers: Record<string, unknown>[], budget = WG_MESSAGE_BUDGET): Record<string, unknown>[] {
  const id: Record<string, unknown> = {};
  if (head.ifindex !== undefined) id.ifindex = head.ifindex;
  if (head.ifname !== undefined) id.ifname = head.ifname;
  const msgs: Record<string, unknown>[] = [];
  let cur: Record<string, unknown> = { ...head };
  let curPeers: Record<string, unknown>[] = [];
  let used = 0;
  const flush = (): void => {
    if (curPeers.length) cur.peers = curPeers;
    msgs.push(cur);
    cur = { ...id };
    curPeers = [];
    used = 0;
  };
  for (const peer of peers) {
    const size = peerSize(peer);
    if (used + size <= budget) {
      curPeers.push(peer);
      used += size;
      continue;
    }
    if (size <= budget) {
      flush();
      curPeers.push(peer);
      used = size;
      continue;
    }
    // larger than a message: its allowed IPs continue in the next messages
    const ips = (peer.allowedIps as Record<string, unknown>[] | undefined) ?? [];
    let part: Record<string, unknown> = { ...peer, allowedIps: [] };
    let partSize = peerSize(part);
    if (used + partSize > budget) flush();
    for (const a of ips) {
      const aSize = allowedIpSize(a);
      if (used + partSize + aSize > budget && (part.allowedIps as unknown[]).length > 0) {
        curPeers.push(part);
        flush();
        part = { publicKey: peer.publicKey, allowedIps: [] };
        partSize = peerSize(part);
      }
      (part.allowedIps as Record<string, unknown>[]).push(a);
      partSize += aSize;
    }
    curPeers.push(part);
    used += partSize;
  }
  if (curPeers.length || msgs.length === 0) flush();
  return msgs;
}

// ------------------------------------------------------------------- API

/** `wg`: WireGuard devices. */
export class WireGuard {
  constructor(private readonly t: GenlTransport) {}

  private devAttrs(dev: DevRef): Record<string, unknown> {
    return typeof dev === 'number' ? { ifindex: dev } : { ifname: dev };
  }

  /** `wg show DEV dump`: the device and its peers (the kernel's split dump put back together). */
  async get(dev: DevRef): Promise<WgDevice> {
    checkDev(dev);
    const msgs = await this.t.dumpAll(WG_GENL_NAME, G.WG_CMD_GET_DEVICE, this.devAttrs(dev), { what: `wireguard.get ${String(dev)}` });
    return mergeDump(msgs.map((m) => (m.attrs ?? {}) as WgDumpAttrs));
  }

  /**
   * `wg set DEV ...` (and with `replacePeers: true`, `wg setconf DEV FILE`).
   * Everything is checked before anything is sent; large changes go out as
   * several messages (not atomic, like wg).
   */
  async set(dev: DevRef, config: WgDeviceConfig): Promise<void> {
    checkDev(dev);
    const c = checkObject(config, 'config');
    checkKeys(c, ['privateKey', 'listenPort', 'fwmark', 'replacePeers', 'peers'], 'config');
    const head: Record<string, unknown> = this.devAttrs(dev);
    if (c.privateKey !== undefined) head.privateKey = key(c.privateKey, 'config.privateKey', true);
    if (c.listenPort !== undefined) head.listenPort = checkInt(c.listenPort, 'config.listenPort', 0, 65535, 'a UDP port');
    if (c.fwmark !== undefined) head.fwmark = c.fwmark === 'off' ? 0 : checkInt(c.fwmark, 'config.fwmark', 0, 0xffffffff, 'a firewall mark');
    if (c.replacePeers !== undefined && checkBool(c.replacePeers, 'config.replacePeers')) head.flags = G.WGDEVICE_F_REPLACE_PEERS;
    let peers: Record<string, unknown>[] = [];
    if (c.peers !== undefined) {
      if (!Array.isArray(c.peers)) throw new ArgumentError('config.peers', `expected an array of peers, got ${describe(c.peers)}`);
      peers = c.peers.map((p, i) => checkPeer(p, `config.peers[${i}]`));
      const seen = new Set<string>();
      peers.forEach((p, i) => {
        if (seen.has(p.publicKey as string)) throw new ArgumentError(`config.peers[${i}].publicKey`, 'the same peer is given twice');
        seen.add(p.publicKey as string);
      });
    }
    // wg's order: ifname, private key, listen port, fwmark, flags, peers
    const ordered: Record<string, unknown> = {};
    for (const k of ['ifindex', 'ifname', 'privateKey', 'listenPort', 'fwmark', 'flags']) if (head[k] !== undefined) ordered[k] = head[k];
    const msgs = splitDeviceConfig(ordered, peers.map(orderPeer));
    for (let i = 0; i < msgs.length; i++) {
      await this.t.call(WG_GENL_NAME, G.WG_CMD_SET_DEVICE, msgs[i], { what: `wireguard.set ${String(dev)}${msgs.length > 1 ? ` (message ${i + 1}/${msgs.length})` : ''}` });
    }
  }
}

/** A peer's attributes in wg's order: key, preshared key, endpoint, keepalive, flags, allowed IPs. */
function orderPeer(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['publicKey', 'presharedKey', 'endpoint', 'persistentKeepalive', 'flags', 'allowedIps']) if (p[k] !== undefined) out[k] = p[k];
  return out;
}

interface WgDumpAttrs {
  ifindex?: number;
  ifname?: string;
  privateKey?: string;
  publicKey?: string;
  listenPort?: number;
  fwmark?: number;
  peers?: Array<{
    publicKey?: string;
    presharedKey?: string;
    endpoint?: string;
    persistentKeepalive?: number;
    lastHandshakeTime?: { sec: bigint; nsec: bigint };
    rxBytes?: bigint;
    txBytes?: bigint;
    allowedIps?: Array<{ family?: number; ipaddr?: string; cidrMask?: number }>;
    protocolVersion?: number;
  }>;
}

/** Put a WG_CMD_GET_DEVICE dump back together (the kernel splits large devices over messages; a peer may continue in the next one). */
export function mergeDump(msgs: WgDumpAttrs[]): WgDevice {
  const first = msgs[0] ?? {};
  const dev: WgDevice = {
    ifindex: first.ifindex ?? 0,
    name: first.ifname ?? '',
    ...(first.privateKey !== undefined && first.privateKey !== ZERO_KEY ? { privateKey: first.privateKey } : {}),
    ...(first.publicKey !== undefined && first.publicKey !== ZERO_KEY ? { publicKey: first.publicKey } : {}),
    listenPort: first.listenPort ?? 0,
    fwmark: first.fwmark ?? 0,
    peers: [],
  };
  for (let mi = 0; mi < msgs.length; mi++) {
    const peers = msgs[mi]!.peers ?? [];
    for (let pi = 0; pi < peers.length; pi++) {
      const p = peers[pi]!;
      const ips = (p.allowedIps ?? []).map((a) => `${a.ipaddr}/${a.cidrMask}`);
      const last = dev.peers[dev.peers.length - 1];
      if (pi === 0 && mi > 0 && last && last.publicKey === p.publicKey) {
        last.allowedIps.push(...ips);
        continue;
      }
      const hs = p.lastHandshakeTime ?? { sec: 0n, nsec: 0n };
      const ms = hs.sec * 1000n + hs.nsec / 1_000_000n;
      dev.peers.push({
        publicKey: p.publicKey ?? '',
        ...(p.presharedKey !== undefined && p.presharedKey !== ZERO_KEY ? { presharedKey: p.presharedKey } : {}),
        ...(p.endpoint !== undefined ? { endpoint: p.endpoint } : {}),
        allowedIps: ips,
        persistentKeepalive: p.persistentKeepalive ?? 0,
        ...(hs.sec !== 0n || hs.nsec !== 0n ? { lastHandshake: new Date(Number(ms)) } : {}),
        lastHandshakeTime: hs,
        rxBytes: p.rxBytes ?? 0n,
        txBytes: p.txBytes ?? 0n,
        ...(p.protocolVersion !== undefined ? { protocolVersion: p.protocolVersion } : {}),
      });
    }
  }
  return dev;
}

