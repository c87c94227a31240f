// The iproute2 printers on what captures and `hex` can hand them: every
// kernel datagram of the fixtures (dumps of every kind the library models,
// host and VM kernels, tunnels, addresses, routes, neighbours, rules), then
// the same messages with bytes flipped (a fixed-seed generator, bounded).
// Whatever decodes must print, as text (-d, -dd, -s) and as -j JSON, without
// an exception: the printers may only see what the decoders let through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRouteMessage } from '../../src/cli/format.js';
import { printLink, type IpContext } from '../../src/cli/iplink.js';
import { printAddr, printNeigh, printRoute, printRule } from '../../src/cli/ipobjects.js';
import { IpPrinter, ipJsonText } from '../../src/cli/ipprint.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { splitMessages, type RawMessage } from '../../src/netlink/message.js';
import type { Address } from '../../src/rtnl/addr.js';
import '../../src/rtnl/kinds/index.js';
import type { Link } from '../../src/rtnl/link.js';
import type { Neighbour } from '../../src/rtnl/neigh.js';
import type { Route } from '../../src/rtnl/route.js';
import type { Rule } from '../../src/rtnl/rule.js';
import { decodeMessage } from '../../src/rtnl/schema.js';
import '../../src/rtnl/rtnl.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';
import { repoRoot } from '../corpus.js';

/** Every hex datagram in the rtnetlink JSON fixtures (not nf_tables, tun or generic netlink ones, whose types mean something else). */
function fixtureDatagrams(): Buffer[] {
  const dir = join(repoRoot, 'test', 'fixtures');
  const out: Buffer[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json') && !x.startsWith('nft') && !x.startsWith('tun-') && !x.startsWith('genl-'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/"([0-9a-f]{32,})"/g)) out.push(Buffer.from(m[1]!, 'hex'));
  }
  return out;
}

function routeMessages(buf: Buffer): RawMessage[] {
  try {
    return splitMessages(buf).filter((m) => m.type >= U.RTM_NEWLINK && m.type < 0x70);
  } catch (e) {
    if (e instanceof DecodeError) return [];
    throw e;
  }
}

const ctx: IpContext = { names: new Map([[1, 'lo'], [2, 'eth0']]), flags: new Map([[2, 0]]), types: new Map([[2, 1]]), details: true, stats: 2, brief: false };

/** Print one decoded message every way; returns how many printers ran. */
function printAll(m: RawMessage, obj: Record<string, unknown>): number {
  let n = 0;
  for (const o of [
    { details: false, names: new Map(ctx.names) },
    { details: true, attrs: true, stats: 2, names: new Map(ctx.names), flags: new Map(ctx.flags) },
  ]) {
    formatRouteMessage(m, obj, o);
    n++;
  }
  for (const json of [false, true]) {
    for (const brief of [false, true]) {
      const p = new IpPrinter(json);
      const c = { ...ctx, brief };
      p.openObject();
      switch (m.type) {
        case U.RTM_NEWLINK:
        case U.RTM_DELLINK:
          printLink(p, obj as unknown as Link, c, { doLink: true, family: 'packet' });
          printLink(p, obj as unknown as Link, c, { doLink: false, family: 0 });
          break;
        case U.RTM_NEWADDR:
        case U.RTM_DELADDR:
          printAddr(p, obj as unknown as Address, c);
          break;
        case U.RTM_NEWROUTE:
        case U.RTM_DELROUTE:
          printRoute(p, obj as unknown as Route, c);
          break;
        case U.RTM_NEWNEIGH:
        case U.RTM_DELNEIGH:
          printNeigh(p, obj as unknown as Neighbour, c);
          break;
        case U.RTM_NEWRULE:
        case U.RTM_DELRULE:
          printRule(p, obj as unknown as Rule, c);
          break;
        default:
          break;
      }
      p.closeObject();
      if (json) JSON.parse(ipJsonText(p.objects()));
      else p.lines();
      n++;
    }
  }
  return n;
}

test('every kernel message of the fixtures prints as text and as -j JSON', () => {
  let msgs = 0;
  const kinds = new Set<string>();
  for (const buf of fixtureDatagrams()) {
    for (const m of routeMessages(buf)) {
      let obj: Record<string, unknown> | undefined;
      try {
        obj = decodeMessage(m);
      } catch (e) {
        if (e instanceof DecodeError) continue;
        throw e;
      }
      if (!obj) continue;
      const k = (obj as { linkInfo?: { kind?: string } }).linkInfo?.kind;
      if (k) kinds.add(k);
      printAll(m, obj);
      msgs++;
    }
  }
  assert.ok(msgs > 200, `messages printed: ${msgs}`);
  // the fixtures hold the VM kinds and the tunnels the host cannot create
  for (const k of ['bridge', 'vxlan', 'bond', 'vlan', 'macsec', 'geneve', 'gre', 'ip6gre', 'ipip', 'sit', 'ip6tnl']) assert.ok(kinds.has(k), `fixtures have ${k}: ${[...kinds].join(' ')}`);
});

test('messages with flipped bytes: what decodes prints, what does not is a DecodeError (10,000 mutations, fixed seed)', () => {
  let seed = 0x9e3779b9;
  const rnd = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const base = fixtureDatagrams().flatMap(routeMessages);
  let decoded = 0;
  for (let i = 0; i < 10000; i++) {
    const m = base[rnd(base.length)]!;
    const b = Buffer.from(m.buf.subarray(m.offset, m.offset + m.len));
    // past the nlmsghdr: the fixed header and the attributes
    for (let k = 1 + rnd(4); k > 0; k--) b[16 + rnd(Math.max(1, b.length - 16))] = rnd(256);
    const mm = splitMessages(b)[0];
    if (!mm) continue;
    let obj: Record<string, unknown> | undefined;
    try {
      obj = decodeMessage(mm);
    } catch (e) {
      if (e instanceof DecodeError) continue;
      throw e;
    }
    if (!obj) continue;
    printAll(mm, obj);
    decoded++;
  }
  assert.ok(decoded > 1000, `mutants that decoded and printed: ${decoded}`);
});

test.run();
