/**
 * The "ethtool" generic netlink family: link settings and state, offload
 * features, rings and channels of a device (`ethtool`, `ethtool -k/-K`,
 * `ethtool -g/-G`, `ethtool -l/-L`), and the driver information, which
 * ethtool still reads with the SIOCETHTOOL ioctl (`ethtool -i`).
 *
 * ethtool numbers its messages from the kernel apart from its requests
 * (ETHTOOL_MSG_*_GET_REPLY, *_NTF): the policies below are chosen by command
 * and direction. Bit sets (features, link modes) are requested in the
 * verbose form, so the kernel names every bit itself: no feature name is
 * hard-coded here; names given by the caller are checked against the
 * kernel's string set (ETHTOOL_MSG_STRSET_GET, ETH_SS_FEATURES).
 * @module
 */
import { binary, bool8, enumOf, flag, nested, policy, string, u32, u8, type Policy, moreConsts } from '../netlink/attr.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { checkBool, checkDev, checkInt, checkObject } from './common.js';
import { registerGenlFamily, type GenlFamilySpec } from './protocol.js';
import type { DevRef, GenlTransport } from './transport.js';
import { GENL_UAPI as G } from './uapi.js';

export const ETHTOOL_GENL_NAME = 'ethtool';
/** The "monitor" multicast group (ETHTOOL_MCGRP_MONITOR_NAME): *_NTF notifications. */
export const ETHTOOL_MCGRP_MONITOR_NAME = 'monitor';

/** Newer than the pinned 6.1 headers (named here, with the release that added them). */
export const ETHTOOL_A_HEADER_PHY_INDEX = 4; // 6.12
export const ETHTOOL_A_LINKSTATE_EXT_DOWN_CNT = 7; // 6.2
export const ETHTOOL_A_RINGS_RX_PUSH = 14; // 6.4
export const ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN = 15; // 6.5
export const ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN_MAX = 16; // 6.5
export const ETHTOOL_A_RINGS_HDS_THRESH = 17; // 6.14
export const ETHTOOL_A_RINGS_HDS_THRESH_MAX = 18; // 6.14
const NEWER = {
  ETHTOOL_A_HEADER_PHY_INDEX,
  ETHTOOL_A_LINKSTATE_EXT_DOWN_CNT,
  ETHTOOL_A_RINGS_RX_PUSH,
  ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN,
  ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN_MAX,
  ETHTOOL_A_RINGS_HDS_THRESH,
  ETHTOOL_A_RINGS_HDS_THRESH_MAX,
};
const U = moreConsts(G, NEWER);

/** ETHTOOL_A_HEADER_*: which device, and request flags. */
export const ethtoolHeaderPolicy = policy('ETHTOOL_A_HEADER', U, [
  ['ETHTOOL_A_HEADER_DEV_INDEX', 'devIndex', u32],
  ['ETHTOOL_A_HEADER_DEV_NAME', 'devName', string],
  ['ETHTOOL_A_HEADER_FLAGS', 'flags', u32],
  ['ETHTOOL_A_HEADER_PHY_INDEX', 'phyIndex', u32],
]);
export const ethtoolBitPolicy = policy('ETHTOOL_A_BITSET_BIT', U, [
  ['ETHTOOL_A_BITSET_BIT_INDEX', 'index', u32],
  ['ETHTOOL_A_BITSET_BIT_NAME', 'name', string],
  ['ETHTOOL_A_BITSET_BIT_VALUE', 'value', flag],
]);
export const ethtoolBitsPolicy = policy('ETHTOOL_A_BITSET_BITS', U, [
  ['ETHTOOL_A_BITSET_BITS_BIT', 'bit', nested(ethtoolBitPolicy, { nestedFlag: true }), { multi: true }],
]);
/** ETHTOOL_A_BITSET_*: a bit set, verbose (bits by index and name) or compact (value and mask words). */
export const ethtoolBitsetPolicy = policy('ETHTOOL_A_BITSET', U, [
  ['ETHTOOL_A_BITSET_NOMASK', 'nomask', flag],
  ['ETHTOOL_A_BITSET_SIZE', 'size', u32],
  ['ETHTOOL_A_BITSET_BITS', 'bits', nested(ethtoolBitsPolicy, { nestedFlag: true })],
  ['ETHTOOL_A_BITSET_VALUE', 'value', binary],
  ['ETHTOOL_A_BITSET_MASK', 'mask', binary],
]);
const header = nested(ethtoolHeaderPolicy, { nestedFlag: true });
const bitset = nested(ethtoolBitsetPolicy, { nestedFlag: true });

export const ethtoolStringPolicy = policy('ETHTOOL_A_STRING', U, [
  ['ETHTOOL_A_STRING_INDEX', 'index', u32],
  ['ETHTOOL_A_STRING_VALUE', 'value', string],
]);
export const ethtoolStringsPolicy = policy('ETHTOOL_A_STRINGS', U, [
  ['ETHTOOL_A_STRINGS_STRING', 'string', nested(ethtoolStringPolicy, { nestedFlag: true }), { multi: true }],
]);
export const ethtoolStringsetPolicy = policy('ETHTOOL_A_STRINGSET', U, [
  ['ETHTOOL_A_STRINGSET_ID', 'id', u32],
  ['ETHTOOL_A_STRINGSET_COUNT', 'count', u32],
  ['ETHTOOL_A_STRINGSET_STRINGS', 'strings', nested(ethtoolStringsPolicy, { nestedFlag: true })],
]);
export const ethtoolStringsetsPolicy = policy('ETHTOOL_A_STRINGSETS', U, [
  ['ETHTOOL_A_STRINGSETS_STRINGSET', 'stringset', nested(ethtoolStringsetPolicy, { nestedFlag: true }), { multi: true }],
]);
export const ethtoolStrsetPolicy = policy('ETHTOOL_A_STRSET', U, [
  ['ETHTOOL_A_STRSET_HEADER', 'header', header],
  ['ETHTOOL_A_STRSET_STRINGSETS', 'stringsets', nested(ethtoolStringsetsPolicy, { nestedFlag: true })],
  ['ETHTOOL_A_STRSET_COUNTS_ONLY', 'countsOnly', flag],
]);

export type EthtoolPort = 'tp' | 'aui' | 'bnc' | 'mii' | 'fibre' | 'da' | 'none' | 'other';
export type EthtoolMdix = 'unknown' | 'mdi' | 'mdi-x' | 'auto';
const portNames: Record<number, EthtoolPort> = { 0: 'tp', 1: 'aui', 2: 'bnc', 3: 'mii', 4: 'fibre', 5: 'da', 0xef: 'none', 0xff: 'other' };
const mdixNames: Record<number, EthtoolMdix> = { 0: 'unknown', 1: 'mdi', 2: 'mdi-x', 3: 'auto' };

export const ethtoolLinkinfoPolicy = policy('ETHTOOL_A_LINKINFO', U, [
  ['ETHTOOL_A_LINKINFO_HEADER', 'header', header],
  ['ETHTOOL_A_LINKINFO_PORT', 'port', enumOf<EthtoolPort>(u8, portNames)],
  ['ETHTOOL_A_LINKINFO_PHYADDR', 'phyAddr', u8],
  ['ETHTOOL_A_LINKINFO_TP_MDIX', 'tpMdix', enumOf<EthtoolMdix>(u8, mdixNames)],
  ['ETHTOOL_A_LINKINFO_TP_MDIX_CTRL', 'tpMdixCtrl', enumOf<EthtoolMdix>(u8, mdixNames)],
  ['ETHTOOL_A_LINKINFO_TRANSCEIVER', 'transceiver', enumOf<'internal' | 'external'>(u8, { 0: 'internal', 1: 'external' })],
]);
export type EthtoolDuplex = 'half' | 'full' | 'unknown';
export const ethtoolLinkmodesPolicy = policy('ETHTOOL_A_LINKMODES', U, [
  ['ETHTOOL_A_LINKMODES_HEADER', 'header', header],
  ['ETHTOOL_A_LINKMODES_AUTONEG', 'autoneg', bool8],
  ['ETHTOOL_A_LINKMODES_OURS', 'ours', bitset],
  ['ETHTOOL_A_LINKMODES_PEER', 'peer', bitset],
  ['ETHTOOL_A_LINKMODES_SPEED', 'speed', u32],
  ['ETHTOOL_A_LINKMODES_DUPLEX', 'duplex', enumOf<EthtoolDuplex>(u8, { 0: 'half', 1: 'full', 0xff: 'unknown' })],
  ['ETHTOOL_A_LINKMODES_MASTER_SLAVE_CFG', 'masterSlaveCfg', u8],
  ['ETHTOOL_A_LINKMODES_MASTER_SLAVE_STATE', 'masterSlaveState', u8],
  ['ETHTOOL_A_LINKMODES_LANES', 'lanes', u32],
  ['ETHTOOL_A_LINKMODES_RATE_MATCHING', 'rateMatching', u8],
]);
export const ethtoolLinkstatePolicy = policy('ETHTOOL_A_LINKSTATE', U, [
  ['ETHTOOL_A_LINKSTATE_HEADER', 'header', header],
  ['ETHTOOL_A_LINKSTATE_LINK', 'link', bool8],
  ['ETHTOOL_A_LINKSTATE_SQI', 'sqi', u32],
  ['ETHTOOL_A_LINKSTATE_SQI_MAX', 'sqiMax', u32],
  ['ETHTOOL_A_LINKSTATE_EXT_STATE', 'extState', u8],
  ['ETHTOOL_A_LINKSTATE_EXT_SUBSTATE', 'extSubstate', u8],
  ['ETHTOOL_A_LINKSTATE_EXT_DOWN_CNT', 'extDownCnt', u32],
]);
export const ethtoolFeaturesPolicy = policy('ETHTOOL_A_FEATURES', U, [
  ['ETHTOOL_A_FEATURES_HEADER', 'header', header],
  ['ETHTOOL_A_FEATURES_HW', 'hw', bitset],
  ['ETHTOOL_A_FEATURES_WANTED', 'wanted', bitset],
  ['ETHTOOL_A_FEATURES_ACTIVE', 'active', bitset],
  ['ETHTOOL_A_FEATURES_NOCHANGE', 'nochange', bitset],
]);
export const ethtoolRingsPolicy = policy('ETHTOOL_A_RINGS', U, [
  ['ETHTOOL_A_RINGS_HEADER', 'header', header],
  ['ETHTOOL_A_RINGS_RX_MAX', 'rxMax', u32],
  ['ETHTOOL_A_RINGS_RX_MINI_MAX', 'rxMiniMax', u32],
  ['ETHTOOL_A_RINGS_RX_JUMBO_MAX', 'rxJumboMax', u32],
  ['ETHTOOL_A_RINGS_TX_MAX', 'txMax', u32],
  ['ETHTOOL_A_RINGS_RX', 'rx', u32],
  ['ETHTOOL_A_RINGS_RX_MINI', 'rxMini', u32],
  ['ETHTOOL_A_RINGS_RX_JUMBO', 'rxJumbo', u32],
  ['ETHTOOL_A_RINGS_TX', 'tx', u32],
  ['ETHTOOL_A_RINGS_RX_BUF_LEN', 'rxBufLen', u32],
  ['ETHTOOL_A_RINGS_TCP_DATA_SPLIT', 'tcpDataSplit', enumOf<'unknown' | 'off' | 'on'>(u8, { 0: 'unknown', 1: 'off', 2: 'on' })],
  ['ETHTOOL_A_RINGS_CQE_SIZE', 'cqeSize', u32],
  ['ETHTOOL_A_RINGS_TX_PUSH', 'txPush', bool8],
  ['ETHTOOL_A_RINGS_RX_PUSH', 'rxPush', bool8],
  ['ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN', 'txPushBufLen', u32],
  ['ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN_MAX', 'txPushBufLenMax', u32],
  ['ETHTOOL_A_RINGS_HDS_THRESH', 'hdsThresh', u32],
  ['ETHTOOL_A_RINGS_HDS_THRESH_MAX', 'hdsThreshMax', u32],
]);
export const ethtoolChannelsPolicy = policy('ETHTOOL_A_CHANNELS', U, [
  ['ETHTOOL_A_CHANNELS_HEADER', 'header', header],
  ['ETHTOOL_A_CHANNELS_RX_MAX', 'rxMax', u32],
  ['ETHTOOL_A_CHANNELS_TX_MAX', 'txMax', u32],
  ['ETHTOOL_A_CHANNELS_OTHER_MAX', 'otherMax', u32],
  ['ETHTOOL_A_CHANNELS_COMBINED_MAX', 'combinedMax', u32],
  ['ETHTOOL_A_CHANNELS_RX_COUNT', 'rxCount', u32],
  ['ETHTOOL_A_CHANNELS_TX_COUNT', 'txCount', u32],
  ['ETHTOOL_A_CHANNELS_OTHER_COUNT', 'otherCount', u32],
  ['ETHTOOL_A_CHANNELS_COMBINED_COUNT', 'combinedCount', u32],
]);
/** Every other ethtool message: its attribute 1 is the request header; the rest is kept raw. */
export const ethtoolHeaderOnlyPolicy = policy('ETHTOOL_A', { ETHTOOL_A_HEADER: 1 }, [['ETHTOOL_A_HEADER', 'header', header]]);

const REQUEST_POLICIES: Record<number, Policy> = {
  [G.ETHTOOL_MSG_STRSET_GET]: ethtoolStrsetPolicy,
  [G.ETHTOOL_MSG_LINKINFO_GET]: ethtoolLinkinfoPolicy,
  [G.ETHTOOL_MSG_LINKINFO_SET]: ethtoolLinkinfoPolicy,
  [G.ETHTOOL_MSG_LINKMODES_GET]: ethtoolLinkmodesPolicy,
  [G.ETHTOOL_MSG_LINKMODES_SET]: ethtoolLinkmodesPolicy,
  [G.ETHTOOL_MSG_LINKSTATE_GET]: ethtoolLinkstatePolicy,
  [G.ETHTOOL_MSG_FEATURES_GET]: ethtoolFeaturesPolicy,
  [G.ETHTOOL_MSG_FEATURES_SET]: ethtoolFeaturesPolicy,
  [G.ETHTOOL_MSG_RINGS_GET]: ethtoolRingsPolicy,
  [G.ETHTOOL_MSG_RINGS_SET]: ethtoolRingsPolicy,
  [G.ETHTOOL_MSG_CHANNELS_GET]: ethtoolChannelsPolicy,
  [G.ETHTOOL_MSG_CHANNELS_SET]: ethtoolChannelsPolicy,
};
const REPLY_POLICIES: Record<number, Policy> = {
  [G.ETHTOOL_MSG_STRSET_GET_REPLY]: ethtoolStrsetPolicy,
  [G.ETHTOOL_MSG_LINKINFO_GET_REPLY]: ethtoolLinkinfoPolicy,
  [G.ETHTOOL_MSG_LINKINFO_NTF]: ethtoolLinkinfoPolicy,
  [G.ETHTOOL_MSG_LINKMODES_GET_REPLY]: ethtoolLinkmodesPolicy,
  [G.ETHTOOL_MSG_LINKMODES_NTF]: ethtoolLinkmodesPolicy,
  [G.ETHTOOL_MSG_LINKSTATE_GET_REPLY]: ethtoolLinkstatePolicy,
  [G.ETHTOOL_MSG_FEATURES_GET_REPLY]: ethtoolFeaturesPolicy,
  [G.ETHTOOL_MSG_FEATURES_SET_REPLY]: ethtoolFeaturesPolicy,
  [G.ETHTOOL_MSG_FEATURES_NTF]: ethtoolFeaturesPolicy,
  [G.ETHTOOL_MSG_RINGS_GET_REPLY]: ethtoolRingsPolicy,
  [G.ETHTOOL_MSG_RINGS_NTF]: ethtoolRingsPolicy,
  [G.ETHTOOL_MSG_CHANNELS_GET_REPLY]: ethtoolChannelsPolicy,
  [G.ETHTOOL_MSG_CHANNELS_NTF]: ethtoolChannelsPolicy,
};

/** ETHTOOL_MSG_* requests (user -> kernel). */
export const ETHTOOL_COMMANDS: Record<number, string> = {};
/** ETHTOOL_MSG_* messages from the kernel (*_GET_REPLY, *_SET_REPLY, *_NTF). */
export const ETHTOOL_REPLY_COMMANDS: Record<number, string> = {};
// one pass over the names with the prefix (the table holds ~1,000 other names: a regular expression per name cost ~2 ms at import)
for (const k in G) {
  if (!k.startsWith('ETHTOOL_MSG_') || k.endsWith('_NONE') || k.endsWith('_MAX')) continue;
  const v = G[k as keyof typeof G];
  const out = /_(GET|SET|ACT)$/.test(k) ? ETHTOOL_COMMANDS : /_(REPLY|NTF)$/.test(k) ? ETHTOOL_REPLY_COMMANDS : undefined;
  if (out && !(v in out)) out[v] = k;
}

export const ethtoolSpec: GenlFamilySpec = {
  name: ETHTOOL_GENL_NAME,
  version: G.ETHTOOL_GENL_VERSION,
  commands: ETHTOOL_COMMANDS,
  replyCommands: ETHTOOL_REPLY_COMMANDS,
  policy: (cmd, fromKernel) => (fromKernel ? REPLY_POLICIES[cmd] : REQUEST_POLICIES[cmd]) ?? (cmd !== 0 ? ethtoolHeaderOnlyPolicy : undefined),
};
registerGenlFamily(ethtoolSpec);

// ------------------------------------------------------------------ types

/** `ethtool DEV`: port, PHY address, MDI-X, transceiver (ETHTOOL_MSG_LINKINFO_GET). */
export interface EthtoolLinkInfo {
  port?: EthtoolPort | number;
  phyAddr?: number;
  tpMdix?: EthtoolMdix | number;
  tpMdixCtrl?: EthtoolMdix | number;
  transceiver?: 'internal' | 'external' | number;
}
/** `ethtool DEV`: speed, duplex, autonegotiation and link modes (ETHTOOL_MSG_LINKMODES_GET). */
export interface EthtoolLinkModes {
  autoneg?: boolean | number;
  /** Mb/s; undefined when unknown (SPEED_UNKNOWN) */
  speed?: number;
  duplex?: EthtoolDuplex | number;
  /** Link modes the device supports (the mask of ETHTOOL_A_LINKMODES_OURS). */
  supported: string[];
  /** Link modes it advertises (the value of ETHTOOL_A_LINKMODES_OURS). */
  advertised: string[];
  /** Link modes the link partner advertises. */
  peer: string[];
  lanes?: number;
  masterSlaveCfg?: number;
  masterSlaveState?: number;
  rateMatching?: number;
}
/** `ethtool DEV`: "Link detected" and signal quality (ETHTOOL_MSG_LINKSTATE_GET). */
export interface EthtoolLinkState {
  link?: boolean | number;
  sqi?: number;
  sqiMax?: number;
  extState?: number;
  extSubstate?: number;
  extDownCnt?: number;
}
/** One offload feature (`ethtool -k`). */
export interface EthtoolFeature {
  /** Active now. */
  active: boolean;
  /** What was asked for (differs from active while something prevents it: `[requested on]`). */
  wanted: boolean;
  /** Cannot be changed (`[fixed]`): not in the device's changeable set, or locked. */
  fixed: boolean;
}
/** What setFeatures() changed. */
export interface EthtoolFeatureChange {
  /** Features whose active state changed, with the new state. */
  changed: Record<string, boolean>;
  /** Requested values the kernel did not apply (fixed features, dependencies), with the requested value. */
  notApplied: Record<string, boolean>;
}
/** `ethtool -g` (ETHTOOL_MSG_RINGS_GET). */
export interface EthtoolRings {
  rxMax?: number;
  rxMiniMax?: number;
  rxJumboMax?: number;
  txMax?: number;
  rx?: number;
  rxMini?: number;
  rxJumbo?: number;
  tx?: number;
  rxBufLen?: number;
  tcpDataSplit?: 'unknown' | 'off' | 'on' | number;
  cqeSize?: number;
  txPush?: boolean | number;
  rxPush?: boolean | number;
  txPushBufLen?: number;
  txPushBufLenMax?: number;
  hdsThresh?: number;
  hdsThreshMax?: number;
}
/** `ethtool -G` settings. */
export interface EthtoolRingsSet {
  rx?: number;
  rxMini?: number;
  rxJumbo?: number;
  tx?: number;
  rxBufLen?: number;
  cqeSize?: number;
  txPush?: boolean;
  rxPush?: boolean;
  txPushBufLen?: number;
  hdsThresh?: number;
  tcpDataSplit?: 'unknown' | 'off' | 'on';
}
/** `ethtool -l` (ETHTOOL_MSG_CHANNELS_GET). */
export interface EthtoolChannels {
  rxMax?: number;
  txMax?: number;
  otherMax?: number;
  combinedMax?: number;
  rxCount?: number;
  txCount?: number;
  otherCount?: number;
  combinedCount?: number;
}
/** `ethtool -L` settings (`rx N tx N other N combined N`). */
export interface EthtoolChannelsSet {
  rxCount?: number;
  txCount?: number;
  otherCount?: number;
  combinedCount?: number;
}
/** `ethtool -i` (struct ethtool_drvinfo, ioctl SIOCETHTOOL ETHTOOL_GDRVINFO). */
export interface EthtoolDriverInfo {
  driver: string;
  version: string;
  firmwareVersion: string;
  busInfo: string;
  expansionRomVersion: string;
  nPrivFlags: number;
  nStats: number;
  testInfoLen: number;
  eedumpLen: number;
  regdumpLen: number;
}

/**
 * ethtool's short feature names (`ethtool -K DEV tso off`), each standing for
 * the kernel features matching a pattern (ethtool.c off_flag_def); expanded
 * against the kernel's own names.
 */
export const ETHTOOL_FEATURE_ALIASES: Readonly<Record<string, string>> = {
  rx: 'rx-checksum',
  tx: 'tx-checksum-*',
  sg: 'tx-scatter-gather*',
  tso: 'tx-tcp*-segmentation',
  ufo: 'tx-udp-fragmentation',
  gso: 'tx-generic-segmentation',
  gro: 'rx-gro',
  lro: 'rx-lro',
  rxvlan: 'rx-vlan-hw-parse',
  txvlan: 'tx-vlan-hw-insert',
  ntuple: 'rx-ntuple-filter',
  rxhash: 'rx-hashing',
};

// --------------------------------------------------------------- helpers

interface BitsetAttrs {
  nomask?: boolean;
  size?: number;
  bits?: { bit?: Array<{ index?: number; name?: string; value?: boolean }> };
  value?: Uint8Array;
  mask?: Uint8Array;
}

/**
 * A decoded bit set as { name: value } (verbose form: every listed bit; with
 * NOMASK only set bits are listed). Compact sets need the names: `names[i]`.
 */
export function bitsetMap(b: BitsetAttrs | undefined, names?: readonly string[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!b) return out;
  if (b.bits?.bit) {
    for (const x of b.bits.bit) out.set(x.name ?? `bit${x.index ?? '?'}`, b.nomask ? true : x.value === true);
    return out;
  }
  const value = b.value ? Buffer.from(b.value) : Buffer.alloc(0);
  const mask = b.mask ? Buffer.from(b.mask) : undefined;
  // u32 words in host (little-endian) order: bit i is bit i%8 of byte i/8; no more bits than the bytes hold
  const size = Math.min(b.size ?? value.length * 8, 8 * Math.max(value.length, mask?.length ?? 0));
  const bit = (buf: Buffer, i: number): boolean => (i >> 3) < buf.length && ((buf[i >> 3]! >> (i & 7)) & 1) === 1;
  for (let i = 0; i < size; i++) {
    const inMask = mask ? bit(mask, i) : bit(value, i);
    if (!inMask) continue;
    out.set(names?.[i] ?? `bit${i}`, bit(value, i));
  }
  return out;
}

function headerFor(dev: DevRef, flags?: number): Record<string, unknown> {
  const h: Record<string, unknown> = typeof dev === 'number' ? { devIndex: dev } : { devName: dev };
  if (flags) h.flags = flags;
  return h;
}

/** Read a NUL-terminated C string from a fixed-size field. */
function cstr(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('utf8', off, end >= off && end < off + len ? end : off + len);
}

/** The parts of the Genl handle ethtool needs beyond requests. */
export interface EthtoolTransport extends GenlTransport {
  /** ioctl(SIOCETHTOOL) on an AF_INET socket of the handle's namespace; `data` is the ethtool command struct, filled in place. 0 or -errno. */
  ethtoolIoctl(ifname: string, data: Buffer): number;
}

// ------------------------------------------------------------------- API

/** `ethtool`: link settings, features, rings, channels and driver info of a device. */
export class Ethtool {
  private featureNames: Promise<string[]> | undefined;

  constructor(private readonly t: EthtoolTransport) {}

  private async get<T>(cmd: number, dev: DevRef, pol: Policy, what: string): Promise<T> {
    checkDev(dev);
    const replies = await this.t.call(ETHTOOL_GENL_NAME, cmd, { header: headerFor(dev) }, { what: `ethtool.${what} ${String(dev)}`, policy: pol });
    const m = replies.find((r) => r.attrs);
    if (!m?.attrs) throw new NetlinkError(-61, { message: `ethtool.${what} ${String(dev)}: no answer` });
    // a plain copy: no request header, no wire bookkeeping
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.attrs)) if (k !== 'header' && k !== 'unknown') out[k] = v;
    return out as T;
  }

  /** `ethtool DEV` (port, PHYAD, MDI-X, transceiver). */
  async linkInfo(dev: DevRef): Promise<EthtoolLinkInfo> {
    return this.get(G.ETHTOOL_MSG_LINKINFO_GET, dev, ethtoolLinkinfoPolicy, 'linkInfo');
  }

  /** `ethtool DEV` (speed, duplex, autonegotiation, supported/advertised link modes). */
  async linkModes(dev: DevRef): Promise<EthtoolLinkModes> {
    const a = await this.get<Record<string, unknown>>(G.ETHTOOL_MSG_LINKMODES_GET, dev, ethtoolLinkmodesPolicy, 'linkModes');
    const ours = bitsetMap(a.ours as BitsetAttrs | undefined);
    const out: EthtoolLinkModes = {
      supported: [...ours.keys()],
      advertised: [...ours].filter(([, v]) => v).map(([k]) => k),
      peer: [...bitsetMap(a.peer as BitsetAttrs | undefined)].filter(([, v]) => v).map(([k]) => k),
    };
    if (a.autoneg !== undefined) out.autoneg = a.autoneg as boolean | number;
    if (a.speed !== undefined && a.speed !== 0xffffffff) out.speed = a.speed as number;
    for (const k of ['duplex', 'lanes', 'masterSlaveCfg', 'masterSlaveState', 'rateMatching'] as const) if (a[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = a[k];
    return out;
  }

  /** `ethtool DEV` ("Link detected", SQI). */
  async linkState(dev: DevRef): Promise<EthtoolLinkState> {
    return this.get(G.ETHTOOL_MSG_LINKSTATE_GET, dev, ethtoolLinkstatePolicy, 'linkState');
  }

  /** The kernel's feature names (string set ETH_SS_FEATURES), read once per handle. */
  async strings(set: number = G.ETH_SS_FEATURES, dev?: DevRef): Promise<string[]> {
    checkInt(set, 'set', 0, 0xffffffff, 'a string set id');
    if (dev !== undefined) checkDev(dev);
    const replies = await this.t.call(
      ETHTOOL_GENL_NAME,
      G.ETHTOOL_MSG_STRSET_GET,
      { header: dev !== undefined ? headerFor(dev) : {}, stringsets: { stringset: [{ id: set }] } },
      { what: `ethtool.strings ${set}`, policy: ethtoolStrsetPolicy },
    );
    const out: string[] = [];
    for (const m of replies) {
      for (const s of ((m.attrs?.stringsets as { stringset?: Array<Record<string, unknown>> } | undefined)?.stringset ?? [])) {
        if (s.id !== set) continue;
        for (const x of ((s.strings as { string?: Array<{ index?: number; value?: string }> } | undefined)?.string ?? [])) {
          if (x.index !== undefined) out[x.index] = x.value ?? '';
        }
      }
    }
    return Array.from(out, (x) => x ?? '');
  }

  private knownFeatures(): Promise<string[]> {
    const p = (this.featureNames ??= this.strings(G.ETH_SS_FEATURES));
    p.catch(() => {
      if (this.featureNames === p) this.featureNames = undefined;
    });
    return p;
  }

  /** `ethtool -k DEV`: every feature the kernel knows for the device, by the kernel's names. */
  async features(dev: DevRef): Promise<Record<string, EthtoolFeature>> {
    const a = await this.get<Record<string, unknown>>(G.ETHTOOL_MSG_FEATURES_GET, dev, ethtoolFeaturesPolicy, 'features');
    // We ask for named bits; an answer in the compact form (a kernel ignoring
    // that, or a caller's raw request) is named from the kernel's string set.
    const sets = [a.hw, a.wanted, a.active, a.nochange] as Array<BitsetAttrs | undefined>;
    const names = sets.some((b) => b && !b.bits && (b.value || b.mask)) ? await this.knownFeatures() : undefined;
    // HW comes with a mask of every feature: it lists them all (value: changeable)
    const [hw, wanted, active, nochange] = sets.map((b) => bitsetMap(b, names)) as [Map<string, boolean>, Map<string, boolean>, Map<string, boolean>, Map<string, boolean>];
    const out: Record<string, EthtoolFeature> = {};
    for (const [name, changeable] of hw) {
      if (name === '') continue;
      out[name] = { active: active.get(name) === true, wanted: wanted.get(name) === true, fixed: !changeable || nochange.get(name) === true };
    }
    return out;
  }

  /**
   * `ethtool -K DEV NAME on|off ...`: change features by the kernel's names
   * (or ethtool's short names: tso, gso, gro, sg, rx, tx, ...). Names are
   * checked against the kernel's string set before the change is sent. The
   * kernel silently keeps fixed features and features whose dependencies are
   * off: those come back in `notApplied`.
   */
  async setFeatures(dev: DevRef, changes: Record<string, boolean>): Promise<EthtoolFeatureChange> {
    checkDev(dev);
    const c = checkObject(changes, 'features');
    const entries = Object.entries(c).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new ArgumentError('features', 'nothing to change');
    for (const [k, v] of entries) checkBool(v, `features.${k}`);
    const known = await this.knownFeatures();
    const set = new Set(known.filter((n) => n !== ''));
    const wanted = new Map<string, boolean>();
    for (const [k, v] of entries) {
      if (set.has(k)) {
        wanted.set(k, v as boolean);
        continue;
      }
      const pattern = ETHTOOL_FEATURE_ALIASES[k];
      if (pattern) {
        const re = new RegExp(`^${pattern.replace(/[-]/g, '\\-').replace(/\*/g, '.*')}$`);
        const names = known.filter((n) => re.test(n));
        if (names.length === 0) throw new ArgumentError(`features.${k}`, `ethtool's "${k}" (${pattern}) matches no feature of this kernel`);
        for (const n of names) wanted.set(n, v as boolean);
        continue;
      }
      const near = known.filter((n) => n.includes(k) || k.includes(n)).slice(0, 5);
      throw new ArgumentError(`features.${k}`, `the kernel has no feature "${k}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; known: ethtool -k names, or ${Object.keys(ETHTOOL_FEATURE_ALIASES).join(', ')}`);
    }
    const bits = [...wanted].map(([name, value]) => (value ? { name, value: true } : { name }));
    const replies = await this.t.call(
      ETHTOOL_GENL_NAME,
      G.ETHTOOL_MSG_FEATURES_SET,
      { header: headerFor(dev), wanted: { bits: { bit: bits } } },
      { what: `ethtool.setFeatures ${String(dev)}`, policy: ethtoolFeaturesPolicy },
    );
    const r = replies.find((m) => m.attrs)?.attrs ?? {};
    const rs = [r.active, r.wanted] as Array<BitsetAttrs | undefined>;
    const names = rs.some((b) => b && !b.bits && (b.value || b.mask)) ? known : undefined;
    return {
      changed: Object.fromEntries(bitsetMap(rs[0], names)),
      notApplied: Object.fromEntries(bitsetMap(rs[1], names)),
    };
  }

  /** `ethtool -g DEV` */
  async rings(dev: DevRef): Promise<EthtoolRings> {
    return this.get(G.ETHTOOL_MSG_RINGS_GET, dev, ethtoolRingsPolicy, 'rings');
  }

  /** `ethtool -G DEV rx N tx N ...` */
  async setRings(dev: DevRef, rings: EthtoolRingsSet): Promise<void> {
    checkDev(dev);
    const r = checkObject(rings, 'rings');
    const attrs: Record<string, unknown> = { header: headerFor(dev) };
    const ints = ['rx', 'rxMini', 'rxJumbo', 'tx', 'rxBufLen', 'cqeSize', 'txPushBufLen', 'hdsThresh'];
    for (const [k, v] of Object.entries(r)) {
      if (v === undefined) continue;
      if (ints.includes(k)) attrs[k] = checkInt(v, `rings.${k}`, 0, 0xffffffff, 'a u32');
      else if (k === 'txPush' || k === 'rxPush') attrs[k] = checkBool(v, `rings.${k}`);
      else if (k === 'tcpDataSplit') {
        if (v !== 'unknown' && v !== 'off' && v !== 'on') throw new ArgumentError('rings.tcpDataSplit', `expected unknown, off or on, got ${describe(v)}`);
        attrs[k] = v;
      } else throw new ArgumentError(`rings.${k}`, `unknown ring setting "${k}" (known: ${[...ints, 'txPush', 'rxPush', 'tcpDataSplit'].join(', ')})`);
    }
    if (Object.keys(attrs).length === 1) throw new ArgumentError('rings', 'nothing to change');
    await this.t.call(ETHTOOL_GENL_NAME, G.ETHTOOL_MSG_RINGS_SET, attrs, { what: `ethtool.setRings ${String(dev)}`, policy: ethtoolRingsPolicy });
  }

  /** `ethtool -l DEV` */
  async channels(dev: DevRef): Promise<EthtoolChannels> {
    return this.get(G.ETHTOOL_MSG_CHANNELS_GET, dev, ethtoolChannelsPolicy, 'channels');
  }

  /** `ethtool -L DEV rx N tx N other N combined N` */
  async setChannels(dev: DevRef, channels: EthtoolChannelsSet): Promise<void> {
    checkDev(dev);
    const r = checkObject(channels, 'channels');
    const attrs: Record<string, unknown> = { header: headerFor(dev) };
    const known = ['rxCount', 'txCount', 'otherCount', 'combinedCount'];
    for (const [k, v] of Object.entries(r)) {
      if (v === undefined) continue;
      if (!known.includes(k)) throw new ArgumentError(`channels.${k}`, `unknown channel setting "${k}" (known: ${known.join(', ')})`);
      attrs[k] = checkInt(v, `channels.${k}`, 0, 0xffffffff, 'a channel count');
    }
    if (Object.keys(attrs).length === 1) throw new ArgumentError('channels', 'nothing to change');
    await this.t.call(ETHTOOL_GENL_NAME, G.ETHTOOL_MSG_CHANNELS_SET, attrs, { what: `ethtool.setChannels ${String(dev)}`, policy: ethtoolChannelsPolicy });
  }

  /**
   * `ethtool -i DEV`: driver, version, firmware, bus. Not in ethtool's
   * netlink API (6.1 or later): read with ioctl(SIOCETHTOOL, ETHTOOL_GDRVINFO),
   * as ethtool itself does. Needs the interface name (an index is looked up).
   */
  async driverInfo(dev: DevRef): Promise<EthtoolDriverInfo> {
    checkDev(dev);
    const name = typeof dev === 'string' ? dev : (await this.t.link(dev, 'dev')).name;
    if (typeof name !== 'string') throw new NetlinkError(-19, { message: `ethtool.driverInfo ${String(dev)}: no such interface` });
    const b = Buffer.alloc(DRVINFO_SIZE);
    b.writeUInt32LE(G.ETHTOOL_GDRVINFO, 0);
    const r = this.t.ethtoolIoctl(name, b);
    if (r < 0) throw new NetlinkError(r, { syscall: 'ioctl(SIOCETHTOOL)', message: `ethtool.driverInfo ${name}` });
    return {
      driver: cstr(b, 4, 32),
      version: cstr(b, 36, 32),
      firmwareVersion: cstr(b, 68, 32),
      busInfo: cstr(b, 100, 32),
      expansionRomVersion: cstr(b, 132, 32),
      nPrivFlags: b.readUInt32LE(176),
      nStats: b.readUInt32LE(180),
      testInfoLen: b.readUInt32LE(184),
      eedumpLen: b.readUInt32LE(188),
      regdumpLen: b.readUInt32LE(192),
    };
  }
}

/** sizeof(struct ethtool_drvinfo): cmd + 5 strings of 32 + 12 reserved + 5 u32. */
export const DRVINFO_SIZE = 4 + 5 * 32 + 12 + 5 * 4;
