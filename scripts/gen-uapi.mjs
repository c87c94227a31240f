#!/usr/bin/env node
// Generate the constant modules from the pinned kernel uapi headers kept in
// the repository (uapi/linux/**, copies of Debian linux-libc-dev 6.1: see
// uapi/README.md), never from the machine's /usr/include:
//
//   src/netlink/uapi.ts  linux/netlink.h: NETLINK_*, NLM_F_*, NLMSG*, NLA_*; SIOCGSKNS (NETLINK_UAPI)
//   src/rtnl/uapi.ts     rtnetlink and link headers (UAPI; re-exports src/netlink/uapi.ts)
//   src/nft/uapi.ts      netfilter headers (NFT_UAPI, NFT_ENUMS per C enum)
//   src/genl/uapi.ts     generic netlink: genetlink.h and the macsec, team, wireguard, ethtool headers (GENL_UAPI)
//
// Every enum member and object-like numeric #define whose name has one of the
// target's prefixes becomes `export const NAME = value;` (a literal type), and
// the target's table lists them all `as const`, so `policy()` can check
// attribute names at compile time. Deterministic: the output depends only on
// the header files (in the order listed here).
//
//   node scripts/gen-uapi.mjs            # write every target
//   node scripts/gen-uapi.mjs --check    # exit 1 if a target is stale
//
// Constants newer than the pinned headers are not added here: they are named
// constants next to their use, with the kernel release that added them.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const PINNED = 'copies of Debian linux-libc-dev 6.1; see uapi/README.md';

const TARGETS = [
  {
    out: 'src/netlink/uapi.ts',
    table: 'NETLINK_UAPI',
    headers: ['linux/netlink.h', 'linux/sockios.h'],
    prefixes: ['NETLINK_', 'NLM_', 'NLMSG', 'NLA_', 'SIOCGSKNS'],
  },
  {
    out: 'src/rtnl/uapi.ts',
    table: 'UAPI',
    iface: 'RtnlUapi',
    json: true,
    reexport: { from: '../netlink/uapi.js', table: 'NETLINK_UAPI', target: 'src/netlink/uapi.ts' },
    headers: [
      'linux/netlink.h', 'linux/rtnetlink.h', 'linux/if_link.h', 'linux/if_addr.h', 'linux/neighbour.h', 'linux/fib_rules.h',
      'linux/if_tun.h', 'linux/if_bridge.h', 'linux/veth.h', 'linux/if.h', 'linux/if_arp.h', 'linux/lwtunnel.h',
      'linux/nexthop.h', 'linux/net_namespace.h', 'linux/netconf.h', 'linux/ip.h', 'linux/ipv6.h', 'linux/if_addrlabel.h',
      'linux/if_macsec.h', 'linux/if_vlan.h', 'linux/if_tunnel.h', 'linux/if_bonding.h', 'linux/in_route.h',
      'linux/mpls_iptunnel.h', 'linux/if_packet.h', 'linux/if_ether.h', 'linux/mroute.h', 'linux/sockios.h',
      'linux/can/vxcan.h', 'linux/in.h', 'linux/in6.h', 'linux/icmp.h', 'linux/icmpv6.h', 'linux/ip6_tunnel.h',
    ],
    prefixes: [
      'RTM_', 'RTA_', 'RTN_', 'RTPROT_', 'RT_SCOPE_', 'RT_TABLE_', 'RTAX_', 'RTNLGRP_', 'RTMGRP_', 'RTNH_', 'RTM_F_', 'RTEXT_',
      'RTNETLINK_', 'RTA_VIA', 'IFLA_', 'IFA_', 'IFAPROT_', 'NDA_', 'NDTA_', 'NDTPA_', 'NUD_', 'NTF_', 'NTF_EXT_', 'NFEA_', 'FRA_', 'FR_ACT_',
      'FIB_RULE_', 'TUN', 'IFF_', 'TUN_F_', 'BRIDGE_', 'VETH_', 'IF_OPER_', 'IF_LINK_MODE_', 'ARPHRD_', 'LWTUNNEL_', 'NHA_',
      'NEXTHOP_', 'NETNSA_', 'NETCONFA_', 'IPV4_DEVCONF_', 'DEVCONF_', 'IFAL_', 'MACSEC_', 'VLAN_FLAG_', 'BOND_', 'MACVLAN_',
      'IPVLAN_', 'VXLAN_', 'GENEVE_', 'IN6_ADDR_GEN_MODE_', 'PORT_', 'VRF_', 'MDBA_', 'MDB_', 'BR_', 'IPV6_DEVCONF_',
      'NETKIT_', 'TUNNEL_', 'IP_TUNNEL_', 'LINK_XSTATS_', 'IFLA_STATS_', 'XDP_', 'GTP_', 'NDTA_', 'NDUSEROPT_', 'PREFIX_',
      'IFAPROT_', 'RTCF_', 'RT_CLASS_', 'ETH_P_', 'MPLS_IPTUNNEL_', 'RTNH_F_',
      'IFNAMSIZ', 'IFALIASZ', 'ALTIFNAMSIZ', 'PACKET_', 'HSR_', 'IPOIB_', 'CAN_', 'RMNET_', 'BAREUDP_', 'AMT_', 'OVPN_',
      'SIOCGSKNS', 'VXCAN_INFO_', 'RTNL_FAMILY_', 'IPPROTO_', 'ICMP_ECHO', 'ICMPV6_ECHO_', 'ARPOP_', 'SIT_', 'IP6_TNL_F_',
    ],
  },
  {
    out: 'src/nft/uapi.ts',
    table: 'NFT_UAPI',
    iface: 'NftUapi',
    json: true,
    enums: 'NFT_ENUMS',
    // linux/netlink.h for NLMSG_MIN_TYPE (NFNL_MSG_BATCH_BEGIN/END); its constants are not exported here
    headers: [
      'linux/netlink.h', 'linux/netfilter.h', 'linux/netfilter/nfnetlink.h', 'linux/netfilter/nfnetlink_compat.h', 'linux/netfilter/nf_tables.h',
      'linux/netfilter/nf_nat.h', 'linux/netfilter/nf_conntrack_common.h',
    ],
    prefixes: ['NF_', 'NFPROTO_', 'NFNL', 'NFNETLINK_', 'NFT_', 'NFTA_', 'NF_NAT_', 'IP_CT_', 'IPS_', 'NF_CT_', 'NF_INET_', 'NF_NETDEV_'],
  },
  {
    out: 'src/genl/uapi.ts',
    table: 'GENL_UAPI',
    iface: 'GenlUapi',
    json: true,
    // linux/netlink.h for NLMSG_MIN_TYPE (GENL_ID_CTRL, GENL_MIN_ID); its constants are not exported here
    headers: [
      'linux/netlink.h', 'linux/genetlink.h', 'linux/if_macsec.h', 'linux/if_team.h', 'linux/wireguard.h', 'linux/ethtool_netlink.h', 'linux/ethtool.h',
    ],
    prefixes: [
      'GENL_', 'CTRL_', 'MACSEC_', 'TEAM_', 'WG_', 'WGDEVICE_', 'WGPEER_', 'WGALLOWEDIP_', 'ETHTOOL_', 'ETH_SS_', 'ETH_GSTRING_LEN',
      'SPEED_', 'DUPLEX_', 'PORT_', 'XCVR_', 'AUTONEG_', 'ETH_TP_MDI', 'MASTER_SLAVE_', 'RATE_MATCH_', 'WAKE_',
    ],
  },
];

/** _IO/_IOR/_IOW/_IOWR('T', nr, type) with the argument sizes the tun/tap ioctls use. */
const SIZES = { int: 4, 'unsigned int': 4, __u32: 4, __s32: 4, 'struct sock_fprog': 16, __u16: 2 };
function ioc(dir, t, nr, type) {
  const size = type === undefined ? 0 : SIZES[type.trim()];
  if (size === undefined) return undefined;
  return ((dir << 30) | (size << 16) | (t.charCodeAt(0) << 8) | Number(nr)) >>> 0;
}

/** Evaluate the constants of a target's headers: names in definition order, values, C enums. */
function evaluate(target) {
  const values = new Map();
  const order = [];
  const enums = []; // [cName, [names]]
  const evalExpr = (expr) => {
    const io = /^\s*_IO(R|W|WR)?\(\s*'(.)'\s*,\s*(\d+)\s*(?:,\s*([^)]+))?\)\s*$/.exec(expr);
    if (io) return ioc(io[1] === 'R' ? 2 : io[1] === 'W' ? 1 : io[1] === 'WR' ? 3 : 0, io[2], io[3], io[4]);
    let e = expr
      .replace(/\b0x([0-9a-fA-F]+)[uUlL]*\b/g, (_, h) => String(parseInt(h, 16)))
      .replace(/\(\s*(?:__u\d+|__s\d+|unsigned\s+int|unsigned\s+long|unsigned|int|long)\s*\)/g, '')
      .replace(/\b(\d+)[uUlL]+\b/g, '$1')
      .trim();
    if (e === '') return undefined;
    for (const n of e.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) if (!values.has(n)) return undefined;
    e = e.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (n) => `(${values.get(n)})`);
    if (!/^[\d\s()+\-*/%<>|&~^]*$/.test(e)) return undefined;
    try {
      const v = Function(`"use strict"; return (${e});`)();
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const define = (name, value) => {
    if (values.has(name)) return; // the first definition wins
    values.set(name, value);
    order.push(name);
  };
  for (const h of target.headers) {
    let text = readFileSync(new URL(`uapi/${h}`, root), 'utf8');
    text = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '').replace(/\\\n/g, ' ');
    // enums and object-like #defines (also those inside an enum body) in file order
    const tokens = [];
    const reEnum = /\benum\b\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\{([\s\S]*?)\}/gm;
    const reDefine = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?![(A-Za-z0-9_])[ \t]+(.*)$/gm;
    let m;
    while ((m = reEnum.exec(text))) tokens.push({ at: m.index, kind: 'enum', cname: m[1] ?? '', body: m[2], done: false });
    while ((m = reDefine.exec(text))) tokens.push({ at: m.index, kind: 'define', name: m[1], expr: m[2] });
    tokens.sort((a, b) => a.at - b.at);
    // passes, so that defines referring to later enums (and the reverse) resolve
    for (let pass = 0; pass < 3; pass++) {
      for (const t of tokens) {
        if (t.kind === 'define') {
          const v = evalExpr(t.expr);
          if (v !== undefined) define(t.name, v);
          continue;
        }
        if (t.done) continue;
        const members = [];
        let next = 0;
        let ok = true;
        for (let item of t.body.replace(/^[ \t]*#.*$/gm, '').split(',')) {
          item = item.trim();
          if (!item) continue;
          const mm = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([\s\S]+))?$/.exec(item);
          if (!mm) continue;
          let v = next;
          if (mm[2] !== undefined) {
            const ev = evalExpr(mm[2]);
            if (ev === undefined) {
              ok = false;
              break;
            }
            v = ev;
          }
          define(mm[1], v);
          members.push(mm[1]);
          next = v + 1;
        }
        if (ok) {
          t.done = true;
          if (t.cname) enums.push([t.cname, members]);
        }
      }
    }
  }
  const keep = (n) => !n.startsWith('__') && target.prefixes.some((p) => n.startsWith(p));
  return { values, names: order.filter(keep), enums: enums.map(([c, ms]) => [c, ms.filter(keep)]).filter(([, ms]) => ms.length > 0) };
}

const lit = (v) => (v < 0 ? String(v) : v > 0xffff ? '0x' + v.toString(16) : String(v));

const results = new Map();
function render(target) {
  const { values, names, enums } = evaluate(target);
  results.set(target.out, { values, names });
  let out = `// Generated by scripts/gen-uapi.mjs from the pinned headers ${target.headers.map((h) => `uapi/${h}`).join(', ')}
// (${PINNED}). Do not edit by hand: regenerate and review the diff.
// Constants newer than these headers live next to their use, with the kernel release noted.
/* eslint-disable */
`;
  if (!target.json) {
    // a small table (linux/netlink.h): one `export const` per constant, imported by name
    for (const n of names) out += `export const ${n} = ${lit(values.get(n))};\n`;
    out += `\n/** Every constant above by name. */\nexport const ${target.table} = {\n`;
    for (const n of names) out += `  ${n},\n`;
    out += `} as const;\n`;
  } else {
    // A large table: one object parsed from JSON at load time. Two thousand
    // \`export const\` declarations cost ~15 ms of module compilation and
    // linking on every start (docs/benchmarks.md, "constants as one table");
    // JSON.parse of the same table costs well under 1 ms. The interface gives
    // every name its literal type, so \`const { IFLA_MTU } = UAPI\` is typed
    // \`4\` and policy() still rejects an unknown name at compile time.
    let all = names;
    let base;
    if (target.reexport) {
      base = results.get(target.reexport.target);
      all = [...base.names.filter((n) => !names.includes(n)), ...names];
      out += `import type { ${target.reexport.table} } from '${target.reexport.from}';\n`;
    }
    const own = target.reexport ? names.filter((n) => !(base.names.includes(n) && values.get(n) === base.values.get(n))) : names;
    const val = (n) => (values.has(n) ? values.get(n) : base.values.get(n));
    out += `\n/** Every constant ${target.reexport ? `of ${target.reexport.from} and ` : ''}of the headers above by name, each typed as its value. */\n`;
    out += `export type ${target.iface} = ${target.reexport ? `Readonly<typeof ${target.reexport.table}> & ` : ''}{\n`;
    for (const n of own) out += `  readonly ${n}: ${lit(val(n))};\n`;
    out += `};\n`;
    const obj = {};
    for (const n of all) obj[n] = val(n);
    out += `\n/** The constants by name (frozen). Import the table and destructure: \`const { IFLA_MTU } = ${target.table};\`. */\n`;
    out += `export const ${target.table}: ${target.iface} = Object.freeze(JSON.parse(${JSON.stringify(JSON.stringify(obj))}) as ${target.iface});\n`;
  }
  if (target.enums) {
    out += `\n/** The members of each C enum of the headers, by the enum's C name (for reverse lookups). */\nexport const ${target.enums} = {\n`;
    for (const [cname, members] of enums) out += `  ${cname}: { ${members.map((n) => `${n}: ${lit(values.get(n))}`).join(', ')} },\n`;
    out += `} as const;\n`;
  }
  return { out, count: names.length };
}

const check = process.argv.includes('--check');
let stale = 0;
for (const t of TARGETS) {
  const { out, count } = render(t);
  const file = new URL(t.out, root);
  if (check) {
    let cur = '';
    try {
      cur = readFileSync(file, 'utf8');
    } catch {
      /* missing */
    }
    if (cur !== out) {
      console.error(`${t.out} is stale: run node scripts/gen-uapi.mjs`);
      stale++;
    } else console.log(`${t.out} is up to date (${count} constants)`);
  } else {
    writeFileSync(file, out);
    console.log(`wrote ${t.out}: ${count} constants`);
  }
}
if (stale) process.exit(1);
