/**
 * Links as iproute2 6.1 prints them (`ip link show`, `ip -d`, `-s`, `-br`,
 * and the link part of `ip addr show`), text and JSON from the same calls
 * (see ipprint.ts). Kind options come from the per-kind table in
 * ipkinds.ts. Everything is printed from the decoded {@link Link}.
 * @module
 */
import { IFF_NAMES, type Link, type LinkStats64 } from '../rtnl/link.js';
import { UAPI as U } from '../rtnl/uapi.js';
import { kindPrinter } from './ipkinds.js';
import { ipGroupName, ipLinkTypeName } from './ipnames.js';
import type { IpPrinter } from './ipprint.js';

/** What the link printer needs to know about the other links of the namespace. */
export interface IpContext {
  /** ifindex -> name (ll_index_to_name). */
  names: Map<number, string>;
  /** ifindex -> IFF_* flags (ll_index_to_flags: M-DOWN when the lower device is down). */
  flags?: Map<number, number>;
  /** ifindex -> ARPHRD_* type (ll_index_to_type: how a neighbour's lladdr prints). */
  types?: Map<number, number>;
  /** nsid -> name of the namespace in /run/netns (`link-netns NAME`). */
  nsNames?: Map<number, string>;
  /** -d */
  details: boolean;
  /** -s count */
  stats: number;
  /** -br */
  brief: boolean;
}

/** ll_index_to_name: the name, "if<N>" when unknown, "*" for 0. */
export function ifName(ctx: Pick<IpContext, 'names'>, idx: number): string {
  if (idx === 0) return '*';
  return ctx.names.get(idx) ?? `if${idx >>> 0}`;
}

const ARPHRD_TUNNEL = 768;
const ARPHRD_TUNNEL6 = 769;
const ARPHRD_SIT = 776;
const ARPHRD_IPGRE = 778;
const ARPHRD_IP6GRE = 823;

/** ll_addr_n2a from our "aa:bb:..." form: dotted IPv4 / IPv6 for tunnel types, else colon hex. */
export function llAddr(addr: string, type: number | undefined): string {
  const bytes = addr.split(':').map((x) => parseInt(x, 16));
  if (bytes.length === 4 && (type === ARPHRD_TUNNEL || type === ARPHRD_SIT || type === ARPHRD_IPGRE)) return bytes.join('.');
  if (bytes.length === 16 && (type === ARPHRD_TUNNEL6 || type === ARPHRD_IP6GRE)) {
    const b = Buffer.from(bytes);
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // RFC 5952 compression of the longest run of zero groups (inet_ntop)
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  return addr;
}

// ----------------------------------------------------------------- flags

const FLAG_BIT = new Map(IFF_NAMES.map(([b, n]) => [n, b]));
/** The order print_link_flags() tests the bits in. */
const FLAG_ORDER: Array<[number, string]> = ['LOOPBACK', 'BROADCAST', 'POINTOPOINT', 'MULTICAST', 'NOARP', 'ALLMULTI', 'PROMISC', 'MASTER', 'SLAVE', 'DEBUG', 'DYNAMIC', 'AUTOMEDIA', 'PORTSEL', 'NOTRAILERS', 'UP', 'LOWER_UP', 'DORMANT', 'ECHO'].map(
  (n) => [FLAG_BIT.get(n)!, n],
);

/** print_link_flags: `<A,B,...> ` / "flags": [...], NO-CARRIER first, M-DOWN last. */
export function printLinkFlags(p: IpPrinter, flags: number, mdown: boolean): void {
  let f = flags >>> 0;
  p.openArray('any', p.json ? 'flags' : '<');
  if (f & U.IFF_UP && !(f & U.IFF_RUNNING)) p.string('any', null, f ? '%s,' : '%s', 'NO-CARRIER');
  f &= ~U.IFF_RUNNING >>> 0;
  for (const [bit, name] of FLAG_ORDER) {
    if (f & bit) {
      f = (f & ~bit) >>> 0;
      p.string('any', null, f ? '%s,' : '%s', name);
    }
  }
  if (f) p.hex('any', null, '%x', f);
  if (mdown) p.string('any', null, ',%s', 'M-DOWN');
  p.closeArray('any', '> ');
}

const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const OPER_INDEX = new Map(OPER_STATES.map((s, i) => [s.toLowerCase(), i]));

function printOperstate(p: IpPrinter, state: string | number, brief: boolean): void {
  const i = typeof state === 'string' ? (OPER_INDEX.get(state) ?? -1) : state;
  if (i < 0 || i >= OPER_STATES.length) {
    if (p.json) p.uint('json', 'operstate_index', null, i);
    else p.hex0x('fp', null, 'state %#x', i);
  } else if (brief) p.string('any', 'operstate', '%-14s ', OPER_STATES[i]!);
  else if (p.json) p.string('json', 'operstate', null, OPER_STATES[i]!);
  else p.fpf('state %s ', OPER_STATES[i]!);
}

/**
 * print_name_and_link: "name@link" (text) or "link"/"link_index" (JSON);
 * returns whether the lower device is down (M-DOWN).
 */
function printNameAndLink(p: IpPrinter, fmt: string, l: Link, ctx: IpContext): boolean {
  let name = l.name;
  let mdown = false;
  if (l.link !== undefined) {
    const iflink = l.link >>> 0;
    let link: string | undefined;
    if (iflink) {
      if (l.linkNetnsId !== undefined) {
        if (p.json) p.int('json', 'link_index', null, iflink);
        else link = `if${iflink}`;
      } else {
        link = ifName(ctx, iflink);
        if (p.json) {
          p.string('json', 'link', null, link);
          link = undefined;
        }
        const f = ctx.flags?.get(iflink);
        mdown = f !== undefined && !(f & U.IFF_UP);
      }
    } else if (p.json) p.null('json', 'link', null, null);
    else link = 'NONE';
    if (link !== undefined) name = `${name}@${link}`;
  }
  p.string('any', 'ifname', fmt, name);
  return mdown;
}

// ----------------------------------------------------------------- stats

const n64 = (v: bigint | undefined): bigint => v ?? 0n;

/** Column width of a number (size_columns). */
function widen(cols: number[], ...vals: bigint[]): void {
  vals.forEach((v, i) => {
    const len = v.toString().length;
    if (len > cols[i]!) cols[i] = len;
  });
}

/** print_stats64 (`ip -s link`: RX/TX table; JSON "stats64": {rx, tx}). */
export function printStats64(p: IpPrinter, s: LinkStats64, carrierChanges: number | undefined, what: string | null, level: number): void {
  if (p.json) {
    if (what) p.openObject(what);
    p.openObject('rx');
    p.uint('json', 'bytes', null, n64(s.rxBytes));
    p.uint('json', 'packets', null, n64(s.rxPackets));
    p.uint('json', 'errors', null, n64(s.rxErrors));
    p.uint('json', 'dropped', null, n64(s.rxDropped));
    p.uint('json', 'over_errors', null, n64(s.rxOverErrors));
    p.uint('json', 'multicast', null, n64(s.multicast));
    if (s.rxCompressed) p.uint('json', 'compressed', null, s.rxCompressed);
    if (level > 1) {
      p.uint('json', 'length_errors', null, n64(s.rxLengthErrors));
      p.uint('json', 'crc_errors', null, n64(s.rxCrcErrors));
      p.uint('json', 'frame_errors', null, n64(s.rxFrameErrors));
      p.uint('json', 'fifo_errors', null, n64(s.rxFifoErrors));
      p.uint('json', 'missed_errors', null, n64(s.rxMissedErrors));
      if (s.rxNohandler) p.uint('json', 'nohandler', null, s.rxNohandler);
      if (s.rxOtherhostDropped) p.uint('json', 'otherhost', null, s.rxOtherhostDropped);
    }
    p.closeObject();
    p.openObject('tx');
    p.uint('json', 'bytes', null, n64(s.txBytes));
    p.uint('json', 'packets', null, n64(s.txPackets));
    p.uint('json', 'errors', null, n64(s.txErrors));
    p.uint('json', 'dropped', null, n64(s.txDropped));
    p.uint('json', 'carrier_errors', null, n64(s.txCarrierErrors));
    p.uint('json', 'collisions', null, n64(s.collisions));
    if (s.txCompressed) p.uint('json', 'compressed', null, s.txCompressed);
    if (level > 1) {
      p.uint('json', 'aborted_errors', null, n64(s.txAbortedErrors));
      p.uint('json', 'fifo_errors', null, n64(s.txFifoErrors));
      p.uint('json', 'window_errors', null, n64(s.txWindowErrors));
      p.uint('json', 'heartbeat_errors', null, n64(s.txHeartbeatErrors));
      if (carrierChanges !== undefined) p.uint('json', 'carrier_changes', null, carrierChanges);
    }
    p.closeObject();
    if (what) p.closeObject();
    return;
  }
  const cols = ['*X errors:'.length, 'packets'.length, 'errors'.length, 'dropped'.length, 'heartbt'.length, 'overrun'.length, 'compressed'.length, 'otherhost'.length];
  widen(cols, n64(s.rxBytes), n64(s.rxPackets), n64(s.rxErrors), n64(s.rxDropped), n64(s.rxMissedErrors), n64(s.multicast), n64(s.rxCompressed), 0n);
  if (level > 1) {
    widen(cols, 0n, n64(s.rxLengthErrors), n64(s.rxCrcErrors), n64(s.rxFrameErrors), n64(s.rxFifoErrors), n64(s.rxOverErrors), n64(s.rxNohandler), n64(s.rxOtherhostDropped));
  }
  widen(cols, n64(s.txBytes), n64(s.txPackets), n64(s.txErrors), n64(s.txDropped), n64(s.txCarrierErrors), n64(s.collisions), n64(s.txCompressed), 0n);
  if (level > 1) {
    widen(cols, 0n, 0n, n64(s.txAbortedErrors), n64(s.txFifoErrors), n64(s.txWindowErrors), n64(s.txHeartbeatErrors), BigInt(carrierChanges ?? 0), 0n);
  }
  const num = (w: number, v: bigint | undefined): void => p.fpf('%*s ', w, n64(v).toString());
  const c = cols as [number, number, number, number, number, number, number, number];
  p.fpf('    RX: %*s %*s %*s %*s %*s %*s %*s\n', c[0] - 4, 'bytes', c[1], 'packets', c[2], 'errors', c[3], 'dropped', c[4], 'missed', c[5], 'mcast', c[6], s.rxCompressed ? 'compressed' : '');
  p.fp('    ');
  num(c[0], s.rxBytes);
  num(c[1], s.rxPackets);
  num(c[2], s.rxErrors);
  num(c[3], s.rxDropped);
  num(c[4], s.rxMissedErrors);
  num(c[5], s.multicast);
  if (s.rxCompressed) num(c[6], s.rxCompressed);
  if (level > 1) {
    p.fp('\n');
    p.fpf(
      '    RX errors:%*s %*s %*s %*s %*s %*s%*s%*s\n',
      c[0] - 10, '', c[1], 'length', c[2], 'crc', c[3], 'frame', c[4], 'fifo', c[5], 'overrun',
      s.rxNohandler ? c[6] + 1 : 0, s.rxNohandler ? ' nohandler' : '',
      s.rxOtherhostDropped ? c[7] + 1 : 0, s.rxOtherhostDropped ? ' otherhost' : '',
    );
    p.fpf('%*s', c[0] + 5, '');
    num(c[1], s.rxLengthErrors);
    num(c[2], s.rxCrcErrors);
    num(c[3], s.rxFrameErrors);
    num(c[4], s.rxFifoErrors);
    num(c[5], s.rxOverErrors);
    if (s.rxNohandler) num(c[6], s.rxNohandler);
    if (s.rxOtherhostDropped) num(c[7], s.rxOtherhostDropped);
  }
  p.fp('\n');
  p.fpf('    TX: %*s %*s %*s %*s %*s %*s %*s\n', c[0] - 4, 'bytes', c[1], 'packets', c[2], 'errors', c[3], 'dropped', c[4], 'carrier', c[5], 'collsns', c[6], s.txCompressed ? 'compressed' : '');
  p.fp('    ');
  num(c[0], s.txBytes);
  num(c[1], s.txPackets);
  num(c[2], s.txErrors);
  num(c[3], s.txDropped);
  num(c[4], s.txCarrierErrors);
  num(c[5], s.collisions);
  if (s.txCompressed) num(c[6], s.txCompressed);
  if (level > 1) {
    p.fp('\n');
    p.fpf('    TX errors:%*s %*s %*s %*s %*s %*s\n', c[0] - 10, '', c[1], 'aborted', c[2], 'fifo', c[3], 'window', c[4], 'heartbt', c[5], carrierChanges !== undefined ? 'transns' : '');
    p.fpf('%*s', c[0] + 5, '');
    num(c[1], s.txAbortedErrors);
    num(c[2], s.txFifoErrors);
    num(c[3], s.txWindowErrors);
    num(c[4], s.txHeartbeatErrors);
    if (carrierChanges !== undefined) num(c[5], BigInt(carrierChanges));
  }
}

/** IFLA_STATS64, or IFLA_STATS widened (ip then calls the object "stats"). */
export function linkStats(l: Link): { s: LinkStats64; what: string } | undefined {
  if (l.stats64) return { s: l.stats64, what: 'stats64' };
  if (l.stats) {
    const s: LinkStats64 = {};
    for (const [k, v] of Object.entries(l.stats)) (s as Record<string, bigint>)[k] = BigInt(v as number);
    return { s, what: 'stats' };
  }
  return undefined;
}

// ------------------------------------------------------------ linkinfo

/** print_linktype: the kind line, the `<kind>_slave` line, "linkinfo" in JSON. */
function printLinkType(p: IpPrinter, l: Link, ctx: IpContext): void {
  const li = l.linkInfo;
  if (!li) return;
  p.openObject('linkinfo');
  if (li.kind !== undefined) {
    p.nl();
    p.string('any', 'info_kind', '    %s ', li.kind);
    const pr = kindPrinter(li.kind);
    if (pr) {
      p.openObject('info_data');
      if (li.data) pr(p, li.data, ctx);
      p.closeObject();
    }
  }
  if (li.slaveKind !== undefined) {
    p.nl();
    p.string('any', 'info_slave_kind', '    %s_slave ', li.slaveKind);
    const pr = kindPrinter(`${li.slaveKind}_slave`);
    if (pr) {
      p.openObject('info_slave_data');
      if (li.slaveData) pr(p, li.slaveData, ctx);
      p.closeObject();
    }
  }
  p.closeObject();
}

const ADDR_GEN_MODES: Record<string, string> = { eui64: 'eui64', none: 'none', stable_privacy: 'stable_secret', random: 'random' };

/** print_af_spec: `addrgenmode` from IFLA_AF_SPEC/AF_INET6. */
function printAfSpec(p: IpPrinter, l: Link): void {
  const spec = l.afSpec as { inet6?: { addrGenMode?: string | number } } | undefined;
  const mode = spec?.inet6?.addrGenMode;
  if (mode === undefined) return;
  const s = typeof mode === 'string' ? (ADDR_GEN_MODES[mode] ?? mode) : `0x${(mode & 0xff).toString(16).padStart(2, '0')}`;
  p.string('any', 'inet6_addr_gen_mode', 'addrgenmode %s ', s);
}

/** xdp_dump: the attach mode after the mtu (`xdp`/`xdpgeneric`...), and with details the program ids. */
function printXdp(p: IpPrinter, l: Link, details: boolean): void {
  const x = l.xdp as { attached?: number; progId?: number; skbProgId?: number; drvProgId?: number; hwProgId?: number } | undefined;
  if (!x || x.attached === undefined || x.attached === 0) return;
  const mode = x.attached;
  if (p.json) {
    if (details) return;
    p.openObject('xdp');
    p.uint('json', 'mode', null, mode);
    if (x.progId) {
      p.openObject('prog');
      p.uint('json', 'id', null, x.progId);
      p.closeObject();
    }
    p.openArray('json', 'attached');
    const one = (id: number | undefined, m: number): void => {
      if (id === undefined) return;
      p.openObject();
      p.uint('json', 'mode', null, m);
      p.openObject('prog');
      p.uint('json', 'id', null, id);
      p.closeObject();
      p.closeObject();
    };
    if (x.skbProgId !== undefined || x.drvProgId !== undefined || x.hwProgId !== undefined) {
      one(x.skbProgId, 2);
      one(x.drvProgId, 1);
      one(x.hwProgId, 3);
    } else one(x.progId, mode);
    p.closeArray('json', null);
    p.closeObject();
    return;
  }
  if (!details) p.fp(mode === 1 ? 'xdp' : mode === 2 ? 'xdpgeneric' : mode === 3 ? 'xdpoffload' : mode === 4 ? 'xdpmulti' : `xdp[${mode}]`);
  const prog = (id: number | undefined, pfx: string, top: boolean): void => {
    if (id === undefined) return;
    if (!details) {
      if (id && top) p.fpf('/id:%u', id);
      return;
    }
    if (id) p.fpf('\n    prog/xdp%s id %u ', pfx, id);
  };
  prog(x.progId, '', true);
  if (mode === 4) {
    prog(x.skbProgId, 'generic', false);
    prog(x.drvProgId, 'drv', false);
    prog(x.hwProgId, 'offload', false);
  }
  if (!details) p.fp(' ');
}

/** How the link is listed: `ip link` (doLink, AF_PACKET) or as the head of `ip addr` (family filter). */
export interface LinkListMode {
  doLink: boolean;
  /** 'packet' for `ip link`; for `ip addr` the -4/-6 family or 0. */
  family: 'packet' | number;
}

/**
 * print_linkinfo / print_linkinfo_brief for one link. The caller opens
 * and closes the JSON object (like ipaddr_list_flush_or_save).
 */
export function printLink(p: IpPrinter, l: Link, ctx: IpContext, mode: LinkListMode): void {
  const pkt = mode.family === 'packet';
  if (ctx.brief) {
    const mdown = printNameAndLink(p, '%-16s ', l, ctx);
    if (l.operState !== undefined) printOperstate(p, l.operState, true);
    if (pkt) {
      if (l.address !== undefined) p.string('any', 'address', '%s ', llAddr(l.address, l.type));
      printLinkFlags(p, l.flags, mdown);
      p.fp('\n');
    }
    return;
  }
  p.int('any', 'ifindex', '%d: ', l.index);
  const mdown = printNameAndLink(p, '%s: ', l, ctx);
  printLinkFlags(p, l.flags, mdown);
  if (l.mtu !== undefined) p.int('any', 'mtu', 'mtu %u ', l.mtu);
  if (l.xdp) printXdp(p, l, false);
  if (l.qdisc !== undefined) p.string('any', 'qdisc', 'qdisc %s ', l.qdisc);
  if (l.master !== undefined) p.string('any', 'master', 'master %s ', ifName(ctx, l.master));
  if (l.operState !== undefined) printOperstate(p, l.operState, false);
  if (mode.doLink && l.linkMode !== undefined) {
    if (l.linkMode >= 2) p.int('any', 'linkmode_index', 'mode %d ', l.linkMode);
    else p.string('any', 'linkmode', 'mode %s ', l.linkMode === 1 ? 'DORMANT' : 'DEFAULT');
  }
  if (l.group !== undefined) p.string('any', 'group', 'group %s ', ipGroupName(l.group));
  if (l.txQueueLen) p.int('any', 'txqlen', 'qlen %d', l.txQueueLen);
  if (l.event) {
    const ev = ['NONE', 'REBOOT', 'FEATURE CHANGE', 'BONDING FAILOVER', 'NOTIFY PEERS', 'RESEND IGMP', 'BONDING OPTION'][l.event];
    if (ev === undefined) p.int('any', 'event', 'event %d ', l.event);
    else p.string('any', 'event', 'event %s ', ev);
  }
  if (mode.family === 0 || pkt || ctx.details) {
    p.nl();
    p.string('any', 'link_type', '    link/%s ', ipLinkTypeName(l.type));
    if (l.address !== undefined) p.string('any', 'address', '%s', llAddr(l.address, l.type));
    if (l.broadcast !== undefined) {
      if (l.flags & U.IFF_POINTOPOINT) {
        p.fp(' peer ');
        p.bool('json', 'link_pointtopoint', null, true);
      } else p.fp(' brd ');
      p.string('any', 'broadcast', '%s', llAddr(l.broadcast, l.type));
    }
    if (l.permAddress !== undefined && l.permAddress !== l.address) {
      p.fp(' permaddr ');
      p.string('any', 'permaddr', '%s', llAddr(l.permAddress, l.type));
    }
  }
  if (l.linkNetnsId !== undefined) {
    const id = l.linkNetnsId;
    if (p.json) p.int('json', 'link_netnsid', null, id);
    else if (id >= 0) {
      const ns = ctx.nsNames?.get(id);
      if (ns !== undefined) p.fpf(' link-netns %s', ns);
      else p.fpf(' link-netnsid %d', id);
    } else p.fpf(' link-netnsid %s', 'unknown');
  }
  if (l.newNetnsId !== undefined) {
    const ns = ctx.nsNames?.get(l.newNetnsId);
    if (ns !== undefined) p.fpf(' new-netns %s', ns);
    else p.fpf(' new-netnsid %d', l.newNetnsId);
  }
  if (l.newIfindex !== undefined) p.fpf(' new-ifindex %d', l.newIfindex);
  if (l.protoDown !== undefined && l.protoDown !== false && l.protoDown !== 0) p.bool('any', 'proto_down', ' protodown on ', true);
  if (ctx.details) {
    if (l.promiscuity !== undefined) p.uint('any', 'promiscuity', ' promiscuity %u ', l.promiscuity);
    if (l.allmulti !== undefined) p.uint('any', 'allmulti', ' allmulti %u ', l.allmulti);
    if (l.minMtu !== undefined) p.uint('any', 'min_mtu', 'minmtu %u ', l.minMtu);
    if (l.maxMtu !== undefined) p.uint('any', 'max_mtu', 'maxmtu %u ', l.maxMtu);
    if (l.linkInfo) printLinkType(p, l, ctx);
    if (mode.doLink && l.afSpec) printAfSpec(p, l);
    if (l.numTxQueues !== undefined) p.uint('any', 'num_tx_queues', 'numtxqueues %u ', l.numTxQueues);
    if (l.numRxQueues !== undefined) p.uint('any', 'num_rx_queues', 'numrxqueues %u ', l.numRxQueues);
    if (l.gsoMaxSize !== undefined) p.uint('any', 'gso_max_size', 'gso_max_size %u ', l.gsoMaxSize);
    if (l.gsoMaxSegs !== undefined) p.uint('any', 'gso_max_segs', 'gso_max_segs %u ', l.gsoMaxSegs);
    if (l.tsoMaxSize !== undefined) p.uint('any', 'tso_max_size', 'tso_max_size %u ', l.tsoMaxSize);
    if (l.tsoMaxSegs !== undefined) p.uint('any', 'tso_max_segs', 'tso_max_segs %u ', l.tsoMaxSegs);
    if (l.groMaxSize !== undefined) p.uint('any', 'gro_max_size', 'gro_max_size %u ', l.groMaxSize);
    if (l.physPortName !== undefined) p.string('any', 'phys_port_name', 'portname %s ', l.physPortName);
    if (l.physPortId !== undefined) p.string('any', 'phys_port_id', 'portid %s ', Buffer.from(l.physPortId).toString('hex'));
    if (l.physSwitchId !== undefined) p.string('any', 'phys_switch_id', 'switchid %s ', Buffer.from(l.physSwitchId).toString('hex'));
    if (l.parentDevBusName !== undefined) p.string('any', 'parentbus', 'parentbus %s ', l.parentDevBusName);
    if (l.parentDevName !== undefined) p.string('any', 'parentdev', 'parentdev %s ', l.parentDevName);
  }
  if ((mode.doLink || ctx.details) && l.alias !== undefined) {
    p.fp('\n    ');
    p.string('any', 'ifalias', 'alias %s', l.alias);
  }
  if ((mode.doLink || ctx.details) && l.xdp) printXdp(p, l, true);
  if (mode.doLink && ctx.stats) {
    p.nl();
    const st = linkStats(l);
    if (st) printStats64(p, st.s, l.carrierChanges, st.what, ctx.stats);
  }
  if (l.propList) {
    p.openArray('json', 'altnames');
    for (const a of l.propList.altNames ?? []) {
      p.fp('\n    altname ');
      p.string('any', null, '%s', a);
    }
    p.closeArray('json', null);
  }
  p.fp('\n');
}
