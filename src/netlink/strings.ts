/**
 * Lossless strings: bytes <-> JavaScript strings with no two byte strings
 * giving the same text.
 *
 * Netlink strings (interface names, aliases, kinds, labels) are bytes; the
 * kernel does not require UTF-8. Decoding them as UTF-8 with U+FFFD for
 * invalid bytes makes `x\xff`, `x\xfe` and `x\xef\xbf\xbd` (a real U+FFFD)
 * the same string, so a name read from a dump could address another device.
 *
 * Here valid UTF-8 decodes as usual and every byte that is not part of a
 * valid UTF-8 sequence becomes a lone surrogate U+DC80..U+DCFF (Python's
 * "surrogateescape"): `x\xff` -> "x\udcff". Valid UTF-8 never decodes to a
 * lone surrogate, so decoding is injective, and the encoder maps those
 * surrogates back to the exact bytes: encode(decode(bytes)) === bytes for
 * every byte string.
 * @module
 */

/** Whether `s` holds a surrogate U+DC80..U+DCFF (an escaped byte, or the low half of some pairs). */
const ESCAPE_RE = /[\udc80-\udcff]/;

/** The cache of short ASCII strings (decodeString): slots of up to SHORT_MAX bytes, direct-mapped by a hash of the bytes. */
const SHORT_MAX = 16;
const SHORT_SLOTS = 512;
const shortBytes = new Uint8Array(SHORT_SLOTS * SHORT_MAX);
const shortLen = new Uint8Array(SHORT_SLOTS);
const shortUsed = new Uint8Array(SHORT_SLOTS);
const shortStr: string[] = new Array<string>(SHORT_SLOTS).fill('');

/**
 * Decode buf[start, end) as UTF-8, escaping each byte that is not part of a
 * valid sequence as U+DC80 + (byte - 0x80).
 */
export function decodeString(buf: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len > 0 && len <= SHORT_MAX) {
    // Short ASCII strings (kinds, qdiscs, interface names) come from a small
    // cache when the same bytes were decoded recently: one string for the
    // "veth" and "noqueue" of thousands of links, no call into C++.
    let h = len;
    let any = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      any |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (any < 0x80) {
      const slot = (h ^ (h >>> 15)) & (SHORT_SLOTS - 1);
      const at = slot * SHORT_MAX;
      if (shortLen[slot] === len) {
        let same = true;
        for (let i = 0; i < len; i++) {
          if (shortBytes[at + i] !== buf[start + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          shortUsed[slot] = 1;
          return shortStr[slot]!;
        }
      }
      const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
      const s = b.toString('latin1', start, end); // ASCII: the same text as UTF-8
      // an entry that was used since it last lost a slot survives one more miss (unique names do not evict "veth")
      if (shortUsed[slot] === 1) shortUsed[slot] = 0;
      else {
        shortLen[slot] = len;
        for (let i = 0; i < len; i++) shortBytes[at + i] = buf[start + i]!;
        shortStr[slot] = s;
      }
      return s;
    }
  }
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const s = b.toString('utf8', start, end);
  // U+FFFD appears only for invalid bytes or a real U+FFFD (EF BF BD): only then decode strictly by hand
  if (s.indexOf('\ufffd') === -1) return s;
  return decodeStrict(buf, start, end);
}

function decodeStrict(b: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let out = '';
  let i = start;
  while (i < end) {
    const c = b[i]!;
    let cp = -1;
    let n = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c <= 0xdf) {
      if (i + 1 < end && (b[i + 1]! & 0xc0) === 0x80) {
        cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
        n = 2;
      }
    } else if (c >= 0xe0 && c <= 0xef) {
      if (i + 2 < end) {
        const c1 = b[i + 1]!;
        const c2 = b[i + 2]!;
        // E0: no overlong (A0..BF); ED: no UTF-16 surrogates (80..9F)
        const lo = c === 0xe0 ? 0xa0 : 0x80;
        const hi = c === 0xed ? 0x9f : 0xbf;
        if (c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80) {
          cp = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
          n = 3;
        }
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      if (i + 3 < end) {
        const c1 = b[i + 1]!;
        const c2 = b[i + 2]!;
        const c3 = b[i + 3]!;
        // F0: no overlong (90..BF); F4: at most U+10FFFF (80..8F)
        const lo = c === 0xf0 ? 0x90 : 0x80;
        const hi = c === 0xf4 ? 0x8f : 0xbf;
        if (c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80 && (c3 & 0xc0) === 0x80) {
          cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
          n = 4;
        }
      }
    }
    if (cp < 0) units.push(0xdc00 + c); // not valid UTF-8 here: escape this one byte
    else if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    i += n;
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** Whether s needs the escape-aware encoder (it holds a surrogate that may be an escaped byte). */
function hasEscapes(s: string): boolean {
  return ESCAPE_RE.test(s);
}

/** Bytes `s` encodes to (an escaped byte U+DC80..U+DCFF counts 1). */
export function stringByteLength(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n === s.length || !hasEscapes(s)) return n;
  return encodeSlow(s, undefined, 0);
}

/**
 * Write the bytes of `s` at buf[pos]; returns the number written. The
 * caller makes room for {@link stringByteLength}(s) bytes first.
 */
export function writeString(buf: Buffer, pos: number, s: string): number {
  if (!hasEscapes(s)) return buf.write(s, pos, 'utf8');
  return encodeSlow(s, buf, pos);
}

/** The bytes of `s` as a new Buffer. */
export function stringBytes(s: string): Buffer {
  if (!hasEscapes(s)) return Buffer.from(s, 'utf8');
  const b = Buffer.allocUnsafe(stringByteLength(s));
  encodeSlow(s, b, 0);
  return b;
}

/** UTF-8 with U+DC80..U+DCFF (not the low half of a pair) written as the byte it escapes. Counts only when buf is undefined. */
function encodeSlow(s: string, buf: Buffer | undefined, pos: number): number {
  let p = pos;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (buf) buf[p] = c;
      p += 1;
    } else if (c < 0x800) {
      if (buf) {
        buf[p] = 0xc0 | (c >> 6);
        buf[p + 1] = 0x80 | (c & 0x3f);
      }
      p += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      if (buf) {
        buf[p] = 0xf0 | (c >> 18);
        buf[p + 1] = 0x80 | ((c >> 12) & 0x3f);
        buf[p + 2] = 0x80 | ((c >> 6) & 0x3f);
        buf[p + 3] = 0x80 | (c & 0x3f);
      }
      p += 4;
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      if (buf) buf[p] = c - 0xdc00; // an escaped byte
      p += 1;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // another lone surrogate: what Buffer#write does
      if (buf) {
        buf[p] = 0xe0 | (c >> 12);
        buf[p + 1] = 0x80 | ((c >> 6) & 0x3f);
        buf[p + 2] = 0x80 | (c & 0x3f);
      }
      p += 3;
    }
  }
  return p - pos;
}

/**
 * Whether `s` is exactly what its bytes decode to. False for a lone
 * surrogate that is not an escaped byte (it would be sent as U+FFFD) and
 * for escaped bytes that form valid UTF-8 together ("\udcc3\udca9" is the
 * bytes of "\u00e9"): such strings would address another name than they say.
 */
export function isCanonicalString(s: string): boolean {
  if (!/[\ud800-\udfff]/.test(s)) return true; // well-formed without surrogates: UTF-8 round-trips
  const b = stringBytes(s);
  return decodeString(b, 0, b.length) === s;
}

/**
 * A string for text output: each escaped byte as `\xNN` (so `x\xff` prints
 * as `x\xff`, not as a replacement character). Other text is unchanged.
 */
export function printableString(s: string): string {
  if (!hasEscapes(s)) return s;
  return s.replace(/(?<![\ud800-\udbff])[\udc80-\udcff]/g, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16)}`);
}
