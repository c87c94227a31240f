/**
 * Bad input to the typed generic netlink families is an ArgumentError naming
 * the field, raised before any request is sent (the recording transport sees
 * no request); hostile bytes give DecodeError and nothing else.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, DecodeError } from '../../src/netlink/errors.js';
import { splitMessages } from '../../src/netlink/message.js';
import {
  Ethtool,
  GenlFamilyIds,
  Macsec,
  Team,
  WireGuard,
  bitsetMap,
  checkFamilyName,
  decodeGenlMessage,
  describeGenlOffset,
  genlMessageName,
  mergeDump,
  summarizeGenl,
} from '../../src/genl/index.js';
import { rejectsA, throwsA } from '../expect.js';
import { allCases, caseIds, FakeTransport, getCase } from '../genl-support.js';

const KEY16 = '00112233445566778899aabbccddeeff';
const KEY32 = KEY16 + KEY16;

function fake(): FakeTransport {
  return new FakeTransport(
    [
      { name: 'macsec0', index: 3, kind: 'macsec', data: { cipherSuite: 'gcm-aes-128' } },
      { name: 'msx', index: 4, kind: 'macsec', data: { cipherSuite: 'gcm-aes-xpn-256' } },
      { name: 'team0', index: 5, kind: 'team' },
      { name: 'eth0', index: 6, kind: 'veth' },
    ],
    (_f, cmd) => (cmd === 1 /* STRSET_GET */ ? [{ familyId: 20, family: 'ethtool', cmd: 1, version: 1, reserved: 0, cmdName: '', fromKernel: true, attrs: { stringsets: { stringset: [{ id: 4, strings: { string: [{ index: 0, value: 'tx-scatter-gather' }, { index: 1, value: 'rx-gro' }, { index: 2, value: 'tx-tcp-segmentation' }] } }] } } }] : []),
  );
}

type Bad = [() => Promise<unknown>, string];
async function each(t: FakeTransport, bad: Bad[]): Promise<void> {
  for (const [call, field] of bad) {
    const e = await rejectsA(call(), ArgumentError);
    assert.is(e.field, field, e.message);
  }
  assert.is(t.calls.filter((c) => !(c.family === 'ethtool' && c.cmd === 1)).length, 0, 'no request was sent');
}

test('macsec: AN, PN (32/64-bit by cipher), key length by cipher, key id, salt/ssci (XPN only), SCI, device kind', async () => {
  const t = fake();
  const m = new Macsec(t);
  const sa = { an: 0, pn: 1, key: KEY16, keyId: '01' };
  await each(t, [
    [() => m.addTxSa('macsec0', { ...sa, an: 4 }), 'sa.an'],
    [() => m.addTxSa('macsec0', { ...sa, an: -1 }), 'sa.an'],
    [() => m.addTxSa('macsec0', { ...sa, pn: 0 }), 'sa.pn'],
    [() => m.addTxSa('macsec0', { ...sa, pn: 2 ** 32 }), 'sa.pn'],
    [() => m.addTxSa('macsec0', { ...sa, pn: 5000000000n }), 'sa.pn'],
    [() => m.addTxSa('macsec0', { an: 0, key: KEY16, keyId: '01' }), 'sa.pn'],
    [() => m.addTxSa('macsec0', { ...sa, key: KEY32 }), 'sa.key'],
    [() => m.addTxSa('macsec0', { ...sa, key: 'abc' }), 'sa.key'],
    [() => m.addTxSa('macsec0', { ...sa, key: Buffer.alloc(24) }), 'sa.key'],
    [() => m.addTxSa('macsec0', { ...sa, keyId: '00'.repeat(17) }), 'sa.keyId'],
    [() => m.addTxSa('macsec0', { ...sa, keyId: 'xyz' }), 'sa.keyId'],
    [() => m.addTxSa('macsec0', { ...sa, salt: '00'.repeat(12) }), 'sa.salt'],
    [() => m.addTxSa('macsec0', { ...sa, ssci: 1 }), 'sa.ssci'],
    [() => m.addTxSa('macsec0', { ...sa, active: 1 as never }), 'sa.active'],
    [() => m.addTxSa('macsec0', { ...sa, bogus: 1 } as never), 'sa.bogus'],
    [() => m.addTxSa('msx', { ...sa, key: KEY32, ssci: 1 }), 'sa.salt'],
    [() => m.addTxSa('msx', { ...sa, key: KEY32, salt: '00'.repeat(12) }), 'sa.ssci'],
    [() => m.addTxSa('msx', { ...sa, key: KEY16, salt: '00'.repeat(12), ssci: 1 }), 'sa.key'],
    [() => m.addTxSa('msx', { ...sa, key: KEY32, salt: '00'.repeat(11), ssci: 1 }), 'sa.salt'],
    [() => m.addTxSa('msx', { ...sa, pn: 2n ** 64n, key: KEY32, salt: '00'.repeat(12), ssci: 1 }), 'sa.pn'],
    [() => m.addTxSa('eth0', sa), 'dev'],
    [() => m.addTxSa('bad/name', sa), 'dev'],
    [() => m.addRxSc('macsec0', { sci: 'xyz' }), 'rx.sci'],
    [() => m.addRxSc('macsec0', { sci: { mac: '02:00:00:00:00:01', port: 0 } }), 'rx.sci.port'],
    [() => m.addRxSc('macsec0', { sci: 2n ** 64n }), 'rx.sci'],
    [() => m.addRxSa('macsec0', { ...sa, sci: '0200000000010001', an: 9 }), 'sa.an'],
    [() => m.delRxSa('macsec0', { sci: '02', an: 0 }), 'sa.sci'],
    [() => m.updTxSa('macsec0', { an: 0, pn: -1 }), 'sa.pn'],
    [() => m.setOffload('macsec0', 'gpu' as never), 'mode'],
  ]);
});

test('team: option types, per-port vs team-wide, arrays, read-only options, unknown options checked against the kernel list', async () => {
  const t = fake();
  const team = new Team(t);
  await each(t, [
    [() => team.setOptions('team0', { mode: 5 as never }), 'options.mode'],
    [() => team.setOptions('team0', { mode: 'x'.repeat(32) }), 'options.mode'],
    [() => team.setOptions('team0', { activeport: -1 }), 'options.activeport'],
    [() => team.setOptions('team0', { activeport: 'bad/name' }), 'options.activeport'],
    [() => team.setOptions('team0', { notify_peers_count: 2 ** 32 }), 'options.notify_peers_count'],
    [() => team.setOptions('team0', { enabled: true } as never), 'options.enabled'],
    [() => team.setOptions('team0', { ports: { eth1: { enabled: 'yes' as never } } }), 'options.ports.eth1.enabled'],
    [() => team.setOptions('team0', { ports: { eth1: { priority: 2 ** 31 } } }), 'options.ports.eth1.priority'],
    [() => team.setOptions('team0', { ports: { eth1: { mode: 'x' } } }), 'options.ports.eth1.mode'],
    [() => team.setOptions('team0', { ports: { 'bad/name': { enabled: true } } }), 'options.ports.bad/name'],
    [() => team.setOptions('team0', [{ name: 'lb_tx_hash_to_port_mapping', value: 1 }]), 'options[0].value'],
    [() => team.setOptions('team0', [{ name: 'mode', value: 'x', arrayIndex: 1 }]), 'options[0].value'],
    [() => team.setOptions('team0', [{ name: 'lb_hash_stats', value: Buffer.alloc(8), arrayIndex: 1 }]), 'options[0].value'],
    [() => team.setOptions('team0', [{ name: 'mode', value: 'x', type: 'u32' }]), 'options[0].type'],
    [() => team.setOptions('team0', [{ name: '', value: 1 }]), 'options[0].name'],
    [() => team.setOptions('team0', {}), 'options'],
    [() => team.setOptions('eth0', { mode: 'roundrobin' }), 'dev'],
  ]);
  // an option the library does not know: its type comes from the kernel's list, which here has none of it
  await rejectsA(team.setOptions('team0', { no_such_option: 1 }), ArgumentError, /no option "no_such_option"/);
});

test('wireguard: keys (32 bytes, base64/hex/bytes), endpoints (literal ip:port), allowed IPs, ports, keepalive, duplicate and removed peers', async () => {
  const t = fake();
  const wg = new WireGuard(t);
  const k = Buffer.alloc(32, 7).toString('base64');
  await each(t, [
    [() => wg.set('wg0', { privateKey: 'AAAA' }), 'config.privateKey'],
    [() => wg.set('wg0', { privateKey: Buffer.alloc(31) }), 'config.privateKey'],
    [() => wg.set('wg0', { listenPort: 65536 }), 'config.listenPort'],
    [() => wg.set('wg0', { fwmark: -1 }), 'config.fwmark'],
    [() => wg.set('wg0', { replacePeers: 'yes' as never }), 'config.replacePeers'],
    [() => wg.set('wg0', { peers: {} as never }), 'config.peers'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, endpoint: 'example.com:51820' }] }), 'config.peers[0].endpoint'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, endpoint: '10.0.0.1' }] }), 'config.peers[0].endpoint'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, endpoint: '10.0.0.1:0' }] }), 'config.peers[0].endpoint'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, endpoint: 'fd00::1:51820' }] }), 'config.peers[0].endpoint'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, allowedIps: ['10.0.0.0/33'] }] }), 'config.peers[0].allowedIps[0]'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, allowedIps: ['nope'] }] }), 'config.peers[0].allowedIps[0]'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, persistentKeepalive: 70000 }] }), 'config.peers[0].persistentKeepalive'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, remove: true, endpoint: '10.0.0.1:1' }] }), 'config.peers[0].endpoint'],
    [() => wg.set('wg0', { peers: [{ publicKey: k }, { publicKey: k }] }), 'config.peers[1].publicKey'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, presharedKey: 'x' }] }), 'config.peers[0].presharedKey'],
    [() => wg.set('wg0', { peers: [{ publicKey: k, bogus: 1 } as never] }), 'config.peers[0].bogus'],
    [() => wg.set('this-name-is-too-long', {}), 'dev'],
    [() => wg.get(0), 'dev'],
  ]);
});

test('ethtool: feature names come from the kernel string set; rings/channels settings and values', async () => {
  const t = fake();
  const e = new Ethtool(t);
  await each(t, [
    [() => e.setFeatures('v0', { 'tx-bogus': true }), 'features.tx-bogus'],
    [() => e.setFeatures('v0', { 'rx-gro': 'on' as never }), 'features.rx-gro'],
    [() => e.setFeatures('v0', { ufo: true }), 'features.ufo'], // ethtool's name, but this kernel has no tx-udp-fragmentation
    [() => e.setFeatures('v0', {}), 'features'],
    [() => e.setChannels('v0', { rx: 2 } as never), 'channels.rx'],
    [() => e.setChannels('v0', { rxCount: -2 }), 'channels.rxCount'],
    [() => e.setChannels('v0', {}), 'channels'],
    [() => e.setRings('v0', { rx: 1.5 }), 'rings.rx'],
    [() => e.setRings('v0', { txPush: 1 as never }), 'rings.txPush'],
    [() => e.setRings('v0', { tcpDataSplit: 'maybe' as never }), 'rings.tcpDataSplit'],
    [() => e.setRings('v0', { bogus: 1 } as never), 'rings.bogus'],
    [() => e.features(''), 'dev'],
    [() => e.strings(-1), 'set'],
  ]);
  // a known name and ethtool's short names pass the check (and the request is recorded)
  await e.setFeatures('v0', { tso: false, 'rx-gro': true });
  const c = t.calls.at(-1)!;
  assert.equal((c.attrs!.wanted as any).bits.bit, [{ name: 'tx-tcp-segmentation' }, { name: 'rx-gro', value: true }]);
});

test('family names and ids: length, NUL, id range; learnt ids never throw', () => {
  throwsA(() => checkFamilyName('x'.repeat(16)), ArgumentError);
  throwsA(() => checkFamilyName(''), ArgumentError);
  throwsA(() => checkFamilyName('a\0b'), ArgumentError);
  const ids = new GenlFamilyIds();
  throwsA(() => ids.set(15, 'x'), ArgumentError);
  throwsA(() => ids.set(16, 'notnlctrl'), ArgumentError);
  throwsA(() => ids.set(70000, 'x'), ArgumentError);
  throwsA(() => ids.set(1024, 'x'), ArgumentError); // above the kernel's GENL_MAX_ID
  ids.set(1023, 'top');
  ids.set(30, 'a');
  ids.set(30, 'b'); // the id moved to another family
  assert.is(ids.id('a'), undefined);
  assert.is(ids.name(30), 'b');
});

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('hostile bytes: mutated and truncated captured messages decode or give DecodeError; learning, naming, offsets and summaries never throw', () => {
  const r = rng(1234);
  let decoded = 0;
  let refused = 0;
  const cases = allCases();
  const idsOf = new Map(cases.map((c) => [c, caseIds(c)]));
  for (let iter = 0; iter < 6000; iter++) {
    const c = cases[Math.floor(r() * cases.length)]!;
    if (c.datagrams.length === 0) continue;
    const d = c.datagrams[Math.floor(r() * c.datagrams.length)]!;
    const buf = Buffer.from(d.hex, 'hex');
    let msgs;
    try {
      msgs = splitMessages(buf);
    } catch {
      continue;
    }
    const m0 = msgs[Math.floor(r() * msgs.length)]!;
    const bytes = Buffer.from(buf.subarray(m0.offset, m0.offset + m0.len));
    const kind = r();
    if (kind < 0.5) {
      for (let k = 0, n = 1 + Math.floor(r() * 4); k < n; k++) bytes[16 + Math.floor(r() * Math.max(1, bytes.length - 16))] = Math.floor(r() * 256);
    } else if (kind < 0.8) {
      // attribute length fields: a random u16 somewhere after the headers
      const at = 20 + 2 * Math.floor((r() * Math.max(0, bytes.length - 22)) / 2);
      if (at + 2 <= bytes.length) bytes.writeUInt16LE(Math.floor(r() * 65536), at);
    }
    const len = kind >= 0.8 ? 16 + Math.floor(r() * (bytes.length - 15)) : bytes.length;
    const msg = bytes.subarray(0, len);
    msg.writeUInt32LE(len, 0);
    const raw = { type: msg.readUInt16LE(4), flags: msg.readUInt16LE(6), seq: 0, pid: 0, len, buf: msg, offset: 0 };
    const ids = idsOf.get(c)!;
    ids.learn(raw); // never throws
    genlMessageName(raw, ids);
    describeGenlOffset(msg, Math.floor(r() * (len + 8)), ids);
    if (raw.type < 16) continue;
    try {
      const g = decodeGenlMessage(raw, ids);
      decoded++;
      summarizeGenl(raw, ids);
      if (g.family === 'wireguard' && g.attrs) mergeDump([g.attrs]);
      if (g.family === 'ethtool' && g.attrs) for (const v of Object.values(g.attrs)) if (v && typeof v === 'object' && !Array.isArray(v)) bitsetMap(v as never, ['a', 'b']);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      refused++;
    }
  }
  assert.ok(decoded > 1000 && refused > 100, `decoded ${decoded}, refused ${refused}`);
});

test('hostile learning: a capture can only map ids 16..1023 (GENL_MAX_ID) to names of up to 15 bytes, and at most GenlFamilyIds.MAX of them', () => {
  const ids = new GenlFamilyIds();
  const c = getCase('ctrl', 'list');
  const base = Buffer.from(c.datagrams.find((d) => d.dir === 'in')!.hex, 'hex');
  const first = splitMessages(base)[0]!;
  const one = Buffer.from(base.subarray(first.offset, first.offset + first.len));
  for (let id = 0; id < 70000; id += 7) {
    // rewrite CTRL_ATTR_FAMILY_ID in place (the message starts with the name then the id)
    const at = one.indexOf(Buffer.from([6, 0, 1, 0]), 20);
    one.writeUInt16LE(id & 0xffff, at + 4);
    ids.learn({ type: 16, flags: 0, len: one.length, buf: one, offset: 0 });
  }
  assert.ok(ids.size <= GenlFamilyIds.MAX);
  assert.is(ids.name(16), 'nlctrl', 'the controller keeps id 16 (the capture announced nlctrl under other ids)');
  assert.is(ids.id('nlctrl'), 16);
  for (const [id, name] of ids.entries()) assert.ok(id >= 16 && id <= 1023 && Buffer.byteLength(name) <= 15);
});

test.run();
