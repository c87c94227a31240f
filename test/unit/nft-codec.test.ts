/**
 * nf_tables codec and builders against bytes produced by the real nft tool
 * (test/fixtures/nft-batches.json, made by scripts/capture-nft-fixtures.mjs):
 * - every message nft sent and the kernel answered decodes and re-encodes
 *   byte for byte;
 * - the library's builders produce, for the same rules, exactly nft's bytes
 *   (nlmsg_seq and nlmsg_pid are nft's choice and taken from the fixture);
 * - decoded rules give the typed objects (checked against `nft -j` output).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { splitMessages } from '../../src/netlink/message.js';
import {
  addChain,
  addTable,
  decodeNftMessage,
  encodeBatch,
  encodeNftMessage,
  isExpr,
  nftMessageName,
  toObject,
  type NftMessage,
  type Rule,
} from '../../src/nft/index.js';
import { NFT_CASES } from '../nft-cases.js';
import type { AttrSetBase } from '../../src/netlink/attr.js';

interface Case {
  name: string;
  script: string;
  batch: string[];
  dump: string[];
  json: { nftables: Array<Record<string, any>> };
}
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/nft-batches.json', import.meta.url), 'utf8')) as { cases: Case[] };
const byName = (n: string): Case => fixture.cases.find((c) => c.name === n)!;

// ------------------------------------------------------------ round trips

test('every message nft sent and the kernel answered re-encodes byte for byte', () => {
  let n = 0;
  for (const c of fixture.cases) {
    for (const hex of [...c.batch, ...c.dump]) {
      const bytes = Buffer.from(hex, 'hex');
      const [raw] = splitMessages(bytes);
      if (raw!.type < 16) continue; // NLMSG_DONE / ERROR
      const m = decodeNftMessage(raw!);
      const again = encodeNftMessage(m, raw!.seq, raw!.pid);
      assert.is(again.toString('hex'), hex, `${c.name} ${nftMessageName(raw!.type)}`);
      n++;
    }
  }
  assert.ok(n > 200, `only ${n} messages`);
});

test('nothing in the fixtures decodes to unknown attributes or raw expressions', () => {
  const unknowns: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'unknown') unknowns.push(path);
        else walk(x, `${path}.${k}`);
      }
    }
  };
  for (const c of fixture.cases) {
    for (const hex of [...c.batch, ...c.dump]) {
      const [raw] = splitMessages(Buffer.from(hex, 'hex'));
      if (raw!.type < 16) continue;
      walk(decodeNftMessage(raw!).attrs, `${c.name}:${nftMessageName(raw!.type)}`);
    }
  }
  assert.equal(unknowns, []);
});

// ------------------------------------------------- builders == nft's bytes

/** Compare our messages with the batch nft sent (BEGIN, messages, END), header seq/pid taken from nft's. */
function sameAsNft(c: Case, ours: Array<NftMessage<AttrSetBase>>): void {
  const theirs = c.batch.map((h) => Buffer.from(h, 'hex'));
  assert.is(ours.length, theirs.length - 2, `${c.name}: number of messages`);
  // BEGIN and END as encodeBatch frames them
  const layout = encodeBatch(ours, { seq: theirs[0]!.readUInt32LE(8) });
  const ourMsgs = splitMessages(layout.bytes);
  assert.is(ourMsgs[0]!.buf.subarray(0, 20).toString('hex'), theirs[0]!.toString('hex'), `${c.name}: BATCH_BEGIN`);
  ours.forEach((m, i) => {
    const t = theirs[i + 1]!;
    const mine = encodeNftMessage(m, t.readUInt32LE(8), t.readUInt32LE(12));
    if (!mine.equals(t)) {
      const [raw] = splitMessages(t);
      const show = (x: unknown) => JSON.stringify(x, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : typeof v === 'bigint' ? String(v) : v));
      assert.unreachable(
        `${c.name} message ${i} (${nftMessageName(t.readUInt16LE(4))}):\n  nft:  ${show(decodeNftMessage(raw!).attrs)} flags=${raw!.flags.toString(16)}\n  ours: ${show(m.attrs)} flags=${m.flags.toString(16)}\n  nft:  ${t.toString('hex')}\n  ours: ${mine.toString('hex')}`,
      );
    }
  });
}

test('seed 001 NAT: table, base chains, masquerade and DNAT rules are nft\'s bytes', () => {
  sameAsNft(byName('seed001-nat'), NFT_CASES['seed001-nat']!.messages());
});

test('filter (inet): meta, payload prefixes, ports, ranges, ct, counter, limit, log, verdicts are nft\'s bytes', () => {
  sameAsNft(byName('filter-inet'), NFT_CASES['filter-inet']!.messages());
});

test('nat (ip): masquerade with ports and flags, snat/dnat with ranges, redirect, notrack are nft\'s bytes', () => {
  sameAsNft(byName('nat-ip'), NFT_CASES['nat-ip']!.messages());
});

test('nat (ip6): prefix match, masquerade, dnat to [addr]:port, snat are nft\'s bytes', () => {
  sameAsNft(byName('nat-ip6'), NFT_CASES['nat-ip6']!.messages());
});

test('named sets and maps (typed elements, intervals) and lookups are nft\'s bytes', () => {
  sameAsNft(byName('sets'), NFT_CASES['sets']!.messages());
});

test('route chain and meta mark set are nft\'s bytes', () => {
  sameAsNft(byName('route-chain'), NFT_CASES['route-chain']!.messages());
});

test('bridge, netdev and ip6 families: dependencies as nft emits them', () => {
  sameAsNft(byName('families'), NFT_CASES['families']!.messages());
});

// ------------------------------------------------------- typed decoding

test('decoded dump: typed rule objects agree with nft -j (seed 001)', () => {
  const c = byName('seed001-nat');
  const rules: Rule[] = [];
  for (const hex of c.dump) {
    const [raw] = splitMessages(Buffer.from(hex, 'hex'));
    if (nftMessageName(raw!.type) === 'NFT_MSG_NEWRULE') rules.push(toObject(decodeNftMessage(raw!)) as Rule);
  }
  const jrules = c.json.nftables.filter((x) => x.rule).map((x) => x.rule);
  assert.is(rules.length, jrules.length);
  rules.forEach((r, i) => {
    const j = jrules[i];
    assert.is(r.family, j.family);
    assert.is(r.table, j.table);
    assert.is(r.chain, j.chain);
    assert.is(r.handle, BigInt(j.handle));
  });
  const [post, pre] = rules;
  // ip saddr 172.18.0.0/16: payload network+12 len 2, cmp eq ac12
  const e = post!.expr!;
  assert.ok(isExpr(e[0]!, 'payload') && e[0].data!.base === 'network' && e[0].data!.offset === 12 && e[0].data!.len === 2);
  assert.ok(isExpr(e[1]!, 'cmp') && e[1].data!.op === 'eq' && Buffer.from(e[1].data!.data!.value!).toString('hex') === 'ac12');
  assert.ok(isExpr(e[2]!, 'meta') && e[2].data!.key === 'oifname');
  assert.ok(isExpr(e[3]!, 'cmp') && e[3].data!.op === 'neq');
  assert.is(e[4]!.name, 'masq');
  const d = pre!.expr!.find((x) => x.name === 'nat');
  assert.ok(d && isExpr(d, 'nat') && d.data!.type === 'dnat' && d.data!.family === 'ipv4');
  // the json oracle says the same
  assert.equal(jrules[1].expr[1], { dnat: { addr: '172.18.0.2', port: 80 } });
});

test('decoded dump: tables, chains, sets with their family, handle, hook and flags as nft -j lists them', () => {
  for (const c of fixture.cases) {
    const objs = c.dump
      .map((h) => splitMessages(Buffer.from(h, 'hex'))[0]!)
      .filter((m) => m.type >= 16)
      .map((m) => ({ name: nftMessageName(m.type), o: toObject(decodeNftMessage(m)) as Record<string, any> }));
    const tables = objs.filter((x) => x.name === 'NFT_MSG_NEWTABLE').map((x) => x.o);
    const jt = c.json.nftables.filter((x) => x.table).map((x) => x.table);
    assert.equal(tables.map((t) => [t.family, t.name, Number(t.handle)]), jt.map((t) => [t.family, t.name, t.handle]), c.name);
    const chains = objs.filter((x) => x.name === 'NFT_MSG_NEWCHAIN').map((x) => x.o);
    const jc = c.json.nftables.filter((x) => x.chain).map((x) => x.chain);
    assert.equal(
      chains.map((ch) => [ch.family, ch.table, ch.name, Number(ch.handle), ch.type, ch.hook?.priority, ch.policy]),
      jc.map((ch) => [ch.family, ch.table, ch.name, ch.handle, ch.type, ch.prio, ch.policy]),
      c.name,
    );
    const sets = objs.filter((x) => x.name === 'NFT_MSG_NEWSET').map((x) => x.o);
    const js = c.json.nftables.filter((x) => x.set || x.map).map((x) => x.set ?? x.map);
    assert.equal(sets.map((s) => [s.family, s.table, s.name, Number(s.handle)]), js.map((s) => [s.family, s.table, s.name, s.handle]), c.name);
  }
});

test('encodeBatch: BEGIN/END carry res_id NFNL_SUBSYS_NFTABLES, consecutive seqs, optional genid', () => {
  const msgs = [addTable({ family: 'ip', name: 'x' }), addChain({ family: 'ip', table: 'x', name: 'y' })];
  const b = encodeBatch(msgs, { seq: 100, genId: 7 });
  const parts = splitMessages(b.bytes);
  assert.equal(parts.map((p) => [nftMessageName(p.type), p.seq]), [['NFNL_MSG_BATCH_BEGIN', 100], ['NFT_MSG_NEWTABLE', 101], ['NFT_MSG_NEWCHAIN', 102], ['NFNL_MSG_BATCH_END', 103]]);
  assert.equal(b.seqs, [101, 102]);
  assert.is(parts[0]!.buf.readUInt16BE(parts[0]!.offset + 18), 10); // res_id
  const begin = decodeNftMessage(parts[0]!);
  assert.equal({ ...begin.attrs }, { genId: 7 });
  assert.equal(b.offsets.map((o) => b.bytes.readUInt16LE(o + 4)), [0x0a00, 0x0a03]);
});

test.run();
