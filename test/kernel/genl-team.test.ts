// A team device in activebackup mode with two ports and an active port
// switch, through the library only (the team kernel driver without teamd:
// mode and active port are team options over generic netlink, ports are
// enslaved over rtnetlink). `teamnl` is the oracle, and the ports' transmit
// counters (`ip -s -j link`) show which port carries the traffic. Needs the
// team module (VM lane).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ArgumentError, Genl, NetlinkError, Rtnl, netns } from '../../src/index.js';
import { ipJson, isRoot, ktest, lane, sh, skip, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending } from '../expect.js';

const haveTeamnl = isRoot && sh('sh', ['-c', 'command -v teamnl || true']).trim() !== '';
const teamnl = (ns: string, ...a: string[]): string => sh('ip', ['netns', 'exec', ns, 'teamnl', ...a]).trim();
const ifindex = (ns: string, dev: string): number => ipJson<Array<{ ifindex: number }>>(ns, 'link', 'show', dev)[0]!.ifindex;
const txPackets = (ns: string, dev: string): number => ipJson<Array<{ stats64: { tx: { packets: number } } }>>(ns, '-s', 'link', 'show', dev)[0]!.stats64.tx.packets;

const NAME = 'team activebackup with two ports through the library: mode, ports, active port and its switch = teamnl; traffic leaves through the active port';

if (!haveTeamnl) skip(test, NAME, isRoot ? 'teamnl not installed (libteam-utils; scripts/setup.sh installs it)' : 'kernel tests need root');
else
  ktest(
    test,
    NAME,
    async () => {
      await withNetns(2, async (t, s) => {
        const rt = await Rtnl.open({ netns: t });
        const rs = await Rtnl.open({ netns: s });
        const g = await Genl.open({ netns: t });
        try {
          // the switch side: both ports' peers in one bridge with the address we ping
          await rs.links.add({ name: 'br0', kind: 'bridge' });
          await rs.links.set('br0', { up: true });
          await rs.addrs.add('br0', '10.1.1.2/24');
          // ip link add team0 type team; teamnl team0 setoption mode activebackup
          await rt.links.add({ name: 'team0', kind: 'team' });
          await g.team.setOptions('team0', { mode: 'activebackup' });
          assert.is(teamnl(t, 'team0', 'getoption', 'mode'), 'activebackup');
          // teamd's default hwaddr_policy (same_all) gives every port the team's MAC; without teamd
          // the ports keep their own and the kernel drops replies to the team's MAC as not for them
          const teamMac = (await rt.links.get('team0')).address!;
          for (const [port, peer] of [['eth1', 'p1'], ['eth2', 'p2']]) {
            await rt.links.add({ name: port!, kind: 'veth', address: teamMac, peer: { name: peer, netns: s } });
            // a team port is no bond slave to IPv6: it would send its own ND/MLD, blurring which port carries the team's traffic
            await netns.sysctl(t, `net.ipv6.conf.${port}.disable_ipv6`, 1);
            await rs.links.set(peer!, { master: 'br0', up: true });
            // ip link set ethN master team0 (ports are added down)
            await rt.links.set(port!, { master: 'team0' });
            await rt.links.set(port!, { up: true });
          }
          await rt.links.set('team0', { up: true });
          await rt.addrs.add('team0', '10.1.1.1/24');
          await g.team.setOptions('team0', { activeport: 'eth1' });
          assert.is(Number(teamnl(t, 'team0', 'getoption', 'activeport')), ifindex(t, 'eth1'));
          assert.is(await g.team.option('team0', 'activeport'), ifindex(t, 'eth1'));
          // ports and options as teamnl lists them
          const ports = await g.team.ports('team0');
          const portLines = ports.map((p) => `${p.ifindex}: ${p.name}: ${p.linkup ? 'up' : 'down'} ${p.speed}Mbit ${p.duplex === 'full' ? 'FD' : 'HD'}`).sort();
          assert.equal(portLines, teamnl(t, 'team0', 'ports').split('\n').map((l) => l.trim()).sort());
          assert.equal(ports.map((p) => p.name).sort(), ['eth1', 'eth2']);
          const optLines = (await g.team.options('team0')).map((o) => `${o.name}${o.portName ? ` (port:${o.portName})` : ''} ${String(o.value)}`.trim()).sort();
          assert.equal(optLines, teamnl(t, 'team0', 'options').split('\n').map((l) => l.trim()).sort());
          // traffic goes out through the active port only
          const ping = (): void => void sh('ip', ['netns', 'exec', t, 'ping', '-c', '3', '-i', '0.2', '-W', '5', '10.1.1.2']);
          let e1 = txPackets(t, 'eth1');
          let e2 = txPackets(t, 'eth2');
          ping();
          assert.ok(txPackets(t, 'eth1') - e1 >= 3, 'eth1 (active) sent the pings');
          assert.is(txPackets(t, 'eth2') - e2, 0, 'eth2 (backup) sent nothing');
          // the active port switch
          await g.team.setOptions('team0', { activeport: 'eth2' });
          assert.is(Number(teamnl(t, 'team0', 'getoption', 'activeport')), ifindex(t, 'eth2'));
          e1 = txPackets(t, 'eth1');
          e2 = txPackets(t, 'eth2');
          ping();
          assert.ok(txPackets(t, 'eth2') - e2 >= 3, 'eth2 (now active) sent the pings');
          assert.is(txPackets(t, 'eth1') - e1, 0, 'eth1 (now backup) sent nothing');
          // per-port options
          await g.team.setOptions('team0', { ports: { eth1: { queue_id: 3, priority: -5, enabled: false } } });
          assert.is(teamnl(t, '-p', 'eth1', 'team0', 'getoption', 'queue_id'), '3');
          assert.is(teamnl(t, '-p', 'eth1', 'team0', 'getoption', 'priority'), '-5');
          assert.is(teamnl(t, '-p', 'eth1', 'team0', 'getoption', 'enabled'), 'false');
          assert.is(await g.team.option('team0', 'priority', { port: 'eth1' }), -5);
          // the kernel refuses a mode change while ports are attached
          const busy = await rejectsA(g.team.setOptions('team0', { mode: 'roundrobin' }), NetlinkError);
          assert.is(busy.code, 'EBUSY');
          assert.is(teamnl(t, 'team0', 'getoption', 'mode'), 'activebackup');
          // refused before anything is sent
          await rejectsEachBeforeSending(g.socket, [
            [() => g.team.setOptions('team0', { activeport: -1 }), 'options.activeport'],
            [() => g.team.setOptions('team0', { enabled: true } as never), 'options.enabled'],
            [() => g.team.setOptions('team0', { ports: { eth1: { priority: 'high' as never } } }), 'options.ports.eth1.priority'],
            [() => g.team.setOptions('eth1', { mode: 'broadcast' }), 'dev'],
          ]);
          await rejectsA(g.team.setOptions('team0', { no_such_option: 1 }), ArgumentError, /no option "no_such_option"/);
        } finally {
          await g.close();
          await rt.close();
          await rs.close();
        }
      }, 'team');
    },
    ['team'],
  );

const RELOAD = 'a family that goes away (module unloaded and loaded again: a new id) is resolved again by the handle';
if (lane !== 'vm') skip(test, RELOAD, 'vm-only: unloads and reloads the team module');
else
  ktest(
    test,
    RELOAD,
    async () => {
      await withNetns(1, async (ns) => {
        const r = await Rtnl.open({ netns: ns });
        const g = await Genl.open({ netns: ns });
        try {
          await r.links.add({ name: 'tm0', kind: 'team' });
          await g.team.setOptions('tm0', { mode: 'roundrobin' });
          const before = (await g.family('team')).id;
          await r.links.del('tm0');
          const mods = ['team_mode_activebackup', 'team_mode_broadcast', 'team_mode_loadbalance', 'team_mode_random', 'team_mode_roundrobin', 'team'];
          const rm = spawnSync('rmmod', mods, { encoding: 'utf8' });
          if (rm.status !== 0) assert.unreachable(`rmmod: ${rm.stderr}`);
          sh('modprobe', ['team']);
          await r.links.add({ name: 'tm0', kind: 'team' });
          // the handle still holds the old id; the request goes out with it, fails with ENOENT, and is retried
          await g.team.setOptions('tm0', { mode: 'activebackup' });
          const after = g.ids.id('team');
          assert.ok(after !== undefined && after !== before, `new id ${after} (was ${before})`);
          const oracle = /ID: 0x([0-9a-f]+)/.exec(sh('ip', ['netns', 'exec', ns, 'genl', 'ctrl', 'get', 'name', 'team']))!;
          assert.is(after, parseInt(oracle[1]!, 16));
          assert.is(sh('ip', ['netns', 'exec', ns, 'teamnl', 'tm0', 'getoption', 'mode']).trim(), 'activebackup');
        } finally {
          await g.close();
          await r.close();
          spawnSync('modprobe', ['-a', 'team', 'team_mode_activebackup', 'team_mode_broadcast', 'team_mode_loadbalance', 'team_mode_random', 'team_mode_roundrobin']);
        }
      }, 'team');
    },
    ['team'],
  );

test.run();
