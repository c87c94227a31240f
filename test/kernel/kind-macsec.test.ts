// macsec links against the live kernel (module macsec), `ip -j -d link` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kindData } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, bool, compareData, ipLink, libLink, openTapped } from '../kinds-support.js';

const macsecMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  sci: (d) => d.sci,
  protect: (d) => bool(d.protect),
  cipher_suite: (d) => String(d.cipherSuite).toUpperCase(),
  icv_len: (d) => d.icvLen,
  encoding_sa: (d) => d.encodingSa,
  validation: (d) => d.validation,
  encrypt: (d) => bool(d.encrypt),
  inc_sci: (d) => bool(d.incSci),
  es: (d) => bool(d.es),
  scb: (d) => bool(d.scb),
  replay_protect: (d) => bool(d.replayProtect),
  window: (d) => d.window,
  offload: (d) => d.offload,
};

ktest(
  test,
  'macsec with port, cipher, ICV length, encryption, replay window and validation; and one with an explicit SCI: ip and library list agree',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p', address: '02:00:00:00:00:01' });
        await r.links.add({
          name: 'macsec0',
          kind: 'macsec',
          link: 'eth0',
          macsec: { port: 11, encrypt: true, cipherSuite: 'gcm-aes-256', icvLen: 16, validation: 'strict', replayProtect: true, window: 32, incSci: true, encodingSa: 2 },
        });
        await r.links.add({ name: 'macsec1', kind: 'macsec', link: 'eth0', macsec: { sci: { mac: '02:00:00:00:00:99', port: 2 }, validation: 'check', protect: false } });
        const i0 = ipLink(ns, 'macsec0').linkinfo!.info_data!;
        assert.equal(i0.sci, '020000000001000b', 'SCI = the parent MAC and port 11');
        assert.equal([i0.cipher_suite, i0.icv_len, i0.encrypt, i0.validation, i0.replay_protect, i0.window, i0.encoding_sa], ['GCM-AES-256', 16, true, 'strict', true, 32, 2]);
        const i1 = ipLink(ns, 'macsec1').linkinfo!.info_data!;
        assert.equal([i1.sci, i1.validation, i1.protect], ['0200000000990002', 'check', false]);
        const links = await r.links.list();
        for (const [n, i] of [['macsec0', i0], ['macsec1', i1]] as const) {
          const l = links.find((x) => x.name === n)!;
          assert.equal(l.link, links.find((x) => x.name === 'eth0')!.index);
          compareData(n, i, kindData(l, 'macsec') as Record<string, unknown>, macsecMap);
        }
        await r.links.set('macsec1', { macsec: { encrypt: true, validation: 'strict' } });
        const i1b = ipLink(ns, 'macsec1').linkinfo!.info_data!;
        assert.equal([i1b.encrypt, i1b.validation], [true, 'strict']);
        compareData('macsec1 after set', i1b, kindData(await libLink(r, 'macsec1'), 'macsec') as Record<string, unknown>, macsecMap);
        assert.ok(assertRoundTrip(t.inbound, 'macsec') >= 5);
        await r.links.del('macsec0');
        await r.links.del('macsec1');
        assert.equal((await r.links.list()).filter((l) => l.kind === 'macsec'), []);
      } finally {
        await t.close();
      }
    });
  },
  ['macsec'],
);

ktest(test, 'macsec options are checked before anything is sent (runs without macsec)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { icvLen: 20 } }), 'macsec.icvLen'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { cipherSuite: 'aes' as never } }), 'macsec.cipherSuite'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { port: 0 } }), 'macsec.port'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { encodingSa: 4 } }), 'macsec.encodingSa'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { sci: 'xyz' } }), 'macsec.sci'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { sci: '0200000000990002', port: 3 } }), 'macsec.port'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { replayProtect: true } }), 'macsec.window'],
        [() => r.links.add({ name: 'm', kind: 'macsec', link: 'eth0', macsec: { validation: 'lax' as never } }), 'macsec.validation'],
        [() => r.links.add({ name: 'm', kind: 'macsec', macsec: {} } as never), 'link'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

test.run();
