/**
 * macvlan and macvtap: MAC-address based virtual interfaces on a parent
 * (IFLA_MACVLAN_*), modules macvlan / macvtap.
 *
 *   ip link add macvlan1 link eth0 type macvlan mode bridge
 *   rtnl.links.add({ name: 'macvlan1', kind: 'macvlan', link: 'eth0', macvlan: { mode: 'bridge' } })
 *
 *   ip link add mv0 link eth0 type macvlan mode source macaddr add 02:00:00:00:00:01
 *   rtnl.links.add({ name: 'mv0', kind: 'macvlan', link: 'eth0',
 *      macvlan: { mode: 'source', macaddrMode: 'add', macaddr: '02:00:00:00:00:01' } })
 *   rtnl.links.set('mv0', { macvlan: { macaddrMode: 'set', macaddrData: ['02:..:01', '02:..:02'] } })
 *
 * macvtap takes the same options under `macvtap`.
 * @module
 */
import { enumOf, mac, policy, s32, u16, u32, moreConsts, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { UAPI } from '../uapi.js';
import { checkData, nestedList, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';
import type { LinkRef } from '../links.js';
const { IFLA_MACVLAN_MACADDR, MACVLAN_FLAG_NODST, MACVLAN_FLAG_NOPROMISC } = UAPI;

/** Newer than the installed uapi headers (upstream if_link.h, kernel 6.12). */
export const IFLA_MACVLAN_BC_CUTOFF = 9;

/** MACVLAN_MODE_* */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';
export const macvlanMode = enumOf<MacvlanMode>(u32, { 1: 'private', 2: 'vepa', 4: 'bridge', 8: 'passthru', 16: 'source' });
/** MACVLAN_MACADDR_*: how IFLA_MACVLAN_MACADDR / MACADDR_DATA change the source MAC list. */
export type MacvlanMacaddrMode = 'add' | 'del' | 'flush' | 'set';
export const macaddrMode = enumOf<MacvlanMacaddrMode>(u32, { 0: 'add', 1: 'del', 2: 'flush', 3: 'set' });

/** MACVLAN_FLAG_* (linux/if_link.h) */
export { MACVLAN_FLAG_NOPROMISC, MACVLAN_FLAG_NODST };

/** IFLA_INFO_DATA of a macvlan/macvtap link. */
export interface MacvlanOptions {
  /** IFLA_MACVLAN_MODE (`mode private|vepa|bridge|passthru|source`; kernel default vepa) */
  mode?: MacvlanMode | number;
  /** IFLA_MACVLAN_FLAGS: MACVLAN_FLAG_NOPROMISC 1 (`passthru nopromisc`), MACVLAN_FLAG_NODST 2 (`source nodst`) */
  flags?: number;
  /** Option only: sets MACVLAN_FLAG_NOPROMISC in flags */
  nopromisc?: boolean;
  /** Option only: sets MACVLAN_FLAG_NODST in flags */
  nodst?: boolean;
  /** IFLA_MACVLAN_MACADDR_MODE (request only): what to do with macaddr / macaddrData */
  macaddrMode?: MacvlanMacaddrMode | number;
  /** IFLA_MACVLAN_MACADDR (request only): the address to add or delete (`macaddr add|del ADDR`) */
  macaddr?: string;
  /** IFLA_MACVLAN_MACADDR_DATA: the source MAC list (`macaddr set ADDR...`; dumped in source mode) */
  macaddrData?: string[];
  /** IFLA_MACVLAN_MACADDR_COUNT (read-only): number of source MACs */
  macaddrCount?: number;
  /** IFLA_MACVLAN_BC_QUEUE_LEN: broadcast queue length (`bcqueuelen`) */
  bcQueueLen?: number;
  /** IFLA_MACVLAN_BC_QUEUE_LEN_USED (read-only) */
  bcQueueLenUsed?: number;
  /** IFLA_MACVLAN_BC_CUTOFF: broadcast cutoff (`bccutoff`, kernel 6.12) */
  bcCutoff?: number;
}

export const macvlanPolicy: () => Policy = once(() => policy('IFLA_MACVLAN', moreConsts(UAPI, { IFLA_MACVLAN_BC_CUTOFF }), [
  ['IFLA_MACVLAN_MODE', 'mode', macvlanMode],
  ['IFLA_MACVLAN_FLAGS', 'flags', u16],
  ['IFLA_MACVLAN_MACADDR_MODE', 'macaddrMode', macaddrMode],
  ['IFLA_MACVLAN_MACADDR', 'macaddr', mac],
  ['IFLA_MACVLAN_MACADDR_DATA', 'macaddrData', nestedList(IFLA_MACVLAN_MACADDR, mac, 'IFLA_MACVLAN_MACADDR')],
  ['IFLA_MACVLAN_MACADDR_COUNT', 'macaddrCount', u32, { readOnly: true }],
  ['IFLA_MACVLAN_BC_QUEUE_LEN', 'bcQueueLen', u32],
  ['IFLA_MACVLAN_BC_QUEUE_LEN_USED', 'bcQueueLenUsed', u32, { readOnly: true }],
  ['IFLA_MACVLAN_BC_CUTOFF', 'bcCutoff', s32],
]));

declare module './registry.js' {
  interface KindAddOptions {
    /** A macvlan/macvtap needs its parent (`link`). */
    macvlan: { link: LinkRef; macvlan?: MacvlanOptions };
    macvtap: { link: LinkRef; macvtap?: MacvlanOptions };
  }
  interface KindOptions {
    macvlan: MacvlanOptions;
    macvtap: MacvlanOptions;
  }
  interface KindData {
    macvlan: MacvlanOptions;
    macvtap: MacvlanOptions;
  }
}

function macvlanKind(kind: 'macvlan' | 'macvtap'): LinkKind {
  return {
    kind,
    ether: true,
    get data() { return macvlanPolicy(); },
    module: kind,
    needsLink: true,
    check(options) {
      const o = optionsObject(options, kind, kind);
      let flags: number | undefined;
      for (const [k, bit] of [['nopromisc', MACVLAN_FLAG_NOPROMISC], ['nodst', MACVLAN_FLAG_NODST]] as const) {
        const v = o[k];
        delete o[k];
        if (v === undefined) continue;
        if (typeof v !== 'boolean') throw new ArgumentError(`${kind}.${k}`, 'expected true or false');
        flags = (flags ?? (typeof o.flags === 'number' ? o.flags : 0)) & ~bit;
        if (v) flags |= bit;
      }
      if (flags !== undefined) o.flags = flags;
      const out = checkData(macvlanPolicy(), o, kind);
      const mm = out.macaddrMode;
      if ((out.macaddr !== undefined || out.macaddrData !== undefined) && mm === undefined) {
        throw new ArgumentError(`${kind}.macaddrMode`, "give macaddrMode ('add', 'del', 'set' or 'flush') with macaddr / macaddrData");
      }
      if ((mm === 'add' || mm === 'del') && out.macaddr === undefined) throw new ArgumentError(`${kind}.macaddr`, `macaddrMode '${mm}' needs macaddr`);
      if (mm === 'set' && out.macaddrData === undefined) throw new ArgumentError(`${kind}.macaddrData`, "macaddrMode 'set' needs macaddrData (an array, may be empty)");
      return out;
    },
  };
}

/** The macvlan kinds (registered by kinds/table.ts). */
export const macvlanKinds: readonly LinkKind[] = [macvlanKind('macvlan'), macvlanKind('macvtap')];
