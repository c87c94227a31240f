/**
 * Text close to `nft list ruleset`: rules' expressions read back into nft's
 * statements (`ip saddr 172.18.0.0/16 oifname != "docker0" masquerade`),
 * with nft's implicit dependencies (meta nfproto / l4proto before a payload
 * match) left out as nft does. Expressions that fit no pattern print as
 * nft's debug form (`[ payload load 4b @ network header + 12 => reg 1 ]`),
 * so nothing is hidden. Used by `rtnl-dump nft` and the capture decoder.
 * @module
 */
import { formatIPv4, formatIPv6 } from '../netlink/ip.js';
import { endianness } from 'node:os';
import type { Expr } from './expr.js';
import { hookName, type Chain, type NftSet, type Rule, type Table } from './objects.js';
import type { Ruleset } from './nft.js';

type Bytes = Uint8Array;
const hex = (b: Bytes | undefined): string => (b ? Buffer.from(b).toString('hex') : '');
const u32h = (b: Bytes): number => {
  const x = Buffer.from(b);
  return x.length === 4 ? (endianness() === 'LE' ? x.readUInt32LE(0) : x.readUInt32BE(0)) : Number.NaN;
};
const L4 = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp', 136: 'udplite', 33: 'dccp', 47: 'gre', 50: 'esp', 51: 'ah' } as Record<number, string>;
const NFPROTO = { 2: 'ipv4', 10: 'ipv6' } as Record<number, string>;
const CT_STATE = { 1: 'invalid', 2: 'established', 4: 'related', 8: 'new', 64: 'untracked' } as Record<number, string>;
const CT_STATUS = { 1: 'expected', 2: 'seen-reply', 4: 'assured', 8: 'confirmed', 16: 'snat', 32: 'dnat', 512: 'dying' } as Record<number, string>;
const OPS = { eq: '', neq: '!= ', lt: '< ', lte: '<= ', gt: '> ', gte: '>= ' } as Record<string, string>;

/** What a register holds while reading a rule. */
type Reg =
  | { kind: 'field'; name: string; fmt: (b: Bytes) => string; mask?: Bytes; len: number }
  | { kind: 'imm'; value: Bytes };

function ifname(b: Bytes): string {
  const x = Buffer.from(b);
  const nul = x.indexOf(0);
  return `"${x.toString('utf8', 0, nul < 0 ? x.length : nul)}${nul < 0 ? '*' : ''}"`;
}
const num = (b: Bytes): string => String(Buffer.from(b).readUIntBE(0, Math.min(6, b.length) || 1));
const flagNames = (tbl: Record<number, string>) => (b: Bytes): string => {
  const v = u32h(b);
  const out: string[] = [];
  for (const [bit, n] of Object.entries(tbl)) if (v & Number(bit)) out.push(n);
  return out.join(',') || `0x${v.toString(16)}`;
};

function payloadField(base: string, offset: number, len: number, l4: string | undefined, nf: string | undefined): Omit<Extract<Reg, { kind: 'field' }>, 'kind'> | undefined {
  if (base === 'network') {
    if (nf !== 'ipv6') {
      if (offset === 12 && len <= 4) return { name: 'ip saddr', fmt: (b) => formatIPv4(pad(b, 4)), len };
      if (offset === 16 && len <= 4) return { name: 'ip daddr', fmt: (b) => formatIPv4(pad(b, 4)), len };
      if (offset === 9 && len === 1) return { name: 'ip protocol', fmt: (b) => L4[b[0]!] ?? String(b[0]), len };
    }
    if (nf === 'ipv6') {
      if (offset === 8 && len <= 16) return { name: 'ip6 saddr', fmt: (b) => formatIPv6(pad(b, 16)), len };
      if (offset === 24 && len <= 16) return { name: 'ip6 daddr', fmt: (b) => formatIPv6(pad(b, 16)), len };
      if (offset === 6 && len === 1) return { name: 'ip6 nexthdr', fmt: (b) => L4[b[0]!] ?? String(b[0]), len };
    }
  }
  if (base === 'transport' && len === 2 && (offset === 0 || offset === 2)) return { name: `${l4 && ['tcp', 'udp', 'sctp', 'udplite', 'dccp'].includes(l4) ? l4 : 'th'} ${offset === 0 ? 'sport' : 'dport'}`, fmt: num, len };
  return undefined;
}
function pad(b: Bytes, n: number): Buffer {
  const x = Buffer.alloc(n);
  Buffer.from(b).copy(x, 0, 0, Math.min(n, b.length));
  return x;
}
function prefixLen(mask: Bytes): number | undefined {
  let n = 0;
  let ended = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if (byte & (1 << bit)) {
        if (ended) return undefined;
        n++;
      } else ended = true;
    }
  }
  return n;
}

/** A rule's expressions as nft statements. */
export function formatRuleExpr(expr: readonly Expr[] | undefined, family?: string | number): string {
  const regs = new Map<number, Reg>();
  const out: Array<{ text: string; dep?: 'l4' | 'nf' | 'l3' }> = [];
  let l4: string | undefined; // protocol of the last l4proto dependency
  let nf: string | undefined = family === 'ip' ? 'ipv4' : family === 'ip6' ? 'ipv6' : undefined;
  const dropDep = (kind: 'l4' | 'nf' | 'l3'): void => {
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i]!.dep === kind) {
        out.splice(i, 1);
        return;
      }
    }
  };
  const raw = (e: Expr): string => `[ ${e.name}${'data' in e && e.data ? ` ${JSON.stringify(e.data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array || (v && v.type === 'Buffer') ? hex(v instanceof Uint8Array ? v : Buffer.from(v.data)) : v))}` : ''} ]`;
  for (const e of expr ?? []) {
    const d = ('data' in e ? (e.data as Record<string, any>) : undefined) ?? {};
    switch (e.name) {
      case 'meta': {
        const key = String(d.key);
        if (d.dreg === undefined) {
          // meta set
          const v = d.sreg !== undefined ? regs.get(d.sreg) : undefined;
          out.push({ text: `meta ${key} set ${v?.kind === 'imm' ? `0x${u32h(v.value).toString(16).padStart(8, '0')}` : `reg ${String(d.sreg)}`}` });
          break;
        }
        const fmts: Record<string, (b: Bytes) => string> = {
          iifname: ifname, oifname: ifname, l4proto: (b) => L4[b[0]!] ?? String(b[0]), nfproto: (b) => NFPROTO[b[0]!] ?? String(b[0]),
          protocol: (b) => ({ '0800': 'ip', '86dd': 'ip6', '0806': 'arp' } as Record<string, string>)[hex(b)] ?? `0x${hex(b)}`,
          mark: (b) => `0x${u32h(b).toString(16).padStart(8, '0')}`,
        };
        const name = ['iifname', 'oifname', 'iif', 'oif'].includes(key) ? key : `meta ${key}`;
        regs.set(d.dreg, { kind: 'field', name, fmt: fmts[key] ?? ((b) => `0x${hex(b)}`), len: 0 });
        break;
      }
      case 'payload': {
        if (d.dreg === undefined) {
          out.push({ text: raw(e) });
          break;
        }
        const f = payloadField(String(d.base), Number(d.offset), Number(d.len), l4, nf);
        if (f) {
          if (String(d.base) === 'transport') dropDep('l4');
          else dropDep('nf');
          regs.set(d.dreg, { kind: 'field', ...f });
        } else regs.set(d.dreg, { kind: 'field', name: `@${String(d.base)},${Number(d.offset) * 8},${Number(d.len) * 8}`, fmt: (b) => `0x${hex(b)}`, len: Number(d.len) });
        break;
      }
      case 'ct': {
        if (d.dreg === undefined) {
          out.push({ text: raw(e) });
          break;
        }
        const key = String(d.key);
        const fmt = key === 'state' ? flagNames(CT_STATE) : key === 'status' ? flagNames(CT_STATUS) : key === 'mark' ? (b: Bytes) => `0x${u32h(b).toString(16).padStart(8, '0')}` : (b: Bytes) => `0x${hex(b)}`;
        regs.set(d.dreg, { kind: 'field', name: `ct ${key}`, fmt, len: 4 });
        break;
      }
      case 'bitwise': {
        const r = regs.get(d.sreg);
        if (r?.kind === 'field' && d.mask?.value) regs.set(d.dreg, { ...r, mask: d.mask.value });
        else out.push({ text: raw(e) });
        break;
      }
      case 'cmp': {
        const r = regs.get(d.sreg);
        const v: Bytes | undefined = d.data?.value;
        if (r?.kind !== 'field' || !v) {
          out.push({ text: raw(e) });
          break;
        }
        const op = OPS[String(d.op)] ?? `${String(d.op)} `;
        if (r.name === 'meta l4proto' && d.op === 'eq') {
          l4 = L4[v[0]!];
          out.push({ text: `meta l4proto ${r.fmt(v)}`, dep: 'l4' });
          break;
        }
        if (r.name === 'ip protocol' && d.op === 'eq') l4 = L4[v[0]!];
        if (r.name === 'meta nfproto' && d.op === 'eq') {
          nf = NFPROTO[v[0]!];
          out.push({ text: `meta nfproto ${r.fmt(v)}`, dep: 'nf' });
          break;
        }
        if (r.name === 'meta protocol' && d.op === 'eq' && (hex(v) === '0800' || hex(v) === '86dd')) {
          nf = hex(v) === '0800' ? 'ipv4' : 'ipv6';
          out.push({ text: `meta protocol ${r.fmt(v)}`, dep: 'nf' });
          break;
        }
        let value: string;
        if (r.mask && (r.name.startsWith('ct state') || r.name.startsWith('ct status')) && u32h(v) === 0 && d.op === 'neq') value = r.fmt(r.mask);
        else if (r.mask && (r.name.includes('addr'))) {
          const plen = prefixLen(r.mask);
          value = plen !== undefined ? `${r.fmt(v)}/${plen}` : `${r.fmt(v)} & 0x${hex(r.mask)}`;
        } else if (r.mask) {
          out.push({ text: `${r.name} & ${r.name.endsWith('mark') ? r.fmt(r.mask) : `0x${hex(r.mask)}`} ${d.op === 'eq' ? '==' : op.trim()} ${r.fmt(v)}` });
          break;
        } else if (r.len && r.len < v.length) value = r.fmt(v);
        else if ((r.name.endsWith('addr')) && v.length < (r.name.startsWith('ip6') ? 16 : 4)) value = `${r.fmt(v)}/${v.length * 8}`;
        else value = r.fmt(v);
        // a range as two compares (>= a, <= b) reads as a-b
        const prev = out[out.length - 1];
        if (d.op === 'lte' && prev && prev.text.startsWith(`${r.name} >= `)) {
          prev.text = `${r.name} ${prev.text.slice(r.name.length + 4)}-${value}`;
          break;
        }
        out.push({ text: `${r.name} ${r.mask && r.name.startsWith('ct') ? '' : op}${value}` });
        break;
      }
      case 'range': {
        const r = regs.get(d.sreg);
        if (r?.kind === 'field' && d.fromData?.value && d.toData?.value) out.push({ text: `${r.name} ${d.op === 'neq' ? '!= ' : ''}${r.fmt(d.fromData.value)}-${r.fmt(d.toData.value)}` });
        else out.push({ text: raw(e) });
        break;
      }
      case 'lookup': {
        const r = regs.get(d.sreg);
        const name = r?.kind === 'field' ? r.name : `reg ${String(d.sreg)}`;
        const inv = Array.isArray(d.flags) && d.flags.includes('inv');
        out.push({ text: d.dreg === 0 ? `${name} vmap @${String(d.set)}` : d.dreg !== undefined ? `${name} map @${String(d.set)}` : `${name} ${inv ? '!= ' : ''}@${String(d.set)}` });
        break;
      }
      case 'immediate': {
        if (d.dreg === 0 && d.data?.verdict) {
          const v = d.data.verdict;
          out.push({ text: v.chain !== undefined ? `${String(v.code)} ${String(v.chain)}` : String(v.code) });
        } else if (d.data?.value) regs.set(d.dreg, { kind: 'imm', value: d.data.value });
        else out.push({ text: raw(e) });
        break;
      }
      case 'counter':
        out.push({ text: d.packets !== undefined ? `counter packets ${String(d.packets)} bytes ${String(d.bytes ?? 0)}` : 'counter' });
        break;
      case 'limit': {
        const units: Record<string, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day', 604800: 'week' };
        const bytes = d.type === 'bytes';
        let rate = BigInt(d.rate ?? 0);
        let bu = 'bytes';
        for (const u of ['kbytes', 'mbytes']) {
          if (bytes && rate > 0n && rate % 1024n === 0n) {
            rate /= 1024n;
            bu = u;
          }
        }
        out.push({ text: `limit rate ${Array.isArray(d.flags) && d.flags.includes('inv') ? 'over ' : ''}${String(rate)}${bytes ? ` ${bu}` : ''}/${units[String(d.unit)] ?? `${String(d.unit)}s`}${d.burst && d.burst !== 5 ? ` burst ${String(d.burst)} ${bytes ? 'bytes' : 'packets'}` : ''}` });
        break;
      }
      case 'log':
        out.push({ text: ['log', d.prefix !== undefined ? `prefix "${String(d.prefix)}"` : '', d.level !== undefined && d.level !== 'warn' ? `level ${String(d.level)}` : '', d.group !== undefined ? `group ${String(d.group)}` : ''].filter(Boolean).join(' ') });
        break;
      case 'nat':
      case 'masq':
      case 'redir': {
        const imm = (reg: unknown): Bytes | undefined => {
          const r = typeof reg === 'number' ? regs.get(reg) : undefined;
          return r?.kind === 'imm' ? r.value : undefined;
        };
        const v6 = d.family === 'ipv6';
        const hasPort = imm(d.regProtoMin) !== undefined;
        const addr = (b: Bytes | undefined): string => (b ? (v6 ? (hasPort ? `[${formatIPv6(pad(b, 16))}]` : formatIPv6(pad(b, 16))) : formatIPv4(pad(b, 4))) : '');
        const port = (b: Bytes | undefined): string => (b ? String(Buffer.from(b).readUInt16BE(0)) : '');
        const a1 = addr(imm(d.regAddrMin));
        const a2 = addr(imm(d.regAddrMax));
        const p1 = port(imm(d.regProtoMin));
        const p2 = port(imm(d.regProtoMax));
        const a = a1 && a2 && a2 !== a1 ? `${a1}-${a2}` : a1;
        const p = p1 && p2 && p2 !== p1 ? `${p1}-${p2}` : p1;
        const to = a || p ? ` to ${a}${p ? `:${p}` : ''}` : '';
        const fl = (Array.isArray(d.flags) ? (d.flags as string[]) : []).filter((f) => f !== 'proto-specified' && f !== 'map-ips').map((f) => (f === 'proto-random-fully' ? 'fully-random' : f === 'proto-random' ? 'random' : f));
        const verb = e.name === 'masq' ? 'masquerade' : e.name === 'redir' ? 'redirect' : String(d.type);
        out.push({ text: `${verb}${to}${fl.length ? ` ${fl.join(',')}` : ''}` });
        break;
      }
      case 'notrack':
        out.push({ text: 'notrack' });
        break;
      default:
        out.push({ text: raw(e) });
    }
  }
  return out.map((x) => x.text).join(' ');
}

const PRIO_NAMES: Record<number, string> = { [-300]: 'raw', [-150]: 'mangle', [-100]: 'dstnat', 0: 'filter', 50: 'security', 100: 'srcnat' };
const BRIDGE_PRIO_NAMES: Record<number, string> = { [-300]: 'dstnat', [-200]: 'filter', 100: 'out', 300: 'srcnat' };

/** `type nat hook postrouting priority 100; policy accept;` of a base chain ('' for a regular chain). */
export function formatChainHead(c: Chain): string {
  if (!c.hook) return '';
  const dev = c.hook.dev !== undefined ? ` device "${c.hook.dev}"` : '';
  const prio = c.hook.priority ?? 0;
  const hook = String(hookName(c.family, c.hook.hooknum ?? -1));
  let named: string | undefined = (c.family === 'bridge' ? BRIDGE_PRIO_NAMES : PRIO_NAMES)[prio];
  // nft names dstnat only in prerouting, srcnat only in postrouting
  if (c.family !== 'bridge' && ((named === 'dstnat' && hook !== 'prerouting') || (named === 'srcnat' && hook !== 'postrouting'))) named = undefined;
  return `type ${c.type ?? 'filter'} hook ${String(hookName(c.family, c.hook.hooknum ?? -1))}${dev} priority ${named ?? prio}; policy ${String(c.policy ?? 'accept')};`;
}

function setTypeName(id: number | undefined): string {
  return ({ 7: 'ipv4_addr', 8: 'ipv6_addr', 9: 'ether_addr', 12: 'inet_proto', 13: 'inet_service', 19: 'mark', 41: 'ifname' } as Record<number, string>)[id ?? -1] ?? `type ${String(id)}`;
}

/** The ruleset as `nft list ruleset` prints it (close to it: statements nft would print differently are in its debug form). */
export function formatRuleset(rs: Pick<Ruleset, 'tables' | 'chains' | 'rules' | 'sets'>, opts: { handles?: boolean } = {}): string[] {
  const out: string[] = [];
  const h = (x: { handle?: bigint }): string => (opts.handles && x.handle !== undefined ? ` # handle ${x.handle}` : '');
  rs.tables.forEach((t: Table, ti) => {
    if (ti) out.push('');
    out.push(`table ${String(t.family)} ${t.name} {${h(t)}`);
    const of = <T extends { family: unknown; table?: string }>(xs: T[]): T[] => xs.filter((x) => x.family === t.family && x.table === t.name);
    for (const s of of(rs.sets) as Array<NftSet & { elements?: Array<{ key: unknown; value?: unknown }> }>) {
      const isMap = s.flags?.includes('map');
      out.push(`\t${isMap ? 'map' : 'set'} ${s.name} {${h(s)}`);
      out.push(`\t\ttype ${setTypeName(s.keyType)}${isMap ? ` : ${s.dataType === 0xffffff00 ? 'verdict' : setTypeName(s.dataType)}` : ''}`);
      const fl = (s.flags ?? []).filter((f) => f !== 'map' && f !== 'anonymous');
      if (fl.length) out.push(`\t\tflags ${fl.join(',')}`);
      const el = s.elements ?? [];
      if (el.length) {
        const v = (x: unknown, type: number | undefined): string => {
          if (typeof x === 'object' && x !== null) return Object.entries(x).map(([k, c]) => `${k} ${String(c)}`).join(' ');
          if (type === 41) return `"${String(x)}"`;
          if (type === 19 && typeof x === 'number') return `0x${x.toString(16).padStart(8, '0')}`;
          return String(x);
        };
        out.push(`\t\telements = { ${el.map((e) => (e.value !== undefined ? `${v(e.key, s.keyType)} : ${v(e.value, s.dataType)}` : v(e.key, s.keyType))).join(', ')} }`);
      }
      out.push('\t}');
    }
    for (const c of of(rs.chains)) {
      out.push(`\tchain ${c.name} {${h(c)}`);
      const head = formatChainHead(c);
      if (head) out.push(`\t\t${head}`);
      for (const r of of(rs.rules).filter((x) => x.chain === c.name)) out.push(`\t\t${formatRuleExpr((r as Rule).expr, t.family)}${h(r)}`);
      out.push('\t}');
    }
    out.push('}');
  });
  return out;
}
