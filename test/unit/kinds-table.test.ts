// The link kinds are self-contained: each kind module exports its LinkKind
// (Ethernet or not, its own top-level options such as veth's `peer`), the
// table in src/rtnl/kinds/table.ts lists them, and links.add() knows about a
// kind only through the registry. Checked on a fake transport: what a kind
// says about itself is enforced before anything is sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeKernel } from '../fake-transport.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { ArgumentError } from '../../src/netlink/errors.js';
import { Links } from '../../src/rtnl/links.js';
import { BUILTIN_KIND_NAMES, builtinCreators, builtinKinds, registerBuiltinKinds } from '../../src/rtnl/kinds/table.js';
import { getKind, listKinds, type LinkKind } from '../../src/rtnl/kinds/registry.js';

registerBuiltinKinds();
registerBuiltinKinds(); // a second call registers nothing twice (registerKindLoader would throw)
const BUILTIN_KINDS = builtinKinds();

const repo = fileURLToPath(new URL('../../../', import.meta.url));

test('every kind a module under src/rtnl/kinds exports is in the table, and registered', async () => {
  const dir = join(repo, 'src', 'rtnl', 'kinds');
  const exported: LinkKind[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    assert.not.match(src, /^registerKind\(/m, `${f} registers itself on import`);
    const names = [...src.matchAll(/^export const (\w+Kinds?): (?:readonly )?LinkKind/gm)].map((m) => m[1]!);
    if (names.length === 0) continue;
    const mod = (await import(join(repo, 'dist', 'src', 'rtnl', 'kinds', f.replace(/\.ts$/, '.js')))) as Record<string, LinkKind | LinkKind[]>;
    for (const n of names) exported.push(...([] as LinkKind[]).concat(mod[n]!));
  }
  assert.ok(exported.length >= 25, `${exported.length} kinds exported`);
  for (const k of exported) {
    assert.ok(BUILTIN_KINDS.includes(k), `${k.kind} is in BUILTIN_KINDS`);
    assert.is(getKind(k.kind), k, `${k.kind} is registered`);
  }
  assert.is(BUILTIN_KINDS.length, exported.length);
  assert.ok(listKinds().length >= BUILTIN_KINDS.length);
  assert.equal(BUILTIN_KINDS.map((k) => k.kind), [...BUILTIN_KIND_NAMES]);
  assert.ok(builtinCreators().some(([k]) => k === 'tap'));
});

function links(): { links: Links; k: FakeKernel } {
  const k = new FakeKernel();
  k.script = (m, kk) => kk.deliver(kk.ack(m, -95));
  return { links: new Links(NetlinkSocket.open({ protocol: NETLINK_ROUTE, transport: k })), k };
}

test('an Ethernet kind (its own `ether`) refuses a multicast device address before anything is sent; others leave it to the kernel', async () => {
  const ether = BUILTIN_KINDS.filter((k) => k.ether);
  assert.ok(ether.some((k) => k.kind === 'veth') && ether.some((k) => k.kind === 'gretap') && !ether.some((k) => k.kind === 'gre'));
  for (const kind of BUILTIN_KINDS) {
    const { links: l, k } = links();
    const e = await l.add({ kind: kind.kind, name: 'x0', link: 1, address: '01:00:5e:00:00:01' } as never).catch((x: unknown) => x);
    if (kind.ether) {
      assert.instance(e, ArgumentError, kind.kind);
      assert.is((e as ArgumentError).field, 'address', kind.kind);
      assert.is(k.sent.length, 0, `${kind.kind}: nothing sent`);
    } else if (e instanceof ArgumentError) assert.is.not(e.field, 'address', `${kind.kind} is not Ethernet`);
  }
});

test('a kind\'s own top-level option (`peer`) is refused for kinds that do not take it, before anything is sent', async () => {
  for (const kind of ['veth', 'vxcan']) assert.ok(getKind(kind)!.extraKeys?.includes('peer'));
  for (const kind of ['bridge', 'dummy', 'vxlan']) {
    const { links: l, k } = links();
    const e = await l.add({ kind, name: 'x0', peer: 'x1' } as never).catch((x: unknown) => x);
    assert.instance(e, ArgumentError, kind);
    assert.is((e as ArgumentError).field, 'peer');
    assert.match((e as Error).message, /only valid for veth, vxcan links/);
    assert.is(k.sent.length, 0);
  }
});

test.run();
