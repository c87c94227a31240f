// Capture real kernel datagrams for unit-test fixtures (run once, as root).
import { Rtnl, netns } from 'rtnetlink';
import { writeFileSync } from 'node:fs';
const ns = 'rtnl-fixture-' + process.pid;
await netns.add(ns);
const frames = [];
const r = await Rtnl.open({ netns: ns, tap: (dir, buf) => frames.push({ dir, hex: buf.toString('hex') }) });
await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
await r.links.add({ name: 'br0', kind: 'bridge', bridge: { stpState: 1, forwardDelay: 400 } });
await r.links.set('veth0', { master: 'br0', up: true });
frames.length = 0;
await r.links.list();
const dump = frames.slice();
frames.length = 0;
try { await r.links.add({ name: 'x0', kind: 'nosuchkind' }); } catch (e) { console.log(e.message); }
const err = frames.slice();
await r.close();
await netns.del(ns);
writeFileSync('test/fixtures/link-dump.json', JSON.stringify({ note: 'RTM_GETLINK dump in a fresh namespace holding lo, veth0 (in bridge br0), veth1, br0; captured from kernel ' + (await import('node:os')).release() + ' with the library tap', frames: dump }, null, 1));
writeFileSync('test/fixtures/error-extack.json', JSON.stringify({ note: 'RTM_NEWLINK kind=nosuchkind and the kernel NLMSG_ERROR with extended ACK; kernel ' + (await import('node:os')).release(), frames: err }, null, 1));
console.log(dump.length, err.length, dump.map(f => f.dir + f.hex.length/2));
