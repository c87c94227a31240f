/**
 * macsec: IEEE 802.1AE MACsec on a parent device (IFLA_MACSEC_*), module macsec.
 *
 *   ip link add link eth0 macsec0 type macsec port 11 encrypt on cipher gcm-aes-256 \
 *      icvlen 16 validate strict replay on window 32
 *   rtnl.links.add({ name: 'macsec0', kind: 'macsec', link: 'eth0', macsec: { port: 11, encrypt: true,
 *      cipherSuite: 'gcm-aes-256', icvLen: 16, validation: 'strict', replayProtect: true, window: 32 } })
 *
 * Only the SecY is configured over rtnetlink; keys and secure associations
 * (`ip macsec add ... tx sa ...`) use the generic netlink "macsec" family:
 * `genl.macsec.addTxSa()` & co (src/genl/macsec.ts, docs/genl.md).
 * @module
 */
import { be16, bool8, enumOf, policy, u32, u8, binary, type Codec, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe, formatMac, parseMac } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, optionsObject, u64Enum } from './common.js';
import type { LinkKind } from './registry.js';
import type { LinkRef } from '../links.js';

/** MACSEC_CIPHER_ID_* / MACSEC_DEFAULT_CIPHER_* (u64; the generated constants lose precision). */
export const MACSEC_CIPHER_ID_GCM_AES_128 = 0x0080c20001000001n;
export const MACSEC_CIPHER_ID_GCM_AES_256 = 0x0080c20001000002n;
export const MACSEC_CIPHER_ID_GCM_AES_XPN_128 = 0x0080c20001000003n;
export const MACSEC_CIPHER_ID_GCM_AES_XPN_256 = 0x0080c20001000004n;
/** The pre-standard default id (kernel accepts it as GCM-AES-128). */
export const MACSEC_DEFAULT_CIPHER_ID = 0x0080020001000001n;

export type MacsecCipherSuite = 'gcm-aes-128' | 'gcm-aes-256' | 'gcm-aes-xpn-128' | 'gcm-aes-xpn-256';
export const macsecCipherSuite = u64Enum<MacsecCipherSuite>({
  'gcm-aes-128': MACSEC_CIPHER_ID_GCM_AES_128,
  'gcm-aes-256': MACSEC_CIPHER_ID_GCM_AES_256,
  'gcm-aes-xpn-128': MACSEC_CIPHER_ID_GCM_AES_XPN_128,
  'gcm-aes-xpn-256': MACSEC_CIPHER_ID_GCM_AES_XPN_256,
}, [[MACSEC_DEFAULT_CIPHER_ID, 'gcm-aes-128']]); // the kernel (e.g. 6.1) reports GCM-AES-128 with the legacy id

/**
 * SCI (sci_t, 64 bits in network order: the system MAC then the port) as 16
 * hex digits, e.g. "020000000001000b". User input also takes
 * { mac: '02:00:00:00:00:01', port: 11 }.
 */
export const sci: Codec<string> = {
  name: 'sci',
  size: 8,
  decode: (b, o) => b.toString('hex', o, o + 8),
  encode: (w, v) => w.bytes(Buffer.from(v, 'hex')),
  check: (v, f) => {
    if (typeof v === 'string' && /^[0-9a-fA-F]{16}$/.test(v)) return v.toLowerCase();
    if (typeof v === 'object' && v !== null && 'mac' in v) {
      const r = v as { mac: unknown; port?: unknown };
      const m = parseMac(r.mac, `${f}.mac`, 6);
      const port = r.port ?? 1;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 0xffff) throw new ArgumentError(`${f}.port`, `expected a port 1..65535, got ${describe(port)}`);
      return Buffer.concat([Buffer.from(m), Buffer.from([port >> 8, port & 0xff])]).toString('hex');
    }
    throw new ArgumentError(f, `expected an SCI as 16 hex digits or { mac, port }, got ${describe(v)}`);
  },
  format: (v) => `${formatMac(Buffer.from(v, 'hex'), 0, 6)}/${parseInt(v.slice(12), 16)}`,
};

export type MacsecValidation = 'disabled' | 'check' | 'strict';
export type MacsecOffload = 'off' | 'phy' | 'mac';

/** IFLA_INFO_DATA of a macsec link. */
export interface MacsecOptions {
  /** IFLA_MACSEC_SCI: secure channel identifier (`sci`) */
  sci?: string | { mac: string; port?: number };
  /** IFLA_MACSEC_PORT: port part of the SCI, 1..65535 (`port`; request only) */
  port?: number;
  /** IFLA_MACSEC_ICV_LEN: 8..16 (`icvlen`) */
  icvLen?: number;
  /** IFLA_MACSEC_CIPHER_SUITE (`cipher`) */
  cipherSuite?: MacsecCipherSuite | bigint;
  /** IFLA_MACSEC_WINDOW: replay window (`window`, with replayProtect) */
  window?: number;
  /** IFLA_MACSEC_ENCODING_SA: 0..3 (`encodingsa`) */
  encodingSa?: number;
  /** IFLA_MACSEC_ENCRYPT (`encrypt on|off`) */
  encrypt?: boolean | number;
  /** IFLA_MACSEC_PROTECT (`protect on|off`) */
  protect?: boolean | number;
  /** IFLA_MACSEC_INC_SCI (`send_sci on|off`) */
  incSci?: boolean | number;
  /** IFLA_MACSEC_ES: end station (`end_station on|off`) */
  es?: boolean | number;
  /** IFLA_MACSEC_SCB: single copy broadcast (`scb on|off`) */
  scb?: boolean | number;
  /** IFLA_MACSEC_REPLAY_PROTECT (`replay on|off`) */
  replayProtect?: boolean | number;
  /** IFLA_MACSEC_VALIDATION (`validate disabled|check|strict`) */
  validation?: MacsecValidation | number;
  /** IFLA_MACSEC_PAD */
  pad?: Uint8Array;
  /** IFLA_MACSEC_OFFLOAD (`offload off|phy|mac`) */
  offload?: MacsecOffload | number;
}

/** IFLA_INFO_DATA of a macsec link as the kernel reports it. */
export type MacsecData = Omit<MacsecOptions, 'sci'> & { sci?: string };

export const macsecPolicy: () => Policy = once(() => policy('IFLA_MACSEC', UAPI, [
  ['IFLA_MACSEC_SCI', 'sci', sci],
  ['IFLA_MACSEC_PORT', 'port', bounded(be16, 1, 0xffff, 'a MACsec port')],
  ['IFLA_MACSEC_ICV_LEN', 'icvLen', bounded(u8, 8, 16, 'an ICV length')],
  ['IFLA_MACSEC_CIPHER_SUITE', 'cipherSuite', macsecCipherSuite],
  ['IFLA_MACSEC_WINDOW', 'window', u32],
  ['IFLA_MACSEC_ENCODING_SA', 'encodingSa', bounded(u8, 0, 3, 'an association number')],
  ['IFLA_MACSEC_ENCRYPT', 'encrypt', bool8],
  ['IFLA_MACSEC_PROTECT', 'protect', bool8],
  ['IFLA_MACSEC_INC_SCI', 'incSci', bool8],
  ['IFLA_MACSEC_ES', 'es', bool8],
  ['IFLA_MACSEC_SCB', 'scb', bool8],
  ['IFLA_MACSEC_REPLAY_PROTECT', 'replayProtect', bool8],
  ['IFLA_MACSEC_VALIDATION', 'validation', enumOf<MacsecValidation>(u8, { 0: 'disabled', 1: 'check', 2: 'strict' })],
  ['IFLA_MACSEC_PAD', 'pad', binary, { readOnly: true }],
  ['IFLA_MACSEC_OFFLOAD', 'offload', enumOf<MacsecOffload>(u8, { 0: 'off', 1: 'phy', 2: 'mac' })],
]));

declare module './registry.js' {
  interface KindAddOptions {
    /** A macsec device needs its parent (`link`). */
    macsec: { link: LinkRef; macsec?: MacsecOptions };
  }
  interface KindOptions {
    macsec: MacsecOptions;
  }
  interface KindData {
    macsec: MacsecData;
  }
}

/** The macsec kind (registered by kinds/table.ts). */
export const macsecKind: LinkKind = {
  ether: true,
  kind: 'macsec',
  get data() { return macsecPolicy(); },
  module: 'macsec',
  needsLink: true,
  check(options) {
    const out = checkData(macsecPolicy(), optionsObject(options, 'macsec', 'macsec'), 'macsec');
    if (out.sci !== undefined && out.port !== undefined) throw new ArgumentError('macsec.port', 'give either sci or port, not both');
    if (out.replayProtect === true && out.window === undefined) throw new ArgumentError('macsec.window', 'replayProtect needs a window');
    return out;
  },
};
