// The generated constant modules against their sources: every value equals
// what a C compiler reads from the pinned headers (uapi/), the files are what
// scripts/gen-uapi.mjs makes of those headers today, and policy() rejects a
// uapi name the constants table does not have at compile time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { have, skip } from '../helpers.js';
import { NETLINK_UAPI } from '../../src/netlink/uapi.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { NFT_UAPI } from '../../src/nft/uapi.js';
import { GENL_UAPI } from '../../src/genl/uapi.js';
import { uapi, nft, genl } from '../../src/index.js';
import { moreConsts, policy, u32 } from '../../src/netlink/attr.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

const TABLES: Array<[string, Readonly<Record<string, number>>, string[]]> = [
  ['netlink', NETLINK_UAPI, ['linux/netlink.h', 'linux/sockios.h']],
  [
    'rtnl',
    UAPI,
    ['linux/rtnetlink.h', 'linux/if_link.h', 'linux/if_addr.h', 'linux/neighbour.h', 'linux/fib_rules.h', 'linux/if_tun.h', 'linux/if_bridge.h',
      'linux/veth.h', 'linux/if.h', 'linux/if_arp.h', 'linux/lwtunnel.h', 'linux/nexthop.h', 'linux/net_namespace.h', 'linux/netconf.h',
      'linux/ip.h', 'linux/ipv6.h', 'linux/if_addrlabel.h', 'linux/if_macsec.h', 'linux/if_vlan.h', 'linux/if_tunnel.h', 'linux/if_bonding.h',
      'linux/in_route.h', 'linux/mpls_iptunnel.h', 'linux/if_packet.h', 'linux/if_ether.h', 'linux/mroute.h', 'linux/sockios.h', 'linux/can/vxcan.h',
      'linux/in.h', 'linux/in6.h', 'linux/icmp.h', 'linux/icmpv6.h', 'linux/ip6_tunnel.h'],
  ],
  ['nft', NFT_UAPI, ['linux/netlink.h', 'linux/netfilter.h', 'linux/netfilter/nfnetlink.h', 'linux/netfilter/nfnetlink_compat.h', 'linux/netfilter/nf_tables.h', 'linux/netfilter/nf_nat.h', 'linux/netfilter/nf_conntrack_common.h']],
  ['genl', GENL_UAPI, ['linux/netlink.h', 'linux/genetlink.h', 'linux/if_macsec.h', 'linux/if_team.h', 'linux/wireguard.h', 'linux/ethtool_netlink.h', 'linux/ethtool.h']],
];

test('scripts/gen-uapi.mjs --check: the generated modules are what the pinned headers give', () => {
  const r = spawnSync(process.execPath, [join(repo, 'scripts/gen-uapi.mjs'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr + r.stdout);
});

if (!have('cc')) skip(test, 'every generated value equals the C compiler reading the pinned headers', 'no C compiler (cc) installed');
else {
  test('every generated value equals the C compiler reading the pinned headers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnl-uapi-'));
    try {
      for (const [name, table, headers] of TABLES) {
        const names = Object.keys(table);
        const src = [
          '#include <stdio.h>',
          '#include <sys/socket.h>',
          '#include <sys/ioctl.h>',
          ...headers.map((h) => `#include <${h}>`),
          'int main(void) {',
          ...names.map((n) => `  printf("%s %lld\\n", "${n}", (long long)(${n}));`),
          '  return 0;',
          '}',
        ].join('\n');
        writeFileSync(join(dir, `${name}.c`), src);
        // the pinned copies first, so the machine's /usr/include/linux is not what is read
        const cc = spawnSync('cc', ['-I', join(repo, 'uapi'), '-o', join(dir, name), join(dir, `${name}.c`)], { encoding: 'utf8' });
        assert.is(cc.status, 0, `${name}: ${cc.stderr.slice(0, 2000)}`);
        const out = spawnSync(join(dir, name), { encoding: 'utf8' }).stdout.trim().split('\n');
        assert.is(out.length, names.length, `${name}: one line per constant`);
        const wrong: string[] = [];
        for (const line of out) {
          const [n, v] = line.split(' ');
          // unsigned 32-bit values (ioctl numbers) print as their C value; ours are the same numbers
          if (table[n!] !== Number(v)) wrong.push(`${n}: generated ${table[n!]}, cc ${v}`);
        }
        assert.equal(wrong, [], name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('policy(): a uapi name missing from the constants table is a compile error', () => {
  const dir = mkdtempSync(join(repo, 'test', '.probe-'));
  try {
    const file = join(dir, 'probe.ts');
    writeFileSync(
      file,
      `import { policy, u32 } from '../../src/netlink/attr.js';
import { UAPI } from '../../src/rtnl/uapi.js';
export const ok = policy('IFLA', UAPI, [['IFLA_MTU', 'mtu', u32]]);
export const bad = policy('IFLA', UAPI, [['IFLA_MTU', 'mtu', u32], ['IFLA_NO_SUCH_ATTR', 'x', u32]]);
`,
    );
    const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'] });
    const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const text = diags.map((d) => `${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.is(text.length, 1, text.join('\n'));
    assert.ok(text[0]!.startsWith('4: ') && text[0]!.includes('"IFLA_NO_SUCH_ATTR"'), text[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the public tables: uapi, nft.uapi and genl.uapi are the generated tables, frozen, with every name', () => {
  assert.is(uapi, UAPI);
  assert.is(nft.uapi, NFT_UAPI);
  assert.is(genl.uapi, GENL_UAPI);
  for (const t of [UAPI, NFT_UAPI, GENL_UAPI]) assert.ok(Object.isFrozen(t));
  // values a reader can check against the headers by eye, besides the compiler test above
  assert.is(uapi.IFLA_MTU, 4);
  assert.is(uapi.RTM_NEWLINK, 16);
  assert.is(uapi.NLM_F_DUMP, 0x300, 'the rtnl table includes the netlink.h names');
  for (const [k, v] of Object.entries(NETLINK_UAPI)) assert.is((UAPI as Readonly<Record<string, number>>)[k], v, k);
  assert.throws(() => {
    (uapi as unknown as Record<string, number>).IFLA_MTU = 5;
  }, (e: unknown) => e instanceof TypeError);
});

test('moreConsts(): names newer than the headers on top of a table, which is not copied', () => {
  const c = moreConsts(UAPI, { IFLA_HEADROOM: 68 });
  assert.is(Object.getPrototypeOf(c), UAPI);
  assert.equal(Object.keys(c), ['IFLA_HEADROOM']);
  const p = policy('IFLA', c, [['IFLA_MTU', 'mtu', u32], ['IFLA_HEADROOM', 'headroom', u32]]);
  assert.is(p.byName.get('mtu')?.type, 4);
  assert.is(p.byName.get('headroom')?.type, 68);
});

test.run();
