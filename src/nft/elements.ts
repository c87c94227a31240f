/**
 * Set elements as values: the reverse of `addElements`. A set's key type
 * (NFTA_SET_KEY_TYPE, nft's datatype id) says how its key bytes read
 * (address, port, mark, interface name ...); interval sets come as nft's
 * start/end element pairs and read back as prefixes ("10.0.0.0/8"), ranges
 * ("1024-2000") or single values, the forms `addElements` takes.
 * @module
 */
import { formatIPv4, formatIPv6 } from '../netlink/ip.js';
import { endianness } from 'node:os';
import { NFT_DATA_VERDICT, SET_TYPES, type SetKeyType } from './requests.js';
import type { NftSet, SetElement } from './objects.js';

/** nft's datatype ids to the key types this library names. */
const TYPE_BY_ID = new Map<number, SetKeyType>(Object.entries(SET_TYPES).map(([k, v]) => [v.id, k as SetKeyType]));

/** The key type of a set (by NFTA_SET_KEY_TYPE), or undefined for types this library does not name (concatenations, ...). */
export function setKeyType(set: Pick<NftSet, 'keyType' | 'keyLen'>): SetKeyType | undefined {
  const t = set.keyType !== undefined ? TYPE_BY_ID.get(set.keyType) : undefined;
  return t !== undefined && SET_TYPES[t].len === set.keyLen ? t : undefined;
}

/** The value type of a map: a key type, 'verdict', or undefined (a plain set, or a type not named here). */
export function setDataType(set: Pick<NftSet, 'dataType' | 'dataLen' | 'flags'>): SetKeyType | 'verdict' | undefined {
  if (set.dataType === undefined) return undefined;
  if (set.dataType === NFT_DATA_VERDICT) return 'verdict';
  const t = TYPE_BY_ID.get(set.dataType);
  return t !== undefined && SET_TYPES[t].len === set.dataLen ? t : undefined;
}

/** One key's bytes as a value of its type: address text, port/protocol/mark number, interface name, MAC address; hex for others. */
export function keyValue(type: SetKeyType | undefined, b: Uint8Array): string | number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  switch (type) {
    case 'ipv4_addr':
      if (buf.length === 4) return formatIPv4(buf);
      break;
    case 'ipv6_addr':
      if (buf.length === 16) return formatIPv6(buf);
      break;
    case 'inet_service':
      if (buf.length === 2) return buf.readUInt16BE(0);
      break;
    case 'inet_proto':
      if (buf.length === 1) return buf[0]!;
      break;
    case 'mark':
      if (buf.length === 4) return endianness() === 'LE' ? buf.readUInt32LE(0) : buf.readUInt32BE(0);
      break;
    case 'ifname': {
      const nul = buf.indexOf(0);
      return buf.toString('utf8', 0, nul < 0 ? buf.length : nul);
    }
    case 'ether_addr':
      if (buf.length === 6) return [...buf].map((x) => x.toString(16).padStart(2, '0')).join(':');
      break;
    default:
      break;
  }
  return `0x${buf.toString('hex')}`;
}

/** A map value: a verdict ('accept', { jump: 'chain' }, ...) or a value of the map's type. */
export type ElementData = string | number | { jump: string } | { goto: string };

/** An element read back: key (or an interval as "a/len" / "a-b") and, for maps, the value. */
export interface TypedElement {
  key: string | number;
  value?: ElementData;
  /** The element(s) as dumped (start and end element of an interval). */
  raw: SetElement[];
}

function dataValue(type: SetKeyType | 'verdict' | undefined, e: SetElement): ElementData | undefined {
  const d = e.data;
  if (!d) return undefined;
  if (d.verdict) {
    const v = d.verdict;
    if ((v.code === 'jump' || v.code === 'goto') && v.chain !== undefined) return v.code === 'jump' ? { jump: v.chain } : { goto: v.chain };
    return typeof v.code === 'string' ? v.code : String(v.code);
  }
  if (d.value) return keyValue(type === 'verdict' ? undefined : type, d.value);
  return undefined;
}

function minusOne(b: Buffer): Buffer {
  const r = Buffer.from(b);
  for (let i = r.length - 1; i >= 0; i--) {
    if (r[i] !== 0) {
      r[i]!--;
      return r;
    }
    r[i] = 0xff;
  }
  return r;
}

/** "a/len" when [start, end] is exactly a prefix of an address type, else undefined. */
function asPrefix(type: SetKeyType | undefined, start: Buffer, end: Buffer): string | undefined {
  if (type !== 'ipv4_addr' && type !== 'ipv6_addr') return undefined;
  const bits = start.length * 8;
  let plen = bits;
  // the prefix length: the longest run of trailing bits that are 0 in start and 1 in end
  for (let bit = bits - 1; bit >= 0; bit--) {
    const m = 0x80 >> (bit & 7);
    const s = start[bit >> 3]! & m;
    const e = end[bit >> 3]! & m;
    if (s === 0 && e !== 0) plen = bit;
    else break;
  }
  for (let bit = 0; bit < plen; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((start[bit >> 3]! & m) !== (end[bit >> 3]! & m)) return undefined;
  }
  return `${keyValue(type, start)}/${plen}`;
}

/**
 * The elements of a set as values. Interval sets: nft's encoding (a start
 * element, an end element flagged interval-end whose key is one past the
 * last value, and a leading end element at 0) reads back as prefixes,
 * ranges and single values, in key order.
 */
export function typedElements(set: Pick<NftSet, 'keyType' | 'keyLen' | 'dataType' | 'dataLen' | 'flags'>, elems: readonly SetElement[]): TypedElement[] {
  const type = setKeyType(set);
  const dtype = setDataType(set);
  const interval = set.flags?.includes('interval') ?? false;
  if (!interval) {
    // in key order (a hash set dumps in its own order), as nft prints them
    const byKey = [...elems].sort((a, b) => Buffer.compare(Buffer.from(a.key?.value ?? []), Buffer.from(b.key?.value ?? [])));
    return byKey.map((e) => {
      const out: TypedElement = { key: e.key?.value ? keyValue(type, e.key.value) : '', raw: [e] };
      const v = dataValue(dtype, e);
      if (v !== undefined) out.value = v;
      return out;
    });
  }
  const isEnd = (e: SetElement): boolean => e.flags?.includes('interval-end') ?? false;
  const keyOf = (e: SetElement): Buffer => (e.key?.value ? Buffer.from(e.key.value) : Buffer.alloc(0));
  // by key; an end element before a start element at the same key (adjacent intervals)
  const sorted = [...elems].sort((a, b) => Buffer.compare(keyOf(a), keyOf(b)) || (isEnd(a) === isEnd(b) ? 0 : isEnd(a) ? -1 : 1));
  const out: TypedElement[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (isEnd(e)) continue; // the leading end element at 0, or one already paired
    const start = keyOf(e);
    const next = sorted[i + 1];
    let last: Buffer;
    const raw = [e];
    if (next && isEnd(next)) {
      last = minusOne(keyOf(next));
      raw.push(next);
      i++;
    } else last = Buffer.alloc(start.length, 0xff); // runs to the end of the key space
    let key: string | number;
    if (Buffer.compare(start, last) === 0) key = keyValue(type, start);
    else key = asPrefix(type, start, last) ?? `${keyValue(type, start)}-${keyValue(type, last)}`;
    const t: TypedElement = { key, raw };
    const v = dataValue(dtype, e);
    if (v !== undefined) t.value = v;
    out.push(t);
  }
  return out;
}
