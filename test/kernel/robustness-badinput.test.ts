// Every public function given bad input (wrong types, oversize names, bad
// addresses, unknown kinds/options, NaN, negative numbers, null, arrays where
// objects are expected) throws ArgumentError naming the field, and sends
// nothing (socket.stats.datagramsOut and .requests unchanged, no namespace or
// fd created). The API is enumerated from the compiled declarations
// (dist/src/rtnl/*.d.ts), so a public method that lands later (addrs, routes,
// neighs, rules) is held to the same rule by a generic battery of first
// arguments that no method accepts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import * as api from '../../src/index.js';
import { Rtnl, NetlinkSocket, NetlinkError, ArgumentError, Tun, netns, decodeLink, encodeLink, splitMessages, Writer } from '../../src/index.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { ktest, withNetns, fdCount, ipJson } from '../helpers.js';
const { RTM_GETLINK, IFLA_ADDRESS, IFLA_IFALIAS, IFLA_NUM_TX_QUEUES } = UAPI;

const LONG = 'x'.repeat(300);
/** First arguments no method of the API accepts. */
const NEVER_VALID: unknown[] = [null, NaN, -1, 1.5, Infinity, LONG, [], [1, 2], true, () => 0, Symbol('s'), 10n];

/** Calls fn; returns the error it throws, rejects with, or (async iterators) its first next() rejects with. */
async function errorOf(fn: () => unknown): Promise<unknown> {
  try {
    const r = fn();
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
    else if (r && typeof (r as AsyncIterator<unknown>).next === 'function' && Symbol.asyncIterator in (r as object)) {
      const it = r as AsyncIterator<unknown>;
      await it.next();
      await it.return?.();
    }
  } catch (e) {
    return e;
  }
  return undefined;
}

function show(v: unknown): string {
  if (typeof v === 'symbol' || typeof v === 'function') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(v);
  }
}

/** Expect ArgumentError naming a field (matching `field` when given), with nothing sent on `sock`. */
let checked = 0;
async function expectArgError(label: string, sock: NetlinkSocket | undefined, fn: () => unknown, field?: RegExp): Promise<void> {
  checked++;
  const out0 = sock?.stats.datagramsOut ?? 0;
  const req0 = sock?.stats.requests ?? 0;
  const e = await errorOf(fn);
  assert.ok(e instanceof ArgumentError, `${label}: expected ArgumentError, got ${e === undefined ? 'no error' : `${(e as Error)?.name}: ${(e as Error)?.message}`}`);
  const ae = e as ArgumentError;
  assert.ok(typeof ae.field === 'string' && ae.field.length > 0, `${label}: the error names no field`);
  assert.ok(ae.message.startsWith(`${ae.field}: `), `${label}: message "${ae.message}" does not start with the field`);
  if (field) assert.match(ae.field, field, `${label}: field "${ae.field}" (${ae.message})`);
  if (sock) {
    assert.equal(sock.stats.datagramsOut, out0, `${label}: sent ${sock.stats.datagramsOut - out0} datagram(s)`);
    assert.equal(sock.stats.requests, req0, `${label}: queued ${sock.stats.requests - req0} request(s)`);
  }
}

/** Public methods of a compiled class, from its .d.ts (private members are declared `private name;`). */
function publicMethods(dts: string, cls: string): string[] {
  const start = dts.indexOf(`export declare class ${cls} `);
  if (start < 0) return [];
  let depth = 0;
  let i = dts.indexOf('{', start);
  const bodyStart = i + 1;
  for (; i < dts.length; i++) {
    if (dts[i] === '{') depth++;
    else if (dts[i] === '}' && --depth === 0) break;
  }
  const body = dts.slice(bodyStart, i);
  const out: string[] = [];
  for (const m of body.matchAll(/^ {4}(?!private |protected |static |readonly |get |set |constructor)([a-zA-Z_]\w*)(<[^(]*>)?\((.*)$/gm)) {
    const params = m[3]!;
    if (params.startsWith(')')) continue; // takes no argument: nothing to get wrong
    out.push(m[1]!);
  }
  return out;
}

const DIST = new URL('../../src/rtnl/', import.meta.url);
const families = ['links', 'addrs', 'routes', 'neighs', 'rules'] as const;
const classOf: Record<string, string> = { links: 'Links', addrs: 'Addrs', routes: 'Routes', neighs: 'Neighs', rules: 'Rules' };
function familyMethods(f: string): string[] {
  const file = readdirSync(DIST).find((x) => x === `${f}.d.ts`);
  return file ? publicMethods(readFileSync(new URL(file, DIST), 'utf8'), classOf[f]!) : [];
}

ktest(test, 'the API enumeration finds the Links methods (the parser works)', () => {
  const m = familyMethods('links');
  for (const name of ['list', 'dump', 'get', 'exists', 'index', 'add', 'replace', 'set', 'del', 'addAltNames', 'delAltNames']) assert.ok(m.includes(name), `${name} in ${m.join(', ')}`);
  for (const priv of ['build', 'send', 'dumpBody', 'altNames']) assert.not.ok(m.includes(priv), `${priv} is private`);
});

ktest(test, 'every public method of links/addrs/routes/neighs/rules rejects first arguments no method accepts, sending nothing', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      let n = 0;
      for (const f of families) {
        const obj = r[f] as unknown as Record<string, (...a: unknown[]) => unknown>;
        for (const m of familyMethods(f)) {
          for (const v of NEVER_VALID) {
            await expectArgError(`${f}.${m}(${show(v)})`, r.socket, () => obj[m]!.call(obj, v));
            n++;
          }
        }
      }
      assert.ok(n >= 11 * NEVER_VALID.length, `${n} calls`);
    } finally {
      await r.close();
    }
  });
});

const REFS: Array<[unknown, RegExp?]> = [
  [undefined], [null], [NaN], [-1], [0], [1.5], [2 ** 31], [''], ['a/b'], ['a b'], ['a:b'], ['.'], ['..'], ['nul\0'], ['x'.repeat(128)], [[]], [{}], [true], [10n],
];

ktest(test, 'links.*: bad references, filters, options and names are ArgumentError naming the field; nothing is sent', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const L = r.links as unknown as Record<string, (...a: unknown[]) => unknown>;
    const s = r.socket;
    try {
      for (const [ref] of REFS) {
        for (const m of ['get', 'exists', 'index', 'del']) await expectArgError(`links.${m}(${show(ref)})`, s, () => L[m]!(ref), /^link$/);
        await expectArgError(`links.set(${show(ref)}, {mtu: 1400})`, s, () => L.set!(ref, { mtu: 1400 }), /^link$/);
        await expectArgError(`links.addAltNames(${show(ref)}, ['alt'])`, s, () => L.addAltNames!(ref, ['alt0']), /^link$/);
      }
      const filters: Array<[unknown, RegExp]> = [
        [null, /^filter$/], [42, /^filter$/], ['eth0', /^filter$/], [[], /^filter$/], [{ bogus: 1 }, /^filter\.bogus$/], [{ kind: 5 }, /^filter\.kind$/], [{ kind: '' }, /^filter\.kind$/],
        [{ family: -1 }, /^filter\.family$/], [{ family: 1.5 }, /^filter\.family$/], [{ family: NaN }, /^filter\.family$/], [{ family: 256 }, /^filter\.family$/], [{ family: '7' }, /^filter\.family$/],
        [{ master: null }, /^filter\.master$/], [{ master: 'x'.repeat(200) }, /^filter\.master$/], [{ master: -3 }, /^filter\.master$/],
      ];
      for (const [f, field] of filters) {
        await expectArgError(`links.list(${show(f)})`, s, () => L.list!(f), field);
        await expectArgError(`links.dump(${show(f)})`, s, () => L.dump!(f), field);
      }
      const veth = { kind: 'veth', name: 'v0' };
      const adds: Array<[unknown, RegExp]> = [
        [undefined, /^options$/], [null, /^options$/], [[], /^options$/], ['veth', /^options$/], [42, /^options$/], [{}, /^kind$/], [{ kind: '' }, /^kind$/], [{ kind: 5 }, /^kind$/], [{ kind: ['veth'] }, /^kind$/],
        [{ ...veth, name: 'x'.repeat(16) }, /^name$/], [{ ...veth, name: '' }, /^name$/], [{ ...veth, name: 'a/b' }, /^name$/], [{ ...veth, name: 7 }, /^name$/],
        [{ ...veth, mtu: -1 }, /^mtu$/], [{ ...veth, mtu: NaN }, /^mtu$/], [{ ...veth, mtu: 1.5 }, /^mtu$/], [{ ...veth, mtu: '1500' }, /^mtu$/], [{ ...veth, mtu: 2 ** 32 }, /^mtu$/], [{ ...veth, mtu: null }, /^mtu$/],
        [{ ...veth, address: 'zz:zz:zz:zz:zz:zz' }, /^address$/], [{ ...veth, address: '01:02:03' }, /^address$/], [{ ...veth, address: 42 }, /^address$/], [{ ...veth, broadcast: '1.2.3.4' }, /^broadcast$/],
        [{ ...veth, txQueueLen: -5 }, /^txQueueLen$/], [{ ...veth, group: 2 ** 40 }, /^group$/], [{ ...veth, alias: 'a\0b' }, /^alias$/], [{ ...veth, operState: 'sideways' }, /^operState$/],
        [{ ...veth, up: 'yes' }, /^up$/], [{ ...veth, up: 1 }, /^up$/], [{ ...veth, promisc: null }, /^promisc$/],
        [{ ...veth, bogusOption: 1 }, /^bogusOption$/], [{ ...veth, stats64: {} }, /^stats64$/], [{ ...veth, vxlan: { id: 1 } }, /^vxlan$/],
        [{ ...veth, master: -1 }, /^master$/], [{ ...veth, master: {} }, /^master$/], [{ ...veth, master: 'x'.repeat(200) }, /^master$/], [{ ...veth, link: NaN }, /^link$/],
        [{ ...veth, netns: 42 }, /^netns/], [{ ...veth, netns: '../x' }, /^netns/], [{ ...veth, netns: '' }, /^netns/], [{ ...veth, netns: { pid: -1 } }, /^netns/], [{ ...veth, netns: { pid: 1.5 } }, /^netns/],
        [{ ...veth, netns: { fd: -1 } }, /^netns/], [{ ...veth, netns: { path: 'relative' } }, /^netns/], [{ ...veth, netns: {} }, /^netns/], [{ ...veth, netns: [] }, /^netns/],
        [{ ...veth, peer: 42 }, /^peer/], [{ ...veth, peer: 'x'.repeat(16) }, /^peer/], [{ ...veth, peer: { name: 'a b' } }, /^peer/], [{ ...veth, peer: { mtu: -1 } }, /^peer/], [{ ...veth, peer: { bogus: 1 } }, /^peer/], [{ ...veth, peer: [] }, /^peer/],
        [{ kind: 'bridge', name: 'br0', peer: 'p0' }, /^peer$/],
        [{ kind: 'bridge', name: 'br0', bridge: [] }, /^bridge$/], [{ kind: 'bridge', name: 'br0', bridge: null }, /^bridge/], [{ kind: 'bridge', name: 'br0', bridge: { bogus: 1 } }, /^bridge\.bogus$/],
        [{ kind: 'bridge', name: 'br0', bridge: { forwardDelay: -5 } }, /^bridge\.forwardDelay$/], [{ kind: 'bridge', name: 'br0', bridge: { stpState: NaN } }, /^bridge\.stpState$/],
        [{ kind: 'bridge', name: 'br0', bridge: { groupAddr: '01:80:c2' } }, /^bridge\.groupAddr$/],
      ];
      for (const [o, field] of adds) {
        await expectArgError(`links.add(${show(o)})`, s, () => L.add!(o), field);
        await expectArgError(`links.replace(${show(o)})`, s, () => L.replace!(o), field);
      }
      const sets: Array<[unknown, RegExp]> = [
        [undefined, /^options$/], [null, /^options$/], [[], /^options$/], [42, /^options$/], [{ kind: 'veth' }, /^kind$/], [{ name: 'x'.repeat(16) }, /^name$/], [{ mtu: -1 }, /^mtu$/],
        [{ up: 'no' }, /^up$/], [{ bridge: { bogus: 1 } }, /^bridge\.bogus$/], [{ master: NaN }, /^master$/], [{ netns: { pid: 0 } }, /^netns/], [{ peer: 'p1' }, /^peer$/], [{ bogus: true }, /^bogus$/],
      ];
      for (const [o, field] of sets) await expectArgError(`links.set('lo', ${show(o)})`, s, () => L.set!('lo', o), field);
      const alt: Array<[unknown, RegExp]> = [[undefined, /^names$/], [null, /^names$/], [[], /^names$/], ['alt', /^names$/], [[''], /^names\[0\]$/], [['x'.repeat(128)], /^names\[0\]$/], [['ok', 'a b'], /^names\[1\]$/], [[42], /^names\[0\]$/]];
      for (const [names, field] of alt) {
        await expectArgError(`links.addAltNames('lo', ${show(names)})`, s, () => L.addAltNames!('lo', names), field);
        await expectArgError(`links.delAltNames('lo', ${show(names)})`, s, () => L.delAltNames!('lo', names), field);
      }
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'netns.*: bad names are ArgumentError; no namespace is created or removed', async () => {
  const before = await netns.list();
  const names: unknown[] = [undefined, null, '', '.', '..', 'a/b', '/abs', 'x'.repeat(256), 'a\0b', 42, NaN, [], {}, true];
  for (const n of names) {
    for (const m of ['add', 'del', 'exists', 'path'] as const) {
      await expectArgError(`netns.${m}(${show(n)})`, undefined, () => (netns[m] as (x: unknown) => unknown)(n), /^name$/);
    }
  }
  assert.equal(await netns.list(), before);
});

ktest(test, 'Rtnl.open / NetlinkSocket.open: bad options are ArgumentError and open no fd', async () => {
  const fds = fdCount();
  const bad: Array<[unknown, RegExp]> = [
    [null, /^options$/], [42, /^options$/], ['ns', /^options$/], [[], /^options$/],
    [{ netns: 42 }, /^netns/], [{ netns: '' }, /^netns/], [{ netns: 'a/b' }, /^netns/], [{ netns: { pid: 0 } }, /^netns/], [{ netns: { fd: 1.5 } }, /^netns/], [{ netns: null }, /^netns/],
    [{ maxInFlight: 0 }, /^maxInFlight$/], [{ maxInFlight: 1.5 }, /^maxInFlight$/], [{ maxInFlight: NaN }, /^maxInFlight$/],
    [{ timeout: -1 }, /^timeout$/], [{ timeout: 'soon' }, /^timeout$/], [{ timeout: NaN }, /^timeout$/],
    [{ rcvbuf: -1 }, /^rcvbuf$/], [{ rcvbuf: 'big' }, /^rcvbuf$/], [{ sndbuf: 1.5 }, /^sndbuf$/],
    [{ extAck: 'yes' }, /^extAck$/], [{ strictCheck: 1 }, /^strictCheck$/], [{ tap: 42 }, /^tap$/], [{ bogus: 1 }, /^bogus$/],
  ];
  for (const [o, field] of bad) await expectArgError(`Rtnl.open(${show(o)})`, undefined, () => Rtnl.open(o as never), field);
  for (const [o, field] of [...bad, [{ groups: [0] }, /^groups$/], [{ groups: 'link' }, /^groups$/], [{ protocol: -1 }, /^protocol$/], [{ protocol: NaN }, /^protocol$/]] as Array<[unknown, RegExp]>) {
    await expectArgError(`NetlinkSocket.open(${show(o)})`, undefined, () => NetlinkSocket.open(o as never), field);
  }
  assert.equal(fdCount(), fds, 'no fd left open');
});

ktest(test, 'Tun.open: bad options are ArgumentError; no fd left open, no device created', async () => {
  await withNetns(1, async (ns) => {
    const fds = fdCount();
    const devices = ipJson<unknown[]>(ns, 'link', 'show').length; // lo, and tunnel fallback devices once their modules are loaded
    const bad: Array<[unknown, RegExp]> = [
      [null, /^options$/], [42, /^options$/], [[], /^options$/], [{ bogus: 1 }, /^bogus$/],
      [{ name: 'x'.repeat(16), netns: ns }, /^name$/], [{ name: 'a/b', netns: ns }, /^name$/], [{ name: 42, netns: ns }, /^name$/],
      [{ mode: 'tunnel', netns: ns }, /^mode$/], [{ mode: 1, netns: ns }, /^mode$/],
      [{ queues: 0, netns: ns }, /^queues$/], [{ queues: 1.5, netns: ns }, /^queues$/], [{ queues: -1, netns: ns }, /^queues$/], [{ queues: NaN, netns: ns }, /^queues$/],
      [{ netns: 42 }, /^netns/], [{ netns: 'a/b' }, /^netns/], [{ netns: { pid: -1 } }, /^netns/],
      [{ mtu: -1, netns: ns }, /^mtu$/], [{ mtu: 'big', netns: ns }, /^mtu$/], [{ owner: -2, netns: ns }, /^owner$/], [{ group: 1.5, netns: ns }, /^group$/],
      [{ pi: 'yes', netns: ns }, /^pi$/], [{ persist: 1, netns: ns }, /^persist$/], [{ up: 'up', netns: ns }, /^up$/],
      [{ offloads: ['warp'], vnetHdr: true, netns: ns }, /^offloads/], [{ vnetHdrSize: 3, vnetHdr: true, netns: ns }, /^vnetHdrSize$/],
    ];
    for (const [o, field] of bad) await expectArgError(`Tun.open(${show(o)})`, undefined, () => Tun.open(o as never), field);
    assert.equal(fdCount(), fds, 'no fd left open');
    assert.equal(ipJson<unknown[]>(ns, 'link', 'show').length, devices, 'no device created');
  });
});

ktest(test, 'NetlinkSocket request/dump/membership: bad types, bodies and options are ArgumentError; nothing is sent', async () => {
  await withNetns(1, async (ns) => {
    const s = NetlinkSocket.open({ netns: ns });
    const S = s as unknown as Record<string, (...a: unknown[]) => unknown>;
    try {
      for (const t of [NaN, -1, 1.5, 0x10000, '18', null, undefined]) {
        await expectArgError(`request(${show(t)})`, s, () => S.request!(t, undefined), /^type$/);
        await expectArgError(`dump(${show(t)})`, s, () => S.dump!(t, undefined), /^type$/);
        await expectArgError(`dumpAll(${show(t)})`, s, () => S.dumpAll!(t, undefined), /^type$/);
      }
      for (const b of [42, 'bytes', {}, [1, 2], true]) {
        await expectArgError(`request(RTM_GETLINK, ${show(b)})`, s, () => S.request!(RTM_GETLINK, b), /^body$/);
        await expectArgError(`dump(RTM_GETLINK, ${show(b)})`, s, () => S.dump!(RTM_GETLINK, b), /^body$/);
      }
      for (const [o, field] of [[{ timeout: -1 }, /^timeout$/], [{ timeout: 'x' }, /^timeout$/], [{ flags: -1 }, /^flags$/], [{ flags: 0x10000 }, /^flags$/], [{ flags: NaN }, /^flags$/], [{ what: 42 }, /^what$/], [42, /^options$/], [[], /^options$/]] as Array<[unknown, RegExp]>) {
        await expectArgError(`request(RTM_GETLINK, undefined, ${show(o)})`, s, () => S.request!(RTM_GETLINK, undefined, o), field);
        await expectArgError(`dump(RTM_GETLINK, undefined, ${show(o)})`, s, () => S.dump!(RTM_GETLINK, undefined, o), field);
      }
      await expectArgError('dump highWaterMark 0', s, () => S.dump!(RTM_GETLINK, undefined, { highWaterMark: 0 }), /^highWaterMark$/);
      await expectArgError('requestRaw(42)', s, () => S.requestRaw!(42), /^message$/);
      await expectArgError('requestRaw(short)', s, () => S.requestRaw!(new Uint8Array(8)), /^message$/);
      for (const g of [0, -1, NaN, 1.5, '1', null]) {
        await expectArgError(`addMembership(${show(g)})`, s, () => S.addMembership!(g), /^group$/);
        await expectArgError(`dropMembership(${show(g)})`, s, () => S.dropMembership!(g), /^group$/);
      }
      for (const h of [42, 'fn', {}]) {
        await expectArgError(`onMulticast(${show(h)})`, s, () => S.onMulticast!(h), /^handler$/);
        await expectArgError(`onError(${show(h)})`, s, () => S.onError!(h), /^handler$/);
      }
      for (const args of [[NaN, 1, 1], [270, -1, 1], [270, 1, 1.5], ['270', 1, 1]]) {
        await expectArgError(`setOption(${args.map(show).join(', ')})`, s, () => S.setOption!(...args), /^(level|name|value)$/);
      }
      await expectArgError('getOption(NaN, 1)', s, () => S.getOption!(NaN, 1), /^level$/);
    } finally {
      s.close();
    }
  });
});

ktest(test, 'codec entry points: bad buffers and ranges are ArgumentError, never a RangeError from reading past the end', async () => {
  const good = Buffer.alloc(32);
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['decodeLink(null)', () => decodeLink(null as never, 0, 16), /^buf$/],
    ['decodeLink("str")', () => decodeLink('0123456789abcdef' as never, 0, 16), /^buf$/],
    ['decodeLink end past the buffer', () => decodeLink(good, 0, 100), /^end$/],
    ['decodeLink off < 0', () => decodeLink(good, -4, 16), /^off$/],
    ['decodeLink off > end', () => decodeLink(good, 20, 16), /^off$/],
    ['decodeLink NaN', () => decodeLink(good, NaN, 16), /^off$/],
    ['splitMessages(null)', () => splitMessages(null as never), /^buf$/],
    ['splitMessages end past the buffer', () => splitMessages(good, 0, 64), /^end$/],
    ['splitMessages start < 0', () => splitMessages(good, -1), /^start$/],
    ['encodeLink(w, null)', () => encodeLink(new Writer(), null as never), /^link$/],
    ['encodeLink(w, 42)', () => encodeLink(new Writer(), 42 as never), /^link$/],
    ['encodeLink(null, {})', () => encodeLink(null as never, {}), /^w$/],
    ['decodeMessage(null)', () => api.decodeMessage(null as never), /^message$/],
  ];
  for (const [label, fn, field] of cases) await expectArgError(label, undefined, fn, field);
});

ktest(test, 'integer options refuse booleans; alias over 254 bytes, queue counts 0 or over 4096, a multicast or zero device address: ArgumentError naming the field, nothing sent', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const L = r.links as unknown as Record<string, (...a: unknown[]) => unknown>;
    const s = r.socket;
    try {
      const veth = { kind: 'veth', name: 'v0' };
      const br = { kind: 'bridge', name: 'br0' };
      const vx = { kind: 'vxlan', name: 'vx0' };
      const adds: Array<[unknown, RegExp]> = [
        // booleans where the kernel takes an integer (they used to become 1 and 0)
        [{ ...veth, txQueueLen: true }, /^txQueueLen$/], [{ ...veth, mtu: false }, /^mtu$/], [{ ...veth, group: true }, /^group$/],
        [{ ...veth, numTxQueues: true }, /^numTxQueues$/], [{ ...veth, gsoMaxSize: false }, /^gsoMaxSize$/], [{ ...veth, linkMode: true }, /^linkMode$/],
        [{ ...vx, vxlan: { id: true } }, /^vxlan\.id$/], [{ ...vx, vxlan: { id: 5, port: true } }, /^vxlan\.port$/], [{ ...vx, vxlan: { id: 5, ttl: false } }, /^vxlan\.ttl$/],
        [{ ...br, bridge: { stpState: true } }, /^bridge\.stpState$/], [{ ...br, bridge: { forwardDelay: true } }, /^bridge\.forwardDelay$/],
        [{ ...br, bridge: { priority: false } }, /^bridge\.priority$/], [{ ...br, bridge: { vlanDefaultPvid: true } }, /^bridge\.vlanDefaultPvid$/],
        [{ ...veth, peer: { name: 'p0', txQueueLen: true } }, /^peer\.txQueueLen$/],
        // IFLA_IFALIAS: 254 bytes at most (bytes, not characters), sent with a NUL: the kernel refuses 256 (IFALIASZ)
        [{ ...veth, alias: 'x'.repeat(256) }, /^alias$/], [{ ...veth, alias: 'x'.repeat(255) }, /^alias$/], [{ ...veth, alias: '\u00e9'.repeat(128) }, /^alias$/],
        // IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES: 1..4096
        [{ ...veth, numTxQueues: 0 }, /^numTxQueues$/], [{ ...veth, numRxQueues: 0 }, /^numRxQueues$/], [{ ...veth, numTxQueues: 4097 }, /^numTxQueues$/], [{ ...br, numRxQueues: 65536 }, /^numRxQueues$/],
        // a device address must be a unicast, non-zero MAC (is_valid_ether_addr)
        [{ ...veth, address: '01:00:5e:00:00:01' }, /^address$/], [{ ...veth, address: 'ff:ff:ff:ff:ff:ff' }, /^address$/], [{ ...veth, address: '00:00:00:00:00:00' }, /^address$/],
        [{ ...veth, address: '33:33:00:00:00:01' }, /^address$/], [{ ...br, address: '01:80:c2:00:00:00' }, /^address$/], [{ ...vx, vxlan: { id: 5 }, address: '03:00:00:00:00:01' }, /^address$/],
        [{ ...veth, peer: { name: 'p0', address: '01:00:5e:00:00:01' } }, /^peer\.address$/], [{ ...veth, peer: { name: 'p0', address: '00:00:00:00:00:00' } }, /^peer\.address$/],
      ];
      for (const [o, field] of adds) {
        await expectArgError(`links.add(${show(o)})`, s, () => L.add!(o), field);
        await expectArgError(`links.replace(${show(o)})`, s, () => L.replace!(o), field);
      }
      const sets: Array<[string, unknown, RegExp]> = [
        ['lo', { txQueueLen: true }, /^txQueueLen$/], ['lo', { mtu: false }, /^mtu$/], ['lo', { group: false }, /^group$/],
        ['lo', { alias: 'x'.repeat(300) }, /^alias$/], ['br0', { bridge: { stpState: true } }, /^bridge\.stpState$/],
        ['br0', { address: '01:00:5e:00:00:01', bridge: { stpState: 1 } }, /^address$/],
      ];
      for (const [ref, o, field] of sets) await expectArgError(`links.set(${ref}, ${show(o)})`, s, () => L.set!(ref, o), field);
      // other families: integer options in the policy layer (route metrics) and in their own checks
      await expectArgError('routes.add metrics.mtu: true', s, () => r.routes.add({ dst: '10.9.0.0/16', dev: 'lo', metrics: { mtu: true } } as never), /^metrics\.mtu$/);
      await expectArgError('routes.add metric: true', s, () => r.routes.add({ dst: '10.9.0.0/16', dev: 'lo', metric: true } as never), /^metric$/);
      await expectArgError('rules.add fwmark: true', s, () => r.rules.add({ priority: 5, table: 'main', fwmark: true } as never), /^fwmark$/);

      // the limits are the kernel's: the edge values are accepted (iproute2 shows them)
      const alias = '\u00e9'.repeat(127); // 254 bytes
      await r.links.add({ kind: 'veth', name: 'edge0', numTxQueues: 4096, numRxQueues: 1, address: '02:00:00:00:00:01', peer: { name: 'edge1', address: '06:00:00:00:00:02' } });
      await r.links.set('edge0', { alias }); // the kernel ignores IFLA_IFALIAS when creating a link
      const [l] = ipJson<Array<{ ifalias?: string; num_tx_queues?: number; num_rx_queues?: number; address: string }>>(ns, '-d', 'link', 'show', 'edge0');
      assert.equal(l!.ifalias, alias);
      assert.equal([l!.num_tx_queues, l!.num_rx_queues], [4096, 1]);
      assert.equal(l!.address, '02:00:00:00:00:01');
      assert.equal(ipJson<Array<{ address: string }>>(ns, 'link', 'show', 'edge1')[0]!.address, '06:00:00:00:00:02');
      // ... and one step further is refused by the kernel too (sent raw, past our checks, through `unknown`)
      const u32 = (n: number): Buffer => Buffer.from(Uint32Array.of(n).buffer);
      const raw: Array<[string, () => Promise<unknown>]> = [
        ['alias of 255 bytes', () => r.links.set('edge0', { unknown: [{ type: IFLA_IFALIAS, data: Buffer.from('x'.repeat(255) + '\0') }] } as never)],
        ['4097 tx queues', () => r.links.add({ kind: 'veth', name: 'edge2', unknown: [{ type: IFLA_NUM_TX_QUEUES, data: u32(4097) }] } as never)],
        ['0 tx queues', () => r.links.add({ kind: 'veth', name: 'edge2', unknown: [{ type: IFLA_NUM_TX_QUEUES, data: u32(0) }] } as never)],
        ['a multicast veth address', () => r.links.add({ kind: 'veth', name: 'edge2', unknown: [{ type: IFLA_ADDRESS, data: Buffer.from([1, 0, 0x5e, 0, 0, 1]) }] } as never)],
        ['an all-zero bridge address', () => r.links.add({ kind: 'bridge', name: 'edge2', unknown: [{ type: IFLA_ADDRESS, data: Buffer.alloc(6) }] } as never)],
      ];
      for (const [label, fn] of raw) {
        let e: unknown;
        try {
          await fn();
        } catch (x) {
          e = x;
        }
        assert.ok(e instanceof NetlinkError, `the kernel refuses ${label}: got ${String(e)}`);
      }
    } finally {
      await r.close();
    }
  });
});

test.after(() => console.log(`  ${checked} bad-input calls checked`));

test.run();
