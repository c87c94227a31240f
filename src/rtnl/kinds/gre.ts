/**
 * GRE tunnels (IFLA_GRE_*): gre, gretap and erspan over IPv4 (module
 * ip_gre), ip6gre, ip6gretap and ip6erspan over IPv6 (module ip6_gre). All
 * six share the attribute space; the IPv4 kinds carry 4-byte endpoint
 * addresses, the IPv6 kinds 16-byte ones, so there are two policies.
 *
 *   ip link add gre1 type gre remote 192.0.2.1 local 192.0.2.2 ttl 64 key 42 seq csum
 *   rtnl.links.add({ name: 'gre1', kind: 'gre', gre: { remote: '192.0.2.1', local: '192.0.2.2', ttl: 64, key: 42, seq: true, csum: true } })
 *
 *   ip link add ers1 type erspan remote 192.0.2.1 local 192.0.2.2 seq key 3 erspan_ver 2 erspan_dir egress erspan_hwid 7
 *   rtnl.links.add({ name: 'ers1', kind: 'erspan', erspan: { remote: '192.0.2.1', local: '192.0.2.2', seq: true, key: 3,
 *      erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } })
 *
 *   ip link add g6 type ip6gre remote 2001:db8::1 local 2001:db8::2 hoplimit 32 tclass inherit flowlabel 0x12345 encaplimit none
 *   rtnl.links.add({ name: 'g6', kind: 'ip6gre', ip6gre: { remote: '2001:db8::1', local: '2001:db8::2', ttl: 32,
 *      tclass: 'inherit', flowlabel: 0x12345, encapLimit: 'none' } })
 *
 * Decoded data has one key per attribute: the GRE header flags are objects
 * (`iflags: { key, seq, csum }`: iproute2's `ikey`/`iseq`/`icsum` are
 * `iflags.key`/`.seq`/`.csum`), the keys numbers (`ikey: 42`; iproute2
 * prints "0.0.0.42"), `ttl: 'inherit'` for 0, `tos: 'inherit'` for 1. As
 * options, iproute2's short forms are accepted too: `key`, `seq`, `csum`
 * (both directions), `iseq`, `oseq`, `icsum`, `ocsum`, keys as a number or a
 * dotted quad (`false` = `nokey`), and for the IPv6 kinds `tclass`,
 * `flowlabel` (number or 'inherit'), `encapLimit: 'none'`, `dscp: 'inherit'`,
 * `fwmark: 'inherit'`, `allowLocalRemote`.
 *
 * links.set() changes a tunnel like `ip link set ... type gre ...`: the
 * kernel rebuilds all parameters from each change, so the current ones are
 * read first and the changes put on top (see tunnel.ts, prepareTunnel).
 * @module
 */
import { be16, bool8, enumOf, flag, ipv4, ipv6, policy, u16, u32, u8, type Codec, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe, parseIP } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, isMulticast, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';
import {
  applyPatch,
  checkEndpoints,
  encapFlags,
  encapSport,
  encapType,
  finishIp6ShortForms,
  flowInfo,
  greFlags,
  ip6TnlFlags,
  isAnyAddress,
  prepareTunnel,
  rejectKeys,
  takeIp6ShortForms,
  tosCodec,
  ttlCodec,
  GRE_CSUM,
  GRE_KEY,
  GRE_SEQ,
  type FlowInfo,
  type GreFlags,
  type Ip6TnlFlags,
  type TunnelEncapOptions,
} from './tunnel.js';
import { IFINDEX } from '../ifname.js';

// The installed 6.1 headers know every IFLA_GRE_* attribute up to 6.18 (the last one, IFLA_GRE_ERSPAN_HWID = 24, is from 4.16).

/** ERSPAN session id: 10 bits (the kernel's ID_MASK); an erspan link's GRE key is its session id. */
export const ERSPAN_ID_MAX = 0x3ff;

/**
 * A GRE key (IFLA_GRE_IKEY / OKEY, be32). Decoded as a number; user input
 * is a number 0..4294967295 or a dotted quad (`key 0.0.1.0` = 256), as
 * iproute2 takes it.
 */
export const greKey: Codec<number> = {
  name: 'GRE key (be32)',
  size: 4,
  decode: (b, o) => b.readUInt32BE(o),
  encode: (w, v) => w.be32(v),
  check: (v, f) => {
    if (typeof v === 'string') {
      const ip = parseIP(v);
      if (!ip || ip.family !== 4 || !/^\d+\.\d+\.\d+\.\d+$/.test(v)) throw new ArgumentError(f, `expected a key as a number 0..4294967295 or a dotted quad, got ${describe(v)}`);
      return Buffer.from(ip.bytes).readUInt32BE(0);
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgumentError(f, `expected a key as a number 0..4294967295 or a dotted quad, got ${describe(v)}`);
    if (v < 0 || v > 0xffffffff) throw new ArgumentError(f, `key ${v} is out of range (0..4294967295)`);
    return v;
  },
};

/** ERSPAN direction (`erspan_dir ingress|egress`, version 2). */
export type ErspanDir = 'ingress' | 'egress';

/** Options of every GRE kind, by API name, with the uapi name and the iproute2 keyword. */
export interface GreCommonOptions extends TunnelEncapOptions {
  /** IFLA_GRE_LINK: underlay device (`dev`), by name or index */
  link?: number | string;
  /** IFLA_GRE_REMOTE: remote endpoint (`remote`) */
  remote?: string;
  /** IFLA_GRE_LOCAL: local endpoint (`local`) */
  local?: string;
  /** IFLA_GRE_IFLAGS: GRE flags expected on received packets (`[no]icsum`, `[no]iseq`, KEY with `ikey`) */
  iflags?: GreFlags | number;
  /** IFLA_GRE_OFLAGS: GRE flags of sent packets (`[no]ocsum`, `[no]oseq`, KEY with `okey`) */
  oflags?: GreFlags | number;
  /** IFLA_GRE_IKEY: key of received packets (`ikey KEY`: number or dotted quad; `false` = `noikey`). Sets iflags.key unless iflags says otherwise */
  ikey?: number | string | false;
  /** IFLA_GRE_OKEY: key of sent packets (`okey KEY`; `false` = `nookey`). Sets oflags.key unless oflags says otherwise */
  okey?: number | string | false;
  /** Option only: `key KEY` = ikey and okey (`false` = `nokey`) */
  key?: number | string | false;
  /** Option only: `[no]seq` = iseq and oseq (GRE_SEQ in iflags and oflags) */
  seq?: boolean;
  /** Option only: `[no]iseq` (GRE_SEQ in iflags: drop packets out of sequence) */
  iseq?: boolean;
  /** Option only: `[no]oseq` (GRE_SEQ in oflags: number sent packets) */
  oseq?: boolean;
  /** Option only: `[no]csum` = icsum and ocsum */
  csum?: boolean;
  /** Option only: `[no]icsum` (GRE_CSUM in iflags: require checksums) */
  icsum?: boolean;
  /** Option only: `[no]ocsum` (GRE_CSUM in oflags: send checksums) */
  ocsum?: boolean;
  /** IFLA_GRE_TTL: TTL / hop limit of the outer header (`ttl N|inherit`, `hoplimit`; 'inherit' = 0) */
  ttl?: number | 'inherit';
  /** IFLA_GRE_COLLECT_METADATA: flow-based (lightweight tunnel) device (`external`) */
  collectMetadata?: boolean;
  /** IFLA_GRE_FWMARK: firewall mark of the outer packets' route lookup (`fwmark MARK`) */
  fwmark?: number;
}

/** ERSPAN options (erspan and ip6erspan only). */
export interface ErspanOptions {
  /** IFLA_GRE_ERSPAN_VER: ERSPAN version 1 (type II) or 2 (type III); erspan also takes 0 (`erspan_ver`, kernel default 1) */
  erspanVer?: number;
  /** IFLA_GRE_ERSPAN_INDEX: version 1 port index, 20 bits (`erspan IDX`) */
  erspanIndex?: number;
  /** IFLA_GRE_ERSPAN_DIR: version 2 direction (`erspan_dir ingress|egress`) */
  erspanDir?: ErspanDir | number;
  /** IFLA_GRE_ERSPAN_HWID: version 2 hardware id, 6 bits (`erspan_hwid`) */
  erspanHwid?: number;
}

/** gre / gretap (IPv4 endpoints). */
export interface GreOptions extends GreCommonOptions {
  /** IFLA_GRE_TOS: TOS of the outer header (`tos N|inherit`; 'inherit' = 1) */
  tos?: number | 'inherit';
  /** IFLA_GRE_PMTUDISC: path MTU discovery, DF set on the outer header (`[no]pmtudisc`, kernel default on) */
  pmtudisc?: boolean | number;
  /** IFLA_GRE_IGNORE_DF: send packets too big for the path fragmented, ignoring the inner DF (`[no]ignore-df`; needs pmtudisc false) */
  ignoreDf?: boolean | number;
}

/** erspan (IPv4 endpoints). */
export interface ErspanGreOptions extends GreOptions, ErspanOptions {}

/** ip6gre / ip6gretap (IPv6 endpoints). */
export interface Ip6GreOptions extends Omit<GreCommonOptions, 'fwmark'> {
  /** IFLA_GRE_ENCAP_LIMIT: tunnel encapsulation limit option (`encaplimit N|none`; 'none' sets flags.ignEncapLimit) */
  encapLimit?: number | 'none';
  /** IFLA_GRE_FLOWINFO: traffic class and flow label of the outer header */
  flowinfo?: FlowInfo;
  /** IFLA_GRE_FLAGS: IP6_TNL_F_* */
  flags?: Ip6TnlFlags | number;
  /** Option only: `tclass N|inherit` (flowinfo.tclass, or flags.useOrigTclass) */
  tclass?: number | 'inherit';
  /** Option only: `flowlabel N|inherit` (flowinfo.flowlabel, or flags.useOrigFlowlabel) */
  flowlabel?: number | 'inherit';
  /** Option only: `dscp inherit` (flags.rcvDscpCopy: copy the outer DSCP to the inner packet) */
  dscp?: 'inherit' | boolean;
  /** Option only: `[no]allow-localremote` (flags.allowLocalRemote) */
  allowLocalRemote?: boolean;
  /** IFLA_GRE_FWMARK (`fwmark MARK|inherit`; 'inherit' sets flags.useOrigFwmark) */
  fwmark?: number | 'inherit';
}

/** ip6erspan (IPv6 endpoints). */
export interface Ip6ErspanOptions extends Ip6GreOptions, ErspanOptions {}

/** IFLA_INFO_DATA of a GRE-family link as the kernel reports it (each kind reports the attributes it uses). */
export interface GreData {
  /** IFLA_GRE_LINK: underlay ifindex, 0 = none */
  link?: number;
  iflags?: GreFlags;
  oflags?: GreFlags;
  ikey?: number;
  okey?: number;
  local?: string;
  remote?: string;
  ttl?: number | 'inherit';
  tos?: number | 'inherit';
  pmtudisc?: boolean | number;
  encapLimit?: number;
  flowinfo?: FlowInfo;
  flags?: Ip6TnlFlags;
  encapType?: TunnelEncapOptions['encapType'];
  encapFlags?: TunnelEncapOptions['encapFlags'];
  encapSport?: number | 'auto';
  encapDport?: number;
  collectMetadata?: boolean;
  ignoreDf?: boolean | number;
  fwmark?: number;
  erspanIndex?: number;
  erspanVer?: number;
  erspanDir?: ErspanDir | number;
  erspanHwid?: number;
}

function grePolicyFor(name: string, addr: Codec<string>): Policy {
  return policy(name, UAPI, [
    ['IFLA_GRE_LINK', 'link', u32, IFINDEX],
    ['IFLA_GRE_IFLAGS', 'iflags', greFlags],
    ['IFLA_GRE_OFLAGS', 'oflags', greFlags],
    ['IFLA_GRE_IKEY', 'ikey', greKey],
    ['IFLA_GRE_OKEY', 'okey', greKey],
    ['IFLA_GRE_LOCAL', 'local', addr],
    ['IFLA_GRE_REMOTE', 'remote', addr],
    ['IFLA_GRE_TTL', 'ttl', ttlCodec],
    ['IFLA_GRE_TOS', 'tos', tosCodec],
    ['IFLA_GRE_PMTUDISC', 'pmtudisc', bool8],
    ['IFLA_GRE_ENCAP_LIMIT', 'encapLimit', u8],
    ['IFLA_GRE_FLOWINFO', 'flowinfo', flowInfo],
    ['IFLA_GRE_FLAGS', 'flags', ip6TnlFlags],
    ['IFLA_GRE_ENCAP_TYPE', 'encapType', encapType],
    ['IFLA_GRE_ENCAP_FLAGS', 'encapFlags', encapFlags],
    ['IFLA_GRE_ENCAP_SPORT', 'encapSport', encapSport],
    ['IFLA_GRE_ENCAP_DPORT', 'encapDport', be16],
    ['IFLA_GRE_COLLECT_METADATA', 'collectMetadata', flag],
    ['IFLA_GRE_IGNORE_DF', 'ignoreDf', bool8],
    ['IFLA_GRE_FWMARK', 'fwmark', u32],
    ['IFLA_GRE_ERSPAN_INDEX', 'erspanIndex', bounded(u32, 0, 0xfffff, 'an ERSPAN index (20 bits)')],
    ['IFLA_GRE_ERSPAN_VER', 'erspanVer', bounded(u8, 0, 2, 'an ERSPAN version')],
    ['IFLA_GRE_ERSPAN_DIR', 'erspanDir', enumOf<ErspanDir>(u8, { 0: 'ingress', 1: 'egress' })],
    ['IFLA_GRE_ERSPAN_HWID', 'erspanHwid', bounded(u16, 0, 0x3f, 'an ERSPAN hardware id (6 bits)')],
  ]);
}

/** IFLA_GRE_* of gre, gretap, erspan (IPv4 endpoints). */
export const grePolicy: () => Policy = once(() => grePolicyFor('IFLA_GRE', ipv4));
/** IFLA_GRE_* of ip6gre, ip6gretap, ip6erspan (IPv6 endpoints). */
export const ip6grePolicy: () => Policy = once(() => grePolicyFor('IFLA_GRE', ipv6));

const ERSPAN_KEYS = ['erspanVer', 'erspanIndex', 'erspanDir', 'erspanHwid'] as const;

type Patch = Record<string, boolean>;

/** `key`, `seq`, `csum`, `iseq`, ... and `ikey: false` into patches of iflags / oflags. */
function takeGreShortForms(o: Record<string, unknown>, field: string) {
  const set = { iflags: {} as Patch, oflags: {} as Patch };
  const derived = { iflags: {} as Patch, oflags: {} as Patch };
  if (o.key !== undefined) {
    for (const k of ['ikey', 'okey']) if (o[k] !== undefined) throw new ArgumentError(`${field}.key`, `conflicts with ${field}.${k} (key sets both ikey and okey)`);
    o.ikey = o.key;
    o.okey = o.key;
    delete o.key;
  }
  for (const [k, word] of [['ikey', 'iflags'], ['okey', 'oflags']] as const) {
    if (o[k] === false) {
      o[k] = 0; // noikey / nookey: no key flag, key 0
      set[word].key = false;
    } else if (o[k] !== undefined) derived[word].key = true;
  }
  const bool = (k: string): boolean => {
    const v = o[k];
    delete o[k];
    if (typeof v !== 'boolean') throw new ArgumentError(`${field}.${k}`, `expected true or false, got ${describe(v)}`);
    return v;
  };
  for (const [both, bit] of [['seq', 'seq'], ['csum', 'csum']] as const) {
    const ik = `i${both}`;
    const ok = `o${both}`;
    if (o[both] !== undefined) {
      if (o[ik] !== undefined || o[ok] !== undefined) throw new ArgumentError(`${field}.${both}`, `conflicts with ${field}.${o[ik] !== undefined ? ik : ok} (${both} sets both directions)`);
      set.iflags[bit] = set.oflags[bit] = bool(both);
    }
    if (o[ik] !== undefined) set.iflags[bit] = bool(ik);
    if (o[ok] !== undefined) set.oflags[bit] = bool(ok);
  }
  return { set, derived };
}

/** Effective flag bits of a (checked, possibly partial) flag object. */
function bits(v: unknown): number {
  const f = (v ?? {}) as GreFlags;
  return (f.csum ? GRE_CSUM : 0) | (f.key ? GRE_KEY : 0) | (f.seq ? GRE_SEQ : 0) | (f.other ?? 0);
}

interface GreKindSpec {
  kind: string;
  family: 4 | 6;
  tap: boolean;
  erspan: boolean;
  module: string;
  /** the same kind over the other IP version, for messages */
  other: string;
}

function greCheck(k: GreKindSpec, pol: () => Policy) {
  return (options: Record<string, unknown> | undefined, _all: Record<string, unknown>, mode: 'add' | 'set'): Record<string, unknown> => {
    const field = k.kind;
    const o = optionsObject(options, field, k.kind);
    const gre = takeGreShortForms(o, field);
    const ip6 = k.family === 6 ? takeIp6ShortForms(o, field) : undefined;
    checkEndpoints(o, ['remote', 'local'], k.family, field, k.kind, k.other);
    if (k.family === 4) rejectKeys(o, ['encapLimit', 'flowinfo', 'flags'], field, k.kind, `IPv6 tunnel options: see ${k.other}`);
    else rejectKeys(o, ['tos', 'pmtudisc', 'ignoreDf'], field, k.kind, 'IPv4 options: use tclass, flowlabel, encapLimit');
    if (!k.erspan) rejectKeys(o, ERSPAN_KEYS, field, k.kind, 'ERSPAN options are for erspan and ip6erspan links');
    const out = checkData(pol(), o, field);
    for (const word of ['iflags', 'oflags'] as const) {
      const cur = out[word] as GreFlags | undefined;
      if (gre.derived[word].key && cur?.key === undefined) applyPatch(out, word, gre.derived[word]);
      applyPatch(out, word, gre.set[word]);
    }
    if (ip6) finishIp6ShortForms(out, ip6);

    const flagsGiven = out.iflags !== undefined || out.oflags !== undefined;
    for (const word of ['iflags', 'oflags'] as const) {
      // GRE_ROUTING (0x4000) and GRE_VERSION (0x0007): ipgre_tunnel_validate / ip6gre_tunnel_validate refuse them
      if (bits(out[word]) & 0x4007) throw new ArgumentError(`${field}.${word}.other`, 'the GRE routing and version bits (0x4007) are refused by the kernel');
    }
    if (k.tap && out.remote !== undefined && isAnyAddress(out.remote)) {
      throw new ArgumentError(`${field}.remote`, `a ${k.kind} link needs a real remote address (the kernel refuses ${String(out.remote)}); leave it out for none`);
    }
    if (k.family === 4) {
      const pmtu = out.pmtudisc;
      if ((out.ignoreDf === true || out.ignoreDf === 1) && (pmtu === true || pmtu === 1 || (mode === 'add' && pmtu === undefined))) {
        throw new ArgumentError(`${field}.ignoreDf`, 'needs pmtudisc: false (the kernel refuses ignore-df with path MTU discovery, which is on by default)');
      }
      if (out.collectMetadata === true && out.encapType !== undefined && out.encapType !== 'none' && out.encapType !== 0) {
        throw new ArgumentError(`${field}.encapType`, 'an external (collectMetadata) GRE device takes no UDP encapsulation');
      }
      if (mode === 'add' && typeof out.remote === 'string' && isMulticast(parseIP(out.remote)!) && out.local === undefined) {
        throw new ArgumentError(`${field}.local`, 'a GRE tunnel to a multicast group (a broadcast tunnel) needs a local address');
      }
    }
    if (k.erspan) {
      for (const key of ['ikey', 'okey'] as const) {
        const v = out[key];
        if (typeof v === 'number' && v > ERSPAN_ID_MAX) throw new ArgumentError(`${field}.${key}`, `an ERSPAN session id (the GRE key) has 10 bits: ${v} is out of range (0..${ERSPAN_ID_MAX})`);
      }
      const ver = out.erspanVer as number | undefined;
      if (k.family === 6 && ver !== undefined && ver !== 1 && ver !== 2) throw new ArgumentError(`${field}.erspanVer`, `${ver} is out of range for an ip6erspan version (1..2)`);
      const effVer = ver ?? (mode === 'add' ? 1 : undefined);
      if (effVer === 2 && out.erspanIndex !== undefined) throw new ArgumentError(`${field}.erspanIndex`, 'erspanIndex is an ERSPAN version 1 option (erspanVer is 2)');
      if (effVer !== undefined && effVer !== 2) {
        for (const key of ['erspanDir', 'erspanHwid'] as const) {
          if (out[key] !== undefined) throw new ArgumentError(`${field}.${key}`, `${key} is an ERSPAN version 2 option (give erspanVer: 2)`);
        }
      }
      // erspan_validate / ip6erspan_tap_validate: versions 1 and 2 want exactly GRE_SEQ | GRE_KEY in iflags | oflags
      if ((mode === 'add' || flagsGiven) && effVer !== 0 && out.collectMetadata !== true) {
        const f = bits(out.iflags) | bits(out.oflags);
        if (f !== (GRE_SEQ | GRE_KEY)) {
          const which = !(f & GRE_SEQ) ? 'seq' : !(f & GRE_KEY) ? 'key' : (f & GRE_CSUM) ? 'csum' : 'iflags';
          throw new ArgumentError(`${field}.${which}`, `an ${k.kind} link needs the GRE flags seq and key and no others (${k.kind}: { seq: true, key: 1, ... }), as the kernel requires for ERSPAN versions 1 and 2`);
        }
      }
    }
    return out;
  };
}

const KINDS: GreKindSpec[] = [
  { kind: 'gre', family: 4, tap: false, erspan: false, module: 'ip_gre', other: 'ip6gre' },
  { kind: 'gretap', family: 4, tap: true, erspan: false, module: 'ip_gre', other: 'ip6gretap' },
  { kind: 'erspan', family: 4, tap: true, erspan: true, module: 'ip_gre', other: 'ip6erspan' },
  { kind: 'ip6gre', family: 6, tap: false, erspan: false, module: 'ip6_gre', other: 'gre' },
  { kind: 'ip6gretap', family: 6, tap: true, erspan: false, module: 'ip6_gre', other: 'gretap' },
  { kind: 'ip6erspan', family: 6, tap: true, erspan: true, module: 'ip6_gre', other: 'erspan' },
];

declare module './registry.js' {
  interface KindAddOptions {
    gre: { gre?: GreOptions };
    gretap: { gretap?: GreOptions };
    erspan: { erspan?: ErspanGreOptions };
    ip6gre: { ip6gre?: Ip6GreOptions };
    ip6gretap: { ip6gretap?: Ip6GreOptions };
    ip6erspan: { ip6erspan?: Ip6ErspanOptions };
  }
  interface KindOptions {
    gre: GreOptions;
    gretap: GreOptions;
    erspan: ErspanGreOptions;
    ip6gre: Ip6GreOptions;
    ip6gretap: Ip6GreOptions;
    ip6erspan: Ip6ErspanOptions;
  }
  interface KindData {
    gre: GreData;
    gretap: GreData;
    erspan: GreData;
    ip6gre: GreData;
    ip6gretap: GreData;
    ip6erspan: GreData;
  }
}

/** The gre kinds (registered by kinds/table.ts). */
export const greKinds: readonly LinkKind[] = KINDS.map((k): LinkKind => {
  const pol = k.family === 4 ? grePolicy : ip6grePolicy;
  return {
    ether: k.tap,
    kind: k.kind,
    get data() {
      return pol();
    },
    module: k.module,
    check: greCheck(k, pol),
    prepare: prepareTunnel(k.kind, pol, ['local', 'remote']),
  };
});
