/**
 * The link-kind table. Each kind (veth, bridge, vxlan, ...) is one module
 * that registers a {@link LinkKind}: the IFLA_INFO_DATA policy it decodes and
 * encodes, optionally the IFLA_INFO_SLAVE_DATA policy for its ports, and a
 * hook to turn user options into attributes. Adding a kind = adding a module.
 * @module
 */
import type { AttrSetBase, Policy } from '../../netlink/attr.js';
import type { NetlinkSocket } from '../../netlink/socket.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe } from '../../netlink/ip.js';
import type { Links } from '../links.js';

/** Work a kind's prepare() may need from the links layer. */
export interface KindContext {
  /** Resolve an interface name to its index (in the socket's namespace). */
  ifindex(name: string, field: string): Promise<number>;
  /** Open a network namespace for IFLA_NET_NS_FD; closed after the request. */
  netnsFd(ref: unknown, field: string): number;
  /** Check user options against a policy (throws ArgumentError). */
  check(policy: Policy, input: unknown, field: string): Record<string, unknown>;
  /** links.add()/links.replace() ('add') or links.set() ('set'). */
  readonly mode: 'add' | 'set';
  /**
   * links.set(): the link's current IFLA_LINKINFO (kind and decoded
   * IFLA_INFO_DATA), read with RTM_GETLINK; undefined in add mode. For kinds
   * whose driver rebuilds all its parameters from each change request (the
   * IP tunnels), so that a partial change keeps the others, as iproute2 does.
   */
  current(): Promise<{ kind?: string; data?: Record<string, unknown> } | undefined>;
}

export interface LinkKind {
  /** IFLA_INFO_KIND string, e.g. 'vxlan'. */
  readonly kind: string;
  /** Key of the kind's options in links.add()/links.set() options; default: the kind name. */
  readonly optionsKey?: string;
  /** IFLA_INFO_DATA policy (absent: the kind has no options). */
  readonly data?: Policy;
  /** IFLA_INFO_SLAVE_DATA policy for devices enslaved to a master of this kind (e.g. IFLA_BRPORT_* for bridge). */
  readonly slaveData?: Policy;
  /** Key of slave options in links.set() (e.g. 'bridgePort'). */
  readonly slaveOptionsKey?: string;
  /** Whether IFLA_INFO_DATA is sent with NLA_F_NESTED. Default false (like iproute2). */
  readonly dataNestedFlag?: boolean;
  /**
   * Turn the user's options for this kind (the value under optionsKey, plus
   * the whole options object for kinds like veth that take top-level keys
   * such as `peer`) into IFLA_INFO_DATA attributes. Default: check against
   * `data`, resolving interface names.
   */
  prepare?(options: Record<string, unknown> | undefined, all: Record<string, unknown>, ctx: KindContext): Promise<Record<string, unknown> | undefined>;
  /**
   * Validate and normalize the user's options for this kind before any I/O
   * (throw ArgumentError naming the field, e.g. "vlan.id"). Called in add
   * mode even when no options were given (so required options can be
   * reported), and in set mode when options were given. The result is what
   * prepare() receives, or, without prepare(), the IFLA_INFO_DATA attributes
   * by API name (interface names in `ifindex` attributes are resolved later).
   */
  check?(options: Record<string, unknown> | undefined, all: Record<string, unknown>, mode: 'add' | 'set'): Record<string, unknown> | undefined;
  /** links.add() needs a lower device (`link`), e.g. vlan, macvlan, ipvlan, macsec. */
  readonly needsLink?: boolean;
  /** Top-level option keys (besides optionsKey) this kind consumes, e.g. ['peer'] for veth. */
  readonly extraKeys?: readonly string[];
  /**
   * The link-layer address is an Ethernet MAC: links.add()/set() check that
   * `address` is a 6-byte unicast MAC and `broadcast` 6 bytes.
   */
  readonly ether?: boolean;
  /** The kernel module providing it (for skip messages and modprobe in the VM). */
  readonly module?: string;
}

const kinds = new Map<string, LinkKind>();
/** Kinds registered by {@link registerKindLoader} and not loaded yet: kind -> loader. */
const loaders = new Map<string, () => LinkKind>();
/** Option keys -> kind name (resolved through getKind, so that a lazy kind loads when its key is met). */
const byOptionsKey = new Map<string, string>();
const bySlaveKey = new Map<string, string>();
/** Top-level option key -> the kinds that take it (`peer`: veth, vxcan). */
const byExtraKey = new Map<string, string[]>();

/** What the registry must know of a kind before loading it: its name and the option keys it owns. */
export type KindMeta = Pick<LinkKind, 'kind' | 'optionsKey' | 'slaveOptionsKey' | 'extraKeys'>;

function index(k: KindMeta): void {
  if (kinds.has(k.kind) || loaders.has(k.kind)) throw new Error(`link kind ${k.kind} registered twice`);
  byOptionsKey.set(k.optionsKey ?? k.kind, k.kind);
  if (k.slaveOptionsKey) bySlaveKey.set(k.slaveOptionsKey, k.kind);
  for (const x of k.extraKeys ?? []) {
    const l = byExtraKey.get(x);
    if (l) l.push(k.kind);
    else byExtraKey.set(x, [k.kind]);
  }
}

export function registerKind(k: LinkKind): void {
  index(k);
  kinds.set(k.kind, k);
}

/**
 * Register a kind whose module is loaded on first use: `load` runs
 * (synchronously) the first time getKind() or an option key of the kind
 * needs it, and must return a kind with the same name and keys as `meta`.
 * The built-in kinds are registered this way (kinds/table.ts), so that a
 * program, or a dump, loads only the kinds it meets.
 */
export function registerKindLoader(meta: KindMeta, load: () => LinkKind): void {
  index(meta);
  loaders.set(meta.kind, load);
}

/** The kinds that take a top-level option key of their own (`peer`: ['veth', 'vxcan']), or undefined. */
export function kindsWithExtraKey(key: string): readonly string[] | undefined {
  return byExtraKey.get(key);
}

export function getKind(kind: unknown): LinkKind | undefined {
  if (typeof kind !== 'string') return undefined;
  const k = kinds.get(kind);
  if (k !== undefined) return k;
  const load = loaders.get(kind);
  if (load === undefined) return undefined;
  const loaded = load();
  if (loaded.kind !== kind) throw new Error(`link kind ${kind}: its loader returned kind ${loaded.kind}`);
  loaders.delete(kind);
  kinds.set(kind, loaded);
  return loaded;
}

export function kindByOptionsKey(key: string): LinkKind | undefined {
  const name = byOptionsKey.get(key);
  return name === undefined ? undefined : getKind(name);
}

export function kindBySlaveKey(key: string): LinkKind | undefined {
  const name = bySlaveKey.get(key);
  return name === undefined ? undefined : getKind(name);
}

/** Every registered kind (loading those registered with a loader). */
export function listKinds(): LinkKind[] {
  for (const name of [...loaders.keys()]) getKind(name);
  return [...kinds.values()];
}

/**
 * Typed options per kind for links.add()/links.set(), keyed by each kind's
 * optionsKey. Kind modules extend this interface (declaration merging):
 * `declare module './registry.js' { interface KindOptions { vxlan: VxlanOptions } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KindOptions {}

/**
 * links.add() options per IFLA_INFO_KIND: the part of a kind's arm of
 * {@link LinkAddOptions} beyond `kind` and the options every link takes
 * (name, mtu, up, master, netns, ...). Each kind module adds its own line by
 * declaration merging, which makes the kind a member of {@link KnownKind}
 * and its options a member of the `kind`-discriminated union:
 *
 * ```ts
 * declare module './registry.js' {
 *   interface KindAddOptions {
 *     vlan: { link: LinkRef; vlan: VlanOptions & { id: number } };  // parent and id required
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KindAddOptions {}

/** Every kind the library models (a key of {@link KindAddOptions}): 'veth', 'bridge', 'vxlan', ... */
export type KnownKind = keyof KindAddOptions & string;

declare const unmodelled: unique symbol;
/**
 * An IFLA_INFO_KIND the library has no module for, made with
 * {@link unmodelledKind}. A plain string is not one, so that a typo of a
 * known kind (`'brigde'`) is a compile error instead of a request the kernel
 * refuses with "Unknown device type".
 */
export type UnmodelledKind = string & { readonly [unmodelled]: true };

/**
 * Mark a kind name as one the library does not model, for links.add():
 * `rtnl.links.add({ kind: unmodelledKind('bareudp'), name: 'bu0', infoData })`.
 * At run time it returns the name unchanged (after checking it is a
 * non-empty string without NUL of at most 63 bytes); only the type differs.
 */
export function unmodelledKind(name: string): UnmodelledKind {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0') || Buffer.byteLength(name) > 63) {
    throw new ArgumentError('kind', `expected a link kind name (1..63 bytes, no NUL), got ${describe(name)}`);
  }
  return name as UnmodelledKind;
}

/** Typed per-port options keyed by slaveOptionsKey (e.g. bridgePort). Extended like KindOptions. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SlaveOptions {}

/** What a creator (see registerCreator) gets from links.add()/replace(). */
export interface CreatorContext {
  /** The rtnetlink socket of the handle (its namespace is where the device goes unless options.netns says otherwise). */
  socket: NetlinkSocket;
  /** The Links API on that socket (for follow-up changes such as up/mtu/master). */
  links: Links;
  /** links.replace(): attach to / update an existing device instead of failing with EEXIST. */
  replace: boolean;
}

/**
 * Creates a link of some kind by other means than RTM_NEWLINK; receives the
 * whole links.add() options and resolves to the name of the device it made
 * (links.add() reads the link back by that name, in `options.netns` if given).
 */
export type LinkCreator = (options: Record<string, unknown>, ctx: CreatorContext) => Promise<string>;

const creators = new Map<string, LinkCreator>();
const creatorLoaders = new Map<string, () => LinkCreator>();

/**
 * Kinds the kernel cannot create with RTM_NEWLINK register a creator, which
 * links.add()/links.replace() call instead (tun/tap: the kernel answers
 * "tun/tap creation via rtnetlink is not supported"; they are created with
 * ioctls on /dev/net/tun, see src/tun/kind.ts).
 */
export function registerCreator(kind: string, fn: LinkCreator): void {
  if (creators.has(kind) || creatorLoaders.has(kind)) throw new Error(`link creator for ${kind} registered twice`);
  creators.set(kind, fn);
}

/** Register a creator whose module is loaded on first use (like {@link registerKindLoader}). */
export function registerCreatorLoader(kind: string, load: () => LinkCreator): void {
  if (creators.has(kind) || creatorLoaders.has(kind)) throw new Error(`link creator for ${kind} registered twice`);
  creatorLoaders.set(kind, load);
}

export function getCreator(kind: unknown): LinkCreator | undefined {
  if (typeof kind !== 'string') return undefined;
  const c = creators.get(kind);
  if (c !== undefined) return c;
  const load = creatorLoaders.get(kind);
  if (load === undefined) return undefined;
  const fn = load();
  creatorLoaders.delete(kind);
  creators.set(kind, fn);
  return fn;
}

/**
 * Decoded IFLA_INFO_DATA per IFLA_INFO_KIND, as the kernel reports it.
 * Kind modules extend this interface: `interface KindData { vxlan: VxlanData }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KindData {}

/**
 * The KindData of kinds without IFLA_INFO_DATA (dummy, ifb, ...): the kernel
 * sends none, so kindData() is undefined unless a newer kernel sends
 * attributes this library does not know (kept raw under `unknown`).
 */
export interface NoKindData extends AttrSetBase {}

/** Decoded IFLA_INFO_SLAVE_DATA per IFLA_INFO_SLAVE_KIND (e.g. bridge: IFLA_BRPORT_*). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SlaveData {}

/** What kindData()/slaveData() read: the IFLA_LINKINFO part of a decoded link. */
interface WithLinkInfo {
  linkInfo?: { kind?: string; data?: Record<string, unknown>; slaveKind?: string; slaveData?: Record<string, unknown> };
}

/**
 * The typed IFLA_INFO_DATA of a link if it is of kind `kind`:
 * `kindData(link, 'vxlan')?.id`.
 */
export function kindData<K extends keyof KindData & string>(link: WithLinkInfo, kind: K): KindData[K] | undefined {
  const i = link.linkInfo;
  return i?.kind === kind ? (i.data as KindData[K] | undefined) : undefined;
}

/**
 * The typed IFLA_INFO_SLAVE_DATA of a link enslaved to a master of kind
 * `kind`: `slaveData(link, 'bridge')?.cost`.
 */
export function slaveData<K extends keyof SlaveData & string>(link: WithLinkInfo, kind: K): SlaveData[K] | undefined {
  const i = link.linkInfo;
  return i?.slaveKind === kind ? (i.slaveData as SlaveData[K] | undefined) : undefined;
}
