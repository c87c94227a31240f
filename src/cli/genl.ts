/**
 * rtnl-dump's generic netlink commands (genl, macsec, team, wireguard,
 * ethtool) and the printing of generic netlink messages in `pcap` and `hex`.
 * Kept apart from main.ts, which only dispatches here.
 * @module
 */
import { describeAttrs, WIRE, type AttrSpec, type NestedCodec, type Policy } from '../netlink/attr.js';
import { ArgumentError } from '../netlink/errors.js';
import { Genl } from '../genl/genl.js';
import type { GenlFamily } from '../genl/ctrl.js';
import type { GenlMessage } from '../genl/protocol.js';
import type { MacsecDevice, MacsecSa } from '../genl/macsec.js';
import type { TeamOption, TeamPort } from '../genl/team.js';
import type { WgDevice } from '../genl/wireguard.js';
import type { EthtoolFeature } from '../genl/ethtool.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { formatValue, nlaFlagText, rawAttrTree, toJson } from './format.js';

/** Where the CLI writes (the same shape as main.ts's CliIo). */
export interface GenlCliIo {
  out(line: string): void;
  err(line: string): void;
}

export { GENL_COMMANDS, GENL_HELP, parseGenlFamilyOption } from './genl-help.js';
import { GENL_HELP } from './genl-help.js';

class GenlUsage extends Error {}

interface GenlArgs {
  command: string;
  netns?: string;
  json: boolean;
  details: boolean;
  stats: boolean;
  help: boolean;
  view?: 'features' | 'channels' | 'rings' | 'driver';
  positional: string[];
}

function parse(argv: string[]): GenlArgs {
  const a: GenlArgs = { command: argv[0]!, json: false, details: false, stats: false, help: false, positional: [] };
  const views: Record<string, GenlArgs['view']> = { '-k': 'features', '--features': 'features', '-l': 'channels', '--channels': 'channels', '-g': 'rings', '--rings': 'rings', '-i': 'driver', '--driver': 'driver' };
  for (let i = 1; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '-h' || x === '--help') a.help = true;
    else if (x === '-j' || x === '--json') a.json = true;
    else if ((x === '-d' || x === '--details') && a.command === 'genl') a.details = true;
    else if ((x === '-s' || x === '--stats') && a.command === 'macsec') a.stats = true;
    else if (x === '--netns' || x === '-n') {
      a.netns = argv[++i];
      if (!a.netns) throw new GenlUsage(`${x} needs a namespace name`);
    } else if (views[x] && a.command === 'ethtool') {
      if (a.view && a.view !== views[x]) throw new GenlUsage(`give one of -k, -l, -g, -i`);
      a.view = views[x];
    } else if (x.startsWith('-') && x !== '-') throw new GenlUsage(`unknown option ${x}`);
    else a.positional.push(x);
  }
  const max = a.command === 'genl' ? 0 : 1;
  if (a.positional.length > max) throw new GenlUsage(`unexpected argument "${a.positional[max]}"`);
  if ((a.command === 'team' || a.command === 'ethtool') && a.positional.length === 0 && !a.help) throw new GenlUsage('missing DEV');
  return a;
}

/** Run one of {@link GENL_COMMANDS}; resolves with the exit code (0 ok, 1 runtime error, 2 usage). */
export async function genlMain(argv: string[], io: GenlCliIo): Promise<number> {
  let a: GenlArgs;
  try {
    a = parse(argv);
  } catch (e) {
    if (e instanceof GenlUsage) {
      io.err(`rtnl-dump: ${e.message}\n\n${GENL_HELP[argv[0]!]}`);
      return 2;
    }
    throw e;
  }
  if (a.help) {
    io.out(GENL_HELP[a.command]!);
    return 0;
  }
  let genl: Genl | undefined;
  try {
    genl = await Genl.open(a.netns !== undefined ? { netns: a.netns } : {});
    const dev = a.positional[0];
    const devRef = dev !== undefined && /^\d+$/.test(dev) ? Number(dev) : dev;
    switch (a.command) {
      case 'genl': {
        const fams = await genl.families();
        if (a.json) io.out(toJson(fams, 1));
        else for (const l of formatFamilies(fams, a.details)) io.out(l);
        break;
      }
      case 'macsec': {
        const devs = await genl.macsec.show(devRef);
        if (a.json) io.out(toJson(devs, 1));
        else for (const d of devs) for (const l of formatMacsec(d, a.stats)) io.out(l);
        break;
      }
      case 'team': {
        const [ports, options] = [await genl.team.ports(devRef!), await genl.team.options(devRef!)];
        if (a.json) io.out(toJson({ ports, options }, 1));
        else for (const l of formatTeam(ports, options)) io.out(l);
        break;
      }
      case 'wireguard': {
        let names: Array<string | number>;
        if (devRef !== undefined) names = [devRef];
        else {
          const r = await Rtnl.open(a.netns !== undefined ? { netns: a.netns } : {});
          try {
            names = (await r.links.list({ stats: false })).filter((l) => l.linkInfo?.kind === 'wireguard').map((l) => l.name!);
          } finally {
            await r.close();
          }
        }
        const devs: WgDevice[] = [];
        for (const n of names) devs.push(await genl.wireguard.get(n));
        if (a.json) io.out(toJson(devs, 1));
        else devs.forEach((d, i) => {
          if (i) io.out('');
          for (const l of formatWireguard(d)) io.out(l);
        });
        break;
      }
      case 'ethtool':
        await ethtoolView(genl, devRef!, a, io);
        break;
    }
    return 0;
  } catch (e) {
    if (e instanceof ArgumentError) {
      io.err(`rtnl-dump: ${e.message}\n\n${GENL_HELP[a.command]}`);
      return 2;
    }
    io.err(`rtnl-dump: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await genl?.close();
  }
}

// ---------------------------------------------------------------- text

/** `genl ctrl list` style. */
export function formatFamilies(fams: GenlFamily[], details: boolean): string[] {
  const out: string[] = [];
  for (const f of fams) {
    out.push(`Name: ${f.name}`);
    out.push(`\tID: 0x${f.id.toString(16)}  Version: 0x${f.version.toString(16)}  header size: ${f.hdrSize}  max attribs: ${f.maxAttr}`);
    if (f.ops.length) {
      out.push('\tcommands supported:');
      f.ops.forEach((o, i) => {
        const caps = [o.do && 'do', o.dump && 'dump', o.hasPolicy && 'policy', o.adminPerm && 'admin', o.unsAdminPerm && 'netns-admin'].filter(Boolean).join(', ');
        out.push(`\t\t#${i + 1}:  ID-0x${o.id.toString(16)}${o.name ? `  ${o.name}` : ''}${details ? `  (${caps || 'none'}; flags 0x${o.flags.toString(16)})` : ''}`);
      });
    }
    if (f.mcastGroups.length) {
      out.push('\tmulticast groups:');
      f.mcastGroups.forEach((g, i) => out.push(`\t\t#${i + 1}:  ID-0x${g.id.toString(16)}  name: ${g.name}`));
    }
    out.push('');
  }
  return out;
}

const onOff = (b: unknown): string => (b === true ? 'on' : b === false ? 'off' : String(b));

function statsLine(indent: string, s: object | undefined): string[] {
  if (!s) return [];
  const e = Object.entries(s).filter(([k]) => k !== 'pad' && k !== 'unknown');
  return e.length ? [`${indent}stats: ${e.map(([k, v]) => `${k} ${String(v)}`).join(', ')}`] : [];
}

function saLine(sa: MacsecSa): string {
  return `${sa.an}: PN ${String(sa.pn)}${sa.ssci !== undefined ? `, SSCI ${sa.ssci.toString(16).padStart(8, '0')}` : ''}, state ${onOff(sa.active)}, key ${sa.keyId ?? '-'}`;
}

/** `ip macsec show` style (whole 64-bit XPN packet numbers). */
export function formatMacsec(d: MacsecDevice, stats: boolean): string[] {
  const s = d.secy;
  const out = [
    `${d.ifindex}: ${d.name ?? `if${d.ifindex}`}: protect ${onOff(s.protect)} validate ${String(s.validate)} encrypt ${onOff(s.encrypt)} send_sci ${onOff(s.incSci)} end_station ${onOff(s.es)} scb ${onOff(s.scb)} replay ${onOff(s.replay)}${s.window !== undefined ? ` window ${s.window}` : ''}`,
    `    cipher suite: ${String(s.cipherSuite).toUpperCase()}, using ICV length ${s.icvLen}`,
    `    TXSC: ${s.sci} on SA ${s.encodingSa}`,
  ];
  if (stats) out.push(...statsLine('    ', d.secyStats), ...statsLine('    ', d.txscStats));
  for (const sa of d.txSas) {
    out.push(`        ${saLine(sa)}`);
    if (stats) out.push(...statsLine('        ', sa.stats));
  }
  for (const rx of d.rxScs) {
    out.push(`    RXSC: ${rx.sci}, state ${onOff(rx.active)}`);
    if (stats) out.push(...statsLine('    ', rx.stats));
    for (const sa of rx.sas) {
      out.push(`        ${saLine(sa)}`);
      if (stats) out.push(...statsLine('        ', sa.stats));
    }
  }
  out.push(`    offload: ${String(d.offload ?? 'off')}`);
  return out;
}

function teamValue(o: TeamOption): string {
  if (o.value instanceof Uint8Array) return [...o.value].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return String(o.value ?? '');
}

/** `teamnl DEV ports` then `teamnl DEV options` style. */
export function formatTeam(ports: TeamPort[], options: TeamOption[]): string[] {
  const out = ['ports:'];
  for (const p of ports) out.push(` ${p.ifindex}: ${p.name ?? '?'}: ${p.linkup ? 'up' : 'down'} ${p.speed ?? 0}Mbit ${p.duplex === 'full' ? 'FD' : 'HD'}`);
  out.push('options:');
  for (const o of options) {
    const where = `${o.port !== undefined ? ` (port:${o.portName ?? o.port})` : ''}${o.arrayIndex !== undefined ? ` (arridx:${o.arrayIndex})` : ''}`;
    out.push(` ${o.name}${where} ${teamValue(o)}`);
  }
  return out;
}

function bytes(n: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(2)} ${units[u]}`;
}

/** `wg show` style (keys shown: this is the administrator's own view). */
export function formatWireguard(d: WgDevice, now = Date.now()): string[] {
  const out = [`interface: ${d.name}`];
  if (d.publicKey) out.push(`  public key: ${d.publicKey}`);
  if (d.privateKey) out.push(`  private key: ${d.privateKey}`);
  if (d.listenPort) out.push(`  listening port: ${d.listenPort}`);
  if (d.fwmark) out.push(`  fwmark: 0x${d.fwmark.toString(16)}`);
  for (const p of d.peers) {
    out.push('', `peer: ${p.publicKey}`);
    if (p.presharedKey) out.push(`  preshared key: ${p.presharedKey}`);
    if (p.endpoint) out.push(`  endpoint: ${p.endpoint}`);
    out.push(`  allowed ips: ${p.allowedIps.join(', ') || '(none)'}`);
    if (p.lastHandshake) out.push(`  latest handshake: ${Math.max(0, Math.round((now - p.lastHandshake.getTime()) / 1000))} seconds ago`);
    if (p.rxBytes || p.txBytes) out.push(`  transfer: ${bytes(p.rxBytes)} received, ${bytes(p.txBytes)} sent`);
    if (p.persistentKeepalive) out.push(`  persistent keepalive: every ${p.persistentKeepalive} seconds`);
  }
  return out;
}

async function ethtoolView(genl: Genl, dev: string | number, a: GenlArgs, io: GenlCliIo): Promise<void> {
  const e = genl.ethtool;
  const name = String(dev);
  switch (a.view) {
    case 'features': {
      const f = await e.features(dev);
      if (a.json) return io.out(toJson(f, 1));
      io.out(`Features for ${name}:`);
      for (const [k, v] of Object.entries(f)) io.out(featureLine(k, v));
      return;
    }
    case 'channels': {
      const c = await e.channels(dev);
      if (a.json) return io.out(toJson(c, 1));
      const n = (v: number | undefined): string => (v ? String(v) : 'n/a');
      io.out(`Channel parameters for ${name}:`, );
      io.out('Pre-set maximums:');
      io.out(`RX:\t\t${n(c.rxMax)}`, );
      io.out(`TX:\t\t${n(c.txMax)}`);
      io.out(`Other:\t\t${n(c.otherMax)}`);
      io.out(`Combined:\t${n(c.combinedMax)}`);
      io.out('Current hardware settings:');
      io.out(`RX:\t\t${n(c.rxCount)}`);
      io.out(`TX:\t\t${n(c.txCount)}`);
      io.out(`Other:\t\t${n(c.otherCount)}`);
      io.out(`Combined:\t${n(c.combinedCount)}`);
      return;
    }
    case 'rings': {
      const r = await e.rings(dev);
      if (a.json) return io.out(toJson(r, 1));
      io.out(`Ring parameters for ${name}:`);
      for (const [k, v] of Object.entries(r)) io.out(`${k}:\t${String(v)}`);
      return;
    }
    case 'driver': {
      const d = await e.driverInfo(dev);
      if (a.json) return io.out(toJson(d, 1));
      io.out(`driver: ${d.driver}`);
      io.out(`version: ${d.version}`);
      io.out(`firmware-version: ${d.firmwareVersion}`);
      io.out(`expansion-rom-version: ${d.expansionRomVersion}`);
      io.out(`bus-info: ${d.busInfo}`);
      io.out(`supports-statistics: ${d.nStats ? 'yes' : 'no'}`);
      io.out(`supports-test: ${d.testInfoLen ? 'yes' : 'no'}`);
      io.out(`supports-eeprom-access: ${d.eedumpLen ? 'yes' : 'no'}`);
      io.out(`supports-register-dump: ${d.regdumpLen ? 'yes' : 'no'}`);
      io.out(`supports-priv-flags: ${d.nPrivFlags ? 'yes' : 'no'}`);
      return;
    }
    default: {
      const [info, modes, state] = [await e.linkInfo(dev), await e.linkModes(dev), await e.linkState(dev)];
      if (a.json) return io.out(toJson({ linkInfo: info, linkModes: modes, linkState: state }, 1));
      const PORT: Record<string, string> = { tp: 'Twisted Pair', aui: 'AUI', bnc: 'BNC', mii: 'MII', fibre: 'FIBRE', da: 'Direct Attach Copper', none: 'None', other: 'Other' };
      io.out(`Settings for ${name}:`);
      io.out(`\tSupported link modes:   ${modes.supported.join(' ') || 'Not reported'}`);
      io.out(`\tAdvertised link modes:  ${modes.advertised.join(' ') || 'Not reported'}`);
      io.out(`\tSpeed: ${modes.speed !== undefined ? `${modes.speed}Mb/s` : 'Unknown!'}`);
      io.out(`\tDuplex: ${modes.duplex === 'full' ? 'Full' : modes.duplex === 'half' ? 'Half' : 'Unknown!'}`);
      io.out(`\tAuto-negotiation: ${modes.autoneg ? 'on' : 'off'}`);
      if (info.port !== undefined) io.out(`\tPort: ${PORT[String(info.port)] ?? String(info.port)}`);
      if (info.phyAddr !== undefined) io.out(`\tPHYAD: ${info.phyAddr}`);
      if (info.transceiver !== undefined) io.out(`\tTransceiver: ${String(info.transceiver)}`);
      if (info.tpMdix !== undefined) io.out(`\tMDI-X: ${info.tpMdix === 'unknown' ? 'Unknown' : String(info.tpMdix)}`);
      io.out(`\tLink detected: ${state.link ? 'yes' : 'no'}`);
    }
  }
}

/** `ethtool -k` line for one kernel feature. */
export function featureLine(name: string, f: EthtoolFeature): string {
  let s = `${name}: ${f.active ? 'on' : 'off'}`;
  if (f.fixed) s += ' [fixed]';
  else if (f.wanted !== f.active) s += ` [requested ${f.wanted ? 'on' : 'off'}]`;
  return s;
}

// ------------------------------------------------- captured genl messages

function isAttrSet(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && WIRE in (v as object);
}

/** Every attribute of a decoded generic netlink message, nests and arrays indented. */
export function genlAttrTree(pol: Policy, obj: Record<string, unknown>, indent: string, depth = 0): string[] {
  const out: string[] = [];
  if (depth > 32) return [`${indent}(nested too deep)`];
  for (const [name, value, spec, raw] of describeAttrs(pol, obj)) {
    if (!spec) {
      const label = `${indent}${name}${nlaFlagText(raw?.flags ?? 0)}`;
      if (value instanceof Uint8Array && (raw?.flags ?? 0) & 0x8000 && value.length) {
        out.push(label);
        const b = Buffer.from(value.buffer, value.byteOffset, value.length);
        out.push(...rawAttrTree(b, 0, b.length, indent + '  '));
      } else out.push(`${label} ${formatValue(undefined, value)}`);
      continue;
    }
    const elem = (spec.codec as { elementPolicy?: Policy }).elementPolicy;
    if (elem && Array.isArray(value)) {
      out.push(`${indent}${name}`);
      value.forEach((x, i) => {
        out.push(`${indent}  [${i}]`);
        if (isAttrSet(x)) out.push(...genlAttrTree(elem, x, indent + '    ', depth + 1));
      });
      continue;
    }
    const sub = (spec.codec as Partial<NestedCodec>).policyFor?.(obj);
    if (sub && isAttrSet(value)) {
      out.push(`${indent}${name}`);
      out.push(...genlAttrTree(sub, value, indent + '  ', depth + 1));
    } else out.push(`${indent}${name} ${formatGenlValue(spec, value, obj)}`);
  }
  return out;
}

function formatGenlValue(spec: AttrSpec, v: unknown, parent: Record<string, unknown>): string {
  // a value typed by a sibling (team option data): print it as its actual codec would
  const actual = (spec.codec as { codecFor?: (p: Record<string, unknown>) => AttrSpec['codec'] | undefined }).codecFor?.(parent);
  return formatValue(actual ? { ...spec, codec: actual } : spec, v);
}

/** Lines for one captured generic netlink message (after its header line). */
export function genlMessageLines(g: GenlMessage, indent: string): string[] {
  const out: string[] = [];
  if (g.family === undefined) out.push(`${indent}(family id ${g.familyId} not announced in this capture: give --genl-family ${g.familyId}=NAME)`);
  if (g.attrs && g.policy) out.push(...genlAttrTree(g.policy, g.attrs, indent));
  else if (g.payload?.length) out.push(...rawAttrTree(g.payload, 0, g.payload.length, indent));
  return out;
}

