// A WireGuard tunnel between two namespaces through the library only (keys
// made in-process, devices over rtnetlink, keys/peers over generic netlink):
// ping crosses it; `wg show DEV dump` is the oracle for what the library
// set and reads back. Needs the wireguard module (VM lane).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, Genl, NetlinkError, Rtnl } from '../../src/index.js';
import { isRoot, ktest, sh, skip, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending } from '../expect.js';
import { parseWgDump, wgKeyPair, wgPsk } from '../genl-support.js';
import type { WgDevice } from '../../src/genl/index.js';

const haveWg = isRoot && sh('sh', ['-c', 'command -v wg || true']).trim() !== '';
const wgDump = (ns: string, dev = 'wg0'): ReturnType<typeof parseWgDump> => parseWgDump(sh('ip', ['netns', 'exec', ns, 'wg', 'show', dev, 'dump']));

/** Our view in `wg show dump` columns (handshake and transfer counters move: compared separately). */
function columns(d: WgDevice): { dev: string[]; peers: Map<string, string[]> } {
  return {
    dev: [d.privateKey ?? '(none)', d.publicKey ?? '(none)', String(d.listenPort), d.fwmark ? `0x${d.fwmark.toString(16)}` : 'off'],
    peers: new Map(d.peers.map((p) => [p.publicKey, [p.publicKey, p.presharedKey ?? '(none)', p.endpoint ?? '(none)', p.allowedIps.join(',') || '(none)', p.persistentKeepalive ? String(p.persistentKeepalive) : 'off']])),
  };
}
const stable = (w: ReturnType<typeof parseWgDump>): { dev: string[]; peers: Map<string, string[]> } => ({ dev: w.dev, peers: new Map([...w.peers].map(([k, v]) => [k, [v[0]!, v[1]!, v[2]!, v[3]!, v[7]!]])) });

const NAME = 'WireGuard tunnel between two namespaces through the library (keys, port, fwmark, peer with psk, endpoint, allowed IPs, keepalive) = wg show dump; ping crosses';

if (!haveWg) skip(test, NAME, isRoot ? 'wg not installed (wireguard-tools; scripts/setup.sh installs it)' : 'kernel tests need root');
else
  ktest(
    test,
    NAME,
    async () => {
      await withNetns(2, async (a, b) => {
        const ra = await Rtnl.open({ netns: a });
        const rb = await Rtnl.open({ netns: b });
        const ga = await Genl.open({ netns: a });
        const gb = await Genl.open({ netns: b });
        try {
          const ka = wgKeyPair();
          const kb = wgKeyPair();
          const psk = wgPsk();
          await ra.links.add({ name: 'eth1', kind: 'veth', peer: { name: 'eth1', netns: b } });
          const sides: Array<[Rtnl, Genl, string, string, string, string, string]> = [
            [ra, ga, '10.0.0.1/24', '10.9.0.1/24', ka.privateKey, kb.publicKey, '10.0.0.2:51820'],
            [rb, gb, '10.0.0.2/24', '10.9.0.2/24', kb.privateKey, ka.publicKey, '10.0.0.1:51820'],
          ];
          for (const [r, g, under, over, priv, peerPub, endpoint] of sides) {
            await r.addrs.add('eth1', under);
            await r.links.set('eth1', { up: true });
            await r.links.add({ name: 'wg0', kind: 'wireguard' });
            await g.wireguard.set('wg0', {
              privateKey: priv,
              listenPort: 51820,
              fwmark: 0x10,
              peers: [{ publicKey: peerPub, presharedKey: psk, endpoint, allowedIps: [over.replace(/\.\d+\/24$/, endpoint.startsWith('10.0.0.2') ? '.2/32' : '.1/32')], persistentKeepalive: 25 }],
            });
            await r.addrs.add('wg0', over);
            await r.links.set('wg0', { up: true });
          }
          // wg's view of what the library set
          const wa = wgDump(a);
          assert.equal(wa.dev, [ka.privateKey, ka.publicKey, '51820', '0x10']);
          assert.equal(wa.peers.get(kb.publicKey)!.slice(0, 4), [kb.publicKey, psk, '10.0.0.2:51820', '10.9.0.2/32']);
          assert.is(wa.peers.get(kb.publicKey)![7], '25');
          // the tunnel works
          sh('ip', ['netns', 'exec', a, 'ping', '-c', '3', '-i', '0.2', '-w', '30', '10.9.0.2']); // -w: keep sending until 3 answers or 30 s: side a's first handshake initiation went out before b's wg0 existed, and WireGuard retries only after its 5 s REKEY_TIMEOUT
          for (const [ns, g] of [[a, ga], [b, gb]] as const) {
            const ours = await g.wireguard.get('wg0');
            const theirs = wgDump(ns);
            assert.equal(columns(ours), stable(theirs), ns);
            const p = ours.peers[0]!;
            assert.ok(p.lastHandshake && p.lastHandshake.getTime() > Date.now() - 120_000, 'a handshake happened');
            assert.is(String(p.lastHandshakeTime.sec), theirs.peers.get(p.publicKey)![4], 'handshake time as wg prints it');
            assert.ok(p.rxBytes > 0n && p.txBytes > 0n);
            assert.is(ours.name, 'wg0');
            assert.is((await g.wireguard.get(ours.ifindex)).publicKey, ours.publicKey, 'by index');
          }
        } finally {
          for (const h of [ga, gb]) await h.close();
          for (const h of [ra, rb]) await h.close();
        }
      }, 'wg');
    },
    ['wireguard'],
  );

ktest(
  test,
  'wireguard: IPv6 endpoints, peer removal, replace-peers (setconf), hundreds of peers and thousands of allowed IPs split over messages both ways; errors',
  async () => {
    await withNetns(1, async (ns) => {
      const r = await Rtnl.open({ netns: ns });
      const g = await Genl.open({ netns: ns });
      try {
        await r.links.add({ name: 'wg0', kind: 'wireguard' });
        const k = wgKeyPair();
        const p1 = wgKeyPair().publicKey;
        const p2 = wgKeyPair().publicKey;
        await g.wireguard.set('wg0', { privateKey: k.privateKey, peers: [{ publicKey: p1, endpoint: '[fd00::3]:51821', allowedIps: ['10.9.3.0/24', 'fd00:9::/64'] }] });
        await g.wireguard.set('wg0', { peers: [{ publicKey: p2, endpoint: '192.0.2.7:1234', allowedIps: ['10.9.4.0/24'] }] });
        let w = wgDump(ns);
        assert.equal(w.peers.get(p1)!.slice(2, 4), ['[fd00::3]:51821', '10.9.3.0/24,fd00:9::/64']);
        assert.is(w.peers.size, 2);
        // append allowed IPs (wg addconf) vs replace (wg set)
        await g.wireguard.set('wg0', { peers: [{ publicKey: p2, allowedIps: ['10.9.5.0/24'], replaceAllowedIps: false }] });
        assert.is(wgDump(ns).peers.get(p2)![3], '10.9.4.0/24,10.9.5.0/24');
        await g.wireguard.set('wg0', { peers: [{ publicKey: p2, allowedIps: ['10.9.6.0/24'] }] });
        assert.is(wgDump(ns).peers.get(p2)![3], '10.9.6.0/24');
        // remove a peer
        await g.wireguard.set('wg0', { peers: [{ publicKey: p1, remove: true }] });
        w = wgDump(ns);
        assert.equal([...w.peers.keys()], [p2]);
        // replace all peers: 300 peers, one of them with 3000 allowed IPs
        const many = Array.from({ length: 300 }, (_, i) => ({ publicKey: wgKeyPair().publicKey, endpoint: `192.0.2.${(i % 250) + 1}:${40000 + i}`, allowedIps: [`10.${20 + (i >> 8)}.${i & 255}.0/24`] }));
        many[7]!.allowedIps = Array.from({ length: 3000 }, (_, i) => `10.${100 + (i >> 8)}.${i & 255}.0/24`);
        const sent = g.socket.stats.requests;
        await g.wireguard.set('wg0', { replacePeers: true, listenPort: 51900, peers: many });
        assert.ok(g.socket.stats.requests - sent > 2, 'split over several messages');
        w = wgDump(ns);
        assert.is(w.peers.size, 300);
        assert.ok(!w.peers.has(p2), 'replaced');
        assert.is(w.peers.get(many[7]!.publicKey)![3]!.split(',').length, 3000);
        assert.is(w.dev[2], '51900');
        const ours = await g.wireguard.get('wg0');
        assert.equal(columns(ours), stable(w), 'our reassembly of the split dump = wg show dump');
        // clear the private key (all zeros), fwmark off
        await g.wireguard.set('wg0', { privateKey: null, fwmark: 'off' });
        assert.equal(wgDump(ns).dev.slice(0, 2), ['(none)', '(none)']);
        // errors: refused early, or by the kernel
        await rejectsEachBeforeSending(g.socket, [
          [() => g.wireguard.set('wg0', { privateKey: 'AAAA' }), 'config.privateKey'],
          [() => g.wireguard.set('wg0', { peers: [{ publicKey: p1, endpoint: 'vpn.example.com:51820' }] }), 'config.peers[0].endpoint'],
          [() => g.wireguard.set('wg0', { peers: [{ publicKey: p1, allowedIps: ['10.0.0.0/40'] }] }), 'config.peers[0].allowedIps[0]'],
        ]);
        const nodev = await rejectsA(g.wireguard.get('nosuch0'), NetlinkError);
        assert.is(nodev.code, 'ENODEV');
        await r.links.add({ name: 'v0', kind: 'veth', peer: 'v1' });
        const notWg = await rejectsA(g.wireguard.set('v0', { listenPort: 1 }), NetlinkError);
        assert.is(notWg.code, 'EOPNOTSUPP');
        await rejectsA(g.wireguard.set('wg0', { bogus: 1 } as never), ArgumentError);
      } finally {
        await g.close();
        await r.close();
      }
    }, 'wg');
  },
  ['wireguard'],
);

test.run();
