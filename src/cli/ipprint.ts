/**
 * One printer for text and JSON, the way iproute2 prints: each value is
 * given once with its JSON key and its text format, and the printer keeps
 * what the mode needs (the text, or the JSON object). The object printers
 * (iplink.ts, ipobjects.ts, ipkinds.ts) are written against this API so a
 * field cannot drift between `-d` text and `-j` JSON.
 *
 * Output modes, as iproute2's PRINT_ANY / PRINT_FP / PRINT_JSON:
 * 'any' goes to both, 'fp' only to text, 'json' only to JSON.
 * @module
 */
import { printableString } from '../netlink/strings.js';

export type Out = 'any' | 'fp' | 'json';

/** A JSON number kept as its text (u64 counters beyond 2^53, bridge timers as "0.00"). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonValue = string | number | boolean | null | bigint | RawJson | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/**
 * printf for the conversions iproute2's formats use: %s %d %i %u %x %X %f %g
 * %c %%, flags - 0 # + and space, width (or *), precision, length modifiers
 * (hh h l ll z j t, ignored).
 */
export function sprintf(fmt: string, ...args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-0#+ ]*)(\*|\d+)?(?:\.(\*|\d+))?(?:hh|h|ll|l|z|j|t)?([sdiuxXfgc%])/g, (_m, flags: string, w?: string, p?: string, conv?: string) => {
    if (conv === '%') return '%';
    let width = w === '*' ? Number(args[i++]) : w !== undefined ? Number(w) : 0;
    const prec = p === '*' ? Number(args[i++]) : p !== undefined ? Number(p) : undefined;
    let left = flags.includes('-');
    if (width < 0) {
      left = true;
      width = -width;
    }
    const v = args[i++];
    let s: string;
    let numeric = true;
    switch (conv) {
      case 's':
        s = String(v ?? '(null)');
        if (prec !== undefined) s = s.slice(0, prec);
        numeric = false;
        break;
      case 'c':
        s = typeof v === 'number' ? String.fromCharCode(v) : String(v);
        numeric = false;
        break;
      case 'd':
      case 'i':
      case 'u': {
        s = BigInt(v as number | bigint).toString();
        if (prec !== undefined) s = s.startsWith('-') ? '-' + s.slice(1).padStart(prec, '0') : s.padStart(prec, '0');
        if (!s.startsWith('-') && flags.includes('+') && conv !== 'u') s = '+' + s;
        else if (!s.startsWith('-') && flags.includes(' ') && conv !== 'u') s = ' ' + s;
        break;
      }
      case 'x':
      case 'X': {
        const n = BigInt(v as number | bigint);
        s = n.toString(16);
        if (prec !== undefined) s = s.padStart(prec, '0');
        if (flags.includes('#') && n !== 0n) s = '0x' + s;
        if (conv === 'X') s = s.toUpperCase();
        break;
      }
      case 'f':
        s = Number(v).toFixed(prec ?? 6);
        break;
      case 'g': {
        const n = Number(v);
        s = n === 0 ? '0' : String(Number(n.toPrecision(prec === undefined ? 6 : Math.max(prec, 1))));
        break;
      }
      default:
        s = String(v);
    }
    if (s.length >= width) return s;
    if (left) return s.padEnd(width);
    if (numeric && flags.includes('0') && prec === undefined) {
      const sign = /^[-+ ]/.test(s) ? s[0]! : '';
      const pre = s.startsWith('0x', sign.length) ? '0x' : '';
      const body = s.slice(sign.length + pre.length);
      return sign + pre + body.padStart(width - sign.length - pre.length, '0');
    }
    return s.padStart(width);
  });
}

type Container = JsonObject | JsonValue[];

/** Text: strings with bytes that are not UTF-8 (decoded as U+DC80..U+DCFF) as \xNN; JSON keeps the library's string. */
function tx(fmt: string, args: unknown[]): string {
  return sprintf(fmt, ...args.map((a) => (typeof a === 'string' ? printableString(a) : a)));
}

/**
 * Collects one dump's output: text (a string with newlines) or JSON (an
 * array of objects, one per printed object, like `ip -j`).
 */
export class IpPrinter {
  private text = '';
  private readonly root: JsonValue[] = [];
  private readonly stack: Container[] = [this.root];
  /** A key named with no value yet (iproute2's jsonw_name before a nested value). */
  private pending?: string;

  constructor(readonly json: boolean) {}

  private isJson(t: Out): boolean {
    return this.json && t !== 'fp';
  }
  private isText(t: Out): boolean {
    return !this.json && t !== 'json';
  }

  private put(key: string | null | undefined, v: JsonValue): void {
    const top = this.stack[this.stack.length - 1]!;
    if (Array.isArray(top)) top.push(v);
    else {
      const k = key ?? this.pending;
      this.pending = undefined;
      if (k !== undefined) top[k] = v;
    }
  }

  /** Text only, as is. */
  fp(s: string): void {
    if (!this.json) this.text += printableString(s);
  }
  /** Text only, printf-formatted. */
  fpf(fmt: string, ...args: unknown[]): void {
    if (!this.json) this.text += tx(fmt, args);
  }
  /** A newline in text (iproute2's print_nl). */
  nl(): void {
    if (!this.json) this.text += '\n';
  }

  string(t: Out, key: string | null, fmt: string | null, v: string | null): void {
    if (this.isJson(t)) {
      if (key !== null && v === null) this.pending = key;
      else this.put(key, v);
    } else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v]);
  }
  /** Integers: JSON numbers (bigint beyond 2^53 written exactly). */
  uint(t: Out, key: string | null, fmt: string | null, v: number | bigint): void {
    if (this.isJson(t)) this.put(key, typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
    else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v]);
  }
  int(t: Out, key: string | null, fmt: string | null, v: number | bigint): void {
    this.uint(t, key, fmt, v);
  }
  /** print_hex: JSON string of the hex digits ("%x"). */
  hex(t: Out, key: string | null, fmt: string | null, v: number): void {
    if (this.isJson(t)) this.put(key, (v >>> 0).toString(16));
    else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v]);
  }
  /** print_0xhex: JSON string "%#llx" (0 stays "0"). */
  hex0x(t: Out, key: string | null, fmt: string | null, v: number | bigint): void {
    if (this.isJson(t)) this.put(key, sprintf('%#x', v));
    else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v]);
  }
  /** print_bool: JSON true/false; text the format with "true"/"false". */
  bool(t: Out, key: string | null, fmt: string | null, v: boolean): void {
    if (this.isJson(t)) this.put(key, v);
    else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v ? 'true' : 'false']);
  }
  /** print_on_off: JSON true/false; text "on"/"off". */
  onOff(t: Out, key: string | null, fmt: string | null, v: boolean): void {
    if (this.isJson(t)) this.put(key, v);
    else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v ? 'on' : 'off']);
  }
  /** print_null: JSON null; text the format with `v`. */
  null(t: Out, key: string | null, fmt: string | null, v: string | null): void {
    if (this.isJson(t)) this.put(key, null);
    else if (this.isText(t) && fmt !== null) this.text += tx(fmt, [v]);
  }
  /** A JSON value written as given (jsonw_printf), e.g. a timer "299.98". */
  raw(key: string, jsonText: string): void {
    if (this.json) this.put(key, new RawJson(jsonText));
  }

  openObject(key: string | null = null): void {
    if (!this.json) return;
    const o: JsonObject = {};
    this.put(key, o);
    this.stack.push(o);
  }
  closeObject(): void {
    if (this.json && this.stack.length > 1) this.stack.pop();
  }
  /** open_json_array: JSON array under `str`, or `str` itself as text. */
  openArray(t: Out, str: string | null): void {
    if (this.isJson(t)) {
      const a: JsonValue[] = [];
      this.put(str, a);
      this.stack.push(a);
    } else if (this.isText(t) && str !== null) this.text += str;
  }
  closeArray(t: Out, str: string | null): void {
    if (this.isJson(t)) {
      if (this.stack.length > 1) this.stack.pop();
    } else if (this.isText(t) && str !== null) this.text += str;
  }

  /** The text as lines, trailing blanks of each line removed. */
  lines(): string[] {
    const t = this.text.endsWith('\n') ? this.text.slice(0, -1) : this.text;
    if (t === '') return [];
    return t.split('\n').map((l) => l.replace(/[ \t]+$/, ''));
  }
  /** The JSON array of printed objects. */
  objects(): JsonValue[] {
    return this.root;
  }
}

/** JSON text like iproute2's writer: compact, u64 numbers exact, raw numbers as given. */
export function ipJsonText(v: JsonValue, indent = ''): string {
  const pretty = indent !== '';
  const walk = (x: JsonValue, pad: string): string => {
    if (x === null) return 'null';
    if (x instanceof RawJson) return x.text;
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') return Number.isFinite(x) ? String(x) : 'null';
    if (typeof x === 'string' || typeof x === 'boolean') return JSON.stringify(x);
    const inner = pad + indent;
    if (Array.isArray(x)) {
      if (!x.length) return '[]';
      return pretty ? `[\n${x.map((e) => inner + walk(e, inner)).join(',\n')}\n${pad}]` : `[${x.map((e) => walk(e, pad)).join(',')}]`;
    }
    const ents = Object.entries(x);
    if (!ents.length) return '{}';
    return pretty
      ? `{\n${ents.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${walk(e, inner)}`).join(',\n')}\n${pad}}`
      : `{${ents.map(([k, e]) => `${JSON.stringify(k)}:${walk(e, pad)}`).join(',')}}`;
  };
  return walk(v, '');
}
