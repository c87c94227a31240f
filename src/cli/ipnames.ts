/**
 * The names iproute2 prints for numbers (tables, protocols, scopes, realms,
 * DS fields, device groups): its built-in names, then the administrator's
 * files (/etc/iproute2/rt_tables, rt_protos, rt_dsfield, rt_realms,
 * rt_scopes, group, and their .d directories; /usr/share/iproute2 first, as
 * newer iproute2 installs the defaults there), so `rtnl-dump` names a table
 * the way `ip` does on the same machine. Files are read once, on first use;
 * unreadable or malformed lines are skipped.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { once } from '../netlink/once.js';

const DIRS = ['/usr/share/iproute2', '/etc/iproute2'];

/** Lines "ID NAME" (ID decimal or 0x hex), '#' comments. */
function parseDb(text: string, into: Map<number, string>): void {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^[ \t]+/, '');
    if (!line || line.startsWith('#')) continue;
    const m = /^(0x[0-9a-fA-F]+|\d+)[ \t]+([^ \t#\n]+)/.exec(line);
    if (!m) continue;
    const id = m[1]!.startsWith('0x') ? parseInt(m[1]!.slice(2), 16) : Number(m[1]);
    if (Number.isSafeInteger(id) && id >= 0) into.set(id, m[2]!);
  }
}

function readDb(file: string, builtin: Record<number, string>): Map<number, string> {
  const m = new Map<number, string>(Object.entries(builtin).map(([k, v]) => [Number(k), v]));
  for (const dir of DIRS) {
    try {
      parseDb(readFileSync(`${dir}/${file}`, 'utf8'), m);
    } catch {
      /* absent */
    }
    try {
      for (const f of readdirSync(`${dir}/${file}.d`).filter((x) => x.endsWith('.conf')).sort()) {
        try {
          parseDb(readFileSync(`${dir}/${file}.d/${f}`, 'utf8'), m);
        } catch {
          /* unreadable */
        }
      }
    } catch {
      /* no directory */
    }
  }
  return m;
}

function lazy(file: string, builtin: Record<number, string>): () => Map<number, string> {
  return once(() => readDb(file, builtin));
}

const tables = lazy('rt_tables', { 0: 'unspec', 253: 'default', 254: 'main', 255: 'local' });
const protos = lazy('rt_protos', {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra', 12: 'bird',
  13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 18: 'keepalived', 42: 'babel', 99: 'openr', 186: 'bgp', 187: 'isis',
  188: 'ospf', 189: 'rip', 192: 'eigrp',
});
const scopes = lazy('rt_scopes', { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' });
const realms = lazy('rt_realms', { 0: 'unknown' });
const dsfields = lazy('rt_dsfield', {});
const groups = lazy('group', { 0: 'default' });

/** rtnl_rttable_n2a */
export function ipTableName(id: number): string {
  return tables().get(id) ?? String(id);
}
/** rtnl_rtprot_n2a */
export function ipProtoName(id: number): string {
  return (id < 256 && protos().get(id)) || String(id);
}
/** rtnl_rtscope_n2a */
export function ipScopeName(id: number): string {
  return (id < 256 && scopes().get(id)) || String(id);
}
/** rtnl_rtrealm_n2a */
export function ipRealmName(id: number): string {
  return (id < 256 && realms().get(id)) || String(id);
}
/** rtnl_dsfield_n2a: a name, or "0x%02x". */
export function ipDsfieldName(id: number): string {
  return (id < 256 && dsfields().get(id)) || `0x${id.toString(16).padStart(2, '0')}`;
}
/** rtnl_group_n2a */
export function ipGroupName(id: number): string {
  return groups().get(id) ?? String(id);
}

/** rtnl_rtntype_n2a */
const RTN = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
export function ipRouteTypeName(id: number): string {
  return RTN[id] ?? String(id);
}

/** ll_proto_n2a for the ethertypes link kinds report. */
const ETH_P: Record<number, string> = { 0x0800: 'ip', 0x0806: 'arp', 0x86dd: 'ipv6', 0x8100: '802.1Q', 0x88a8: '802.1ad', 0x8847: 'mpls_uc', 0x8848: 'mpls_mc', 0x6558: 'teb' };
export function ipEthProtoName(id: number): string {
  return ETH_P[id] ?? `[${id}]`;
}

/** inet_proto_n2a: getprotobynumber (the first name /etc/protocols gives a number), else "ipproto-N". */
let inetProtos: Map<number, string> | undefined;
export function ipInetProtoName(id: number): string {
  if (!inetProtos) {
    inetProtos = new Map();
    try {
      for (const line of readFileSync('/etc/protocols', 'utf8').split('\n')) {
        const m = /^([^#\s]+)\s+(\d+)/.exec(line);
        if (m && !inetProtos.has(Number(m[2]))) inetProtos.set(Number(m[2]), m[1]!);
      }
    } catch {
      /* no /etc/protocols */
    }
  }
  return inetProtos.get(id) ?? `ipproto-${id}`;
}

/** ll_type_n2a: ARPHRD_* names as `link/<name>`. */
const ARPHRD: Record<number, string> = {
  0: 'netrom', 1: 'ether', 2: 'eether', 3: 'ax25', 4: 'pronet', 5: 'chaos', 6: 'ieee802', 7: 'arcnet', 8: 'atalk', 15: 'dlci', 19: 'atm',
  23: 'metricom', 24: 'ieee1394', 32: 'infiniband', 256: 'slip', 257: 'cslip', 258: 'slip6', 259: 'cslip6', 260: 'rsrvd', 264: 'adapt',
  270: 'rose', 271: 'x25', 272: 'hwx25', 280: 'can', 512: 'ppp', 513: 'hdlc', 516: 'lapb', 517: 'ddcmp', 518: 'rawhdlc', 768: 'ipip',
  769: 'tunnel6', 770: 'frad', 771: 'skip', 772: 'loopback', 773: 'ltalk', 774: 'fddi', 775: 'bif', 776: 'sit', 777: 'ip/ddp', 778: 'gre',
  779: 'pimreg', 780: 'hippi', 781: 'ash', 782: 'econet', 783: 'irda', 784: 'fcpp', 785: 'fcal', 786: 'fcpl', 787: 'fcfb0',
  788: 'fcfb1', 789: 'fcfb2', 790: 'fcfb3', 791: 'fcfb4', 792: 'fcfb5', 793: 'fcfb6', 794: 'fcfb7', 795: 'fcfb8', 796: 'fcfb9',
  797: 'fcfb10', 798: 'fcfb11', 799: 'fcfb12', 800: 'tr', 801: 'ieee802.11', 802: 'ieee802.11/prism', 803: 'ieee802.11/radiotap',
  804: 'ieee802.15.4', 805: 'ieee802.15.4/monitor', 820: 'phonet', 821: 'phonet_pipe', 822: 'caif', 823: 'gre6', 824: 'netlink',
  825: '6lowpan', 65534: 'none', 65535: 'void',
};
export function ipLinkTypeName(type: number): string {
  return ARPHRD[type] ?? `[${type}]`;
}

/** getpwuid / getgrgid from /etc/passwd and /etc/group (ip tuntap's owner and group). */
function idFile(file: string): Map<number, string> {
  const m = new Map<number, string>();
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && /^\d+$/.test(f[2]!) && !m.has(Number(f[2]))) m.set(Number(f[2]), f[0]!);
    }
  } catch {
    /* unreadable */
  }
  return m;
}
const users = once(() => idFile('/etc/passwd'));
const unixGroups = once(() => idFile('/etc/group'));
export function userName(uid: number): string | undefined {
  return users().get(uid);
}
export function unixGroupName(gid: number): string | undefined {
  return unixGroups().get(gid);
}
