#!/usr/bin/env node
// Generate src/genl/uapi.ts from the pinned generic netlink uapi headers kept
// in the repository (uapi/linux/genetlink.h, if_macsec.h, if_team.h,
// wireguard.h, ethtool_netlink.h, ethtool.h: copies of Debian linux-libc-dev
// 6.1, see uapi/README.md), never from the machine's /usr/include.
//
// Every enum member and object-like numeric #define whose name has one of the
// prefixes below becomes `export const NAME = value;` (a literal type), and
// GENL_UAPI lists them all `as const`, so `policy()` checks attribute names at
// compile time. Deterministic: the output depends only on the header files
// (in the order listed here). Same machinery and output format as the core's
// generators (scripts/gen-nft-uapi.mjs), so the target can join a shared
// generator unchanged.
//
//   node scripts/gen-genl-uapi.mjs            # write src/genl/uapi.ts
//   node scripts/gen-genl-uapi.mjs --check    # exit 1 if it is stale
//
// Constants newer than the pinned headers are not added here: they are named
// constants next to their use in src/genl/, with the kernel release noted.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const PINNED = 'copies of Debian linux-libc-dev 6.1; see uapi/README.md';

const TARGET = {
  out: 'src/genl/uapi.ts',
  table: 'GENL_UAPI',
  // From linux/netlink.h (not pinned with these): GENL_ID_CTRL and GENL_MIN_ID are NLMSG_MIN_TYPE.
  seed: { NLMSG_MIN_TYPE: 16 },
  headers: ['linux/genetlink.h', 'linux/if_macsec.h', 'linux/if_team.h', 'linux/wireguard.h', 'linux/ethtool_netlink.h', 'linux/ethtool.h'],
  prefixes: [
    'GENL_', 'CTRL_', 'MACSEC_', 'TEAM_', 'WG_', 'WGDEVICE_', 'WGPEER_', 'WGALLOWEDIP_', 'ETHTOOL_', 'ETH_SS_', 'ETH_GSTRING_LEN',
    'SPEED_', 'DUPLEX_', 'PORT_', 'XCVR_', 'AUTONEG_', 'ETH_TP_MDI', 'MASTER_SLAVE_', 'RATE_MATCH_', 'WAKE_',
  ],
};

/** Evaluate the constants of the headers: names in definition order, values, C enums. */
function evaluate(target) {
  const values = new Map(Object.entries(target.seed ?? {}));
  const order = [];
  const enums = []; // [cName, [names]]
  const evalExpr = (expr) => {
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
    // enums and object-like #defines in file order
    const tokens = [];
    const re = /(^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?![(A-Za-z0-9_])[ \t]+(.*)$)|(\benum\b\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\{([\s\S]*?)\})/gm;
    let m;
    while ((m = re.exec(text))) {
      if (m[1]) tokens.push({ kind: 'define', name: m[2], expr: m[3] });
      else tokens.push({ kind: 'enum', cname: m[5] ?? '', body: m[6], done: false });
    }
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

function render(target) {
  const { values, names } = evaluate(target);
  let out = `// Generated by scripts/gen-genl-uapi.mjs from the pinned headers ${target.headers.map((h) => `uapi/${h}`).join(', ')}
// (${PINNED}). Do not edit by hand: regenerate and review the diff.
// Constants newer than these headers live next to their use, with the kernel release noted.
/* eslint-disable */
`;
  for (const n of names) out += `export const ${n} = ${lit(values.get(n))};\n`;
  out += `\n/** Every constant above by name. */\nexport const ${target.table} = {\n`;
  for (const n of names) out += `  ${n},\n`;
  out += `} as const;\n`;
  return { out, count: names.length };
}

const { out, count } = render(TARGET);
const file = new URL(TARGET.out, root);
if (process.argv.includes('--check')) {
  let cur = '';
  try {
    cur = readFileSync(file, 'utf8');
  } catch {
    /* missing */
  }
  if (cur !== out) {
    console.error(`${TARGET.out} is stale: run node scripts/gen-genl-uapi.mjs`);
    process.exit(1);
  }
  console.log(`${TARGET.out} is up to date (${count} constants)`);
} else {
  writeFileSync(file, out);
  console.log(`wrote ${TARGET.out}: ${count} constants`);
}
