/**
 * rtnl-dump: dump, monitor and decode rtnetlink state and traffic.
 * See docs/cli.md. Exit codes: 0 ok, 1 runtime error (kernel, system,
 * unreadable or corrupt file), 2 bad usage.
 * @module
 */
import { registerBuiltinKinds } from '../rtnl/kinds/table.js';
import { AF_INET, AF_INET6, AF_UNSPEC, NETLINK_FAMILY_NAMES, NETLINK_ROUTE } from '../netlink/constants.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import type { RawMessage } from '../netlink/message.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { decodeMessage, rtmName, schemaFor } from '../rtnl/schema.js';
import { UAPI as U } from '../rtnl/uapi.js';
import type { MonitorEvent } from '../rtnl/monitor.js';
import type { Inet6StatsLayout } from '../rtnl/afspec.js';
import { formatLink, formatRouteMessage, learnLinkName, toJson, withIfNames, type FormatOptions, type NameCache } from './format.js';
import { printLink, printStats64, linkStats, type IpContext } from './iplink.js';
import { printAddr, printNeigh, printRoute, printRule } from './ipobjects.js';
import { IpPrinter, ipJsonText } from './ipprint.js';
import type { Link } from '../rtnl/link.js';
import type { Address } from '../rtnl/addr.js';
import type { Route } from '../rtnl/route.js';
import type { Neighbour } from '../rtnl/neigh.js';
import type { Rule } from '../rtnl/rule.js';
import { readFileSync, readdirSync, writeSync } from 'node:fs';
import { GENL_COMMANDS, GENL_HELP, parseGenlFamilyOption } from './genl-help.js';

// the built-in link kinds (veth, bridge, vxlan, ...) and tun/tap's creator, from their table
registerBuiltinKinds();

/** Where the CLI writes (stdout/stderr by default; tests pass their own). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Read all of stdin (for `hex -`). */
  stdin?(): Promise<string>;
}

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

const COMMON = `  --netns NAME    work inside the network namespace NAME (/run/netns/NAME, or an absolute path)
  -h, --help      this help`;

const DUMP_OPTS = `  -j              iproute2's JSON (ip -j: its key names and value forms)
  --json          the library's decoded objects (API names), with <field>Name
                  beside interface indexes
  -p, --pretty    indent the JSON
  -d, --details   what ip -d adds; -dd: also every attribute by its uapi name
                  (unknown ones as unknown(type=N) <hex>)`;

const DECODE_OPTS = `  -j, --json      print JSON
  -d, --details   print every attribute by its uapi name (unknown ones as unknown(type=N) <hex>)`;

const HELP: Record<string, string> = {
  '': `usage: rtnl-dump <command> [options] [arguments]

commands:
  link      list network interfaces                 (ip link show)
  addr      list addresses                          (ip -o addr show)
  route     list routes of every table              (ip route show table all)
  neigh     list neighbour (ARP/NDP, FDB) entries   (ip neigh show nud all)
  rule      list policy routing rules               (ip rule show)
  monitor   print rtnetlink notifications            (ip -ts monitor)
  nft       list the nf_tables ruleset               (nft list ruleset)
  pcap      decode a netlink capture (pcap/pcapng, LINKTYPE_NETLINK)
  hex       decode netlink messages given in hex
  genl      list generic netlink families           (genl ctrl list)
  macsec    show MACsec SAs and channels            (ip macsec show)
  team      show a team device's ports and options  (teamnl DEV ports/options)
  wireguard show WireGuard devices                  (wg show)
  ethtool   show a device's settings, features, ... (ethtool, ethtool -k/-l/-g/-i)
  help      help for a command: rtnl-dump help monitor

Run rtnl-dump <command> --help for the options of a command.
rtnl-dump --version prints the version.
exit codes: 0 success, 1 runtime error (kernel or system error, unreadable or corrupt file), 2 bad usage`,
  link: `usage: rtnl-dump link [--netns NAME] [-j|--json] [-d|-dd] [-s] [-br] [[dev] NAME]

List network interfaces like \`ip link show\` (-d: \`ip -d link show\`).
With -j, iproute2's JSON (\`ip -j link show\`); with --json, an array of
decoded links (API field names; bytes as hex; unknown attributes in
"unknown": [{type, flags, data}]).

${DUMP_OPTS}
  -s, --stats     RX/TX counters (-ss: with the error counters)
  -br, --brief    one line per link: name, state, address, flags
  dev NAME        only this link (also by an alternative name)
${COMMON}`,
  addr: `usage: rtnl-dump addr [--netns NAME] [-4|-6] [-j|--json] [-d|-dd] [-s] [-br] [[dev] NAME]

List IPv4/IPv6 addresses (RTM_GETADDR dump), one per line like \`ip -o addr\`.
With -j or -br, grouped by link like \`ip -j addr show\` / \`ip -br addr show\`.

${DUMP_OPTS}
  -s, --stats     with -j: the link counters (ip -s -j addr)
  -br, --brief    one line per link: name, state, addresses
  -4, -6          only IPv4 / only IPv6
  dev NAME        only the addresses of this link
${COMMON}`,
  route: `usage: rtnl-dump route [--netns NAME] [-4|-6] [-j|--json] [-d|-dd] [-s] [dev NAME]

List the routes of every table (RTM_GETROUTE dump) like \`ip route show table all\`.

${DUMP_OPTS}
  -s, --stats     with -j: the cache use counters (ip -s route)
  -4, -6          only IPv4 / only IPv6
  dev NAME        only routes out of this link (RTA_OIF or a next hop)
${COMMON}`,
  neigh: `usage: rtnl-dump neigh [--netns NAME] [-4|-6] [-j|--json] [-d|-dd] [-s] [dev NAME]

List neighbour entries (RTM_GETNEIGH dump) like \`ip neigh show nud all\`.

${DUMP_OPTS}
  -s, --stats     with -j: used/confirmed/updated times and probes (ip -s neigh)
  -4, -6          only IPv4 / only IPv6
  dev NAME        only entries of this link
${COMMON}`,
  rule: `usage: rtnl-dump rule [--netns NAME] [-4|-6] [-j|--json] [-d|-dd]

List policy routing rules (RTM_GETRULE dump) like \`ip rule show\`.

${DUMP_OPTS}
  -4, -6          only IPv4 / only IPv6
${COMMON}`,
  monitor: `usage: rtnl-dump monitor [--netns NAME] [--json] [-d|-dd] [--resync] [--rcvbuf BYTES] [--count N] [GROUP...]

Print rtnetlink notifications as they arrive, each line prefixed with the
time and the object kind, like \`ip -ts monitor label\`. Runs until
interrupted (SIGINT/SIGTERM: exit 0) or until --count events were printed.
"listening on ..." is written to stderr once subscribed.

GROUP: all (default), link, address, route, mroute, neigh, rule, nsid,
netconf, prefix, nexthop, or any RTNLGRP name in lower case with dashes
(ipv4-ifaddr, ipv6-route, ipv4-rule, tc, mdb, stats, ...).

  -j, --json      print JSON (one object per event)
  -d, --details   what ip -d adds; -dd: also every attribute by its uapi name
${COMMON}
  --resync        after an overrun (the kernel dropped notifications), re-dump
                  the subscribed objects and print them tagged [RESYNC]
  --rcvbuf BYTES  socket receive buffer (default 8 MiB)
  --count N       exit after N object events
  --all-nsid      also every namespace that has an id here (ip monitor
                  all-nsid); lines start with [nsid N] or [nsid current]

With --json, one JSON object per line per event:
  {"time":..., "type":"newlink", "kind":"link", "object":{...}, "message":{...}}
  {"time":..., "type":"overrun", "resync":false}`,
  pcap: `usage: rtnl-dump pcap FILE [--json] [-d]

Decode a netlink capture (pcap or pcapng with link type NETLINK 253, e.g.
\`tcpdump -i nlmon0 -w FILE\`, or a file written by Rtnl.open({ record })).
The file is streamed: any size decodes in bounded memory. FILE may be - for
stdin. NETLINK_ROUTE messages are decoded by name; other families are shown
with their headers and payload bytes.

${DECODE_OPTS}
  -h, --help      this help

  --inet6-stats L read per-link IPv6 counters (IFLA_INET6_STATS) in the
                  order of the kernel that made the capture: legacy (before
                  6.15) or 6.15 (default: the running kernel's)
  --genl-family ID=NAME  a generic netlink family id the capture does not
                  announce (ids are learnt from its controller messages)

With --json, one JSON object per line per frame (JSON Lines):
  {"frame":1, "time":"...", "family":0, "familyName":"NETLINK_ROUTE",
   "messages":[{"typeName":"RTM_NEWLINK", "seq":..., "object":{"name":"lo", ...}}]}`,
  nft: `usage: rtnl-dump nft [--netns NAME] [-d] [--json [-p]] [FAMILY]

List the nf_tables ruleset (NETLINK_NETFILTER) like \`nft list ruleset\`:
tables, sets and maps with their elements, chains, rules as nft statements
(what fits no statement prints in nft's debug form). FAMILY: ip, ip6, inet,
arp, bridge or netdev (default: all).

  -d, --details   rule, chain, set and table handles (like nft -a)
  --json          the library's objects: { genId, tables, chains, rules, sets }
  -p, --pretty    indent the JSON
${COMMON}`,
  hex: `usage: rtnl-dump hex [--family FAMILY] [--json] [-d] HEX...

Decode one netlink datagram (one or more messages) given as hex (spaces,
colons and a 0x prefix are ignored; several arguments are joined; - reads the
hex from stdin).

  --family F      netlink family: route (default), generic, sock_diag,
                  netfilter, xfrm, audit, ... or a number
  --inet6-stats L IFLA_INET6_STATS order: legacy (kernels before 6.15) or 6.15
  --genl-family ID=NAME  a generic netlink family id, when the bytes do not
                  carry the controller message announcing it (repeatable)
${DECODE_OPTS}
  -h, --help      this help`,
  ...GENL_HELP,
};

const FAMILY_BY_NAME: Record<string, number> = {};
for (const [n, name] of Object.entries(NETLINK_FAMILY_NAMES)) FAMILY_BY_NAME[name.slice(8).toLowerCase()] = Number(n);

export interface Args {
  command: string;
  netns?: string;
  /** --json (and -j for monitor, pcap, hex): the library's objects. */
  json: boolean;
  /** -j for the dump commands: iproute2's JSON. */
  ipJson: boolean;
  /** -p: indented JSON. */
  pretty: boolean;
  /** -d count: 1 = ip's details, 2 = also every attribute. */
  details: number;
  /** -s count. */
  stats: number;
  /** -br */
  brief: boolean;
  /** dev NAME */
  dev?: string;
  help: boolean;
  family?: 4 | 6;
  resync: boolean;
  rcvbuf?: number;
  count?: number;
  nlFamily: number;
  /** --all-nsid: monitor every namespace that has an id here. */
  allNsid: boolean;
  /** --inet6-stats: the IFLA_INET6_STATS layout of the kernel that made the capture. */
  inet6Stats?: Inet6StatsLayout;
  /** --genl-family ID=NAME: generic netlink family ids given up front. */
  genlFamilies: Array<[number, string]>;
  positional: string[];
}

const DUMP_COMMANDS = new Set(['link', 'addr', 'route', 'neigh', 'rule']);

const ALLOWED: Record<string, string[]> = {
  link: ['netns', 'json', 'details', 'stats', 'brief', 'dev'],
  addr: ['netns', 'json', 'details', 'ipfamily', 'stats', 'brief', 'dev'],
  route: ['netns', 'json', 'details', 'ipfamily', 'stats', 'dev'],
  neigh: ['netns', 'json', 'details', 'ipfamily', 'stats', 'dev'],
  rule: ['netns', 'json', 'details', 'ipfamily'],
  monitor: ['netns', 'json', 'details', 'resync', 'rcvbuf', 'count', 'allnsid'],
  pcap: ['json', 'details', 'inet6stats', 'genlfamily'],
  hex: ['json', 'details', 'family', 'inet6stats', 'genlfamily'],
  nft: ['netns', 'json', 'details'],
};

function positiveInt(v: string | undefined, opt: string, cmd: string): number {
  if (v === undefined) throw new UsageError(`${opt} needs a value`, cmd);
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${opt}: expected a positive integer, got "${v}"`, cmd);
  return n;
}

/**
 * An interface name as the kernel accepts it (dev_valid_name): 1..15 bytes,
 * not "." or "..", no "/", ":" or white space. Checked before anything is sent.
 */
function checkIfname(v: string): string {
  const bytes = Buffer.byteLength(v);
  if (bytes === 0 || bytes > 15 || v === '.' || v === '..' || /[/:\s]/.test(v)) {
    throw new ArgumentError('dev', `"${v}" is not an interface name (1..15 bytes, no "/", ":" or spaces)`);
  }
  return v;
}

export function parseArgs(argv: string[]): Args {
  const command = argv[0] ?? '';
  const a: Args = { command, json: false, ipJson: false, pretty: false, details: 0, stats: 0, brief: false, help: false, resync: false, allNsid: false, nlFamily: NETLINK_ROUTE, genlFamilies: [], positional: [] };
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(command.startsWith('-') ? `expected a command before ${command}` : `unknown command "${command}"`);
  const need = (opt: string, key: string): void => {
    if (!allowed.includes(key)) throw new UsageError(`option ${opt} does not apply to "${command}"`, command);
  };
  let onlyPositional = false;
  for (let i = 1; i < argv.length; i++) {
    const x = argv[i]!;
    if (onlyPositional || !x.startsWith('-') || x === '-') {
      a.positional.push(x);
      continue;
    }
    switch (x) {
      case '--':
        onlyPositional = true;
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '--netns':
      case '-n':
        need(x, 'netns');
        a.netns = argv[++i];
        if (!a.netns) throw new UsageError(`${x} needs a namespace name`, command);
        break;
      case '-j':
        need(x, 'json');
        if (DUMP_COMMANDS.has(command)) a.ipJson = true;
        else a.json = true;
        break;
      case '--json':
        need(x, 'json');
        a.json = true;
        break;
      case '-p':
      case '--pretty':
        need(x, 'json');
        a.pretty = true;
        break;
      case '-d':
      case '--details':
        need(x, 'details');
        a.details++;
        break;
      case '-dd':
        need(x, 'details');
        a.details += 2;
        break;
      case '-s':
      case '--stats':
        need(x, 'stats');
        a.stats++;
        break;
      case '-ss':
        need(x, 'stats');
        a.stats += 2;
        break;
      case '-br':
      case '--brief':
        need(x, 'brief');
        a.brief = true;
        break;
      case '-4':
      case '-6':
        need(x, 'ipfamily');
        a.family = x === '-4' ? 4 : 6;
        break;
      case '--resync':
        need(x, 'resync');
        a.resync = true;
        break;
      case '--all-nsid':
        need(x, 'allnsid');
        a.allNsid = true;
        break;
      case '--rcvbuf':
        need(x, 'rcvbuf');
        a.rcvbuf = positiveInt(argv[++i], x, command);
        break;
      case '--count':
        need(x, 'count');
        a.count = positiveInt(argv[++i], x, command);
        break;
      case '--family': {
        need(x, 'family');
        const v = argv[++i];
        if (v === undefined) throw new UsageError('--family needs a value', command);
        const n = /^\d+$/.test(v) ? Number(v) : FAMILY_BY_NAME[v.toLowerCase().replace(/^netlink_/, '')];
        if (n === undefined || n > 31) throw new UsageError(`--family: unknown netlink family "${v}" (known: ${Object.keys(FAMILY_BY_NAME).join(', ')}, or 0..31)`, command);
        a.nlFamily = n;
        break;
      }
      case '--inet6-stats': {
        need(x, 'inet6stats');
        const v = argv[++i];
        if (v !== 'legacy' && v !== '6.15') throw new UsageError(`--inet6-stats: expected legacy (kernels before 6.15) or 6.15, got ${v === undefined ? 'nothing' : `"${v}"`}`, command);
        a.inet6Stats = v;
        break;
      }
      case '--genl-family':
        need(x, 'genlfamily');
        try {
          a.genlFamilies.push(parseGenlFamilyOption(argv[++i]));
        } catch (e) {
          throw new UsageError((e as Error).message, command);
        }
        break;
      default:
        throw new UsageError(`unknown option ${x}`, command);
    }
  }
  if (a.json && a.ipJson) throw new UsageError('-j (iproute2 JSON) and --json (decoded objects) exclude each other', command);
  if (a.brief && (a.json || a.details)) throw new UsageError(`-br does not combine with ${a.json ? '--json' : '-d'}`, command);
  if (a.pretty && !a.json && !a.ipJson) throw new UsageError('-p indents JSON: give -j or --json', command);
  // the one-line text forms of addresses, routes and neighbours have no counters: ip's come with -j
  if (a.stats && command !== 'link' && !a.ipJson) throw new UsageError(`-s with ${command} goes with -j (the counters of ip -s -j ${command})`, command);
  // dev NAME (link and addr also take the bare NAME, like ip link show NAME)
  if (allowed.includes('dev') && a.positional.length) {
    const p = a.positional;
    if (p[0] === 'dev') {
      if (p.length < 2) throw new UsageError('dev needs an interface name', command);
      a.dev = checkIfname(p[1]!);
      p.splice(0, 2);
    } else if ((command === 'link' || command === 'addr') && !p[0]!.startsWith('-')) {
      a.dev = checkIfname(p[0]!);
      p.splice(0, 1);
    }
  }
  return a;
}

/**
 * A line writer for a file descriptor (the CLI's stdout: fd 1), written with
 * writeSync, not through `process.stdout` (start-up, issue 16): creating
 * process.stdout loads Node's stream modules (net, tty or the file stream,
 * and `stream`), ~4-5 ms of a short command's start. The bytes and their
 * order are the same: on Linux process.stdout writes files, TTYs and pipes
 * synchronously too. A descriptor that is non-blocking (shared with a process
 * that set O_NONBLOCK) may refuse a write (EAGAIN): from then on the rest of
 * that line and every later line go through `fallback()` (process.stdout,
 * which waits for the reader), in order. EPIPE (the reader went away,
 * `rtnl-dump ... | head`) calls `onEpipe`, as process.stdout's 'error' event did.
 */
export function fdLineWriter(fd: number, fallback: () => NodeJS.WritableStream, onEpipe: () => void): (line: string) => void {
  let stream: NodeJS.WritableStream | undefined;
  return (line) => {
    const s = line + '\n';
    if (stream !== undefined) {
      stream.write(s);
      return;
    }
    let buf: Buffer | undefined;
    let off = 0;
    try {
      off = writeSync(fd, s);
      // fs.writeSync writes until done or an error; a partial count means the descriptor refused the rest
      if (off !== s.length && off < Buffer.byteLength(s)) {
        buf = Buffer.from(s);
        while (off < buf.length) off += writeSync(fd, buf, off);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return onEpipe();
      if (code !== 'EAGAIN') throw e;
      stream = fallback();
      stream.write(buf === undefined ? (off === 0 ? s : Buffer.from(s).subarray(off)) : buf.subarray(off));
    }
  };
}

/** `rtnl-dump ... | head`: the reader went away; that is not an error (the exit code stays what it was). */
function exitOnEpipe(): never {
  process.exit(process.exitCode ?? 0);
}

const defaultIo: CliIo = {
  out: fdLineWriter(
    1,
    () => {
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e && e.code === 'EPIPE') exitOnEpipe();
        throw e;
      });
      return process.stdout;
    },
    exitOnEpipe,
  ),
  err: (s) => void process.stderr.write(s + '\n'),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Run the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.length === 0) {
    io.err(HELP['']!);
    return 2;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    io.out(HELP['']!);
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.out(`rtnl-dump ${packageVersion()} (rtnetlink)`);
    return 0;
  }
  if ((GENL_COMMANDS as readonly string[]).includes(argv[0]!)) return (await import('./genl.js')).genlMain(argv, io);
  if (argv[0] === 'help') {
    const topic = argv[1] ?? '';
    const h = HELP[topic];
    if (h === undefined) {
      io.err(`rtnl-dump: no help for "${topic}"\n\n${HELP['']}`);
      return 2;
    }
    io.out(h);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`rtnl-dump: ${e.message}\n\n${HELP[e.command ?? ''] ?? HELP['']}`);
      return 2;
    }
    if (e instanceof ArgumentError) {
      io.err(`rtnl-dump: ${e.message}\n\n${HELP[argv[0]!] ?? HELP['']}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    io.out(HELP[args.command]!);
    return 0;
  }
  try {
    switch (args.command) {
      case 'link':
      case 'addr':
      case 'route':
      case 'neigh':
      case 'rule':
        noPositional(args);
        return await dumpCommand(args, io);
      case 'monitor':
        return await monitorCommand(args, io);
      case 'pcap':
        return await (await import('./capture.js')).pcapCommand(args, io);
      case 'nft':
        return await (await import('./capture.js')).nftCommand(args, io);
      case 'hex':
        return await (await import('./capture.js')).hexCommand(args, io);
      default:
        throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ArgumentError) {
      io.err(`rtnl-dump: ${e.message}\n\n${HELP[args.command] ?? HELP['']}`);
      return 2;
    }
    io.err(`rtnl-dump: ${errorText(e)}`);
    return 1;
  }
}

/** The package's version, from the package.json above dist/ (or src/ when run from sources). */
export function packageVersion(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rtnetlink' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      /* not here */
    }
    dir = new URL('..', dir);
  }
  return 'unknown';
}

function errorText(e: unknown): string {
  // a JavaScript error that is not one of ours (a bug: RangeError, TypeError...) is named as what it is
  if (e instanceof RangeError || e instanceof ReferenceError || (e instanceof TypeError && !(e instanceof ArgumentError))) return `${e.name}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

function noPositional(a: Args): void {
  if (a.positional.length) throw new UsageError(`unexpected argument "${a.positional[0]}"`, a.command);
}

// ----------------------------------------------------------------- dumps

/** Dump request type per command (the request carries the schema's zeroed header, family set by -4/-6). */
const DUMPS: Record<string, number> = { addr: U.RTM_GETADDR, route: U.RTM_GETROUTE, neigh: U.RTM_GETNEIGH, rule: U.RTM_GETRULE };

/**
 * Message bytes for JSON, as hex (what jsonReplacer makes of bytes). Done
 * here because JSON.stringify calls Buffer#toJSON before any replacer: an
 * array of one number per byte, 10x the bytes for a big captured message.
 */
export function payloadHex(b: Buffer): string {
  return b.toString('hex');
}

/** JSON form of a message without a registered schema. */
function undecoded(m: RawMessage, typeName: string): Record<string, unknown> {
  return { type: typeName, undecoded: true, payload: payloadHex(m.buf.subarray(m.offset + 16, m.offset + m.len)) };
}

function decodeOrError(m: RawMessage): { obj?: Record<string, unknown>; error?: Error } {
  try {
    return { obj: decodeMessage(m) };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e; // only malformed bytes are a "decode error"; anything else fails the command
    return { error: e };
  }
}

async function dumpCommand(a: Args, io: CliIo): Promise<number> {
  const rtnl = await Rtnl.open(a.netns !== undefined ? { netns: a.netns } : {});
  try {
    // -s on `link` asks for the per-link IPv6 counters too (shown in --json), as `ip -s` asks the kernel
    const links = await rtnl.links.list({ stats: a.command === 'link' && a.stats > 0 });
    const names: NameCache = new Map(links.map((l) => [l.index, l.name]));
    const flags = new Map(links.map((l) => [l.index, l.flags]));
    let dev: Link | undefined;
    if (a.dev !== undefined) {
      dev = links.find((l) => l.name === a.dev) ?? links.find((l) => l.propList?.altNames?.includes(a.dev!));
      if (!dev) throw new Error(`Device "${a.dev}" does not exist.`);
    }
    // `link-netns NAME` in text, as ip: the names in /run/netns that have an id here
    const nsNames = !a.json && !a.ipJson && links.some((l) => (l.linkNetnsId ?? -1) >= 0) ? await netnsNames(rtnl) : undefined;
    const ctx: IpContext = { names, flags, types: new Map(links.map((l) => [l.index, l.type])), nsNames, details: a.details > 0, stats: a.stats, brief: a.brief };
    const o: FormatOptions = { details: a.details > 0, attrs: a.details > 1, stats: a.stats, names, flags, nsNames };
    const jsonOut = (v: unknown): void => io.out(a.ipJson ? ipJsonText(v as never, a.pretty ? '    ' : '') : toJson(v, a.pretty ? 2 : 1));

    if (a.command === 'link') {
      const shown = dev ? [dev] : links;
      if (a.json) {
        jsonOut(shown.map((l) => withIfNames('link', l as unknown as Record<string, unknown>, names)));
        return 0;
      }
      if (a.ipJson || a.brief) {
        const p = new IpPrinter(a.ipJson);
        for (const l of shown) {
          p.openObject();
          printLink(p, l, ctx, { doLink: true, family: 'packet' });
          p.closeObject();
        }
        if (a.ipJson) jsonOut(p.objects());
        else for (const line of p.lines()) io.out(line);
        return 0;
      }
      for (const l of shown) for (const line of formatLink(l, o)) io.out(line);
      return 0;
    }

    const type = DUMPS[a.command]!;
    const body = Buffer.alloc(schemaFor(type)!.headerSize);
    body[0] = a.family === 4 ? AF_INET : a.family === 6 ? AF_INET6 : AF_UNSPEC;
    const msgs = await rtnl.socket.dumpAll(type, body, { what: `${a.command} dump` });
    const decoded = msgs.map((m) => ({ m, ...decodeOrError(m) }));
    const af = a.family === 4 ? AF_INET : a.family === 6 ? AF_INET6 : undefined;
    // the kernel answers a family's dump with that family only; -4/-6 and dev filter here too
    const keep = (obj: Record<string, unknown>): boolean => {
      if (af !== undefined && obj.family !== af) return false;
      if (!dev) return true;
      const idx = dev.index;
      switch (a.command) {
        case 'addr':
        case 'neigh':
          return obj.index === idx;
        case 'route': {
          const r = obj as unknown as Route;
          return r.oif === idx || (r.multipath ?? []).some((nh) => nh.ifindex === idx);
        }
        default:
          return true;
      }
    };
    const kind = ({ addr: 'address', route: 'route', neigh: 'neighbour', rule: 'rule' } as Record<string, string>)[a.command]!;

    if (a.json) {
      const arr = decoded
        .filter((d) => !d.obj || keep(d.obj))
        .map(({ m, obj, error }) => (obj ? withIfNames(kind, obj, names) : { ...undecoded(m, rtmName(m.type)), ...(error ? { decodeError: error.message } : {}) }));
      jsonOut(arr);
      return 0;
    }
    if (a.ipJson || a.brief) {
      // iproute2's forms are printed from decoded objects only: a message that does not decode is reported on stderr
      let bad = 0;
      const objs: Record<string, unknown>[] = [];
      for (const d of decoded) {
        if (d.obj) {
          if (keep(d.obj)) objs.push(d.obj);
        } else {
          bad++;
          io.err(`rtnl-dump: ${rtmName(d.m.type)} left out: ${d.error?.message ?? 'no decoder'}`);
        }
      }
      const p = new IpPrinter(a.ipJson);
      if (a.command === 'addr') printAddrList(p, dev ? [dev] : links, objs as unknown as Address[], ctx, af ?? 0);
      else {
        for (const obj of objs) {
          if (a.command === 'route') printRoute(p, obj as unknown as Route, ctx);
          else if (a.command === 'neigh') printNeigh(p, obj as unknown as Neighbour, ctx);
          else printRule(p, obj as unknown as Rule, ctx);
        }
      }
      if (a.ipJson) jsonOut(p.objects());
      else for (const line of p.lines()) io.out(line);
      return bad ? 1 : 0;
    }
    for (const { m, obj, error } of decoded) {
      if (obj && !keep(obj)) continue;
      for (const line of formatRouteMessage(m, obj, o)) io.out(line);
      if (error) io.out(`    decode error: ${error.message}`);
    }
    return 0;
  } finally {
    await rtnl.close();
  }
}

/**
 * `ip addr show` (-j / -br): each link with its addresses ("addr_info"); with
 * -4/-6 the links that have an address of that family only, like ip.
 */
function printAddrList(p: IpPrinter, links: Link[], addrs: Address[], ctx: IpContext, family: number): void {
  for (const l of links) {
    const mine = addrs.filter((x) => x.index === l.index);
    if (family && !mine.length) continue;
    p.openObject();
    printLink(p, l, ctx, { doLink: false, family });
    p.openArray('json', 'addr_info');
    for (const x of mine) {
      p.openObject();
      printAddr(p, x, ctx);
      p.closeObject();
    }
    p.closeArray('json', null);
    if (ctx.brief) p.fp('\n');
    else if (ctx.stats) {
      const st = linkStats(l);
      if (st) printStats64(p, st.s, l.carrierChanges, st.what, ctx.stats);
      p.nl();
    }
    p.closeObject();
  }
}

/** nsid -> name for the namespaces in /run/netns that have an id in this one (ip's get_name_from_nsid). */
async function netnsNames(rtnl: Rtnl): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/run/netns');
  } catch {
    return out;
  }
  for (const name of entries) {
    try {
      const id = await rtnl.nsids.get(name);
      if (id !== undefined && id >= 0 && !out.has(id)) out.set(id, name);
    } catch {
      /* not a namespace, or gone */
    }
  }
  return out;
}

// --------------------------------------------------------------- monitor

function eventLines(ev: MonitorEvent, o: FormatOptions): string[] {
  const ts = `[${new Date(ev.timestamp).toISOString()}]`;
  switch (ev.type) {
    case 'overrun':
      return [`${ts} overrun: the kernel dropped notifications (receive buffer full)${ev.resync ? '; re-dumping' : ''}`];
    case 'resynced':
      return [`${ts} resynced: ${ev.kinds.join(', ') || 'nothing to re-dump'}`];
    case 'error':
      return [`${ts} error: ${ev.error.message}`];
    default: {
      const label = `[${ev.kind === 'address' ? 'ADDR' : ev.kind.toUpperCase()}]${ev.resync ? ' [RESYNC]' : ''}`;
      const del = ev.type.startsWith('del') ? 'Deleted ' : '';
      const lines = formatRouteMessage(ev.raw, ev.object as Record<string, unknown> | undefined, o);
      if (ev.decodeError) lines.push(`    decode error: ${ev.decodeError.message}`);
      if (ev.type === 'dellink' && ev.object && 'index' in ev.object) o.names.delete((ev.object as { index: number }).index);
      return [`${ts} ${label} ${del}${lines[0] ?? ''}`, ...lines.slice(1)];
    }
  }
}

function eventJson(ev: MonitorEvent, names: NameCache): string {
  const time = new Date(ev.timestamp).toISOString();
  if (ev.type === 'overrun') return toJson({ time, type: ev.type, resync: ev.resync });
  if (ev.type === 'resynced') return toJson({ time, type: ev.type, kinds: ev.kinds });
  if (ev.type === 'error') return toJson({ time, type: ev.type, error: ev.error.message });
  const out: Record<string, unknown> = { time, type: ev.type, kind: ev.kind };
  if (ev.nsid !== undefined) out.nsid = ev.nsid;
  if (ev.resync) out.resync = true;
  out.message = ev.message;
  if (ev.object) {
    // names beside indexes as in the dumps (a link event first teaches its own name)
    if (ev.kind === 'link' && ev.nsid === undefined && 'index' in ev.object) learnLinkName(names, ev.raw, ev.object as unknown as Link);
    out.object = ev.nsid === undefined ? withIfNames(ev.kind, ev.object as unknown as Record<string, unknown>, names) : ev.object;
  } else out.payload = payloadHex(ev.raw.buf.subarray(ev.raw.offset + 16, ev.raw.offset + ev.raw.len));
  if (ev.decodeError) out.decodeError = ev.decodeError.message;
  return toJson(out);
}

async function monitorCommand(a: Args, io: CliIo): Promise<number> {
  const groups = a.positional.length ? a.positional : ['all'];
  const rtnl = await Rtnl.open(a.netns !== undefined ? { netns: a.netns } : {});
  let stop: (() => void) | undefined;
  const onSignal = (): void => stop?.();
  try {
    const mon = rtnl.monitor(groups, { resync: a.resync, allNsid: a.allNsid, ...(a.rcvbuf ? { rcvbuf: a.rcvbuf } : {}) });
    stop = () => mon.close();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // -s on `link` asks for the per-link IPv6 counters too (shown in --json), as `ip -s` asks the kernel
    const links = await rtnl.links.list({ stats: a.command === 'link' && a.stats > 0 });
    const names: NameCache = new Map(links.map((l) => [l.index, l.name]));
    const o: FormatOptions = { details: a.details > 0, attrs: a.details > 1, names, flags: new Map(links.map((l) => [l.index, l.flags])) };
    io.err(`rtnl-dump: listening on ${mon.groups.join(', ')}${a.netns ? ` in ${a.netns}` : ''}`);
    // Interface indexes of other namespaces (--all-nsid) are theirs: one name cache per nsid.
    const other = new Map<number, FormatOptions>();
    let n = 0;
    for await (const ev of mon) {
      const nsid = 'nsid' in ev ? ev.nsid : undefined;
      if (a.json) io.out(eventJson(ev, names));
      else {
        let oo = o;
        if (nsid !== undefined) {
          oo = other.get(nsid) ?? { details: a.details > 0, attrs: a.details > 1, names: new Map(), flags: new Map() };
          if (!other.has(nsid)) other.set(nsid, oo);
        }
        const lines = eventLines(ev, oo);
        if (a.allNsid && 'kind' in ev) lines[0] = `${nsid === undefined ? '[nsid current]' : `[nsid ${nsid}]`} ${lines[0]}`;
        for (const line of lines) io.out(line);
      }
      if ('kind' in ev && a.count !== undefined && ++n >= a.count) break;
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await rtnl.close();
  }
}

/** Parse hex with optional spaces, colons, newlines and 0x prefixes. */
export function parseHex(text: string): Buffer {
  const s = text.replace(/0x/gi, '').replace(/[\s:,-]/g, '');
  if (s.length === 0) throw new UsageError('no hex bytes given', 'hex');
  if (!/^[0-9a-fA-F]*$/.test(s)) throw new UsageError(`not hex: "${text.slice(0, 40)}${text.length > 40 ? '...' : ''}"`, 'hex');
  if (s.length % 2) throw new UsageError(`odd number of hex digits (${s.length})`, 'hex');
  return Buffer.from(s, 'hex');
}
