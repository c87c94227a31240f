/**
 * Support for the link-kind kernel tests: a handle whose socket records every
 * datagram (so each RTM_NEWLINK the kernel sent can be checked to re-encode
 * byte for byte), and comparisons of the library's decoded IFLA_INFO_DATA
 * against iproute2's `ip -j -d link show` (linkinfo.info_data).
 */
import * as assert from 'uvu/assert';
import { Rtnl, type Link } from '../src/index.js';
import { decodeLink, encodeLink } from '../src/rtnl/link.js';
import { splitMessages } from '../src/netlink/message.js';
import { Writer } from '../src/netlink/writer.js';
import { NLMSG_HDRLEN } from '../src/netlink/constants.js';
import { UAPI } from '../src/rtnl/uapi.js';
import { ipJson } from './helpers.js';
const { RTM_NEWLINK } = UAPI;

/** A handle in `ns` whose inbound datagrams are kept in `inbound`. */
export interface Tapped {
  r: Rtnl;
  inbound: Buffer[];
  close(): Promise<void>;
}

export async function openTapped(ns: string): Promise<Tapped> {
  const inbound: Buffer[] = [];
  const r = await Rtnl.open({
    netns: ns,
    tap: (dir, buf) => {
      if (dir === 'in') inbound.push(Buffer.from(buf));
    },
  });
  return { r, inbound, close: () => r.close() };
}

/**
 * For every RTM_NEWLINK message in the recorded datagrams: decode, encode,
 * and compare with the kernel's bytes. Returns how many were checked.
 */
export function assertRoundTrip(inbound: Buffer[], what = ''): number {
  let n = 0;
  for (const d of inbound) {
    for (const m of splitMessages(d)) {
      if (m.type !== RTM_NEWLINK) continue;
      const original = m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len);
      const l = decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
      const w = new Writer();
      encodeLink(w, l);
      const again = w.toBuffer();
      if (!again.equals(original)) {
        let i = 0;
        while (i < again.length && again[i] === original[i]) i++;
        assert.unreachable(`${what} ${l.name} (family ${l.family}): re-encoded bytes differ at offset ${i} (len ${again.length} vs ${original.length})`);
      }
      n++;
    }
  }
  return n;
}

/** The subset of `ip -j -d link show` we compare against. */
export interface IpLinkJson {
  ifindex: number;
  ifname: string;
  link?: string;
  link_index?: number;
  master?: string;
  address?: string;
  mtu: number;
  flags: string[];
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
  inet6_addr_gen_mode?: string;
  altnames?: string[];
  [k: string]: unknown;
}

/** `ip -j -d link show dev NAME` in a namespace. */
export function ipLink(ns: string, name: string): IpLinkJson {
  const r = ipJson<IpLinkJson[]>(ns, '-d', 'link', 'show', 'dev', name);
  assert.equal(r.length, 1, `ip knows ${name}`);
  return r[0]!;
}

/** The library's view of one link (from a full dump, so list() is what is tested). */
export async function libLink(r: Rtnl, name: string): Promise<Link> {
  const all = await r.links.list();
  const l = all.find((x) => x.name === name);
  assert.ok(l, `library lists ${name}`);
  return l!;
}

/**
 * Compare iproute2's info_data (or info_slave_data) with the library's
 * decoded data. `map` gives, for each key ip prints, the value in ip's
 * format computed from the library's data. Every key ip prints must be in
 * `map` or in `ignore` (so a key we do not check is a visible decision).
 */
export function compareData(
  what: string,
  ipData: Record<string, unknown> | undefined,
  lib: Record<string, unknown> | undefined,
  map: Record<string, (d: Record<string, unknown>) => unknown>,
  ignore: string[] = [],
): void {
  assert.ok(ipData, `${what}: ip prints data`);
  assert.ok(lib, `${what}: library decoded data`);
  for (const [k, v] of Object.entries(ipData!)) {
    if (ignore.includes(k)) continue;
    const f = map[k];
    if (!f) assert.unreachable(`${what}: ip prints "${k}" (${JSON.stringify(v)}) which the test does not compare`);
    const mine = f!(lib!);
    // running timers move between ip's dump and ours: allow 1 s
    if (k.endsWith('_timer') && typeof v === 'number' && typeof mine === 'number') {
      assert.ok(Math.abs(mine - v) <= 1, `${what}.${k}: library ${mine} vs ip ${v}`);
      continue;
    }
    assert.equal(mine, v, `${what}.${k}: library vs ip`);
  }
}

/** ip prints some numbers as "0x.." strings. */
export const hex = (n: unknown): string => `0x${Number(n).toString(16)}`;
/** Centiseconds (USER_HZ) as ip prints timers: seconds with 2 decimals. */
export const centis = (n: unknown): number => Number(n) / 100;
/** Booleans that the library may decode as a number (0/1 out of range stays a number). */
export const bool = (v: unknown): boolean => v === true || v === 1;

/** Name of an interface index, from a list. */
export function nameOf(links: Link[], index: unknown): string | undefined {
  return links.find((l) => l.index === index)?.name;
}
