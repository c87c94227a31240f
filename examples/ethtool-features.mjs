#!/usr/bin/env node
// ethtool features of a veth read and toggled through the library: TSO off
// and GRO on (`ethtool -K v0 tso off gro on`), then the features listed as
// `ethtool -k v0` lists them.
//
//   node examples/ethtool-features.mjs NS                    # creates NS with v0/v1, toggles, prints
//   ip netns exec NS ethtool -k v0                            # ethtool's view
//   node examples/ethtool-features.mjs --cleanup NS
import { Genl, Rtnl, netns } from '../dist/src/index.js';

const args = process.argv.slice(2);
const cleanup = args[0] === '--cleanup';
const [ns = 'ethtool-demo'] = cleanup ? args.slice(1) : args;
if (cleanup) {
  if (await netns.exists(ns)) await netns.del(ns);
  process.exit(0);
}
await netns.add(ns);
const r = await Rtnl.open({ netns: ns });
const g = await Genl.open({ netns: ns });
try {
  await r.links.add({ name: 'v0', kind: 'veth', peer: 'v1' });
  const before = await g.ethtool.features('v0');
  console.log(`before: tx-tcp-segmentation ${before['tx-tcp-segmentation'].active ? 'on' : 'off'}, rx-gro ${before['rx-gro'].active ? 'on' : 'off'}`);
  // ethtool -K v0 tso off gro on   (tso: every tx-tcp*-segmentation feature of this kernel)
  const change = await g.ethtool.setFeatures('v0', { tso: false, gro: true });
  console.log('changed:', change.changed, 'not applied:', change.notApplied);
  for (const [name, f] of Object.entries(await g.ethtool.features('v0'))) {
    console.log(`${name}: ${f.active ? 'on' : 'off'}${f.fixed ? ' [fixed]' : f.wanted !== f.active ? ` [requested ${f.wanted ? 'on' : 'off'}]` : ''}`);
  }
} finally {
  await g.close();
  await r.close();
}
