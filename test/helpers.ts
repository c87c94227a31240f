/**
 * Shared test helpers: namespaces unique to the run and always cleaned up,
 * iproute2 as an independent oracle, named skips, kernel feature probes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { native } from '../src/netlink/native.js';
import type { Test } from 'uvu';

export const isRoot = process.getuid?.() === 0;
/**
 * Whether this process runs in a user namespace other than the initial one
 * (`npm test` as a non-root user runs the tests as root of a user + network +
 * mount namespace: docs/testing.md).
 */
export const inUserNamespace = ((): boolean => {
  try {
    return readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/).join(' ') !== '0 0 4294967295';
  } catch {
    return false;
  }
})();
/** 'host' or 'vm' (set by the runner). */
export const lane = process.env.RTNL_TEST_LANE ?? (process.env.RTNL_VM ? 'vm' : 'host');

/** Register a skipped test, reported by name with its reason. */
export function skip(test: Test, name: string, reason: string): void {
  test.skip(name, () => undefined);
  console.log(`SKIP: ${name}: ${reason}`);
}

/** Run a command, return stdout; throw with stderr on failure. */
export function sh(cmd: string, args: string[], opts: { input?: string; allowFail?: boolean; timeout?: number } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, timeout: opts.timeout ?? 60000 });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

/** `ip -j ARGS` (optionally in a namespace) parsed as JSON. */
export function ipJson<T = any>(ns: string | undefined, ...args: string[]): T {
  const a = ns ? ['-n', ns, '-j', ...args] : ['-j', ...args];
  const out = sh('ip', a);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

/** `ip ARGS` in a namespace. */
export function ip(ns: string | undefined, ...args: string[]): string {
  return sh('ip', ns ? ['-n', ns, ...args] : args);
}

let counter = 0;
const live = new Set<string>();

function cleanupAll(): void {
  for (const n of live) {
    spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
  }
  live.clear();
}
process.on('exit', cleanupAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanupAll();
    process.exit(130);
  });
}

/** A name unique to this run: rtnl-<tag>-<pid>-<n>. */
/**
 * Devices the kernel itself puts in every new namespace once their tunnel
 * module is loaded (ip_gre, ip6_gre, ipip, sit, ip6_tunnel, ip_vti, ip6_vti):
 * a test that created a gre or sit device loads them for every later test.
 */
export const FALLBACK_TUNNELS: ReadonlySet<string> = new Set(['gre0', 'gretap0', 'erspan0', 'ip6gre0', 'tunl0', 'sit0', 'ip6tnl0', 'ip_vti0', 'ip6_vti0']);

/** The names of `names` that a test or the library made: the kernel's fallback tunnel devices left out. */
export function madeLinks(names: string[]): string[] {
  return names.filter((n) => !FALLBACK_TUNNELS.has(n));
}

export function uniqueName(tag = 't'): string {
  return `rtnl-${tag}-${process.pid}-${++counter}`;
}

/** Remember a namespace created by other means (e.g. the library) so it is removed at exit. */
export function track(name: string): void {
  live.add(name);
}
export function untrack(name: string): void {
  live.delete(name);
}

/** Create a namespace with iproute2 (independent of the library); removed by destroyNs or at exit. */
export function createNs(tag = 't'): string {
  const name = uniqueName(tag);
  sh('ip', ['netns', 'add', name]);
  live.add(name);
  return name;
}

export function destroyNs(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  live.delete(name);
}

/** Run fn with `count` fresh namespaces; they are deleted afterwards, also on failure. */
export async function withNetns<T>(count: number, fn: (...names: string[]) => Promise<T>, tag = 't'): Promise<T> {
  const names: string[] = [];
  try {
    for (let i = 0; i < count; i++) names.push(createNs(tag));
    return await fn(...names);
  } finally {
    for (const n of names) destroyNs(n);
  }
}

/** Namespaces of ours still present (`ip netns list`), for leak checks. */
export function ourNamespaces(): string[] {
  const out = sh('ip', ['netns', 'list'], { allowFail: true });
  return out
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`rtnl-`) && n.includes(`-${process.pid}-`));
}

/** Number of open fds of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Open fds as "fd -> target" for diagnostics. */
export function fdList(): string[] {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return `${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`;
    } catch {
      return `${fd} -> ?`;
    }
  });
}

/** Inode of the calling thread's network namespace (to check it is restored). */
export function threadNetnsInode(): number {
  return statSync('/proc/thread-self/ns/net').ino;
}

/** iproute2 commands that create one device of a kind (in a scratch namespace) to probe kernel support. */
const PROBES: Record<string, string[][]> = {
  veth: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']],
  bridge: [['link', 'add', 'p0', 'type', 'bridge']],
  'bridge-vlan-filtering': [['link', 'add', 'p0', 'type', 'bridge', 'vlan_filtering', '1']],
  vxlan: [['link', 'add', 'p0', 'type', 'vxlan', 'id', '1', 'dstport', '4789']],
  geneve: [['link', 'add', 'p0', 'type', 'geneve', 'id', '1', 'remote', '192.0.2.1']],
  vlan: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ['link', 'add', 'link', 'p0', 'name', 'p0.5', 'type', 'vlan', 'id', '5']],
  macvlan: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ['link', 'add', 'm0', 'link', 'p0', 'type', 'macvlan']],
  macvtap: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ['link', 'add', 'm0', 'link', 'p0', 'type', 'macvtap']],
  ipvlan: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ['link', 'add', 'm0', 'link', 'p0', 'type', 'ipvlan']],
  ipvtap: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ['link', 'add', 'm0', 'link', 'p0', 'type', 'ipvtap']],
  macsec: [['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'], ['link', 'add', 'm0', 'link', 'p0', 'type', 'macsec']],
  bond: [['link', 'add', 'p0', 'type', 'bond']],
  team: [['link', 'add', 'p0', 'type', 'team']],
  dummy: [['link', 'add', 'p0', 'type', 'dummy']],
  ifb: [['link', 'add', 'p0', 'type', 'ifb']],
  nlmon: [['link', 'add', 'p0', 'type', 'nlmon']],
  vrf: [['link', 'add', 'p0', 'type', 'vrf', 'table', '10']],
  vcan: [['link', 'add', 'p0', 'type', 'vcan']],
  vxcan: [['link', 'add', 'p0', 'type', 'vxcan', 'peer', 'name', 'p1']],
  wireguard: [['link', 'add', 'p0', 'type', 'wireguard']],
  tun: [['tuntap', 'add', 'p0', 'mode', 'tun']],
  tap: [['tuntap', 'add', 'p0', 'mode', 'tap']],
  gre: [['link', 'add', 'p0', 'type', 'gre', 'remote', '192.0.2.1', 'local', '192.0.2.2']],
  gretap: [['link', 'add', 'p0', 'type', 'gretap', 'remote', '192.0.2.1', 'local', '192.0.2.2']],
  erspan: [['link', 'add', 'p0', 'type', 'erspan', 'remote', '192.0.2.1', 'local', '192.0.2.2', 'seq', 'key', '1', 'erspan', '1']],
  ip6gre: [['link', 'add', 'p0', 'type', 'ip6gre', 'remote', '2001:db8::1', 'local', '2001:db8::2']],
  ip6gretap: [['link', 'add', 'p0', 'type', 'ip6gretap', 'remote', '2001:db8::1', 'local', '2001:db8::2']],
  ip6erspan: [['link', 'add', 'p0', 'type', 'ip6erspan', 'remote', '2001:db8::1', 'local', '2001:db8::2', 'seq', 'key', '1', 'erspan', '1']],
  ipip: [['link', 'add', 'p0', 'type', 'ipip', 'remote', '192.0.2.1', 'local', '192.0.2.2']],
  sit: [['link', 'add', 'p0', 'type', 'sit', 'remote', '192.0.2.1', 'local', '192.0.2.2']],
  ip6tnl: [['link', 'add', 'p0', 'type', 'ip6tnl', 'remote', '2001:db8::1', 'local', '2001:db8::2']],
  xfrm: [['link', 'add', 'p0', 'type', 'xfrm', 'if_id', '5']],
  // FOU/GUE encapsulation of IP tunnels: `ip fou` autoloads the fou module (its generic netlink family)
  fou: [['fou', 'add', 'port', '5555', 'ipproto', '4']],
};

/**
 * Kinds whose devices need hardware to exist (ipoib needs an InfiniBand
 * parent): supported when the kernel knows the kind, i.e. creating one
 * without a parent fails with another error than "Unknown device type".
 */
const KIND_KNOWN_PROBES: Record<string, string[]> = {
  ipoib: ['link', 'add', 'p0', 'type', 'ipoib'],
};

const probed = new Map<string, string | null>();

/** Whether ids lo..hi all map into this user namespace (a uid_map/gid_map file). */
function idsMapped(file: string, lo: number, hi: number): boolean {
  let ranges: number[][];
  try {
    ranges = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  } catch {
    return true; // no user namespaces at all: every id is a real one
  }
  for (let id = lo; id <= hi; ) {
    const r = ranges.find(([inside, , count]) => id >= inside! && id < inside! + count!);
    if (!r) return false;
    id = r[0]! + r[2]!;
  }
  return true;
}

/**
 * Privileges a test needs beyond CAP_NET_ADMIN in its own namespaces, probed
 * directly. They matter when the tests run as root of a user namespace (a
 * non-root `npm test`): each returns null when available, else the reason.
 */
const PRIVILEGES: Record<string, () => string | null> = {
  // SO_RCVBUFFORCE checks CAP_NET_ADMIN in the initial user namespace
  // (capable(), not ns_capable()): a user namespace cannot grow a socket
  // buffer past net.core.rmem_max.
  rcvbufforce: () => {
    const n = native();
    const fd = n.socket(16 /* AF_NETLINK */, 3 /* SOCK_RAW */, 0);
    if (fd < 0) return `socket(AF_NETLINK) failed: ${fd}`;
    try {
      const r = n.setsockoptInt(fd, 1 /* SOL_SOCKET */, 33 /* SO_RCVBUFFORCE */, 1 << 20);
      if (r >= 0) return null;
      return `SO_RCVBUFFORCE refused (errno ${-r}): it needs CAP_NET_ADMIN in the initial user namespace${inUserNamespace ? ', and these tests run in a user namespace' : ''}`;
    } finally {
      n.close(fd);
    }
  },
  // uids/gids 1000-5000 (tun owners 4242/4343, rule uid ranges 1000-2000)
  // must exist in this user namespace: `unshare --map-auto` maps the user's
  // /etc/subuid range; without it only root is mapped.
  'mapped-ids': () =>
    idsMapped('/proc/self/uid_map', 0, 5000) && idsMapped('/proc/self/gid_map', 0, 5000)
      ? null
      : 'uids/gids 1000-5000 are not mapped in this user namespace (needs newuidmap from package uidmap and a /etc/subuid range for the user: docs/testing.md)',
};

/**
 * Whether the running kernel supports a link kind or feature (see PROBES),
 * or this process has a privilege (see PRIVILEGES).
 * Returns null when supported, or the reason (iproute2's error) when not.
 */
export function kernelLacks(feature: string): string | null {
  if (probed.has(feature)) return probed.get(feature)!;
  const privilege = PRIVILEGES[feature];
  if (privilege) {
    const why = isRoot ? privilege() : 'not root';
    probed.set(feature, why);
    return why;
  }
  const known = KIND_KNOWN_PROBES[feature];
  if (known) {
    if (!isRoot) return 'not root';
    const ns = createNs('probe');
    let reason: string | null = null;
    try {
      const r = spawnSync('ip', ['-n', ns, ...known], { encoding: 'utf8' });
      const msg = (r.stderr || r.stdout).trim().split('\n')[0];
      if (r.status !== 0 && /Unknown device type/i.test(msg ?? '')) reason = `kernel lacks ${feature}: \`ip ${known.join(' ')}\` says "${msg}"`;
    } finally {
      destroyNs(ns);
    }
    probed.set(feature, reason);
    return reason;
  }
  const steps = PROBES[feature];
  if (!steps) throw new Error(`no probe for ${feature}`);
  if (!isRoot) return 'not root';
  const ns = createNs('probe');
  let reason: string | null = null;
  try {
    for (const s of steps) {
      const r = spawnSync('ip', ['-n', ns, ...s], { encoding: 'utf8' });
      if (r.status !== 0) {
        reason = `kernel lacks ${feature}: \`ip ${s.join(' ')}\` says "${(r.stderr || r.stdout).trim().split('\n')[0]}"`;
        break;
      }
    }
  } finally {
    destroyNs(ns);
  }
  probed.set(feature, reason);
  return reason;
}

/** Options of ktest(). */
export interface KtestOptions {
  /**
   * Lanes the test runs in (default: every lane). In another lane it is
   * skipped by name with `reason`, e.g. `{ lanes: ['host'], reason: 'heavy
   * under emulation' }` (see docs/vm-lane.md).
   */
  lanes?: ReadonlyArray<'host' | 'vm'>;
  reason?: string;
}

/**
 * Register a kernel test: skipped (by name, with the reason) when not root
 * (root of a user namespace counts: see inUserNamespace), when the kernel
 * lacks one of `needs` or the process one of the PRIVILEGES named there
 * (`rcvbufforce`, `mapped-ids`), or when `opts.lanes` leaves out the
 * current lane; runs otherwise. With RTNL_TEST_TIMES=1 each test prints
 * `TIME: <ms> ms: <name>` (the runner lists the slowest).
 */
export function ktest(test: Test, name: string, fn: () => Promise<void> | void, needs: string[] = [], opts: KtestOptions = {}): void {
  if (opts.lanes && !opts.lanes.includes(lane as 'host' | 'vm')) {
    return skip(test, name, `${opts.lanes.join('/')}-only: ${opts.reason ?? 'not run in this lane'}`);
  }
  if (!isRoot) {
    return skip(test, name, 'kernel tests need root, or a user namespace: `npm test` as a non-root user runs them under `unshare` (docs/testing.md), which failed or was not used here');
  }
  for (const n of needs) {
    const why = kernelLacks(n);
    if (why) return skip(test, name, `${why}${lane === 'host' && !PRIVILEGES[n] ? ' (runs in the VM lane)' : ''}`);
  }
  if (!process.env.RTNL_TEST_TIMES) return test(name, fn);
  test(name, async () => {
    const t0 = performance.now();
    try {
      await fn();
    } finally {
      console.log(`TIME: ${Math.round(performance.now() - t0)} ms: ${name}`);
    }
  });
}

/** Whether a command exists on PATH. */
export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * How many mounts are stacked on `path` (/proc/self/mountinfo): 0 when nothing
 * is mounted there, 1 for one namespace, 2 when a second was mounted on top.
 * Copies of one mount propagated to peer mounts (a shared /run under the
 * /run/netns bind mount, as on systemd hosts and in the VM lane) each sit on
 * a different parent and count once; a mount stacked on another has that
 * other as its parent.
 */
export function mountStackAt(path: string): number {
  const at = new Map<string, string>(); // mount id -> parent id, for mounts at `path`
  for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = l.split(' ');
    if (f[4] === path) at.set(f[0]!, f[1]!); // names used by the tests need no unescaping
  }
  let max = 0;
  for (const id of at.keys()) {
    let depth = 0;
    for (let m: string | undefined = id; m !== undefined && at.has(m) && depth <= at.size; m = at.get(m)) depth++;
    max = Math.max(max, depth);
  }
  return max;
}

export { execFileSync };
