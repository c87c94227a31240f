#!/usr/bin/env node
// Seed 003, MACsec (Sabrina Dubroca's "Configuration example"), through the
// library only: two hosts (network namespaces A and B) joined by eth1, a
// macsec0 on eth1 in each, a transmit SA with its key, and a receive channel
// and SA for the other host's key; addresses 10.100.0.1 and .2 on macsec0.
//
//   node examples/macsec-seed003.mjs NS_A NS_B           # build (the namespaces must not exist)
//   ip netns exec NS_A ping 10.100.0.2                    # traffic crosses the secure channel
//   ip -n NS_A macsec show                                # iproute2's view
//   node examples/macsec-seed003.mjs --cleanup NS_A NS_B  # remove both namespaces
//
// The ip commands of the seed, and the call doing each here:
//   ip link add macsec0 link eth1 type macsec            rtnl.links.add({ name: 'macsec0', kind: 'macsec', link: 'eth1' })
//   ip macsec add macsec0 tx sa 0 pn 1 on key 01 KEY     genl.macsec.addTxSa('macsec0', { an: 0, pn: 1, active: true, keyId: '01', key })
//   ip macsec add macsec0 rx port 1 address MAC          genl.macsec.addRxSc('macsec0', { sci: { mac, port: 1 } })
//   ip macsec add macsec0 rx port 1 address MAC sa 0 pn 1 on key 00 KEY
//                                                        genl.macsec.addRxSa('macsec0', { sci: { mac, port: 1 }, an: 0, pn: 1, active: true, keyId: '00', key })
import { Genl, Rtnl, netns } from '../dist/src/index.js';

const args = process.argv.slice(2);
const cleanup = args[0] === '--cleanup';
const [nsA = 'macsec-a', nsB = 'macsec-b'] = cleanup ? args.slice(1) : args;
if (cleanup) {
  for (const n of [nsA, nsB]) if (await netns.exists(n)) await netns.del(n);
  process.exit(0);
}

const hosts = [
  { ns: nsA, mac: '02:00:00:00:0a:01', key: '81cb1ae2c6cfa4b4f3e9e3dc92d41a5e', addr: '10.100.0.1/24' },
  { ns: nsB, mac: '02:00:00:00:0b:01', key: '4a2b6a3c1b2c7d9e0f1e2d3c4b5a6978', addr: '10.100.0.2/24' },
];
for (const h of hosts) await netns.add(h.ns);

const rtnl = await Rtnl.open({ netns: nsA });
await rtnl.links.add({ name: 'eth1', kind: 'veth', address: hosts[0].mac, peer: { name: 'eth1', netns: nsB, address: hosts[1].mac } });
await rtnl.close();

for (const [me, peer] of [[hosts[0], hosts[1]], [hosts[1], hosts[0]]]) {
  const r = await Rtnl.open({ netns: me.ns });
  const g = await Genl.open({ netns: me.ns });
  try {
    await r.links.set('lo', { up: true });
    await r.links.set('eth1', { up: true });
    await r.links.add({ name: 'macsec0', kind: 'macsec', link: 'eth1' });
    await g.macsec.addTxSa('macsec0', { an: 0, pn: 1, active: true, keyId: '01', key: me.key });
    await g.macsec.addRxSc('macsec0', { sci: { mac: peer.mac, port: 1 } });
    await g.macsec.addRxSa('macsec0', { sci: { mac: peer.mac, port: 1 }, an: 0, pn: 1, active: true, keyId: '00', key: peer.key });
    await r.addrs.add('macsec0', me.addr);
    await r.links.set('macsec0', { up: true });
    for (const d of await g.macsec.show('macsec0')) {
      console.log(`${me.ns}: ${d.name} TXSC ${d.secy.sci} SA ${d.txSas.map((s) => `${s.an} pn ${s.pn} key ${s.keyId}`).join(', ')}; RXSC ${d.rxScs.map((x) => `${x.sci} SA ${x.sas.map((s) => s.an).join(',')}`).join('; ')}`);
    }
  } finally {
    await g.close();
    await r.close();
  }
}
console.log(`ready: ip netns exec ${nsA} ping ${hosts[1].addr.split('/')[0]}`);
