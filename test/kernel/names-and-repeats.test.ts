// Silent wrong decodes, against the live kernel (issue 12, item 3):
//  - interface names whose bytes are not UTF-8: created by iproute2 from raw
//    bytes, listed by the library, addressed by the decoded name; `ip -o link`
//    (which prints names as raw bytes) is the oracle for which device is gone;
//  - a repeated attribute in a request: the kernel applies the last
//    occurrence; decoding the same request bytes must say what the kernel did
//    (`ip -j` is the oracle).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rtnl, decodeLink } from '../../src/index.js';
import { stringBytes } from '../../src/netlink/strings.js';
import { Writer } from '../../src/netlink/writer.js';
import { encodeLink, writeIfInfoMsg } from '../../src/rtnl/link.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../src/netlink/constants.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';
import { ipJson, ktest, withNetns } from '../helpers.js';

/** `ip -batch` from a file of raw bytes (names that are not UTF-8 cannot go through argv from Node). */
function ipBatch(ns: string, lines: Buffer[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-names-'));
  try {
    const f = join(dir, 'batch');
    writeFileSync(f, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const r = spawnSync('ip', ['-n', ns, '-batch', f]);
    if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr.toString()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Interfaces as `ip -o link show` prints them: index -> [name bytes, mtu]. Names are raw bytes in that output. */
function ipLinks(ns: string): Map<number, { name: Buffer; mtu: number }> {
  const r = spawnSync('ip', ['-n', ns, '-o', 'link', 'show']);
  if (r.status !== 0) throw new Error(`ip -o link show failed: ${r.stderr.toString()}`);
  const out = new Map<number, { name: Buffer; mtu: number }>();
  const text = r.stdout as Buffer;
  let p = 0;
  while (p < text.length) {
    let e = text.indexOf(0x0a, p);
    if (e < 0) e = text.length;
    const line = text.subarray(p, e);
    p = e + 1;
    // "7: NAME@PEER: <FLAGS> mtu 1500 ..." (the name has no ':' or '@' here: ours are made without)
    const c1 = line.indexOf(': ');
    if (c1 < 0) continue;
    const index = Number(line.subarray(0, c1).toString('latin1'));
    let end = line.indexOf(': <', c1 + 2);
    const at = line.indexOf(0x40, c1 + 2);
    if (at >= 0 && at < end) end = at;
    const mtu = /mtu (\d+)/.exec(line.toString('latin1'))![1]!;
    out.set(index, { name: Buffer.from(line.subarray(c1 + 2, end)), mtu: Number(mtu) });
  }
  return out;
}

const NAMES = [Buffer.from('78ff', 'hex'), Buffer.from('78fe', 'hex'), Buffer.from('78efbfbd', 'hex')]; // x\xff, x\xfe, x\xef\xbf\xbd (a real U+FFFD)

ktest(test, 'names that are not UTF-8: list() decodes three different names, and del/set/get by the decoded name address exactly that device', async () => {
  await withNetns(1, async (ns) => {
    ipBatch(ns, NAMES.map((n, i) => Buffer.concat([Buffer.from('link add '), n, Buffer.from(` type veth peer name p${i}`)])));
    const before = ipLinks(ns);
    const indexOf = (name: Buffer): number => [...before].find(([, v]) => v.name.equals(name))![0];
    const idx = NAMES.map(indexOf);
    const r = await Rtnl.open({ netns: ns });
    try {
      const links = await r.links.list();
      const decoded = idx.map((i) => links.find((l) => l.index === i)!.name);
      assert.equal(new Set(decoded).size, 3, `three devices, three names: ${JSON.stringify(decoded)}`);
      // each decoded name is exactly the kernel's bytes
      decoded.forEach((n, k) => assert.ok(stringBytes(n).equals(NAMES[k]!), `${JSON.stringify(n)} vs ${NAMES[k]!.toString('hex')}`));
      // get by name finds that device
      for (let k = 0; k < 3; k++) assert.equal((await r.links.get(decoded[k]!)).index, idx[k]);
      // set by name changes that device only
      await r.links.set(decoded[1]!, { mtu: 1400 });
      const mid = ipLinks(ns);
      assert.equal(idx.map((i) => mid.get(i)!.mtu), [1500, 1400, 1500]);
      // delete the first by its decoded name: exactly that one goes (with its peer p0); the others keep their bytes
      // (compared by index: a namespace may hold other devices, e.g. the fallback tunnels once ip_gre or sit is loaded)
      await r.links.del(decoded[0]!);
      const after = ipLinks(ns);
      const gone = [...before.keys()].filter((i) => !after.has(i)).map((i) => before.get(i)!.name.toString('hex')).sort();
      assert.equal(gone, [NAMES[0]!.toString('hex'), Buffer.from('p0').toString('hex')].sort());
      for (const k of [1, 2]) assert.ok(after.get(idx[k]!)!.name.equals(NAMES[k]!), `${NAMES[k]!.toString('hex')} still there`);
    } finally {
      await r.close();
    }
  }, 'names');
});

ktest(test, 'a repeated IFLA_MTU in a request: the kernel applies the last, and decoding the request bytes says the same', async () => {
  await withNetns(1, async (ns) => {
    ipBatch(ns, [Buffer.from('link add d0 type veth peer name d1')]);
    const index = (ipJson<Array<{ ifindex: number }>>(ns, 'link', 'show', 'dev', 'd0'))[0]!.ifindex;
    const r = await Rtnl.open({ netns: ns });
    try {
      const w = new Writer();
      writeIfInfoMsg(w, { index });
      w.attrU32(U.IFLA_MTU, 1400);
      w.attrU32(U.IFLA_MTU, 1300);
      const body = w.toBuffer();
      await r.socket.request(U.RTM_NEWLINK, body);
      const kernel = ipJson<Array<{ mtu: number }>>(ns, 'link', 'show', 'dev', 'd0')[0]!.mtu;
      const decoded = decodeLink(body, 0, body.length);
      assert.equal(decoded.mtu, kernel);
      assert.equal(kernel, 1300);
      // and the request re-encodes to the same bytes
      const w2 = new Writer();
      encodeLink(w2, decoded);
      assert.ok(w2.view().equals(body));

      // a repeated IFLA_INFO_KIND when creating: the kernel makes the last kind; decoding the request says which
      const c = new Writer();
      writeIfInfoMsg(c, {});
      c.attrString(U.IFLA_IFNAME, 'k0');
      const li = c.nestStart(U.IFLA_LINKINFO);
      c.attrString(U.IFLA_INFO_KIND, 'bridge');
      c.attrString(U.IFLA_INFO_KIND, 'veth');
      c.attrEnd(li);
      const create = c.toBuffer();
      await r.socket.request(U.RTM_NEWLINK, create, { flags: NLM_F_CREATE | NLM_F_EXCL });
      const made = ipJson<Array<{ linkinfo?: { info_kind?: string } }>>(ns, '-d', 'link', 'show', 'dev', 'k0')[0]!.linkinfo?.info_kind;
      assert.equal(decodeLink(create, 0, create.length).kind, made);
      assert.equal(made, 'veth');
    } finally {
      await r.close();
    }
  }, 'repeats');
});

test.run();
