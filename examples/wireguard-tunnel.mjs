#!/usr/bin/env node
// A WireGuard tunnel between two namespaces through the library only: keys
// made in-process (X25519 from node:crypto, no `wg genkey`), an underlay veth
// (10.0.0.1 <-> 10.0.0.2), wg0 on each side (10.9.0.1 <-> 10.9.0.2).
//
//   node examples/wireguard-tunnel.mjs NS_A NS_B             # build
//   ip netns exec NS_A ping 10.9.0.2                          # through the tunnel
//   ip netns exec NS_A wg show wg0                            # wg's view
//   node examples/wireguard-tunnel.mjs --cleanup NS_A NS_B
//
//   wg set wg0 private-key K listen-port 51820 peer P preshared-key S endpoint 10.0.0.2:51820 allowed-ips 10.9.0.2/32 persistent-keepalive 25
//   genl.wireguard.set('wg0', { privateKey: K, listenPort: 51820,
//     peers: [{ publicKey: P, presharedKey: S, endpoint: '10.0.0.2:51820', allowedIps: ['10.9.0.2/32'], persistentKeepalive: 25 }] })
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Genl, Rtnl, netns } from '../dist/src/index.js';

const args = process.argv.slice(2);
const cleanup = args[0] === '--cleanup';
const [nsA = 'wg-a', nsB = 'wg-b'] = cleanup ? args.slice(1) : args;
if (cleanup) {
  for (const n of [nsA, nsB]) if (await netns.exists(n)) await netns.del(n);
  process.exit(0);
}

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const b64 = (s) => Buffer.from(s, 'base64url').toString('base64');
  return { privateKey: b64(privateKey.export({ format: 'jwk' }).d), publicKey: b64(publicKey.export({ format: 'jwk' }).x) };
}
const psk = randomBytes(32).toString('base64');
const sides = [
  { ns: nsA, keys: keyPair(), under: '10.0.0.1', over: '10.9.0.1' },
  { ns: nsB, keys: keyPair(), under: '10.0.0.2', over: '10.9.0.2' },
];
for (const s of sides) await netns.add(s.ns);
{
  const r = await Rtnl.open({ netns: nsA });
  await r.links.add({ name: 'eth1', kind: 'veth', peer: { name: 'eth1', netns: nsB } });
  await r.close();
}
for (const [me, peer] of [[sides[0], sides[1]], [sides[1], sides[0]]]) {
  const r = await Rtnl.open({ netns: me.ns });
  const g = await Genl.open({ netns: me.ns });
  try {
    await r.addrs.add('eth1', `${me.under}/24`);
    await r.links.set('eth1', { up: true });
    await r.links.add({ name: 'wg0', kind: 'wireguard' });
    await g.wireguard.set('wg0', {
      privateKey: me.keys.privateKey,
      listenPort: 51820,
      peers: [{ publicKey: peer.keys.publicKey, presharedKey: psk, endpoint: `${peer.under}:51820`, allowedIps: [`${peer.over}/32`], persistentKeepalive: 25 }],
    });
    await r.addrs.add('wg0', `${me.over}/24`);
    await r.links.set('wg0', { up: true });
    const d = await g.wireguard.get('wg0');
    console.log(`${me.ns}: ${d.name} key ${d.publicKey} port ${d.listenPort}; peer ${d.peers[0].publicKey} at ${d.peers[0].endpoint} for ${d.peers[0].allowedIps.join(', ')}`);
  } finally {
    await g.close();
    await r.close();
  }
}
console.log(`ready: ip netns exec ${nsA} ping ${sides[1].over}`);
