/**
 * The "macsec" generic netlink family: secure associations and receive
 * channels of a MACsec device, and its offload mode (`ip macsec`). The SecY
 * itself (cipher, ICV length, encryption, ...) is a link created over
 * rtnetlink: `rtnl.links.add({ kind: 'macsec', link: 'eth1', macsec: {...} })`.
 *
 *   ip macsec add macsec0 tx sa 0 pn 1 on key 01 81cb...    genl.macsec.addTxSa('macsec0', { an: 0, pn: 1, active: true, keyId: '01', key: '81cb...' })
 *   ip macsec add macsec0 rx port 1 address 02:...:01        genl.macsec.addRxSc('macsec0', { sci: { mac: '02:...:01', port: 1 } })
 *   ip macsec show                                          genl.macsec.show()
 * @module
 */
import { binary, bool8, enumOf, nested, policy, u32, u64, u8, be32, type Codec, type Policy, NOFIT } from '../netlink/attr.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { kindData } from '../rtnl/kinds/registry.js';
import { macsecCipherSuite, sci as sciCodec, type MacsecCipherSuite, type MacsecOffload } from '../rtnl/kinds/macsec.js';
import '../rtnl/kinds/index.js';
import { nestedArray, toBytes } from './codecs.js';
import { checkBool, checkDev, checkInt, checkKeys, checkObject, checkU64 } from './common.js';
import { registerGenlFamily, type GenlFamilySpec } from './protocol.js';
import type { DevRef, GenlTransport } from './transport.js';
import { GENL_UAPI as G } from './uapi.js';

export const MACSEC_GENL_NAME = 'macsec';

/**
 * MACSEC_SA_ATTR_PN: a u32, or a u64 on XPN ciphers. Decoded as a number
 * (4 bytes) or a bigint (8 bytes), and written back the same way.
 */
export const macsecPn: Codec<number | bigint> = {
  name: 'pn (u32 or u64)',
  decode: (b, o, len) => (len === 4 ? b.readUInt32LE(o) : len === 8 ? b.readBigUInt64LE(o) : NOFIT),
  encode: (w, v) => (typeof v === 'bigint' ? w.u64(v) : w.u32(v)),
  check: (v, f) => {
    if (typeof v === 'bigint') return checkU64(v, f, 0n, 0xffffffffffffffffn, 'a packet number');
    return checkInt(v, f, 0, 0xffffffff, 'a packet number');
  },
};

const hex16: Codec<string> = {
  name: 'keyid(16)',
  size: G.MACSEC_KEYID_LEN,
  decode: (b, o) => b.toString('hex', o, o + G.MACSEC_KEYID_LEN),
  encode: (w, v) => w.bytes(Buffer.from(v, 'hex')),
  check: (v, f) => keyIdBytes(v, f).toString('hex'),
};
const salt: Codec<string> = {
  name: 'salt(12)',
  size: G.MACSEC_SALT_LEN,
  decode: (b, o) => b.toString('hex', o, o + G.MACSEC_SALT_LEN),
  encode: (w, v) => w.bytes(Buffer.from(v, 'hex')),
  check: (v, f) => toBytes(v, f, G.MACSEC_SALT_LEN, 'a 96-bit salt', { base64: false }).toString('hex'),
};

export const macsecSaStatsPolicy = policy('MACSEC_SA_STATS_ATTR', G, [
  ['MACSEC_SA_STATS_ATTR_IN_PKTS_OK', 'inPktsOk', u32],
  ['MACSEC_SA_STATS_ATTR_IN_PKTS_INVALID', 'inPktsInvalid', u32],
  ['MACSEC_SA_STATS_ATTR_IN_PKTS_NOT_VALID', 'inPktsNotValid', u32],
  ['MACSEC_SA_STATS_ATTR_IN_PKTS_NOT_USING_SA', 'inPktsNotUsingSa', u32],
  ['MACSEC_SA_STATS_ATTR_IN_PKTS_UNUSED_SA', 'inPktsUnusedSa', u32],
  ['MACSEC_SA_STATS_ATTR_OUT_PKTS_PROTECTED', 'outPktsProtected', u32],
  ['MACSEC_SA_STATS_ATTR_OUT_PKTS_ENCRYPTED', 'outPktsEncrypted', u32],
]);
export const macsecRxscStatsPolicy = policy('MACSEC_RXSC_STATS_ATTR', G, [
  ['MACSEC_RXSC_STATS_ATTR_IN_OCTETS_VALIDATED', 'inOctetsValidated', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_OCTETS_DECRYPTED', 'inOctetsDecrypted', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_UNCHECKED', 'inPktsUnchecked', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_DELAYED', 'inPktsDelayed', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_OK', 'inPktsOk', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_INVALID', 'inPktsInvalid', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_LATE', 'inPktsLate', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_NOT_VALID', 'inPktsNotValid', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_NOT_USING_SA', 'inPktsNotUsingSa', u64],
  ['MACSEC_RXSC_STATS_ATTR_IN_PKTS_UNUSED_SA', 'inPktsUnusedSa', u64],
  ['MACSEC_RXSC_STATS_ATTR_PAD', 'pad', binary, { readOnly: true }],
]);
export const macsecTxscStatsPolicy = policy('MACSEC_TXSC_STATS_ATTR', G, [
  ['MACSEC_TXSC_STATS_ATTR_OUT_PKTS_PROTECTED', 'outPktsProtected', u64],
  ['MACSEC_TXSC_STATS_ATTR_OUT_PKTS_ENCRYPTED', 'outPktsEncrypted', u64],
  ['MACSEC_TXSC_STATS_ATTR_OUT_OCTETS_PROTECTED', 'outOctetsProtected', u64],
  ['MACSEC_TXSC_STATS_ATTR_OUT_OCTETS_ENCRYPTED', 'outOctetsEncrypted', u64],
  ['MACSEC_TXSC_STATS_ATTR_PAD', 'pad', binary, { readOnly: true }],
]);
export const macsecSecyStatsPolicy = policy('MACSEC_SECY_STATS_ATTR', G, [
  ['MACSEC_SECY_STATS_ATTR_OUT_PKTS_UNTAGGED', 'outPktsUntagged', u64],
  ['MACSEC_SECY_STATS_ATTR_IN_PKTS_UNTAGGED', 'inPktsUntagged', u64],
  ['MACSEC_SECY_STATS_ATTR_OUT_PKTS_TOO_LONG', 'outPktsTooLong', u64],
  ['MACSEC_SECY_STATS_ATTR_IN_PKTS_NO_TAG', 'inPktsNoTag', u64],
  ['MACSEC_SECY_STATS_ATTR_IN_PKTS_BAD_TAG', 'inPktsBadTag', u64],
  ['MACSEC_SECY_STATS_ATTR_IN_PKTS_UNKNOWN_SCI', 'inPktsUnknownSci', u64],
  ['MACSEC_SECY_STATS_ATTR_IN_PKTS_NO_SCI', 'inPktsNoSci', u64],
  ['MACSEC_SECY_STATS_ATTR_IN_PKTS_OVERRUN', 'inPktsOverrun', u64],
  ['MACSEC_SECY_STATS_ATTR_PAD', 'pad', binary, { readOnly: true }],
]);

/** MACSEC_SA_ATTR_*: a secure association (config in requests, state in dumps). */
export const macsecSaPolicy = policy('MACSEC_SA_ATTR', G, [
  ['MACSEC_SA_ATTR_AN', 'an', u8],
  ['MACSEC_SA_ATTR_ACTIVE', 'active', bool8],
  ['MACSEC_SA_ATTR_PN', 'pn', macsecPn],
  ['MACSEC_SA_ATTR_KEY', 'key', binary],
  ['MACSEC_SA_ATTR_KEYID', 'keyId', hex16],
  ['MACSEC_SA_ATTR_STATS', 'stats', nestedPolicy(macsecSaStatsPolicy)],
  ['MACSEC_SA_ATTR_PAD', 'pad', binary, { readOnly: true }],
  ['MACSEC_SA_ATTR_SSCI', 'ssci', be32],
  ['MACSEC_SA_ATTR_SALT', 'salt', salt],
]);
/** MACSEC_RXSC_ATTR_*: a receive secure channel. */
export const macsecRxscPolicy = policy('MACSEC_RXSC_ATTR', G, [
  ['MACSEC_RXSC_ATTR_SCI', 'sci', sciCodec],
  ['MACSEC_RXSC_ATTR_ACTIVE', 'active', bool8],
  ['MACSEC_RXSC_ATTR_SA_LIST', 'sas', nestedArray(macsecSaPolicy, { numbering: 'index', nestedFlag: false })],
  ['MACSEC_RXSC_ATTR_STATS', 'stats', nestedPolicy(macsecRxscStatsPolicy)],
  ['MACSEC_RXSC_ATTR_PAD', 'pad', binary, { readOnly: true }],
]);
export type MacsecValidate = 'disabled' | 'check' | 'strict';
/** MACSEC_SECY_ATTR_*: the SecY as the dump reports it. */
export const macsecSecyPolicy = policy('MACSEC_SECY_ATTR', G, [
  ['MACSEC_SECY_ATTR_SCI', 'sci', sciCodec],
  ['MACSEC_SECY_ATTR_ENCODING_SA', 'encodingSa', u8],
  ['MACSEC_SECY_ATTR_WINDOW', 'window', u32],
  ['MACSEC_SECY_ATTR_CIPHER_SUITE', 'cipherSuite', macsecCipherSuite],
  ['MACSEC_SECY_ATTR_ICV_LEN', 'icvLen', u8],
  ['MACSEC_SECY_ATTR_PROTECT', 'protect', bool8],
  ['MACSEC_SECY_ATTR_REPLAY', 'replay', bool8],
  ['MACSEC_SECY_ATTR_OPER', 'oper', bool8],
  ['MACSEC_SECY_ATTR_VALIDATE', 'validate', enumOf<MacsecValidate>(u8, { 0: 'disabled', 1: 'check', 2: 'strict' })],
  ['MACSEC_SECY_ATTR_ENCRYPT', 'encrypt', bool8],
  ['MACSEC_SECY_ATTR_INC_SCI', 'incSci', bool8],
  ['MACSEC_SECY_ATTR_ES', 'es', bool8],
  ['MACSEC_SECY_ATTR_SCB', 'scb', bool8],
  ['MACSEC_SECY_ATTR_PAD', 'pad', binary, { readOnly: true }],
]);
export const macsecOffloadPolicy = policy('MACSEC_OFFLOAD_ATTR', G, [
  ['MACSEC_OFFLOAD_ATTR_TYPE', 'type', enumOf<MacsecOffload>(u8, { 0: 'off', 1: 'phy', 2: 'mac' })],
  ['MACSEC_OFFLOAD_ATTR_PAD', 'pad', binary, { readOnly: true }],
]);
/** MACSEC_ATTR_*: every macsec message. */
export const macsecPolicy: Policy = policy('MACSEC_ATTR', G, [
  ['MACSEC_ATTR_IFINDEX', 'ifindex', u32],
  ['MACSEC_ATTR_RXSC_CONFIG', 'rxsc', nestedPolicy(macsecRxscPolicy)],
  ['MACSEC_ATTR_SA_CONFIG', 'sa', nestedPolicy(macsecSaPolicy)],
  ['MACSEC_ATTR_SECY', 'secy', nestedPolicy(macsecSecyPolicy)],
  ['MACSEC_ATTR_TXSA_LIST', 'txSas', nestedArray(macsecSaPolicy, { numbering: 'index', nestedFlag: false })],
  ['MACSEC_ATTR_RXSC_LIST', 'rxScs', nestedArray(macsecRxscPolicy, { numbering: 'index', nestedFlag: false })],
  ['MACSEC_ATTR_TXSC_STATS', 'txscStats', nestedPolicy(macsecTxscStatsPolicy)],
  ['MACSEC_ATTR_SECY_STATS', 'secyStats', nestedPolicy(macsecSecyStatsPolicy)],
  ['MACSEC_ATTR_OFFLOAD', 'offload', nestedPolicy(macsecOffloadPolicy)],
]);

function nestedPolicy(p: Policy): Codec<unknown> {
  return nested(p) as Codec<unknown>;
}

export const MACSEC_COMMANDS: Record<number, string> = {
  [G.MACSEC_CMD_GET_TXSC]: 'MACSEC_CMD_GET_TXSC',
  [G.MACSEC_CMD_ADD_RXSC]: 'MACSEC_CMD_ADD_RXSC',
  [G.MACSEC_CMD_DEL_RXSC]: 'MACSEC_CMD_DEL_RXSC',
  [G.MACSEC_CMD_UPD_RXSC]: 'MACSEC_CMD_UPD_RXSC',
  [G.MACSEC_CMD_ADD_TXSA]: 'MACSEC_CMD_ADD_TXSA',
  [G.MACSEC_CMD_DEL_TXSA]: 'MACSEC_CMD_DEL_TXSA',
  [G.MACSEC_CMD_UPD_TXSA]: 'MACSEC_CMD_UPD_TXSA',
  [G.MACSEC_CMD_ADD_RXSA]: 'MACSEC_CMD_ADD_RXSA',
  [G.MACSEC_CMD_DEL_RXSA]: 'MACSEC_CMD_DEL_RXSA',
  [G.MACSEC_CMD_UPD_RXSA]: 'MACSEC_CMD_UPD_RXSA',
  [G.MACSEC_CMD_UPD_OFFLOAD]: 'MACSEC_CMD_UPD_OFFLOAD',
};

export const macsecSpec: GenlFamilySpec = {
  name: MACSEC_GENL_NAME,
  version: G.MACSEC_GENL_VERSION,
  commands: MACSEC_COMMANDS,
  policy: () => macsecPolicy,
  summaryKeys: ['ifindex'],
};
registerGenlFamily(macsecSpec);

// ------------------------------------------------------------------ types

/** Counters of a transmit or receive SA (MACSEC_SA_STATS_ATTR_*). */
export interface MacsecSaStats {
  inPktsOk?: number;
  inPktsInvalid?: number;
  inPktsNotValid?: number;
  inPktsNotUsingSa?: number;
  inPktsUnusedSa?: number;
  outPktsProtected?: number;
  outPktsEncrypted?: number;
}
/** A secure association as the kernel reports it (keys are never reported). */
export interface MacsecSa {
  /** MACSEC_SA_ATTR_AN: association number 0..3 */
  an: number;
  /** MACSEC_SA_ATTR_ACTIVE */
  active: boolean;
  /** MACSEC_SA_ATTR_PN: next packet number (a bigint on XPN ciphers) */
  pn: number | bigint;
  /** MACSEC_SA_ATTR_KEYID: 16 bytes as hex */
  keyId?: string;
  /** MACSEC_SA_ATTR_SSCI: short SCI (XPN) */
  ssci?: number;
  stats?: MacsecSaStats;
}
export interface MacsecRxscStats {
  inOctetsValidated?: bigint;
  inOctetsDecrypted?: bigint;
  inPktsUnchecked?: bigint;
  inPktsDelayed?: bigint;
  inPktsOk?: bigint;
  inPktsInvalid?: bigint;
  inPktsLate?: bigint;
  inPktsNotValid?: bigint;
  inPktsNotUsingSa?: bigint;
  inPktsUnusedSa?: bigint;
}
/** A receive secure channel. */
export interface MacsecRxSc {
  /** MACSEC_RXSC_ATTR_SCI as 16 hex digits (the peer's MAC and port) */
  sci: string;
  /** MACSEC_RXSC_ATTR_ACTIVE */
  active: boolean;
  sas: MacsecSa[];
  stats?: MacsecRxscStats;
}
export interface MacsecSecY {
  /** MACSEC_SECY_ATTR_SCI: the transmit SCI */
  sci: string;
  /** MACSEC_SECY_ATTR_ENCODING_SA: the transmitting AN */
  encodingSa: number;
  /** MACSEC_SECY_ATTR_WINDOW (present with replay protection) */
  window?: number;
  cipherSuite: MacsecCipherSuite | bigint;
  icvLen: number;
  protect: boolean;
  replay: boolean;
  /** MACSEC_SECY_ATTR_OPER: the SecY is operational */
  oper: boolean;
  validate: MacsecValidate | number;
  encrypt: boolean;
  incSci: boolean;
  es: boolean;
  scb: boolean;
}
export interface MacsecTxscStats {
  outPktsProtected?: bigint;
  outPktsEncrypted?: bigint;
  outOctetsProtected?: bigint;
  outOctetsEncrypted?: bigint;
}
export interface MacsecSecyStats {
  outPktsUntagged?: bigint;
  inPktsUntagged?: bigint;
  outPktsTooLong?: bigint;
  inPktsNoTag?: bigint;
  inPktsBadTag?: bigint;
  inPktsUnknownSci?: bigint;
  inPktsNoSci?: bigint;
  inPktsOverrun?: bigint;
}
/** One MACsec device (`ip macsec show`). */
export interface MacsecDevice {
  ifindex: number;
  /** Interface name (looked up; absent when the device vanished meanwhile). */
  name?: string;
  /** MACSEC_OFFLOAD_ATTR_TYPE */
  offload?: MacsecOffload | number;
  secy: MacsecSecY;
  txSas: MacsecSa[];
  rxScs: MacsecRxSc[];
  txscStats?: MacsecTxscStats;
  secyStats?: MacsecSecyStats;
}

/** An SCI: 16 hex digits, a bigint, or the MAC and port it is made of. */
export type MacsecSciInput = string | bigint | { mac: string; port?: number };

/** Keys of a new SA. */
export interface MacsecSaKey {
  /** Association number 0..3 (`sa N`) */
  an: number;
  /** Next packet number (`pn`, `xpn` on XPN ciphers): 1..2^32-1, or 1..2^64-1 on XPN */
  pn?: number | bigint;
  /** `on` / `off`; absent: the kernel's default (off) */
  active?: boolean;
  /** The key: 16 bytes (GCM-AES-128, XPN-128) or 32 (GCM-AES-256, XPN-256), hex or bytes (`key ID KEY`) */
  key: string | Uint8Array;
  /** Key identifier: up to 16 bytes, hex or bytes, zero-padded to 16 like iproute2 (`key ID ...`) */
  keyId: string | Uint8Array;
  /** XPN ciphers: 12-byte salt (`salt`) */
  salt?: string | Uint8Array;
  /** XPN ciphers: short SCI (`ssci`; iproute2 reads and prints it in hex) */
  ssci?: number;
}
/** Changes to an SA (`ip macsec set ... sa N [pn N] [on|off]`). */
export interface MacsecSaUpdate {
  an: number;
  pn?: number | bigint;
  active?: boolean;
}

// --------------------------------------------------------------- checks

/** Key id bytes as iproute2 sends them: 1..16 bytes, zero-padded to 16. */
function keyIdBytes(v: unknown, f: string): Buffer {
  let b: Buffer | undefined;
  if (v instanceof Uint8Array) b = Buffer.from(v);
  else if (typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v) && v.length % 2 === 0) b = Buffer.from(v, 'hex');
  if (!b || b.length === 0) throw new ArgumentError(f, `expected a key id as hex (up to 32 digits) or bytes, got ${describe(v)}`);
  if (b.length > G.MACSEC_KEYID_LEN) throw new ArgumentError(f, `key id is ${b.length} bytes; at most ${G.MACSEC_KEYID_LEN} (128 bits)`);
  const out = Buffer.alloc(G.MACSEC_KEYID_LEN);
  b.copy(out);
  return out;
}

function checkAn(v: unknown, f: string): number {
  return checkInt(v, f, 0, 3, 'an association number');
}

/** Normalize an SCI to 16 hex digits. */
export function macsecSci(v: unknown, f = 'sci'): string {
  if (typeof v === 'bigint') {
    if (BigInt.asUintN(64, v) !== v) throw new ArgumentError(f, `an SCI is 64 bits, got ${v}`);
    return v.toString(16).padStart(16, '0');
  }
  return sciCodec.check(v, f, {});
}

interface CipherInfo {
  suite: MacsecCipherSuite | bigint | undefined;
  keyLen: 16 | 32;
  xpn: boolean;
}

function cipherInfo(suite: MacsecCipherSuite | bigint | undefined): CipherInfo {
  const s = typeof suite === 'string' ? suite : 'gcm-aes-128';
  return { suite, keyLen: s.endsWith('256') ? 32 : 16, xpn: s.includes('xpn') };
}

/** Check the PN against the cipher: u32 (>= 1 when `positive`), or u64 on XPN. Returns what to send. */
function pnFor(v: unknown, f: string, c: CipherInfo, positive: boolean): number | bigint {
  const min = positive ? 1 : 0;
  if (c.xpn) return checkU64(v, f, BigInt(min), 0xffffffffffffffffn, `a packet number (XPN: 64 bits)`);
  if (typeof v === 'bigint') {
    if (v < BigInt(min) || v > 0xffffffffn) throw new ArgumentError(f, `expected a packet number ${min}..4294967295 (the cipher is not XPN), got ${v}`);
    return Number(v);
  }
  return checkInt(v, f, min, 0xffffffff, 'a packet number (not XPN: 32 bits)');
}

// ------------------------------------------------------------------- API

/** `ip macsec`: secure associations, receive channels and offload of MACsec devices. */
export class Macsec {
  constructor(private readonly t: GenlTransport) {}

  /** The device's index and cipher (the key length and PN size depend on it). */
  private async device(dev: DevRef, field: string): Promise<{ ifindex: number; cipher: CipherInfo }> {
    const link = await this.t.link(dev, field);
    if (link.linkInfo?.kind !== 'macsec') {
      throw new ArgumentError(field, `${JSON.stringify(dev)} is ${link.linkInfo?.kind ? `a ${link.linkInfo.kind} device` : 'not a macsec device'}, not macsec`);
    }
    const data = kindData(link, 'macsec');
    return { ifindex: link.index, cipher: cipherInfo(data?.cipherSuite as MacsecCipherSuite | bigint | undefined) };
  }

  private checkKeyed(o: unknown, field: string, withSci: boolean): { sa: Record<string, unknown>; sci?: string; late: (c: CipherInfo) => void } {
    const r = checkObject(o, field);
    checkKeys(r, [...(withSci ? ['sci'] : []), 'an', 'pn', 'active', 'key', 'keyId', 'salt', 'ssci'], field);
    const p = (k: string): string => `${field}.${k}`;
    const sa: Record<string, unknown> = { an: checkAn(r.an, p('an')) };
    if (r.active !== undefined) sa.active = checkBool(r.active, p('active'));
    if (r.key === undefined) throw new ArgumentError(p('key'), 'a key is required');
    const key = toBytes(r.key, p('key'), undefined, 'a key', { base64: false });
    if (key.length !== 16 && key.length !== 32) throw new ArgumentError(p('key'), `a MACsec key is 16 bytes (128-bit ciphers) or 32 (256-bit), got ${key.length}`);
    if (r.keyId === undefined) throw new ArgumentError(p('keyId'), 'a key id is required');
    const keyId = keyIdBytes(r.keyId, p('keyId')).toString('hex');
    const saltHex = r.salt !== undefined ? salt.check(r.salt, p('salt'), {}) : undefined;
    const ssci = r.ssci !== undefined ? checkInt(r.ssci, p('ssci'), 0, 0xffffffff, 'a short SCI') : undefined;
    if (r.pn !== undefined && typeof r.pn !== 'number' && typeof r.pn !== 'bigint') throw new ArgumentError(p('pn'), `expected a packet number, got ${describe(r.pn)}`);
    const sci = withSci ? macsecSci(r.sci, p('sci')) : undefined;
    const late = (c: CipherInfo): void => {
      // after the device's cipher is known, before anything is sent
      if (key.length !== c.keyLen) throw new ArgumentError(p('key'), `the device's cipher ${String(c.suite ?? 'gcm-aes-128')} takes a ${c.keyLen}-byte key, got ${key.length} bytes`);
      if (r.pn !== undefined) sa.pn = pnFor(r.pn, p('pn'), c, true);
      else if (!withSci) throw new ArgumentError(p('pn'), 'a transmit SA needs a packet number (pn >= 1)');
      if (c.xpn) {
        if (saltHex === undefined) throw new ArgumentError(p('salt'), 'XPN ciphers need a 12-byte salt');
        if (ssci === undefined) throw new ArgumentError(p('ssci'), 'XPN ciphers need a short SCI (ssci)');
      } else {
        if (saltHex !== undefined) throw new ArgumentError(p('salt'), 'a salt only applies to XPN ciphers');
        if (ssci !== undefined) throw new ArgumentError(p('ssci'), 'a short SCI only applies to XPN ciphers');
      }
      sa.keyId = keyId;
      if (saltHex !== undefined) sa.salt = saltHex;
      if (ssci !== undefined) sa.ssci = ssci;
      sa.key = key;
    };
    return { sa, ...(sci !== undefined ? { sci } : {}), late };
  }

  private checkUpdate(o: unknown, field: string, withSci: boolean): { sa: Record<string, unknown>; sci?: string; late: (c: CipherInfo) => void } {
    const r = checkObject(o, field);
    checkKeys(r, [...(withSci ? ['sci'] : []), 'an', 'pn', 'active'], field);
    const p = (k: string): string => `${field}.${k}`;
    const sa: Record<string, unknown> = { an: checkAn(r.an, p('an')) };
    if (r.active !== undefined) sa.active = checkBool(r.active, p('active'));
    if (r.pn !== undefined && typeof r.pn !== 'number' && typeof r.pn !== 'bigint') throw new ArgumentError(p('pn'), `expected a packet number, got ${describe(r.pn)}`);
    const sci = withSci ? macsecSci(r.sci, p('sci')) : undefined;
    return {
      sa,
      ...(sci !== undefined ? { sci } : {}),
      late: (c) => {
        if (r.pn !== undefined) {
          const pn = pnFor(r.pn, p('pn'), c, true);
          // the kernel takes the PN before ACTIVE in updates as iproute2 sends it
          const active = sa.active;
          delete sa.active;
          sa.pn = pn;
          if (active !== undefined) sa.active = active;
        }
      },
    };
  }

  private async send(cmd: number, dev: unknown, what: string, build: (ifindex: number, c: CipherInfo) => Record<string, unknown>): Promise<void> {
    const d = await this.device(dev as DevRef, 'dev');
    const attrs = build(d.ifindex, d.cipher);
    await this.t.call(MACSEC_GENL_NAME, cmd, attrs, { what: `macsec.${what} ${String(dev)}` });
  }

  /** `ip macsec add DEV tx sa AN pn PN [on|off] key ID KEY` */
  async addTxSa(dev: DevRef, sa: MacsecSaKey): Promise<void> {
    checkDev(dev);
    const k = this.checkKeyed(sa, 'sa', false);
    await this.send(G.MACSEC_CMD_ADD_TXSA, dev, 'addTxSa', (ifindex, c) => {
      k.late(c);
      return { ifindex, sa: orderSa(k.sa) };
    });
  }

  /** `ip macsec set DEV tx sa AN [pn PN] [on|off]` */
  async updTxSa(dev: DevRef, sa: MacsecSaUpdate): Promise<void> {
    checkDev(dev);
    const u = this.checkUpdate(sa, 'sa', false);
    await this.send(G.MACSEC_CMD_UPD_TXSA, dev, 'updTxSa', (ifindex, c) => {
      u.late(c);
      return { ifindex, sa: u.sa };
    });
  }

  /** `ip macsec del DEV tx sa AN` */
  async delTxSa(dev: DevRef, an: number): Promise<void> {
    checkDev(dev);
    const a = checkAn(an, 'an');
    await this.send(G.MACSEC_CMD_DEL_TXSA, dev, 'delTxSa', (ifindex) => ({ ifindex, sa: { an: a } }));
  }

  /** `ip macsec add DEV rx { sci SCI | port P address MAC } [on|off]` */
  async addRxSc(dev: DevRef, rx: { sci: MacsecSciInput; active?: boolean }): Promise<void> {
    checkDev(dev);
    const r = this.checkRxSc(rx, 'rx');
    await this.send(G.MACSEC_CMD_ADD_RXSC, dev, 'addRxSc', (ifindex) => ({ ifindex, rxsc: r }));
  }

  /** `ip macsec set DEV rx SCI [on|off]` */
  async updRxSc(dev: DevRef, rx: { sci: MacsecSciInput; active?: boolean }): Promise<void> {
    checkDev(dev);
    const r = this.checkRxSc(rx, 'rx');
    await this.send(G.MACSEC_CMD_UPD_RXSC, dev, 'updRxSc', (ifindex) => ({ ifindex, rxsc: r }));
  }

  /** `ip macsec del DEV rx SCI` */
  async delRxSc(dev: DevRef, sci: MacsecSciInput): Promise<void> {
    checkDev(dev);
    const s = macsecSci(sci, 'sci');
    await this.send(G.MACSEC_CMD_DEL_RXSC, dev, 'delRxSc', (ifindex) => ({ ifindex, rxsc: { sci: s } }));
  }

  private checkRxSc(o: unknown, field: string): Record<string, unknown> {
    const r = checkObject(o, field);
    checkKeys(r, ['sci', 'active'], field);
    const out: Record<string, unknown> = { sci: macsecSci(r.sci, `${field}.sci`) };
    if (r.active !== undefined) out.active = checkBool(r.active, `${field}.active`);
    return out;
  }

  /** `ip macsec add DEV rx SCI sa AN [pn PN] [on|off] key ID KEY` */
  async addRxSa(dev: DevRef, sa: MacsecSaKey & { sci: MacsecSciInput }): Promise<void> {
    checkDev(dev);
    const k = this.checkKeyed(sa, 'sa', true);
    await this.send(G.MACSEC_CMD_ADD_RXSA, dev, 'addRxSa', (ifindex, c) => {
      k.late(c);
      return { ifindex, rxsc: { sci: k.sci }, sa: orderSa(k.sa) };
    });
  }

  /** `ip macsec set DEV rx SCI sa AN [pn PN] [on|off]` */
  async updRxSa(dev: DevRef, sa: MacsecSaUpdate & { sci: MacsecSciInput }): Promise<void> {
    checkDev(dev);
    const u = this.checkUpdate(sa, 'sa', true);
    await this.send(G.MACSEC_CMD_UPD_RXSA, dev, 'updRxSa', (ifindex, c) => {
      u.late(c);
      return { ifindex, rxsc: { sci: u.sci }, sa: u.sa };
    });
  }

  /** `ip macsec del DEV rx SCI sa AN` */
  async delRxSa(dev: DevRef, sa: { sci: MacsecSciInput; an: number }): Promise<void> {
    checkDev(dev);
    const r = checkObject(sa, 'sa');
    checkKeys(r, ['sci', 'an'], 'sa');
    const s = macsecSci(r.sci, 'sa.sci');
    const a = checkAn(r.an, 'sa.an');
    await this.send(G.MACSEC_CMD_DEL_RXSA, dev, 'delRxSa', (ifindex) => ({ ifindex, rxsc: { sci: s }, sa: { an: a } }));
  }

  /** `ip macsec offload DEV off|phy|mac` */
  async setOffload(dev: DevRef, mode: MacsecOffload): Promise<void> {
    checkDev(dev);
    if (mode !== 'off' && mode !== 'phy' && mode !== 'mac') throw new ArgumentError('mode', `expected off, phy or mac, got ${describe(mode)}`);
    await this.send(G.MACSEC_CMD_UPD_OFFLOAD, dev, 'setOffload', (ifindex) => ({ ifindex, offload: { type: mode } }));
  }

  /**
   * `ip macsec show [DEV]`: every MACsec device of the namespace (the kernel
   * dumps them all; with `dev`, only that one, and NetlinkError ENODEV when
   * it does not exist or is not a macsec device).
   */
  async show(dev?: DevRef): Promise<MacsecDevice[]> {
    let only: number | undefined;
    if (dev !== undefined) {
      checkDev(dev);
      only = (await this.device(dev, 'dev')).ifindex;
    }
    const msgs = await this.t.dumpAll(MACSEC_GENL_NAME, G.MACSEC_CMD_GET_TXSC, undefined, { what: 'macsec.show' });
    const out: MacsecDevice[] = [];
    for (const m of msgs) {
      const a = m.attrs as MacsecDumpAttrs | undefined;
      if (!a || a.ifindex === undefined || !a.secy) continue;
      if (only !== undefined && a.ifindex !== only) continue;
      out.push(await this.fromDump(a));
    }
    if (only !== undefined && out.length === 0) throw new NetlinkError(-19, { message: `macsec.show: ${String(dev)} is not in the macsec dump` });
    return out;
  }

  private async fromDump(a: MacsecDumpAttrs): Promise<MacsecDevice> {
    const name = await this.t.ifname(a.ifindex!);
    const sa = (s: Record<string, unknown>): MacsecSa => {
      const { an, active, pn, keyId, ssci, stats } = s as Partial<MacsecSa>;
      return { an: an ?? 0, active: active === true, pn: pn ?? 0, ...(keyId !== undefined ? { keyId } : {}), ...(ssci !== undefined ? { ssci } : {}), ...(stats ? { stats: plain(stats) } : {}) };
    };
    const secy = a.secy as Record<string, unknown>;
    return {
      ifindex: a.ifindex!,
      ...(name !== undefined ? { name } : {}),
      ...(a.offload?.type !== undefined ? { offload: a.offload.type } : {}),
      secy: plain(secy) as unknown as MacsecSecY,
      txSas: (a.txSas ?? []).map(sa),
      rxScs: (a.rxScs ?? []).map((r) => ({
        sci: r.sci as string,
        active: r.active === true,
        sas: ((r.sas as Record<string, unknown>[] | undefined) ?? []).map(sa),
        ...(r.stats ? { stats: plain(r.stats as object) as MacsecRxscStats } : {}),
      })),
      ...(a.txscStats ? { txscStats: plain(a.txscStats) } : {}),
      ...(a.secyStats ? { secyStats: plain(a.secyStats) } : {}),
    };
  }
}

/** A decoded attribute set without `pad`/`unknown` (typed results). */
function plain<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'pad' && k !== 'unknown') out[k] = v;
  return out as T;
}

/** SA attributes in the order iproute2 writes them (an, pn, salt, ssci, keyid, key, active). */
function orderSa(sa: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['an', 'pn', 'salt', 'ssci', 'keyId', 'key', 'active']) if (sa[k] !== undefined) out[k] = sa[k];
  return out;
}

/** MACSEC_CMD_GET_TXSC dump message attributes. */
interface MacsecDumpAttrs {
  ifindex?: number;
  secy?: Record<string, unknown>;
  offload?: { type?: MacsecOffload | number };
  txSas?: Record<string, unknown>[];
  rxScs?: Record<string, unknown>[];
  txscStats?: MacsecTxscStats;
  secyStats?: MacsecSecyStats;
}
