#!/usr/bin/env node
// Generate src/rtnl/uapi.ts from the kernel uapi headers in /usr/include/linux:
// every enum member and simple numeric #define with the prefixes we use.
// The headers are the source of truth for numbers; run this after a header
// update and review the diff. Usage: node scripts/gen-uapi.mjs [include-dir]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const inc = process.argv[2] ?? '/usr/include/linux';
const headers = [
  'netlink.h', 'rtnetlink.h', 'if_link.h', 'if_addr.h', 'neighbour.h', 'fib_rules.h', 'if_tun.h', 'if_bridge.h',
  'veth.h', 'if.h', 'if_arp.h', 'lwtunnel.h', 'nexthop.h', 'net_namespace.h', 'netconf.h', 'ip.h', 'ipv6.h',
  'if_addrlabel.h', 'if_macsec.h', 'if_vlan.h', 'if_tunnel.h', 'if_bonding.h', 'in_route.h', 'mpls_iptunnel.h',
  'if_packet.h', 'if_ether.h', 'mroute.h',
];
// Only names with these prefixes are kept (the rest of the headers is noise for us).
const prefixes = [
  'RTM_', 'RTA_', 'RTN_', 'RTPROT_', 'RT_SCOPE_', 'RT_TABLE_', 'RTAX_', 'RTNLGRP_', 'RTMGRP_', 'RTNH_', 'RTM_F_', 'RTEXT_',
  'RTNETLINK_', 'RTA_VIA', 'IFLA_', 'IFA_', 'IFAPROT_', 'NDA_', 'NDTA_', 'NDTPA_', 'NUD_', 'NTF_', 'NTF_EXT_', 'NFEA_', 'FRA_', 'FR_ACT_',
  'FIB_RULE_', 'TUN', 'IFF_', 'TUN_F_', 'BRIDGE_', 'VETH_', 'IF_OPER_', 'IF_LINK_MODE_', 'ARPHRD_', 'LWTUNNEL_', 'NHA_',
  'NEXTHOP_', 'NETNSA_', 'NETCONFA_', 'IPV4_DEVCONF_', 'DEVCONF_', 'IFAL_', 'MACSEC_', 'VLAN_FLAG_', 'BOND_', 'MACVLAN_',
  'IPVLAN_', 'VXLAN_', 'GENEVE_', 'IN6_ADDR_GEN_MODE_', 'PORT_', 'VRF_', 'MDBA_', 'MDB_', 'BR_', 'IPV6_DEVCONF_',
  'NETKIT_', 'TUNNEL_', 'IP_TUNNEL_', 'LINK_XSTATS_', 'IFLA_STATS_', 'XDP_', 'GTP_', 'NDTA_', 'NDUSEROPT_', 'PREFIX_',
  'IFAPROT_', 'RTCF_', 'RT_CLASS_', 'ETH_P_', 'MPLS_IPTUNNEL_', 'RTNH_F_', 'NLA_', 'NETLINK_', 'NLM_', 'NLMSG',
  'IFNAMSIZ', 'IFALIASZ', 'ALTIFNAMSIZ', 'PACKET_', 'HSR_', 'IPOIB_', 'CAN_', 'RMNET_', 'BAREUDP_', 'AMT_', 'OVPN_',
];
const keep = (n) => !n.startsWith('__') && prefixes.some((p) => n.startsWith(p));

const values = new Map();
const sources = new Map();
const order = [];

const SIZES = { int: 4, 'unsigned int': 4, __u32: 4, __s32: 4, 'struct sock_fprog': 16, __u16: 2 };
function ioc(dir, t, nr, type) {
  const size = type === undefined ? 0 : SIZES[type.trim()];
  if (size === undefined) return undefined;
  return ((dir << 30) | (size << 16) | (t.charCodeAt(0) << 8) | Number(nr)) >>> 0;
}

function evalExpr(expr) {
  const io = /^\s*_IO(R|W|WR)?\(\s*'(.)'\s*,\s*(\d+)\s*(?:,\s*([^)]+))?\)\s*$/.exec(expr);
  if (io) return ioc(io[1] === 'R' ? 2 : io[1] === 'W' ? 1 : io[1] === 'WR' ? 3 : 0, io[2], io[3], io[4]);
  let e = expr
    .replace(/\/\*.*?\*\//g, '')
    .replace(/\b0x([0-9a-fA-F]+)U?L{0,2}\b/g, (_, h) => String(parseInt(h, 16)))
    .replace(/\(\s*(?:__u\d+|__s\d+|unsigned\s+int|unsigned\s+long|unsigned|int|long)\s*\)/g, '')
    .replace(/(\d+)U?L{0,2}\b/gi, '$1')
    .trim();
  if (e === '') return undefined;
  const names = e.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  for (const n of names) {
    if (!values.has(n)) return undefined;
  }
  e = e.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (n) => `(${values.get(n)})`);
  if (!/^[\d\s()+\-*/<>|&~^x0-9a-fA-F]*$/.test(e)) return undefined;
  try {
    const v = Function(`"use strict"; return (${e});`)();
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function define(name, value, file) {
  if (values.has(name)) {
    if (values.get(name) !== value) console.error(`note: ${name} redefined in ${file} (${values.get(name)} -> ${value}); keeping first`);
    return;
  }
  values.set(name, value);
  sources.set(name, file);
  order.push(name);
}

for (const h of headers) {
  let text;
  try {
    text = readFileSync(join(inc, h), 'utf8');
  } catch {
    console.error(`skip missing ${h}`);
    continue;
  }
  text = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '').replace(/\\\n/g, ' ');
  // #defines (object-like only), interleaved with enums in file order
  const tokens = [];
  const re = /(^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?![(A-Za-z0-9_])[ \t]+(.*)$)|(\benum\b[^{;]*\{([\s\S]*?)\})/gm;
  let m;
  while ((m = re.exec(text))) {
    if (m[1]) tokens.push({ kind: 'define', name: m[2], expr: m[3] });
    else tokens.push({ kind: 'enum', body: m[5] });
  }
  // two passes so defines referring to later enums resolve
  for (let pass = 0; pass < 3; pass++) {
    for (const t of tokens) {
      if (t.kind === 'define') {
        const v = evalExpr(t.expr);
        if (v !== undefined) define(t.name, v, h);
      } else {
        let next = 0;
        for (let item of t.body.split(',')) {
          item = item.replace(/#.*$/gm, '').trim();
          if (!item) continue;
          const mm = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([\s\S]+))?$/.exec(item);
          if (!mm) continue;
          let v = next;
          if (mm[2] !== undefined) {
            const ev = evalExpr(mm[2]);
            if (ev === undefined) break;
            v = ev;
          }
          define(mm[1], v, h);
          next = v + 1;
        }
      }
    }
  }
}

let out = `// Generated by scripts/gen-uapi.mjs from the kernel uapi headers (${inc}).
// Do not edit by hand: regenerate and review the diff.
/* eslint-disable */
`;
let n = 0;
const all = [];
for (const name of order) {
  if (!keep(name)) continue;
  const v = values.get(name);
  out += `export const ${name} = ${v < 0 ? v : v > 0xffff ? '0x' + v.toString(16) : v};\n`;
  all.push(name);
  n++;
}
out += `\n/** Every constant above by name. */\nexport const UAPI: Readonly<Record<string, number>> = {\n`;
for (const name of all) out += `  ${name},\n`;
out += `};\n`;
writeFileSync(new URL('../src/rtnl/uapi.ts', import.meta.url), out);
console.log(`wrote src/rtnl/uapi.ts: ${n} constants`);
