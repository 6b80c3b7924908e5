/** Facts about Debian packages: dpkg status, apt cache age, apt-cache policy candidates, .deb file metadata. */
import type { ExecOutput, Fact } from '../core/fact.ts';
import { quote, sh } from '../core/quote.ts';

/** dpkg's view of one package, reduced to what plans decide on. */
export type DpkgStatus = 'installed' | 'config-files' | 'not-installed' | 'partial';

/** One package as `dpkg-query -W` reports it. */
export interface DpkgPackage {
  readonly name: string;
  readonly status: DpkgStatus;
  /** Installed (or config-files) version; undefined when not installed. */
  readonly version?: string;
  /** The raw `${Status}` triple, e.g. "deinstall ok config-files". */
  readonly rawStatus: string;
}

/** Packages by name; a name dpkg has never heard of is absent from the record. */
export type DpkgPackages = Readonly<Record<string, DpkgPackage>>;

const DPKG_FORMAT = '${Package}\\t${Status}\\t${Version}\\n';

/** The `dpkg-query -W` command line for some package names (stderr dropped: unknown names only print noise). */
export function dpkgQueryCommand(names: readonly string[]): string {
  return sh`dpkg-query -W -f=${DPKG_FORMAT} ${names} 2>/dev/null`.text;
}

// dpkg's third status word → what a plan needs to know
function classify(word: string): DpkgStatus {
  switch (word) {
    case 'installed':
    case 'triggers-awaiting':
    case 'triggers-pending':
      return 'installed';
    case 'config-files':
      return 'config-files';
    case 'not-installed':
      return 'not-installed';
    default:
      // half-installed, unpacked, half-configured: a failed dpkg run left it broken
      return 'partial';
  }
}

const RANK: Record<DpkgStatus, number> = { installed: 3, partial: 2, 'config-files': 1, 'not-installed': 0 };

/** Parse `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n'` output (several arch lines merge, best status wins). */
export function parseDpkgQuery(stdout: string): DpkgPackages {
  const out: Record<string, DpkgPackage> = {};
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const [name, rawStatus, version] = line.split('\t');
    if (name === undefined || rawStatus === undefined) throw new Error(`dpkg-query: unexpected line ${JSON.stringify(line)}`);
    const word = rawStatus.trim().split(/\s+/)[2] ?? '';
    const status = classify(word);
    const pkg: DpkgPackage = {
      name,
      status,
      rawStatus,
      ...(status !== 'not-installed' && version ? { version } : {}),
    };
    const prev = out[name];
    if (!prev || RANK[status] > RANK[prev.status]) out[name] = pkg;
  }
  return out;
}

/** Installed state of the given package names (`pkg`, without `=version` or `:arch`). */
export const dpkgPackages: Fact<DpkgPackages, readonly string[]> = {
  name: 'apt.packages',
  command: (names) => dpkgQueryCommand(names),
  parse(out: ExecOutput) {
    // 1 = some names unknown to dpkg, which is an answer, not an error
    if (out.code === 127) throw new Error('dpkg-query not found: the apt module needs a Debian-family host');
    if (out.code !== 0 && out.code !== 1) throw new Error(`dpkg-query failed (exit ${out.code}): ${out.stderr.trim()}`);
    return parseDpkgQuery(out.stdout);
  },
};

/** Where apt's last successful update is visible, in seconds since the epoch, and the host's clock. */
export interface AptCacheAge {
  /** Host clock (`date +%s`), so the age does not depend on the controller's clock. */
  readonly now: number;
  /** Newest of update-success-stamp and /var/lib/apt/lists mtimes; undefined if neither exists. */
  readonly lastUpdate?: number;
}

/** Stamp rig touches after its own successful `apt-get update` (Ubuntu's apt hook touches it too). */
export const APT_UPDATE_STAMP = '/var/lib/apt/periodic/update-success-stamp';

/** Age of the apt package lists on the host. */
export const aptCacheAge: Fact<AptCacheAge, void> = {
  name: 'apt.cacheAge',
  command: () =>
    sh`date +%s; stat -c %Y ${APT_UPDATE_STAMP} 2>/dev/null || echo -; stat -c %Y /var/lib/apt/lists 2>/dev/null || echo -`
      .text,
  parse(out) {
    const [now, stamp, lists] = out.stdout.trim().split('\n').map((l) => l.trim());
    const n = Number(now);
    if (!now || !Number.isFinite(n)) throw new Error(`apt cache age: unexpected output ${JSON.stringify(out.stdout)}`);
    const times = [stamp, lists].filter((v): v is string => v !== undefined && /^\d+$/.test(v)).map(Number);
    return times.length ? { now: n, lastUpdate: Math.max(...times) } : { now: n };
  },
};

/** Installed and candidate version of one package per `apt-cache policy`. */
export interface AptPolicy {
  readonly installed?: string;
  readonly candidate?: string;
}

/** Policies by package name; names apt does not know are absent. */
export type AptPolicies = Readonly<Record<string, AptPolicy>>;

/** Argument of the policy fact. */
export interface AptPolicyArg {
  readonly names: readonly string[];
  /** Passed as `-t`, which changes the candidate. */
  readonly defaultRelease?: string;
}

/** Parse `LC_ALL=C apt-cache policy names…` output. */
export function parseAptPolicy(stdout: string): AptPolicies {
  const out: Record<string, AptPolicy> = {};
  let current: { name: string; installed?: string; candidate?: string } | undefined;
  const flush = (): void => {
    if (!current) return;
    const { name, ...rest } = current;
    out[name] = rest;
  };
  for (const line of stdout.split('\n')) {
    const header = /^(\S.*):$/.exec(line);
    if (header?.[1]) {
      flush();
      current = { name: header[1] };
      continue;
    }
    const field = /^\s+(Installed|Candidate):\s*(.*)$/.exec(line);
    if (field && current) {
      const value = field[2]?.trim();
      if (value && value !== '(none)') current[field[1] === 'Installed' ? 'installed' : 'candidate'] = value;
    }
  }
  flush();
  return out;
}

/** Installed/candidate versions as apt sees them (for `latest`, and to refuse unknown names before applying). */
export const aptPolicy: Fact<AptPolicies, AptPolicyArg> = {
  name: 'apt.policy',
  command: (arg) =>
    (arg.defaultRelease
      ? sh`LC_ALL=C apt-cache -t ${arg.defaultRelease} policy ${arg.names} 2>/dev/null`
      : sh`LC_ALL=C apt-cache policy ${arg.names} 2>/dev/null`
    ).text,
  parse(out) {
    if (out.code === 127) throw new Error('apt-cache not found: the apt module needs a Debian-family host');
    return parseAptPolicy(out.stdout);
  },
};

/** A .deb file on the host and the installed state of the package it contains. */
export type DebFile =
  | { readonly ok: true; readonly package: string; readonly version: string; readonly installed?: DpkgPackage }
  | { readonly ok: false; readonly error: string };

const DEB_SEP = '--rig-dpkg--';

/** Metadata of a .deb on the host plus dpkg's state of that package, in one command. */
export const debFile: Fact<DebFile, string> = {
  name: 'apt.debFile',
  paths: (path) => [path],
  command: (path) =>
    // a subshell keeps the variables out of a batched probe script
    `(f=${quote(path)}; if m=$(dpkg-deb -f "$f" Package Version 2>&1); then printf '%s\\n' "$m"; echo ${DEB_SEP}; ` +
    `dpkg-query -W -f=${quote(DPKG_FORMAT)} "$(dpkg-deb -f "$f" Package)" 2>/dev/null; true; ` +
    `else printf 'error: %s\\n' "$m"; fi)`,
  parse(out) {
    const text = out.stdout;
    if (text.startsWith('error: ')) return { ok: false, error: text.slice('error: '.length).trim() };
    const [meta = '', dpkg = ''] = text.split(`${DEB_SEP}\n`);
    const pkg = /^Package:\s*(\S+)/m.exec(meta)?.[1];
    const version = /^Version:\s*(\S+)/m.exec(meta)?.[1];
    if (!pkg || !version) return { ok: false, error: `cannot read Package/Version from dpkg-deb output: ${meta.trim()}` };
    const installed = parseDpkgQuery(dpkg)[pkg];
    return installed ? { ok: true, package: pkg, version, installed } : { ok: true, package: pkg, version };
  },
};
