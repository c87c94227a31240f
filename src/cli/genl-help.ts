/**
 * The generic netlink commands' names, help texts and the --genl-family
 * parser: what main.ts needs to parse arguments without loading the
 * commands themselves (genl.ts, loaded with import() when one runs).
 * @module
 */
import { ArgumentError } from '../netlink/errors.js';

export const GENL_COMMANDS = ['genl', 'macsec', 'team', 'wireguard', 'ethtool'] as const;

const COMMON = `  --netns NAME    work inside the network namespace NAME (/run/netns/NAME, or an absolute path)
  -j, --json      print JSON
  -h, --help      this help`;

/** Help texts of the generic netlink commands (merged into main.ts's). */
export const GENL_HELP: Record<string, string> = {
  genl: `usage: rtnl-dump genl [--netns NAME] [--json] [-d]

List the generic netlink families of the namespace like \`genl ctrl list\`:
id, version, header size, commands (with their names when this library
knows the family) and multicast groups. -d adds each command's capabilities.

${COMMON}
  -d, --details   print each command's flags (do, dump, policy, admin)`,
  macsec: `usage: rtnl-dump macsec [--netns NAME] [--json] [-s] [DEV]

Show MACsec devices like \`ip macsec show [DEV]\`: SecY settings, the
transmit SC and its SAs, the receive SCs and their SAs (packet numbers are
shown whole, also 64-bit XPN ones), offload. -s adds the counters.

${COMMON}
  -s, --stats     print the SecY, SC and SA counters`,
  team: `usage: rtnl-dump team [--netns NAME] [--json] DEV

Show a team device's ports and options like \`teamnl DEV ports\` and
\`teamnl DEV options\`.

${COMMON}`,
  wireguard: `usage: rtnl-dump wireguard [--netns NAME] [--json] [DEV]

Show WireGuard devices like \`wg show [DEV]\` (keys shown, not hidden).
Without DEV, every wireguard link of the namespace.

${COMMON}`,
  ethtool: `usage: rtnl-dump ethtool [--netns NAME] [--json] [-k|-l|-g|-i] DEV

Show a device like \`ethtool DEV\` (link settings and state); with -k its
offload features (\`ethtool -k\`), -l its channels, -g its rings, -i its driver.

${COMMON}
  -k, --features  offload features (name: on|off [fixed] [requested on])
  -l, --channels  channel counts and maximums
  -g, --rings     ring sizes and maximums
  -i, --driver    driver, version, firmware, bus (ioctl SIOCETHTOOL)`,
};

/** Parse `--genl-family ID=NAME` (ID decimal or 0x hex). */
export function parseGenlFamilyOption(v: string | undefined): [number, string] {
  const m = v === undefined ? null : /^(0x[0-9a-fA-F]+|\d+)=([^\s=]{1,15})$/.exec(v);
  if (!m) throw new ArgumentError('--genl-family', `expected ID=NAME (e.g. 33=macsec), got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  const id = Number(m[1]);
  if (id < 16 || id > 1023) throw new ArgumentError('--genl-family', `family id ${id} is outside 16..1023 (GENL_MIN_ID..GENL_MAX_ID)`);
  return [id, m[2]!];
}
