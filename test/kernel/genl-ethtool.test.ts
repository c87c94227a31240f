// Generic netlink against the live kernel on veth (no special driver): the
// controller (families vs `genl ctrl list`), ethtool features read and toggled
// (`ethtool -k` as the oracle), channels (`ethtool -l`), driver info
// (`ethtool -i`), link settings (`ethtool`), errors with ext-ack, the monitor
// group, handle hygiene. Everything configured through the library only.
import { test } from 'uvu';
import { spawnSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Genl, NetlinkError, Rtnl } from '../../src/index.js';
import { ArgumentError } from '../../src/netlink/errors.js';
import { fdCount, fdList, isRoot, ktest, sh, skip, threadNetnsInode, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending } from '../expect.js';
import { parseEthtoolK } from '../genl-support.js';

const haveEthtool = isRoot && sh('sh', ['-c', 'command -v ethtool || true']).trim() !== '';
const haveGenl = isRoot && sh('sh', ['-c', 'command -v genl || true']).trim() !== '';

async function withVeth<T>(fn: (ns: string, genl: Genl, rtnl: Rtnl) => Promise<T>): Promise<T> {
  return withNetns(1, async (ns) => {
    const rtnl = await Rtnl.open({ netns: ns });
    const genl = await Genl.open({ netns: ns });
    try {
      await rtnl.links.add({ name: 'v0', kind: 'veth', numTxQueues: 4, numRxQueues: 4, peer: { name: 'v1', numTxQueues: 4, numRxQueues: 4 } });
      await rtnl.links.set('v0', { up: true });
      await rtnl.links.set('v1', { up: true });
      return await fn(ns, genl, rtnl);
    } finally {
      await genl.close();
      await rtnl.close();
    }
  }, 'genl');
}

/** ethtool's stdout and stderr (its errors go to stderr). */
const ethtool = (ns: string, ...args: string[]): string => {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ethtool', ...args], { encoding: 'utf8' });
  return r.stdout + r.stderr;
};

if (!haveGenl) skip(test, 'families = genl ctrl list', isRoot ? 'genl (iproute2) not installed' : 'kernel tests need root');
else
  ktest(test, 'families = genl ctrl list; family() is cached per handle; an absent family is ENOENT naming it', async () => {
    await withNetns(1, async (ns) => {
      const genl = await Genl.open({ netns: ns });
      try {
        const fams = await genl.families();
        const text = sh('ip', ['netns', 'exec', ns, 'genl', 'ctrl', 'list']);
        const theirs = [...text.matchAll(/Name: (\S+)\s*\n\s*ID: 0x([0-9a-f]+)\s+Version: 0x([0-9a-f]+)/g)].map((m) => `${m[1]}=${parseInt(m[2]!, 16)}/v${parseInt(m[3]!, 16)}`);
        assert.equal(fams.map((f) => `${f.name}=${f.id}/v${f.version}`).sort(), theirs.sort());
        const ethtoolFam = fams.find((f) => f.name === 'ethtool')!;
        const before = genl.socket.stats.requests;
        const a = await genl.family('ethtool');
        const b = await genl.family('ethtool');
        assert.is(a, b, 'one resolution, cached');
        assert.is(genl.socket.stats.requests, before + 1);
        assert.is(a.id, ethtoolFam.id);
        assert.ok(a.mcastGroups.some((g) => g.name === 'monitor'));
        assert.ok(a.ops.find((o) => o.name === 'ETHTOOL_MSG_FEATURES_GET')?.dump);
        assert.is(genl.ids.id('ethtool'), a.id, 'the id was learnt');
        const e = await rejectsA(genl.family('nosuchfamily'), NetlinkError, /family "nosuchfamily" is not available/);
        assert.is(e.code, 'ENOENT');
        await rejectsA(genl.family('x'.repeat(16)), ArgumentError);
      } finally {
        await genl.close();
      }
    });
  });

if (!haveEthtool) skip(test, 'ethtool features on veth', isRoot ? 'ethtool not installed (scripts/setup.sh installs it)' : 'kernel tests need root');
else {
  ktest(test, 'ethtool features of a veth read and toggled through the library = ethtool -k', async () => {
    await withVeth(async (ns, genl) => {
      const check = async (what: string): Promise<void> => {
        const ours = await genl.ethtool.features('v0');
        const theirs = parseEthtoolK(ethtool(ns, '-k', 'v0'));
        let n = 0;
        for (const [name, t] of theirs) {
          const f = ours[name];
          if (!f) continue; // ethtool's group lines
          assert.is(f.active, t.on, `${what}: ${name}`);
          assert.is(f.fixed, t.fixed, `${what}: ${name} fixed`);
          if (t.requested !== undefined) assert.is(f.wanted, t.requested, `${what}: ${name} requested`);
          n++;
        }
        assert.ok(n > 40, `${what}: ${n} features compared`);
      };
      await check('initially');
      const r1 = await genl.ethtool.setFeatures('v0', { 'tx-tcp-segmentation': false, 'rx-gro': true });
      assert.is(r1.changed['tx-tcp-segmentation'], false);
      assert.is(r1.changed['rx-gro'], true);
      assert.equal(r1.notApplied, {});
      await check('after tso off, gro on');
      // ethtool prints a feature alone in its group under the group's name (rx-gro: generic-receive-offload)
      const k = parseEthtoolK(ethtool(ns, '-k', 'v0'));
      assert.is(k.get('tx-tcp-segmentation')!.on, false);
      assert.is(k.get('generic-receive-offload')!.on, true);
      // ethtool's short name: every tx-tcp*-segmentation the kernel has
      const r2 = await genl.ethtool.setFeatures('v0', { tso: true });
      assert.ok(Object.keys(r2.changed).includes('tx-tcp-segmentation'));
      for (const [name, t] of parseEthtoolK(ethtool(ns, '-k', 'v0'))) if (/^tx-tcp.*-segmentation$/.test(name) && !t.fixed) assert.ok(t.on, name);
      // a fixed feature: accepted by the kernel, not applied, reported
      const r3 = await genl.ethtool.setFeatures('v0', { 'rx-ntuple-filter': true });
      assert.equal(r3.notApplied, { 'rx-ntuple-filter': true });
      assert.equal(parseEthtoolK(ethtool(ns, '-k', 'v0')).get('ntuple-filters'), { on: false, fixed: true });
      await check('at the end');
      // names the kernel does not know: refused before the change is sent
      await rejectsEachBeforeSending(genl.socket, [
        [() => genl.ethtool.setFeatures('v0', { 'tx-no-such-feature': true }), 'features.tx-no-such-feature'],
        [() => genl.ethtool.setFeatures('v0', { 'rx-gro': 1 as never }), 'features.rx-gro'],
      ]);
    });
  });

  ktest(test, 'channels, driver info, link settings and state = ethtool -l, -i, ethtool DEV; errors carry the ext-ack and the attribute', async () => {
    await withVeth(async (ns, genl) => {
      const num = (v: number | undefined): string => (v ? String(v) : 'n/a');
      const chText = (): string[] => {
        const t = ethtool(ns, '-l', 'v0');
        return [...t.matchAll(/^(RX|TX|Other|Combined):\s+(\S+)/gm)].map((m) => `${m[1]}=${m[2]}`);
      };
      const chOurs = async (): Promise<string[]> => {
        const c = await genl.ethtool.channels('v0');
        return [`RX=${num(c.rxMax)}`, `TX=${num(c.txMax)}`, `Other=${num(c.otherMax)}`, `Combined=${num(c.combinedMax)}`, `RX=${num(c.rxCount)}`, `TX=${num(c.txCount)}`, `Other=${num(c.otherCount)}`, `Combined=${num(c.combinedCount)}`];
      };
      assert.equal(await chOurs(), chText());
      await genl.ethtool.setChannels('v0', { rxCount: 2, txCount: 3 });
      assert.equal(await chOurs(), chText());
      assert.ok(chText().includes('RX=2') && chText().includes('TX=3'));
      const e = await rejectsA(genl.ethtool.setChannels('v0', { rxCount: 9 }), NetlinkError);
      assert.is(e.code, 'EINVAL');
      assert.is(e.extack.message, 'requested channel count exceeds maximum');
      assert.is(e.extack.attributePath, 'ETHTOOL_A_CHANNELS_RX_COUNT');
      const nodev = await rejectsA(genl.ethtool.channels('nosuch0'), NetlinkError);
      assert.is(nodev.code, 'ENODEV');
      assert.match(nodev.extack.attributePath ?? '', /ETHTOOL_A_CHANNELS_HEADER\/ETHTOOL_A_HEADER_DEV_NAME/);
      const rings = await genl.ethtool.rings('v0').then(
        (r) => r,
        (x: NetlinkError) => x,
      );
      const ringsText = ethtool(ns, '-g', 'v0');
      if (rings instanceof NetlinkError) {
        assert.is(rings.code, 'EOPNOTSUPP');
        assert.match(ringsText, /Operation not supported/);
      } else assert.match(ringsText, new RegExp(`RX:\\s+${rings.rx}`));
      // driver info (ioctl, as ethtool -i)
      const d = await genl.ethtool.driverInfo('v0');
      const i = ethtool(ns, '-i', 'v0');
      assert.match(i, new RegExp(`^driver: ${d.driver}$`, 'm'));
      assert.match(i, new RegExp(`^version: ${d.version.replace(/\./g, '\\.')}$`, 'm'));
      assert.is(d.driver, 'veth');
      assert.is((await genl.ethtool.driverInfo((await genl.link('v0')).index)).driver, 'veth', 'by index');
      await rejectsA(genl.ethtool.driverInfo('nosuch0'), NetlinkError, /ENODEV/);
      // link settings and state
      const s = ethtool(ns, 'v0');
      const line = (k: string): string => new RegExp(`^\\s*${k}: (.*)$`, 'm').exec(s)![1]!.trim();
      const modes = await genl.ethtool.linkModes('v0');
      const info = await genl.ethtool.linkInfo('v0');
      const state = await genl.ethtool.linkState('v0');
      assert.is(`${modes.speed}Mb/s`, line('Speed'));
      assert.is(modes.duplex === 'full' ? 'Full' : 'Half', line('Duplex'));
      assert.is(modes.autoneg ? 'on' : 'off', line('Auto-negotiation'));
      assert.is(String(info.transceiver), line('Transceiver'));
      assert.is(state.link ? 'yes' : 'no', line('Link detected'));
    });
  });

  ktest(test, "ethtool's monitor group: a feature change through the library arrives as ETHTOOL_MSG_FEATURES_NTF", async () => {
    await withVeth(async (_ns, genl) => {
      const mon = await genl.monitor('ethtool', ['monitor']);
      try {
        await genl.ethtool.setFeatures('v0', { 'rx-gro': true });
        const deadline = Date.now() + 5000;
        for await (const ev of mon) {
          if (ev.type === 'message' && ev.message?.cmdName === 'ETHTOOL_MSG_FEATURES_NTF') {
            assert.is((ev.message.attrs!.header as Record<string, unknown>).devName, 'v0');
            break;
          }
          if (Date.now() > deadline) assert.unreachable('no FEATURES_NTF');
        }
      } finally {
        mon.close();
      }
    });
  });
}

ktest(test, 'handles: no fd left after close (rtnetlink lookups and monitors included), the thread stays in its namespace, await using closes', async () => {
  await withNetns(1, async (ns) => {
    const rtnl = await Rtnl.open({ netns: ns });
    await rtnl.links.add({ name: 'v0', kind: 'veth', peer: 'v1' });
    await rtnl.close();
    const fds = fdCount();
    const ino = threadNetnsInode();
    for (let i = 0; i < 20; i++) {
      const g = await Genl.open({ netns: ns });
      await g.ethtool.channels('v0');
      await g.link('v0');
      const m = await g.monitor('nlctrl');
      m.close();
      await g.close();
      await g.close(); // idempotent
    }
    {
      await using g = await Genl.open({ netns: ns });
      await g.ethtool.linkState('v0');
    }
    assert.is(threadNetnsInode(), ino);
    assert.is(fdCount(), fds, `fds: ${fdList().join(', ')}`);
  });
});

test.run();
