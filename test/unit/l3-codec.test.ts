// Address, route, neighbour, rule and nsid messages captured from a real kernel
// (test/fixtures/*.json, made by scripts/capture-l3-fixtures.mjs): typed fields,
// byte-exact decode -> encode, the shared schema registry, and malformed input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import '../../src/rtnl/kinds/index.js';
import { decodeAddress, encodeAddress, addrFlagNames, type Address } from '../../src/rtnl/addr.js';
import { decodeRoute, encodeRoute, metricLockNames, routePolicy, type Route } from '../../src/rtnl/route.js';
import { decodeNeighbour, encodeNeighbour, neighFlagNames, type Neighbour } from '../../src/rtnl/neigh.js';
import { decodeRule, encodeRule, ruleFlagNames, type Rule } from '../../src/rtnl/rule.js';
import { decodeNsId, encodeNsId } from '../../src/rtnl/nsid.js';
import '../../src/rtnl/rtnl.js';
import { decodeMessage, describeRequestOffset, schemaFor, summarizeMessage } from '../../src/rtnl/schema.js';
import { splitMessages, parseError, type RawMessage } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { NLMSG_HDRLEN, NLMSG_ERROR } from '../../src/netlink/constants.js';
import { decodeAttrs } from '../../src/netlink/attr.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';
import { throwsA } from '../expect.js';
import { constants } from 'node:os';

type Frame = { dir: string; hex: string };
const load = (f: string): Frame[] => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${f}`, import.meta.url), 'utf8')).frames;
const inbound = (f: string): RawMessage[] => load(f).filter((x) => x.dir === 'in').flatMap((x) => splitMessages(Buffer.from(x.hex, 'hex')));
const body = (m: RawMessage): [Buffer, number, number] => [m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len];
const payload = (m: RawMessage): Buffer => m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len);

/** decode -> encode must give back the kernel's bytes. */
function roundTrip<T>(msgs: RawMessage[], decode: (b: Buffer, o: number, e: number) => T, encode: (w: Writer, v: T) => void, label: (v: T) => string): void {
  assert.ok(msgs.length > 0, 'fixture has messages');
  for (const m of msgs) {
    const v = decode(...body(m));
    const w = new Writer();
    encode(w, v);
    const again = w.toBuffer();
    const orig = payload(m);
    if (!again.equals(orig)) {
      let i = 0;
      while (i < again.length && again[i] === orig[i]) i++;
      assert.unreachable(`${label(v)}: re-encoded bytes differ at offset ${i} (len ${again.length} vs ${orig.length})`);
    }
  }
}

/** Every truncation of every message gives DecodeError or a value, never another exception or a hang. */
function truncations<T>(msgs: RawMessage[], decode: (b: Buffer, o: number, e: number) => T, headerSize: number): void {
  for (const m of msgs) {
    const p = Buffer.from(payload(m));
    throwsA(() => decode(p, 0, headerSize - 1), DecodeError);
    for (let cut = headerSize + 1; cut < p.length; cut += 3) {
      try {
        decode(p, 0, cut);
      } catch (e) {
        assert.ok(e instanceof DecodeError, `cut at ${cut}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    if (p.length > headerSize + 4) {
      const bad = Buffer.from(p);
      bad.writeUInt16LE(0xfff0, headerSize); // first attribute runs past the end
      throwsA(() => decode(bad, 0, bad.length), DecodeError);
      const zero = Buffer.from(p);
      zero.writeUInt16LE(2, headerSize); // shorter than an attribute header
      throwsA(() => decode(zero, 0, zero.length), DecodeError);
    }
  }
}

// ------------------------------------------------------------------ addresses

const addrMsgs = inbound('addr-dump.json').filter((m) => m.type === U.RTM_NEWADDR);
const addrs = addrMsgs.map((m) => decodeAddress(...body(m)));
const addr = (cidr: string): Address => {
  const a = addrs.find((x) => x.cidr === cidr);
  assert.ok(a, `fixture has ${cidr}`);
  return a!;
};

test('addresses: typed fields of a captured dump', () => {
  const a = addr('10.0.1.1/24');
  assert.equal(a.family, 2);
  assert.equal(a.broadcast, '10.0.1.255');
  assert.equal(a.label, 'veth0:a');
  assert.equal(a.metric, 5);
  assert.equal(a.scope, 'global');
  assert.ok(a.cacheInfo!.valid <= 300 && a.cacheInfo!.preferred <= 200);
  assert.ok(addrFlagNames(addr('10.0.1.2/24').flags).includes('secondary'));
  const p = addr('10.9.0.1/32');
  assert.equal([p.local, p.address], ['10.9.0.1', '10.9.0.2']);
  const v6 = addr('2001:db8::1/64');
  assert.equal(v6.local, undefined, 'IPv6 addresses carry only IFA_ADDRESS');
  assert.ok(v6.flags > 0xff && (v6.flags & U.IFA_F_NOPREFIXROUTE) !== 0, 'IFA_FLAGS holds bits ifa_flags cannot');
  assert.equal(v6.ifaFlags, v6.flags & 0xff);
  assert.equal(addr('127.0.0.1/8').scope, 'host');
  assert.ok(addrs.some((x) => x.cidr.startsWith('fe80::') && x.scope === 'link'));
  assert.equal(addrs.flatMap((x) => x.unknown ?? []), [], 'every IFA_* attribute of the dump is known');
});

test('addresses: decode -> encode is byte-exact; truncation and bad lengths are DecodeError', () => {
  roundTrip(addrMsgs, decodeAddress, encodeAddress, (a) => a.cidr);
  truncations(addrMsgs, decodeAddress, 8);
});

// ------------------------------------------------------------------ routes

const routeMsgs = inbound('route-dump.json').filter((m) => m.type === U.RTM_NEWROUTE);
const routes = routeMsgs.map((m) => decodeRoute(...body(m)));
const route = (dst: string): Route => {
  const r = routes.find((x) => x.dst === dst);
  assert.ok(r, `fixture has ${dst}`);
  return r!;
};

test('routes: typed fields (metrics + locks, multipath, RTA_VIA, types, IPv6 pref/expires, source prefix)', () => {
  assert.ok(routes.every((r) => r.table === 100));
  const m = route('10.2.0.0/16');
  assert.equal([m.metrics!.mtu, m.metrics!.advmss, m.metrics!.initcwnd, m.metrics!.ccAlgo], [1400, 1360, 10, 'reno']);
  assert.equal(metricLockNames(m.metrics!.lock!), ['mtu']);
  assert.equal(m.priority, 10);
  assert.equal(m.scope, 'link');
  const mp = route('10.3.0.0/16');
  assert.equal(mp.multipath!.map((n) => [n.gateway, n.weight]), [['10.0.1.5', 2], ['10.0.1.6', 1]]);
  assert.ok(mp.multipath!.every((n) => n.ifindex > 0));
  assert.equal(route('10.4.0.0/16').via, { family: 10, address: 'fe80::1' });
  assert.equal(route('192.0.2.0/24').type, 'blackhole');
  const p = route('2001:db8:5::/64');
  assert.equal([p.pref, p.gateway, p.family], ['high', '2001:db8::2', 10]);
  assert.ok(p.cacheInfo!.expires > 0, 'expiry is reported in RTA_CACHEINFO');
  assert.equal(route('2001:db8:6::/64').multipath!.map((n) => n.weight), [1, 3]);
  const s = route('2001:db8:21::/64');
  assert.equal(s.from, '2001:db8:99::/64');
  assert.equal(routes.flatMap((x) => x.unknown ?? []), [], 'every RTA_* attribute of the dump is known');
});

test('routes: decode -> encode is byte-exact; truncation, bad rtnexthop lengths are DecodeError', () => {
  roundTrip(routeMsgs, decodeRoute, encodeRoute, (r) => r.dst);
  truncations(routeMsgs, decodeRoute, 12);
  // corrupt the first rtnexthop length inside RTA_MULTIPATH
  const m = routeMsgs[routes.findIndex((r) => r.dst === '10.3.0.0/16')]!;
  const p = Buffer.from(payload(m));
  let off = 12;
  while (off < p.length && p.readUInt16LE(off + 2) !== U.RTA_MULTIPATH) off += (p.readUInt16LE(off) + 3) & ~3;
  assert.ok(off < p.length, 'found RTA_MULTIPATH');
  p.writeUInt16LE(4, off + 4); // rtnh_len below sizeof(struct rtnexthop)
  throwsA(() => decodeRoute(p, 0, p.length), DecodeError, /rtnexthop/);
  p.writeUInt16LE(400, off + 4); // past the attribute
  throwsA(() => decodeRoute(p, 0, p.length), DecodeError, /rtnexthop/);
});

test('route get: the request carries RTM_F_LOOKUP_TABLE and the answer decodes as the resolved route', () => {
  const frames = load('route-get.json');
  const req = splitMessages(Buffer.from(frames.find((f) => f.dir === 'out')!.hex, 'hex'))[0]!;
  const q = decodeRoute(...body(req));
  assert.equal(q.dst, '10.0.1.9/32');
  assert.ok((q.flags & U.RTM_F_LOOKUP_TABLE) !== 0);
  const ans = inbound('route-get.json').find((m) => m.type === U.RTM_NEWROUTE)!;
  const a = decodeRoute(...body(ans));
  assert.equal([a.dst, a.prefsrc, a.table], ['10.0.1.9/32', '10.0.1.1', 254]);
  roundTrip([ans, req], decodeRoute, encodeRoute, (r) => r.dst);
});

test('route error: extended ACK message and the offending attribute named from our request', () => {
  const frames = load('route-error.json');
  const req = Buffer.from(frames.find((f) => f.dir === 'out')!.hex, 'hex');
  const err = inbound('route-error.json').find((m) => m.type === NLMSG_ERROR)!;
  const e = parseError(err);
  assert.equal(e.error, -constants.errno.ENETUNREACH);
  assert.match(String(e.extack.message), /gateway/i);
  if (e.extack.offset !== undefined) assert.equal(describeRequestOffset(req, e.extack.offset), 'RTA_GATEWAY');
});

// ------------------------------------------------------------------ neighbours

const neighMsgs = inbound('neigh-dump.json').filter((m) => m.type === U.RTM_NEWNEIGH);
const neighs = neighMsgs.map((m) => decodeNeighbour(...body(m)));

test('neighbours: ARP/NDP entries and vxlan FDB entries', () => {
  const a = neighs.find((n) => n.dst === '10.0.1.7')!;
  assert.equal([a.family, a.lladdr, a.state], [2, '02:00:00:00:00:07', 'permanent']);
  const b = neighs.find((n) => n.dst === '2001:db8::7')!;
  assert.equal([b.family, b.state], [10, 'stale']);
  assert.ok(neighFlagNames(b.flags).includes('router'));
  const fdb = neighs.filter((n) => n.family === 7 && n.lladdr === '00:00:00:00:00:00');
  assert.equal(fdb.map((n) => n.dst).sort(), ['192.168.1.2', '192.168.1.3']);
  const withVni = fdb.find((n) => n.dst === '192.168.1.3')!;
  assert.equal([withVni.vni, withVni.port], [100, 4790]);
  assert.ok(fdb.every((n) => neighFlagNames(n.flags).includes('self')));
  assert.equal(neighs.flatMap((x: Neighbour) => x.unknown ?? []), [], 'every NDA_* attribute is known');
});

test('neighbours: decode -> encode is byte-exact; truncations are DecodeError', () => {
  roundTrip(neighMsgs, decodeNeighbour, encodeNeighbour, (n) => String(n.dst ?? n.lladdr));
  truncations(neighMsgs, decodeNeighbour, 12);
});

// ------------------------------------------------------------------ rules

const ruleMsgs = inbound('rule-dump.json').filter((m) => m.type === U.RTM_NEWRULE);
const rules = ruleMsgs.map((m) => decodeRule(...body(m)));

test('rules: selectors, actions, derived priority 0 and table', () => {
  const byPrio = (p: number, fam = 2): Rule => rules.find((r) => r.priority === p && r.family === fam)!;
  assert.equal([byPrio(0).table, byPrio(0).action], [255, 'lookup']);
  assert.equal([byPrio(100).from, byPrio(100).to, byPrio(100).table], ['10.0.0.0/8', '192.168.0.0/16', 100]);
  const r200 = byPrio(200);
  assert.ok(ruleFlagNames(r200.flags).includes('not'));
  assert.equal([r200.fwmark, r200.fwmask, r200.iif, r200.table, r200.protocol, r200.hdrTable], [0x10, 0xff, 'veth0', 100000, 'static', U.RT_TABLE_COMPAT]);
  const r600 = byPrio(600);
  assert.equal([r600.uidRange, r600.ipProto, r600.sportRange, r600.dportRange], [{ start: 1000, end: 2000 }, 'tcp', { start: 1000, end: 2000 }, { start: 80, end: 80 }]);
  assert.ok(rules.some((r) => r.family === 10 && r.table === 254));
  assert.equal(rules.flatMap((x) => x.unknown ?? []), [], 'every FRA_* attribute is known');
});

test('rules: decode -> encode is byte-exact (derived priority / table not encoded); truncations are DecodeError', () => {
  roundTrip(ruleMsgs, decodeRule, encodeRule, (r) => `pref ${r.priority}`);
  truncations(ruleMsgs, decodeRule, 12);
});

// ------------------------------------------------------------------ nsid

test('nsid: dump entry decodes, round-trips, and truncations are DecodeError', () => {
  const msgs = inbound('nsid-dump.json').filter((m) => m.type === U.RTM_NEWNSID);
  assert.equal(msgs.map((m) => decodeNsId(...body(m)).nsid), [7]);
  roundTrip(msgs, decodeNsId, encodeNsId, (n) => String(n.nsid));
  const p = Buffer.from(payload(msgs[0]!));
  throwsA(() => decodeNsId(p, 0, 0), DecodeError);
  const bad = Buffer.from(p);
  bad.writeUInt16LE(0x100, 4);
  throwsA(() => decodeNsId(bad, 0, bad.length), DecodeError);
});

// ------------------------------------------------------------------ shared registry

test('every handled message type is registered, so monitor / CLI / pcap decode with the same codecs', () => {
  const types: Array<[number, string]> = [
    [U.RTM_NEWADDR, 'address'], [U.RTM_DELADDR, 'address'], [U.RTM_GETADDR, 'address'],
    [U.RTM_NEWROUTE, 'route'], [U.RTM_DELROUTE, 'route'], [U.RTM_GETROUTE, 'route'],
    [U.RTM_NEWNEIGH, 'neigh'], [U.RTM_DELNEIGH, 'neigh'], [U.RTM_GETNEIGH, 'neigh'],
    [U.RTM_NEWRULE, 'rule'], [U.RTM_DELRULE, 'rule'], [U.RTM_GETRULE, 'rule'],
    [U.RTM_NEWNSID, 'nsid'], [U.RTM_DELNSID, 'nsid'], [U.RTM_GETNSID, 'nsid'],
  ];
  for (const [t, name] of types) assert.equal(schemaFor(t)?.name, name, `type ${t}`);
  const r = decodeMessage(routeMsgs[0]!) as unknown as Route;
  assert.equal(r.dst, routes[0]!.dst);
  assert.match(summarizeMessage(addrMsgs.find((m) => decodeAddress(...body(m)).cidr === '10.0.1.1/24')!)!, /prefixLen=24/);
  // an unknown attribute survives decode -> encode and is reported as such
  const m = routeMsgs[0]!;
  const p = payload(m);
  const extra = Buffer.from([8, 0, 0x7f, 0, 1, 2, 3, 4]); // type 127, unknown to RTA_*
  const withExtra = Buffer.concat([p, extra]);
  const d = decodeRoute(withExtra, 0, withExtra.length);
  assert.equal(d.unknown?.map((u) => u.type), [127]);
  const w = new Writer();
  encodeRoute(w, d);
  assert.ok(w.toBuffer().equals(withExtra));
  assert.equal(Object.keys(decodeAttrs(extra, 0, 8, routePolicy)), ['unknown']);
});

test.run();
