// Seed 003's MACsec scenario (Sabrina Dubroca's configuration example): two
// hosts (namespaces), macsec0 over the veth between them, a TX SA and an RX
// SC/SA with keys on each side, addresses, ping. Built through the library
// only; `ip macsec show` and ping are the oracles. Needs the macsec module
// (VM lane).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Genl, NetlinkError, Rtnl } from '../../src/index.js';
import { ktest, sh, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending } from '../expect.js';
import { parseMacsecShow, type MacsecText } from '../genl-support.js';
import type { MacsecDevice } from '../../src/genl/index.js';

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:01';
const KEY_A = '81cb1ae2c6cfa4b4f3e9e3dc92d41a5e';
const KEY_B = '4a2b6a3c1b2c7d9e0f1e2d3c4b5a6978';

const ipMacsec = (ns: string, ...a: string[]): MacsecText[] => parseMacsecShow(sh('ip', ['-n', ns, 'macsec', 'show', ...a]));
const sciOf = (mac: string, port = 1): string => mac.replace(/:/g, '') + port.toString(16).padStart(4, '0');

/** Our show() in the form parseMacsecShow gives (what ip prints). */
function asText(d: MacsecDevice): Omit<MacsecText, 'flags'> & { flags: Record<string, string> } {
  const onOff = (b: boolean): string => (b ? 'on' : 'off');
  const sa = (x: MacsecDevice['txSas'][number]): string => `${x.an} pn=${String(typeof x.pn === 'bigint' ? x.pn & 0xffffffffn : x.pn)} ssci=${x.ssci !== undefined ? x.ssci.toString(16).padStart(8, '0') : '-'} ${onOff(x.active)} ${x.keyId}`;
  return {
    index: d.ifindex,
    name: d.name!,
    // iproute2 6.1 prints "sc" and "sa" from MACSEC_RXSC_ATTR_ACTIVE / MACSEC_SA_ATTR_ACTIVE used as
    // indexes into the SecY attributes: both are MACSEC_SECY_ATTR_ENCODING_SA (2) as a flag
    flags: { protect: onOff(d.secy.protect), validate: String(d.secy.validate), sc: onOff(d.secy.encodingSa !== 0), sa: onOff(d.secy.encodingSa !== 0), encrypt: onOff(d.secy.encrypt), send_sci: onOff(d.secy.incSci), end_station: onOff(d.secy.es), scb: onOff(d.secy.scb), replay: onOff(d.secy.replay) },
    cipher: String(d.secy.cipherSuite).toUpperCase(),
    icv: d.secy.icvLen,
    txsc: d.secy.sci,
    encodingSa: d.secy.encodingSa,
    tx: d.txSas.map(sa),
    rxsc: d.rxScs.map((r) => ({ sci: r.sci, state: onOff(r.active), sas: r.sas.map(sa) })),
    offload: String(d.offload),
  };
}

ktest(
  test,
  'seed 003 macsec: two namespaces, macsec over veth, TX SA and RX SC/SA with keys on both sides through the library; ip macsec show agrees; ping crosses',
  async () => {
    await withNetns(2, async (a, b) => {
      const ra = await Rtnl.open({ netns: a });
      const rb = await Rtnl.open({ netns: b });
      const ga = await Genl.open({ netns: a });
      const gb = await Genl.open({ netns: b });
      try {
        // two hosts joined by eth1
        await ra.links.add({ name: 'eth1', kind: 'veth', address: MAC_A, peer: { name: 'eth1', netns: b, address: MAC_B } });
        const sides: Array<[Rtnl, Genl, string, string, string, string]> = [
          [ra, ga, KEY_A, KEY_B, MAC_B, '10.100.0.1/24'],
          [rb, gb, KEY_B, KEY_A, MAC_A, '10.100.0.2/24'],
        ];
        for (const [r, g, txKey, rxKey, peerMac, addr] of sides) {
          await r.links.set('eth1', { up: true });
          // ip link add macsec0 link eth1 type macsec
          await r.links.add({ name: 'macsec0', kind: 'macsec', link: 'eth1' });
          // ip macsec add macsec0 tx sa 0 pn 1 on key 01 <key>
          await g.macsec.addTxSa('macsec0', { an: 0, pn: 1, active: true, keyId: '01', key: txKey });
          // ip macsec add macsec0 rx port 1 address <peer mac>
          await g.macsec.addRxSc('macsec0', { sci: { mac: peerMac, port: 1 } });
          // ip macsec add macsec0 rx port 1 address <peer mac> sa 0 pn 1 on key 00 <peer's key>
          await g.macsec.addRxSa('macsec0', { sci: { mac: peerMac, port: 1 }, an: 0, pn: 1, active: true, keyId: '00', key: rxKey });
          await r.addrs.add('macsec0', addr);
          await r.links.set('macsec0', { up: true });
        }
        // the oracle's view right after configuration
        // (the PNs have moved already: the device is up and sends IPv6 neighbour discovery)
        const [ia] = ipMacsec(a, 'macsec0');
        const pn = (x: string): string => x.replace(/pn=\d+/, 'pn=N');
        assert.is(ia!.txsc, sciOf(MAC_A));
        assert.equal(ia!.tx.map(pn), ['0 pn=N ssci=- on 01000000000000000000000000000000']);
        assert.equal(ia!.rxsc.map((r) => ({ ...r, sas: r.sas.map(pn) })), [{ sci: sciOf(MAC_B), state: 'on', sas: ['0 pn=N ssci=- on 00000000000000000000000000000000'] }]);
        // traffic crosses the secure channel
        sh('ip', ['netns', 'exec', a, 'ping', '-c', '3', '-i', '0.2', '-W', '5', '10.100.0.2']);
        for (const [ns, g] of [[a, ga], [b, gb]] as const) {
          const ours = (await g.macsec.show()).map(asText);
          const theirs = ipMacsec(ns);
          // packet numbers move with background traffic (IPv6 ND): compare everything but PNs, then PNs advanced
          const noPn = (x: { tx: string[]; rxsc: Array<{ sas: string[] }> }): unknown => ({ ...x, tx: x.tx.map((s) => s.replace(/pn=\d+/, 'pn')), rxsc: x.rxsc.map((r) => ({ ...r, sas: r.sas.map((s) => s.replace(/pn=\d+/, 'pn')) })) });
          assert.equal(ours.map(noPn), theirs.map(noPn), ns);
          const dev = (await g.macsec.show('macsec0'))[0]!;
          assert.ok(Number(dev.txSas[0]!.pn) > 3, 'the TX SA protected the pings');
          assert.ok(Number(dev.rxScs[0]!.sas[0]!.stats?.inPktsOk ?? 0) >= 3, 'the RX SA validated the peer\'s packets');
        }
      } finally {
        for (const h of [ga, gb]) await h.close();
        for (const h of [ra, rb]) await h.close();
      }
    }, 'msec');
  },
  ['macsec'],
);

ktest(
  test,
  'macsec: SA/SC updates and deletes, XPN with 64-bit packet numbers, salt and short SCI, offload; ip macsec show agrees; kernel errors and early refusals',
  async () => {
    await withNetns(1, async (ns) => {
      const r = await Rtnl.open({ netns: ns });
      const g = await Genl.open({ netns: ns });
      try {
        await r.links.add({ name: 'eth1', kind: 'veth', address: MAC_A, peer: 'p1' });
        await r.links.add({ name: 'macsec0', kind: 'macsec', link: 'eth1' });
        await r.links.add({ name: 'macsec1', kind: 'macsec', link: 'eth1', macsec: { port: 2, cipherSuite: 'gcm-aes-xpn-256', encrypt: true } });
        const peer = { mac: MAC_B, port: 1 };
        await g.macsec.addTxSa('macsec0', { an: 0, pn: 1, active: true, keyId: '01', key: KEY_A });
        await g.macsec.addRxSc('macsec0', { sci: peer });
        await g.macsec.addRxSa('macsec0', { sci: peer, an: 0, pn: 1, active: true, keyId: '00', key: KEY_B });
        // ip macsec set macsec0 tx sa 0 pn 100 off; rx ... off; rx ... sa 0 pn 5 off
        await g.macsec.updTxSa('macsec0', { an: 0, pn: 100, active: false });
        await g.macsec.updRxSc('macsec0', { sci: peer, active: false });
        await g.macsec.updRxSa('macsec0', { sci: peer, an: 0, pn: 5, active: false });
        await g.macsec.addTxSa('macsec0', { an: 1, pn: 7, keyId: '0102030405060708090a0b0c0d0e0f10', key: KEY_B });
        let [m0] = ipMacsec(ns, 'macsec0');
        assert.equal(m0!.tx, ['0 pn=100 ssci=- off 01000000000000000000000000000000', '1 pn=7 ssci=- off 0102030405060708090a0b0c0d0e0f10']);
        assert.equal(m0!.rxsc, [{ sci: sciOf(MAC_B), state: 'off', sas: ['0 pn=5 ssci=- off 00000000000000000000000000000000'] }]);
        // the kernel's own refusals come back as NetlinkError
        const busy = await rejectsA(g.macsec.addTxSa('macsec0', { an: 1, pn: 1, keyId: '02', key: KEY_A }), NetlinkError);
        assert.is(busy.code, 'EBUSY');
        const gone = await rejectsA(g.macsec.delRxSa('macsec0', { sci: '0200000000ff0001', an: 0 }), NetlinkError);
        assert.ok(['ENODEV', 'ENOENT'].includes(gone.code), gone.code);
        // deletes
        await g.macsec.delTxSa('macsec0', 1);
        await g.macsec.delRxSa('macsec0', { sci: peer, an: 0 });
        await g.macsec.delRxSc('macsec0', peer);
        [m0] = ipMacsec(ns, 'macsec0');
        assert.equal(m0!.tx.length, 1);
        assert.equal(m0!.rxsc, []);
        // offload: off works on any device; mac needs hardware
        await g.macsec.setOffload('macsec0', 'off');
        const noHw = await rejectsA(g.macsec.setOffload('macsec0', 'mac'), NetlinkError);
        assert.is(noHw.code, 'EOPNOTSUPP');
        // XPN: 64-bit PNs, salt, short SCI
        const SALT = '0102030405060708090a0b0c';
        const KEY256 = KEY_A + KEY_B;
        await g.macsec.addTxSa('macsec1', { an: 2, pn: 5000000000n, salt: SALT, ssci: 0x17, active: true, keyId: '0a', key: KEY256 });
        await g.macsec.addRxSc('macsec1', { sci: '020000000b010002', active: true });
        await g.macsec.addRxSa('macsec1', { sci: '020000000b010002', an: 3, pn: 7000000000n, salt: SALT, ssci: 0x18, active: true, keyId: '0b', key: KEY256 });
        const [m1] = ipMacsec(ns, 'macsec1');
        assert.is(m1!.cipher, 'GCM-AES-XPN-256');
        // iproute2 6.1 prints an XPN PN through 32 bits; the library gives it whole
        assert.equal(m1!.tx, [`2 pn=${5000000000 % 2 ** 32} ssci=00000017 on 0a000000000000000000000000000000`]);
        assert.equal(m1!.rxsc[0]!.sas, [`3 pn=${7000000000 % 2 ** 32} ssci=00000018 on 0b000000000000000000000000000000`]);
        const ours = (await g.macsec.show('macsec1'))[0]!;
        assert.is(ours.txSas[0]!.pn, 5000000000n);
        assert.is(ours.rxScs[0]!.sas[0]!.pn, 7000000000n);
        assert.equal(asText(ours), { ...m1!, flags: { ...m1!.flags } });
        // refused before anything is sent: shape, and what depends on the device's cipher
        await rejectsEachBeforeSending(g.socket, [
          [() => g.macsec.addTxSa('macsec0', { an: 2, pn: 1, keyId: '01', key: KEY256 }), 'sa.key'],
          [() => g.macsec.addTxSa('macsec0', { an: 2, pn: 5000000000n, keyId: '01', key: KEY_A }), 'sa.pn'],
          [() => g.macsec.addTxSa('macsec1', { an: 1, pn: 1, keyId: '01', key: KEY256 }), 'sa.salt'],
          [() => g.macsec.addTxSa('macsec0', { an: 5, pn: 1, keyId: '01', key: KEY_A }), 'sa.an'],
          [() => g.macsec.addTxSa('eth1', { an: 0, pn: 1, keyId: '01', key: KEY_A }), 'dev'],
        ]);
        const nodev = await rejectsA(g.macsec.addTxSa('nosuch0', { an: 0, pn: 1, keyId: '01', key: KEY_A }), NetlinkError);
        assert.is(nodev.code, 'ENODEV');
      } finally {
        await g.close();
        await r.close();
      }
    }, 'msec');
  },
  ['macsec'],
);

test.run();
