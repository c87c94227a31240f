/**
 * The built-in link kinds and link creators, listed in one place. Each kind
 * module exports its {@link LinkKind} (nothing registers itself on import);
 * {@link registerBuiltinKinds} puts this table in the registry. Adding a
 * kind = one module (policy, typed options by declaration merging, the
 * exported LinkKind), its line here, and its test.
 *
 * The kind modules are loaded on first use (issue 16: start-up): the table
 * holds each kind's name and option keys, which is all the registry needs
 * until a link of that kind is decoded or built; getKind() then loads the
 * module. Decoding is synchronous, so the module is loaded with require()
 * of an ES module (Node >= 20.19 / 22.12, what package.json's engines ask).
 * A dump meets few kinds; importing the package loads none.
 *
 * What decodes or builds links calls registerBuiltinKinds() first
 * (src/index.ts, the CLI, the capture decoder); it registers once.
 * @module
 */
import { createRequire } from 'node:module';
import { registerCreatorLoader, registerKindLoader, type KindMeta, type LinkCreator, type LinkKind } from './registry.js';

// Types only (erased from the JavaScript, kept in table.d.ts): each kind
// module's KindAddOptions/KindData augmentation reaches the declarations
// (the links.add() kind union) through these, since the modules themselves
// are loaded at run time by require(). test/unit/types.test.ts fails when a
// kind is missing from the union.
export type * as BondKindModule from './bond.js';
export type * as BridgeKindModule from './bridge.js';
export type * as DummyKindModule from './dummy.js';
export type * as GeneveKindModule from './geneve.js';
export type * as GreKindModule from './gre.js';
export type * as IfbKindModule from './ifb.js';
export type * as IpoibKindModule from './ipoib.js';
export type * as IptunKindModule from './iptun.js';
export type * as IpvlanKindModule from './ipvlan.js';
export type * as MacsecKindModule from './macsec.js';
export type * as MacvlanKindModule from './macvlan.js';
export type * as NlmonKindModule from './nlmon.js';
export type * as TeamKindModule from './team.js';
export type * as TunKindModule from './tun.js';
export type * as VcanKindModule from './vcan.js';
export type * as VethKindModule from './veth.js';
export type * as VlanKindModule from './vlan.js';
export type * as VrfKindModule from './vrf.js';
export type * as VxcanKindModule from './vxcan.js';
export type * as VxlanKindModule from './vxlan.js';
export type * as WireguardKindModule from './wireguard.js';
export type * as TunCreatorModule from '../../tun/kind.js';

/** One line of the table: the module (relative to this one), its export, and the kinds it holds with their option keys. */
type Row = readonly [module: string, exportName: string, kinds: readonly KindMeta[]];

const ROWS: readonly Row[] = [
  ['./bond.js', 'bondKind', [{ kind: 'bond', slaveOptionsKey: 'bondSlave' }]],
  ['./bridge.js', 'bridgeKind', [{ kind: 'bridge', slaveOptionsKey: 'bridgePort' }]],
  ['./dummy.js', 'dummyKind', [{ kind: 'dummy' }]],
  ['./geneve.js', 'geneveKind', [{ kind: 'geneve' }]],
  ['./gre.js', 'greKinds', [{ kind: 'gre' }, { kind: 'gretap' }, { kind: 'erspan' }, { kind: 'ip6gre' }, { kind: 'ip6gretap' }, { kind: 'ip6erspan' }]],
  ['./ifb.js', 'ifbKind', [{ kind: 'ifb' }]],
  ['./ipoib.js', 'ipoibKind', [{ kind: 'ipoib' }]],
  ['./iptun.js', 'iptunKinds', [{ kind: 'ipip' }, { kind: 'sit' }, { kind: 'ip6tnl' }]],
  ['./ipvlan.js', 'ipvlanKinds', [{ kind: 'ipvlan' }, { kind: 'ipvtap' }]],
  ['./macsec.js', 'macsecKind', [{ kind: 'macsec' }]],
  ['./macvlan.js', 'macvlanKinds', [{ kind: 'macvlan' }, { kind: 'macvtap' }]],
  ['./nlmon.js', 'nlmonKind', [{ kind: 'nlmon' }]],
  ['./team.js', 'teamKind', [{ kind: 'team' }]],
  ['./tun.js', 'tunKind', [{ kind: 'tun' }]],
  ['./vcan.js', 'vcanKind', [{ kind: 'vcan' }]],
  ['./veth.js', 'vethKind', [{ kind: 'veth', extraKeys: ['peer'] }]],
  ['./vlan.js', 'vlanKind', [{ kind: 'vlan' }]],
  ['./vrf.js', 'vrfKind', [{ kind: 'vrf' }]],
  ['./vxcan.js', 'vxcanKind', [{ kind: 'vxcan', extraKeys: ['peer'] }]],
  ['./vxlan.js', 'vxlanKind', [{ kind: 'vxlan' }]],
  ['./wireguard.js', 'wireguardKind', [{ kind: 'wireguard' }]],
];

/** Kinds created by other means than RTM_NEWLINK (tun/tap: ioctls on /dev/net/tun, src/tun/kind.ts). */
const CREATOR_MODULE = '../../tun/kind.js';
const CREATOR_KINDS: readonly string[] = ['tun', 'tap'];

const load = createRequire(import.meta.url);

function sameKeys(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).join(',') === (b ?? []).join(',');
}

/** Load a row's module (synchronously) and return its kind `meta.kind`, checked against the table's line. */
function loadKind(row: Row, meta: KindMeta): LinkKind {
  const mod = load(row[0]) as Record<string, LinkKind | readonly LinkKind[] | undefined>;
  const exported = mod[row[1]];
  const k = (Array.isArray(exported) ? (exported as readonly LinkKind[]) : exported ? [exported as LinkKind] : []).find((x) => x.kind === meta.kind);
  if (k === undefined) throw new Error(`link kind ${meta.kind}: ${row[0]} exports no such kind as ${row[1]}`);
  if (k.optionsKey !== meta.optionsKey || k.slaveOptionsKey !== meta.slaveOptionsKey || !sameKeys(k.extraKeys, meta.extraKeys)) {
    throw new Error(`link kind ${meta.kind}: its option keys differ from kinds/table.ts's line`);
  }
  return k;
}

/** The names of the built-in kinds, in registration order (loads nothing). */
export const BUILTIN_KIND_NAMES: readonly string[] = ROWS.flatMap((r) => r[2].map((m) => m.kind));

/** The names of the kinds created by other means than RTM_NEWLINK (tun, tap). */
export const BUILTIN_CREATOR_KINDS: readonly string[] = CREATOR_KINDS;

/** Every built-in kind, in registration order: loads every kind module (for tests and tools; the registry loads kinds one by one). */
export function builtinKinds(): LinkKind[] {
  return ROWS.flatMap((r) => r[2].map((m) => loadKind(r, m)));
}

/** The built-in creators (loads src/tun/kind.ts). */
export function builtinCreators(): ReadonlyArray<readonly [kind: string, creator: LinkCreator]> {
  return (load(CREATOR_MODULE) as typeof import('../../tun/kind.js')).tunCreators;
}

function creatorFor(kind: string): LinkCreator {
  const c = builtinCreators().find(([k]) => k === kind);
  if (c === undefined) throw new Error(`link creator for ${kind}: ${CREATOR_MODULE} has none`);
  return c[1];
}

let registered = false;

/** Put the built-in kinds and creators in the registry (once; later calls do nothing). Loads no kind module. */
export function registerBuiltinKinds(): void {
  if (registered) return;
  registered = true;
  for (const row of ROWS) for (const meta of row[2]) registerKindLoader(meta, () => loadKind(row, meta));
  for (const kind of CREATOR_KINDS) registerCreatorLoader(kind, () => creatorFor(kind));
}
