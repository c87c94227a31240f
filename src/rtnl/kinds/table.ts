/**
 * The built-in link kinds and link creators, listed in one place. Each kind
 * module exports its {@link LinkKind} (nothing registers itself on import);
 * {@link registerBuiltinKinds} puts this table in the registry. Adding a
 * kind = one module (policy, typed options by declaration merging, the
 * exported LinkKind), its line here, and its test.
 *
 * What decodes or builds links calls registerBuiltinKinds() first
 * (src/index.ts, the CLI, the capture decoder); it registers once. A table
 * of imports is also what lazy loading would replace later: the registry
 * itself never imports a kind.
 * @module
 */
import { registerCreator, registerKind, type LinkCreator, type LinkKind } from './registry.js';
import { bondKind } from './bond.js';
import { bridgeKind } from './bridge.js';
import { dummyKind } from './dummy.js';
import { geneveKind } from './geneve.js';
import { greKinds } from './gre.js';
import { ifbKind } from './ifb.js';
import { ipoibKind } from './ipoib.js';
import { iptunKinds } from './iptun.js';
import { ipvlanKinds } from './ipvlan.js';
import { macsecKind } from './macsec.js';
import { macvlanKinds } from './macvlan.js';
import { nlmonKind } from './nlmon.js';
import { teamKind } from './team.js';
import { tunKind } from './tun.js';
import { vcanKind } from './vcan.js';
import { vethKind } from './veth.js';
import { vlanKind } from './vlan.js';
import { vrfKind } from './vrf.js';
import { vxcanKind } from './vxcan.js';
import { vxlanKind } from './vxlan.js';
import { wireguardKind } from './wireguard.js';
import { tunCreators } from '../../tun/kind.js';
// The same modules again as bare imports: the named imports above are elided
// from table.d.ts, bare ones are kept, and they carry each kind's
// KindAddOptions/KindData augmentation to the declarations (the links.add()
// kind union). Importing a kind module registers nothing.
import './bond.js';
import './bridge.js';
import './dummy.js';
import './geneve.js';
import './gre.js';
import './ifb.js';
import './ipoib.js';
import './iptun.js';
import './ipvlan.js';
import './macsec.js';
import './macvlan.js';
import './nlmon.js';
import './team.js';
import './tun.js';
import './vcan.js';
import './veth.js';
import './vlan.js';
import './vrf.js';
import './vxcan.js';
import './vxlan.js';
import './wireguard.js';
import '../../tun/kind.js';

/** Every built-in kind, in registration order. */
export const BUILTIN_KINDS: readonly LinkKind[] = [
  bondKind,
  bridgeKind,
  dummyKind,
  geneveKind,
  ...greKinds,
  ifbKind,
  ipoibKind,
  ...iptunKinds,
  ...ipvlanKinds,
  macsecKind,
  ...macvlanKinds,
  nlmonKind,
  teamKind,
  tunKind,
  vcanKind,
  vethKind,
  vlanKind,
  vrfKind,
  vxcanKind,
  vxlanKind,
  wireguardKind,
];

/** Kinds created by other means than RTM_NEWLINK (tun/tap: ioctls on /dev/net/tun). */
export const BUILTIN_CREATORS: ReadonlyArray<readonly [kind: string, creator: LinkCreator]> = [...tunCreators];

let registered = false;

/** Put the built-in kinds and creators in the registry (once; later calls do nothing). */
export function registerBuiltinKinds(): void {
  if (registered) return;
  registered = true;
  for (const k of BUILTIN_KINDS) registerKind(k);
  for (const [kind, fn] of BUILTIN_CREATORS) registerCreator(kind, fn);
}
