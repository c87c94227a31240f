/**
 * ipoib: IP over InfiniBand child interfaces (IFLA_IPOIB_*), module ib_ipoib.
 *
 *   ip link add link ib0 name ib0.8001 type ipoib pkey 0x8001 mode connected
 *   rtnl.links.add({ name: 'ib0.8001', kind: 'ipoib', link: 'ib0', ipoib: { pkey: 0x8001, mode: 'connected' } })
 *
 * A child is created on an IPoIB parent (ARPHRD_INFINIBAND, made by the
 * ib_ipoib driver for each InfiniBand port): without InfiniBand hardware
 * there is no parent, and the kernel answers ENODEV ("No such device") for
 * any other parent. `mode` and `umcast` can be changed with links.set();
 * the partition key cannot.
 * @module
 */
import { enumOf, NOFIT, policy, u16, type Codec, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import { checkData, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';
import type { LinkRef } from '../links.js';

// The installed 6.1 headers know every IFLA_IPOIB_* attribute up to 6.18 (UMCAST = 3, the last, is from 3.7).

/** IPOIB_MODE_*: unreliable datagram or reliable connected queue pairs (`mode datagram|connected`). */
export type IpoibMode = 'datagram' | 'connected';

/** u16 holding 0/1 (IFLA_IPOIB_UMCAST), presented as a boolean; other values stay numbers. */
export const bool16: Codec<boolean | number> = {
  name: 'u16 (bool)',
  size: 2,
  decode: (b, o, len, ctx) => {
    const v = u16.decode(b, o, len, ctx);
    if (v === NOFIT) return NOFIT;
    return v === 0 ? false : v === 1 ? true : (v as number);
  },
  encode: (w, v) => w.u16(typeof v === 'boolean' ? (v ? 1 : 0) : v),
  check: (v, f) => {
    if (typeof v !== 'boolean') throw new ArgumentError(f, `expected true or false, got ${describe(v)}`);
    return v;
  },
};

/** A partition key: 0x0001..0xffff without 0x8000 (0x0000 and 0x8000 are the invalid P_Keys of the InfiniBand spec). */
export const pkeyCodec: Codec<number> = {
  ...u16,
  name: 'P_Key (u16)',
  check: (v, f) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgumentError(f, `expected a partition key 0x0001..0xffff, got ${describe(v)}`);
    if (v < 1 || v > 0xffff) throw new ArgumentError(f, `${v} is out of range for a partition key (0x0001..0xffff)`);
    if (v === 0x8000) throw new ArgumentError(f, '0x8000 is not a valid partition key (the InfiniBand spec reserves 0x0000 and 0x8000)');
    return v;
  },
};

/** IFLA_INFO_DATA of an ipoib link: what the kernel reports and what links.add()/set() take. */
export interface IpoibOptions {
  /** IFLA_IPOIB_PKEY: partition key (`pkey`; the kernel sets the full-membership bit 0x8000); add only, the parent's when left out */
  pkey?: number;
  /** IFLA_IPOIB_MODE (`mode datagram|connected`) */
  mode?: IpoibMode | number;
  /** IFLA_IPOIB_UMCAST: allow user-space multicast (`umcast 0|1`) */
  umcast?: boolean | number;
}

export const ipoibPolicy: () => Policy = once(() => policy('IFLA_IPOIB', UAPI, [
  ['IFLA_IPOIB_PKEY', 'pkey', pkeyCodec],
  ['IFLA_IPOIB_MODE', 'mode', enumOf<IpoibMode>(u16, { 0: 'datagram', 1: 'connected' })],
  ['IFLA_IPOIB_UMCAST', 'umcast', bool16],
]));

declare module './registry.js' {
  interface KindAddOptions {
    /** An IPoIB child needs its parent (`link`). */
    ipoib: { link: LinkRef; ipoib?: IpoibOptions };
  }
  interface KindOptions {
    ipoib: IpoibOptions;
  }
  interface KindData {
    ipoib: IpoibOptions;
  }
}

/** The ipoib kind (registered by kinds/table.ts). */
export const ipoibKind: LinkKind = {
  kind: 'ipoib',
  get data() { return ipoibPolicy(); },
  module: 'ib_ipoib',
  needsLink: true,
  check(options, _all, mode) {
    const out = checkData(ipoibPolicy(), optionsObject(options, 'ipoib', 'ipoib'), 'ipoib');
    if (mode === 'set' && out.pkey !== undefined) throw new ArgumentError('ipoib.pkey', 'the partition key of an IPoIB child cannot be changed (the kernel ignores it); create another child');
    if (typeof out.mode === 'number' && out.mode > 1) throw new ArgumentError('ipoib.mode', `${out.mode} is not an IPoIB mode (datagram 0, connected 1)`);
    return out;
  },
};
