/** Core host facts: one POSIX sh script printing framed sections, and its pure parser. */
import type { ExecOutput, Fact } from '../core/fact.ts';
import type { HostFacts, InterfaceAddress, NetInterface, OsFamily } from '../core/host-facts.ts';
import { quote } from '../core/quote.ts';
import { catRecords, parseRecords, PENDING_PLACES, type PendingRecord } from '../core/pending-records.ts';


const MARK = (name: string): string => `@@rig:${name}@@`;
const MARK_RE = /^@@rig:([a-z0-9-]+)@@$/;

// Each section runs with stderr silenced, `|| true` and no `exit`, so a missing tool leaves the section empty and the
// script (possibly batched with other reads, possibly under `set -e`) goes on.
// Every host runs this once per run, on no-op runs too: files are read with the shell's own `read` (rig_cat) and
// values come from /proc where Linux has them, so the script starts ~8 processes instead of one per value.
const SECTIONS: readonly (readonly [string, string])[] = [
  ['os-release', 'rig_cat /etc/os-release || rig_cat /usr/lib/os-release'],
  ['kernel-release', 'rig_cat /proc/sys/kernel/osrelease || uname -r'],
  ['kernel-version', 'rig_cat /proc/sys/kernel/version || uname -v'],
  ['arch', 'uname -m'],
  ['hostname', 'rig_cat /proc/sys/kernel/hostname || hostname || uname -n'],
  // a host with broken DNS must not hang the whole gather
  ['fqdn', 'if command -v timeout >/dev/null; then timeout 5 hostname -f; else hostname -f; fi'],
  ['boot-id', 'rig_cat /proc/sys/kernel/random/boot_id'],
  ['cmdline', 'rig_cat /proc/cmdline'],
  [
    'net',
    // `ip -j` needs iproute2 >= 4.14; busybox ip and hosts without ip fall back to /sys and /proc
    [
      'if rig_a=$(ip -j addr) && [ -n "$rig_a" ]; then',
      `  echo ${MARK('ip-addr')}; printf '%s\\n' "$rig_a"; echo ${MARK('ip-route')}; ip -j route show default`,
      'else',
      `  echo ${MARK('sys-net')}`,
      '  for rig_d in /sys/class/net/*; do [ -e "$rig_d" ] || continue;',
      '    printf \'%s\\t%s\\t%s\\t%s\\n\' "${rig_d##*/}" "$(cat "$rig_d/address")" "$(cat "$rig_d/mtu")" "$(cat "$rig_d/flags")"; done',
      `  echo ${MARK('if-inet6')}; cat /proc/net/if_inet6`,
      // only default and on-link routes: a router's full table must not flood the output
      `  echo ${MARK('proc-route')}; awk 'NR > 1 && ($2 == "00000000" || $3 == "00000000")' /proc/net/route`,
      `  echo ${MARK('fib-local')}; grep -B1 '/32 host LOCAL' /proc/net/fib_trie`,
      'fi',
    ].join('\n'),
  ],
  [
    'meminfo',
    'while IFS= read -r rig_l; do case $rig_l in MemTotal:* | MemFree:* | MemAvailable:* | Buffers:* | Cached:* | SwapTotal:*) printf \'%s\\n\' "$rig_l" ;; esac; done </proc/meminfo',
  ],
  ['cpus', "nproc || grep -c '^processor' /proc/cpuinfo"],
  [
    'init',
    "printf 'comm='; rig_cat /proc/1/comm || echo; [ -d /run/systemd/system ] && echo systemd-booted; [ -d /run/openrc ] && echo openrc-run; true",
  ],
  [
    'package-manager',
    'for rig_p in apt-get dnf yum zypper pacman apk; do if command -v "$rig_p" >/dev/null; then echo "$rig_p"; break; fi; done',
  ],
  [
    'virt',
    'rig_v=$(systemd-detect-virt); if [ -n "$rig_v" ]; then echo "$rig_v"; elif [ -f /.dockerenv ]; then echo docker; elif [ -f /run/.containerenv ]; then echo podman; fi',
  ],
  // runc's test (what docker uses): securityfs has apparmor and the module parameter says Y
  ['apparmor', '[ -d /sys/kernel/security/apparmor ] && rig_cat /sys/module/apparmor/parameters/enabled'],
  // one `id` ("uid=0(root) gid=…"; no name in parentheses when the uid has no passwd entry). Under sudo (the runner
  // batches facts with a become play's reads) the login user is SUDO_USER, not root: its passwd entry gives uid and home.
  [
    'user',
    [
      'rig_id=$(id); rig_i=${rig_id#uid=}; rig_i=${rig_i%%[!0-9]*}',
      'case $rig_id in "uid=$rig_i("*) rig_u=${rig_id#*\\(}; rig_u=${rig_u%%\\)*} ;; *) rig_u=${USER:-} ;; esac; rig_h=$HOME',
      'if [ "$rig_i" = 0 ] && [ -n "${SUDO_USER:-}" ] && rig_pw=$(getent passwd "$SUDO_USER"); then',
      '  rig_u=$SUDO_USER; rig_i=${rig_pw#*:*:}; rig_i=${rig_i%%:*}; rig_h=${rig_pw#*:*:*:*:*:}; rig_h=${rig_h%%:*}',
      'fi',
      'echo "name=$rig_u"; echo "uid=$rig_i"; echo "home=$rig_h"',
    ].join('\n'),
  ],
  ['pending-system', catRecords(quote(PENDING_PLACES.system), 'rig_cat')],
  ['pending-user', catRecords(`"\${rig_h:-$HOME}"/${quote(PENDING_PLACES.userRelative)}`, 'rig_cat')],
];

// `read` keeps a last line that has no newline; a missing file fails the redirection (the caller falls back)
const RIG_CAT = `rig_cat() { while IFS= read -r rig_l || [ -n "$rig_l" ]; do printf '%s\\n' "$rig_l"; done <"$1"; }`;

const SCRIPT = [
  RIG_CAT,
  ...SECTIONS.map(([name, body]) => `printf '\\n${MARK(name)}\\n'\n{ ${body}\n} 2>/dev/null || true`),
  `printf '\\n${MARK('end')}\\n'`,
].join('\n');

/** Split framed output into sections; text before the first marker (motd, profile noise) is ignored. */
export function splitSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== undefined) sections.set(current, lines.join('\n').replace(/\n+$/, ''));
  };
  for (const line of stdout.replace(/\r\n/g, '\n').split('\n')) {
    const m = MARK_RE.exec(line);
    if (!m) {
      lines.push(line);
      continue;
    }
    flush();
    current = m[1];
    lines = [];
  }
  flush();
  return sections;
}

/** Parse os-release KEY=value lines (shell quoting rules, as os-release(5) defines them). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = (m[2] ?? '').trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\([$"`\\])/g, '$1');
    else if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1);
    out[m[1] as string] = v;
  }
  return out;
}

const FAMILIES: readonly (readonly [OsFamily, readonly string[]])[] = [
  ['debian', ['debian', 'ubuntu']],
  ['redhat', ['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'alma', 'ol', 'amzn']],
  ['suse', ['sles', 'suse', 'opensuse', 'opensuse-leap', 'opensuse-tumbleweed']],
  ['arch', ['arch']],
  ['alpine', ['alpine']],
];

/** OS family from ID, then ID_LIKE in order (Linux Mint → ubuntu → debian). */
export function osFamily(id: string, idLike: readonly string[]): OsFamily {
  for (const candidate of [id, ...idLike]) {
    const hit = FAMILIES.find(([, ids]) => ids.includes(candidate));
    if (hit) return hit[0];
  }
  return 'unknown';
}

interface IpAddrJson {
  ifname?: string;
  address?: string;
  mtu?: number;
  flags?: string[];
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function parseJson<T>(text: string, what: string): T | undefined {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`host facts: cannot parse ${what} as JSON: ${text.slice(0, 200)}`);
  }
}

function interfacesFromIp(text: string): NetInterface[] {
  const list = parseJson<IpAddrJson[]>(text, '`ip -j addr`') ?? [];
  return list
    .filter((i) => typeof i.ifname === 'string')
    .map((i) => ({
      name: i.ifname as string,
      ...(i.address && MAC_RE.test(i.address) ? { mac: i.address } : {}),
      // administrative state (IFF_UP), as ifconfig shows it; lo's operstate is UNKNOWN
      up: (i.flags ?? []).includes('UP'),
      mtu: i.mtu ?? 0,
      addresses: (i.addr_info ?? [])
        .filter((a) => (a.family === 'inet' || a.family === 'inet6') && typeof a.local === 'string')
        .map((a) => ({ family: a.family as 'inet' | 'inet6', address: a.local as string, prefixlen: a.prefixlen ?? 0 })),
    }));
}

/** Compress a 32-hex-digit IPv6 address as RFC 5952 (and ip) print it. */
export function formatIpv6(hex: string): string {
  const groups = (hex.match(/.{4}/g) ?? []).map((g) => parseInt(g, 16).toString(16));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/** /proc/net/route stores IPv4 addresses as little-endian hex. */
function hexToIpv4(hex: string): number {
  const n = parseInt(hex, 16);
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | ((n >>> 24) & 0xff)) >>> 0;
}
const ipv4ToNum = (ip: string): number => ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
const numToIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
const prefixOf = (mask: number): number => mask.toString(2).replace(/0/g, '').length;

interface ProcRoute {
  iface: string;
  dest: number;
  gateway: number;
  mask: number;
}

function parseProcRoutes(text: string): ProcRoute[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^[0-9A-Fa-f]{8}$/.test(f[1] ?? ''))
    .map((f) => ({ iface: f[0] as string, dest: hexToIpv4(f[1] as string), gateway: hexToIpv4(f[2] as string), mask: hexToIpv4(f[7] as string) }));
}

// without ip: links from /sys, IPv6 from if_inet6, IPv4 = local /32s of fib_trie placed on the on-link route holding them
function interfacesFromProc(sections: Map<string, string>): NetInterface[] {
  const routes = parseProcRoutes(sections.get('proc-route') ?? '').filter((r) => r.gateway === 0 && r.mask !== 0);
  const v4 = new Map<string, InterfaceAddress[]>();
  const locals = new Set((sections.get('fib-local') ?? '').match(/\d+\.\d+\.\d+\.\d+/g) ?? []);
  for (const ip of locals) {
    const n = ipv4ToNum(ip);
    const route = routes.filter((r) => ((n & r.mask) >>> 0) === r.dest).sort((a, b) => b.mask - a.mask)[0];
    // loopback addresses live in the local table only
    const [iface, prefixlen] = route ? [route.iface, prefixOf(route.mask)] : ip.startsWith('127.') ? ['lo', 8] : [];
    if (iface === undefined || prefixlen === undefined) continue;
    v4.set(iface, [...(v4.get(iface) ?? []), { family: 'inet', address: numToIpv4(n), prefixlen }]);
  }
  const v6 = new Map<string, InterfaceAddress[]>();
  for (const line of (sections.get('if-inet6') ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^[0-9a-f]{32}$/i.test(f[0] as string)) continue;
    const name = f[5] as string;
    v6.set(name, [...(v6.get(name) ?? []), { family: 'inet6', address: formatIpv6(f[0] as string), prefixlen: parseInt(f[2] as string, 16) }]);
  }
  return (sections.get('sys-net') ?? '')
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const [name = '', mac = '', mtu = '', flags = ''] = line.split('\t');
      return {
        name,
        ...(MAC_RE.test(mac) ? { mac } : {}),
        up: (parseInt(flags, 16) & 0x1) === 1,
        mtu: Number(mtu) || 0,
        addresses: [...(v4.get(name) ?? []), ...(v6.get(name) ?? [])],
      };
    });
}

function defaultRoute(sections: Map<string, string>): HostFacts['defaultRoute'] {
  if (sections.has('ip-addr')) {
    const routes = parseJson<{ dev?: string; gateway?: string }[]>(sections.get('ip-route') ?? '', '`ip -j route`') ?? [];
    const r = routes.find((x) => typeof x.dev === 'string');
    return r ? { interface: r.dev as string, ...(r.gateway ? { gateway: r.gateway } : {}) } : undefined;
  }
  const r = parseProcRoutes(sections.get('proc-route') ?? '')
    .filter((x) => x.dest === 0 && x.mask === 0)
    .at(0);
  return r ? { interface: r.iface, ...(r.gateway ? { gateway: numToIpv4(r.gateway) } : {}) } : undefined;
}

function keyValues(text: string, sep: RegExp): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.search(sep);
    if (i > 0) m.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return m;
}

function memory(text: string): HostFacts['memory'] {
  const kv = keyValues(text, /:/);
  const mb = (key: string): number | undefined => {
    const v = kv.get(key);
    return v === undefined ? undefined : Math.floor(parseInt(v, 10) / 1024);
  };
  // kernels before 3.14 have no MemAvailable: estimate it the way free(1) used to
  const available = mb('MemAvailable') ?? (mb('MemFree') ?? 0) + (mb('Buffers') ?? 0) + (mb('Cached') ?? 0);
  return { totalMb: mb('MemTotal') ?? 0, availableMb: available, swapTotalMb: mb('SwapTotal') ?? 0 };
}

function initSystem(text: string): HostFacts['initSystem'] {
  const lines = text.split('\n');
  const comm = keyValues(text, /=/).get('comm') ?? '';
  if (lines.includes('systemd-booted') || comm === 'systemd') return 'systemd';
  if (lines.includes('openrc-run') || comm === 'openrc-init') return 'openrc';
  if (comm === 'init') return 'sysvinit';
  return 'unknown';
}

const PACKAGE_MANAGERS: Record<string, HostFacts['packageManager']> = {
  'apt-get': 'apt',
  dnf: 'dnf',
  yum: 'yum',
  zypper: 'zypper',
  pacman: 'pacman',
  apk: 'apk',
};

function pendingRecordsIn(sections: Map<string, string>): PendingRecord[] {
  return [
    ...parseRecords(sections.get('pending-system') ?? '', 'system', PENDING_PLACES.system),
    ...parseRecords(sections.get('pending-user') ?? '', 'user', `~/${PENDING_PLACES.userRelative}`),
  ];
}

/** Parse the framed output of `hostFacts.command()`. Throws when the output is not that script's (or is truncated). */
export function parseHostFacts(out: ExecOutput): HostFacts {
  const s = splitSections(out.stdout);
  if (!s.has('end')) throw new Error(`host facts: output truncated or not from rig's facts script (exit ${out.code}): ${out.stderr.slice(0, 200)}`);
  const get = (k: string): string => (s.get(k) ?? '').trim();
  const os = parseOsRelease(get('os-release'));
  const id = os.ID ?? 'unknown';
  const idLike = (os.ID_LIKE ?? '').split(/\s+/).filter(Boolean);
  const hostname = get('hostname');
  const kv = keyValues(get('user'), /=/);
  const defRoute = defaultRoute(s);
  const pending = pendingRecordsIn(s);
  return {
    os: {
      id,
      idLike,
      name: os.NAME ?? '',
      versionId: os.VERSION_ID ?? '',
      ...(os.VERSION_CODENAME || os.UBUNTU_CODENAME ? { codename: os.VERSION_CODENAME || os.UBUNTU_CODENAME } : {}),
      family: osFamily(id, idLike),
    },
    kernel: { release: get('kernel-release'), version: get('kernel-version') },
    arch: get('arch'),
    hostname,
    fqdn: get('fqdn').split('\n')[0] || hostname,
    bootId: get('boot-id'),
    cmdline: get('cmdline'),
    interfaces: s.has('ip-addr') ? interfacesFromIp(s.get('ip-addr') ?? '') : interfacesFromProc(s),
    ...(defRoute ? { defaultRoute: defRoute } : {}),
    memory: memory(get('meminfo')),
    cpus: parseInt(get('cpus'), 10) || 0,
    initSystem: initSystem(get('init')),
    packageManager: PACKAGE_MANAGERS[get('package-manager')] ?? 'unknown',
    virtualization: get('virt') || 'unknown',
    apparmor: get('apparmor').startsWith('Y') ? 'enabled' : 'disabled',
    user: { name: kv.get('name') ?? '', uid: Number(kv.get('uid') ?? NaN), home: kv.get('home') ?? '' },
    pendingRecords: pending,
  };
}

/** Core facts of a host, gathered in one exec. */
export const hostFacts: Fact<HostFacts, void> = {
  name: 'host',
  command: () => SCRIPT,
  parse: (out) => parseHostFacts(out),
};
