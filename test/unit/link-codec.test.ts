// Link messages captured from a real kernel (test/fixtures, made by scripts/capture-fixtures.mjs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import '../../src/rtnl/kinds/index.js';
import { decodeLink, encodeLink, type AnyLink } from '../../src/rtnl/link.js';
import { splitMessages, parseError } from '../../src/netlink/message.js';
import { describeRequestOffset } from '../../src/rtnl/schema.js';
import { Writer } from '../../src/netlink/writer.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { decodeAttrs } from '../../src/netlink/attr.js';
import { linkPolicy } from '../../src/rtnl/link.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { throwsA } from '../expect.js';
const { RTM_NEWLINK } = UAPI;

const load = (f: string): Array<{ dir: string; hex: string }> => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${f}`, import.meta.url), 'utf8')).frames;

const dump = load('link-dump.json');
const inbound = dump.filter((f) => f.dir === 'in').map((f) => Buffer.from(f.hex, 'hex'));
const msgs = inbound.flatMap((b) => splitMessages(b));
const links = msgs.filter((m) => m.type === RTM_NEWLINK).map((m) => decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len));

test('the dump holds lo, veth0, veth1, br0 and ends with NLMSG_DONE', () => {
  assert.equal(links.map((l) => l.name).sort(), ['br0', 'lo', 'veth0', 'veth1']);
  assert.equal(msgs[msgs.length - 1]!.type, NLMSG_DONE);
});

test('typed fields: kind, master, mtu, flags, mac, stats', () => {
  const by = (n: string): AnyLink => links.find((l) => l.name === n)!;
  assert.equal(by('lo').kind, undefined);
  assert.equal(by('lo').type, 772); // ARPHRD_LOOPBACK
  assert.equal(by('veth0').kind, 'veth');
  assert.equal(by('br0').kind, 'bridge');
  assert.equal(by('veth0').master, by('br0').index);
  assert.equal(by('veth0').slaveKind, 'bridge');
  assert.equal(by('veth0').up, true);
  assert.equal(by('veth1').up, false);
  assert.equal(by('veth0').mtu, 1500);
  assert.match(by('veth0').address!, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  assert.equal(typeof by('lo').stats64!.rxPackets, 'bigint');
  const br = by('br0').linkInfo!.data as Record<string, unknown>;
  assert.equal(br.stpState, 1);
  assert.equal(br.forwardDelay, 400);
  assert.match(String(br.bridgeId), /^[0-9a-f]{4}\.[0-9a-f]{12}$/);
});

test('decode -> encode gives back the kernel bytes for every link message', () => {
  for (const m of msgs.filter((x) => x.type === RTM_NEWLINK)) {
    const original = m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len);
    const l = decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
    const w = new Writer();
    encodeLink(w, l);
    const again = w.toBuffer();
    if (!again.equals(original)) {
      let i = 0;
      while (i < again.length && again[i] === original[i]) i++;
      assert.unreachable(`${l.name}: re-encoded bytes differ at offset ${i} (len ${again.length} vs ${original.length})`);
    }
  }
});

test('decoded links are plain data: every object is an ordinary Object (prototype, constructor, inspect), cloned and spread alike', () => {
  const walk = (v: unknown, path: string): void => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    assert.ok(Object.getPrototypeOf(v) === Object.prototype, `${path}: prototype is not Object.prototype`);
    assert.ok((v as { constructor?: unknown }).constructor === Object, `${path}: constructor is not Object`);
    for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  let objects = 0;
  for (const l of links) {
    walk(l, l.name);
    // the objects built by generated constructors look like literals to every consumer
    assert.not.match(inspect(l, { depth: null }), /Plain/);
    // (structuredClone makes Buffers plain Uint8Arrays: compare the bytes)
    const norm = (v: unknown): unknown =>
      v instanceof Uint8Array ? `bytes:${Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex')}` : typeof v === 'bigint' ? `${v}n` : Array.isArray(v) ? v.map(norm) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)])) : v;
    assert.equal(norm(structuredClone(l)), norm(l));
    assert.equal({ ...l }, l);
    assert.equal(Object.keys(structuredClone(l)), Object.keys(l));
    objects++;
  }
  assert.ok(objects >= 4);
  // the devconf tables (generated readers) are among them
  const conf = links.find((l) => l.name === 'veth0')!.afSpec as { inet6?: { conf?: Record<string, number> } } | undefined;
  assert.ok(conf?.inet6?.conf && Object.getPrototypeOf(conf.inet6.conf) === Object.prototype && conf.inet6.conf.disableIpv6 !== undefined);
});

test('every top-level attribute of lo is known to the policy (none left raw)', () => {
  const lo = links.find((l) => l.name === 'lo')!;
  const raw = (lo.unknown ?? []).map((u) => u.type);
  // AF_SPEC is raw until the AF_SPEC policy module is loaded; nothing else may be unknown.
  assert.equal(raw.filter((t) => t !== 26), [], `unknown IFLA types: ${raw.join(',')}`);
});

test('extended ACK: error, message and offset mapped to an attribute path', () => {
  const frames = load('error-extack.json');
  const req = Buffer.from(frames.find((f) => f.dir === 'out')!.hex, 'hex');
  const reply = splitMessages(Buffer.from(frames.find((f) => f.dir === 'in')!.hex, 'hex'));
  assert.equal(reply[0]!.type, NLMSG_ERROR);
  const e = parseError(reply[0]!);
  assert.equal(e.error, -95);
  assert.equal(e.extack.message, 'Unknown device type');
  assert.equal(e.request.seq, req.readUInt32LE(8));
  if (e.extack.offset !== undefined) {
    assert.match(describeRequestOffset(req, e.extack.offset)!, /IFLA_LINKINFO/);
  }
});

test('malformed link payloads give DecodeError, never a hang', () => {
  const m = msgs.find((x) => x.type === RTM_NEWLINK)!;
  const body = Buffer.from(m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len));
  throwsA(() => decodeLink(body, 0, 10), DecodeError); // short ifinfomsg
  for (let cut = 17; cut < body.length; cut += 7) {
    // truncation inside an attribute must be detected
    try {
      decodeLink(body, 0, cut);
    } catch (e) {
      assert.ok(e instanceof DecodeError, `cut at ${cut}: ${(e as Error).message}`);
    }
  }
  const bad = Buffer.from(body);
  bad.writeUInt16LE(0xffff, 16); // first attribute length past the end
  throwsA(() => decodeLink(bad, 0, bad.length), DecodeError);
  const zero = Buffer.from(body);
  zero.writeUInt16LE(0, 16);
  throwsA(() => decodeAttrs(zero, 16, zero.length, linkPolicy), DecodeError);
});

test.run();
