/** apt: Debian packages present / absent / latest / purged, a local .deb, and the package lists' freshness. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type CommandOutput, type Plan, type Reads } from '../core/module.ts';
import { joinSh, raw, sh, type ShellFragment } from '../core/quote.ts';
import {
  APT_UPDATE_STAMP,
  aptCacheAge,
  aptPolicy,
  debFile,
  dpkgPackages,
  type AptCacheAge,
  type AptPolicies,
  type DebFile,
  type DpkgPackages,
} from '../facts/apt.ts';

/** Arguments of the apt module. */
export interface AptArgs {
  /** Package name(s); `name=version` pins a version (a trailing `*` matches a version prefix). */
  readonly name?: string | readonly string[];
  /** @default 'present' */
  readonly state?: 'present' | 'absent' | 'latest' | 'purged';
  /** Run `apt-get update` first: when the lists are older than `cacheValidTime`, or, without `cacheValidTime`, only
   *  before something is installed (a task with no `name`/`deb` then updates on every run). @default false */
  readonly updateCache?: boolean;
  /** Seconds the package lists stay fresh enough to skip `apt-get update`. */
  readonly cacheValidTime?: number;
  /** Path on the host of a .deb to install (with its dependencies); installed unless that exact version is. */
  readonly deb?: string;
  /** Install recommended packages too. @default false */
  readonly installRecommends?: boolean;
  /** Target release (`-t`), e.g. 'bookworm-backports'. */
  readonly defaultRelease?: string;
}

/** What the plan needs; only the reads the args call for are made. */
export interface AptState {
  readonly packages?: DpkgPackages;
  readonly policy?: AptPolicies;
  readonly cache?: AptCacheAge;
  readonly deb?: DebFile;
}

/** A requested package split into name and optional version pin. */
interface Wanted {
  readonly spec: string;
  readonly name: string;
  readonly version?: string;
}

const NAME = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/;

function wanted(args: AptArgs): Wanted[] {
  const names = args.name === undefined ? [] : typeof args.name === 'string' ? [args.name] : args.name;
  return names.map((spec) => {
    const eq = spec.indexOf('=');
    const full = eq < 0 ? spec : spec.slice(0, eq);
    // dpkg-query prints ${Package} without the :arch qualifier
    const name = full.split(':')[0] ?? full;
    return eq < 0 ? { spec, name } : { spec, name, version: spec.slice(eq + 1) };
  });
}

function versionMatches(installed: string | undefined, pin: string | undefined): boolean {
  if (pin === undefined) return true;
  if (installed === undefined) return false;
  return pin.endsWith('*') ? installed.startsWith(pin.slice(0, -1)) : installed === pin;
}

function validate(a: AptArgs): string[] {
  const p: string[] = [];
  const state = a.state ?? 'present';
  if (!['present', 'absent', 'latest', 'purged'].includes(state)) p.push(`apt: unknown state ${JSON.stringify(state)}`);
  const names = wanted(a);
  if (a.name !== undefined && names.length === 0) p.push('apt: name is an empty list');
  if (names.length === 0 && a.deb === undefined && !a.updateCache) p.push('apt: give name, deb or updateCache');
  if (a.deb !== undefined && names.length > 0) p.push('apt: give either name or deb, not both');
  if (a.deb !== undefined && state !== 'present') p.push('apt: deb installs a file; only state present applies');
  if (a.deb === '') p.push('apt: deb is empty');
  for (const w of names) {
    if (!NAME.test(w.spec.slice(0, w.version === undefined ? undefined : w.spec.indexOf('=')))) {
      p.push(`apt: ${JSON.stringify(w.spec)} is not a Debian package name`);
    }
    if (w.version !== undefined && state !== 'present') p.push(`apt: a version pin (${w.spec}) needs state present`);
    if (w.version === '') p.push(`apt: empty version in ${JSON.stringify(w.spec)}`);
  }
  if (a.cacheValidTime !== undefined && !(Number.isFinite(a.cacheValidTime) && a.cacheValidTime >= 0)) {
    p.push('apt: cacheValidTime must be a number of seconds >= 0');
  }
  if (a.cacheValidTime !== undefined && !a.updateCache) p.push('apt: cacheValidTime needs updateCache: true');
  return p;
}

function probe(a: AptArgs): Reads<AptState> {
  const state = a.state ?? 'present';
  const names = [...new Set(wanted(a).map((w) => w.name))];
  return {
    ...(names.length ? { packages: read(dpkgPackages, names) } : {}),
    // candidates: for `latest`, and to refuse names apt cannot install before anything is applied
    ...(names.length && (state === 'present' || state === 'latest')
      ? { policy: read(aptPolicy, a.defaultRelease ? { names, defaultRelease: a.defaultRelease } : { names }) }
      : {}),
    ...(a.updateCache ? { cache: read(aptCacheAge, undefined) } : {}),
    ...(a.deb !== undefined ? { deb: read(debFile, a.deb) } : {}),
  };
}

const APT_ENV = raw('DEBIAN_FRONTEND=noninteractive');
// wait for a concurrent apt/unattended-upgrades instead of failing on the dpkg lock (ignored by apt < 1.9.11)
const LOCK = raw('-o DPkg::Lock::Timeout=300');

function installCommand(a: AptArgs, targets: readonly string[]): ShellFragment {
  const recommends = a.installRecommends ? raw('--install-recommends') : raw('--no-install-recommends');
  const release = a.defaultRelease ? sh` -t ${a.defaultRelease}` : raw('');
  return sh`${APT_ENV} apt-get install -y ${recommends}${release} ${LOCK} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${targets}`;
}

function exec(command: ShellFragment, description: string): ExecChange {
  return { kind: 'exec', command: command.text, description };
}

/** `apt-get update`, then rig's stamp so `cacheValidTime` sees this update even where apt touches no list file. */
export function updateCommand(): ShellFragment {
  return joinSh(
    [
      sh`${APT_ENV} apt-get update -q ${LOCK}`,
      sh`mkdir -p ${APT_UPDATE_STAMP.slice(0, APT_UPDATE_STAMP.lastIndexOf('/'))}`,
      sh`touch ${APT_UPDATE_STAMP}`,
    ],
    ' && ',
  );
}

function plan(a: AptArgs, s: AptState): Plan<CommandOutput | undefined> {
  const state = a.state ?? 'present';
  const names = wanted(a);
  const changes: ExecChange[] = [];
  const msgs: string[] = [];

  // what would install/remove without looking at the cache
  let install: string[] = [];
  let remove: string[] = [];
  let debTarget: string | undefined;
  if (a.deb !== undefined) {
    const d = s.deb;
    if (!d) return { changes: [], failed: 'apt: the .deb was not probed' };
    if (!d.ok) return { changes: [], failed: `apt: cannot read ${a.deb}: ${d.error}` };
    // the same version of that package already installed?
    if (!(d.installed?.status === 'installed' && d.installed.version === d.version)) {
      debTarget = a.deb.includes('/') ? a.deb : `./${a.deb}`;
      msgs.push(`${d.package} ${d.installed?.version ?? '(none)'} → ${d.version}`);
    }
  }
  const pkgs = s.packages ?? {};
  for (const w of names) {
    const p = pkgs[w.name];
    const installed = p?.status === 'installed';
    if (state === 'present' && !(installed && versionMatches(p?.version, w.version))) install.push(w.spec);
    if (state === 'latest') {
      const candidate = s.policy?.[w.name]?.candidate;
      if (!installed || (candidate !== undefined && candidate !== p?.version)) install.push(w.spec);
    }
    if (state === 'absent' && (installed || p?.status === 'partial')) remove.push(w.name);
    if (state === 'purged' && p !== undefined && p.status !== 'not-installed') remove.push(w.name);
  }

  // refresh the lists?
  let update = false;
  if (a.updateCache) {
    const age = s.cache ? (s.cache.lastUpdate === undefined ? Infinity : s.cache.now - s.cache.lastUpdate) : Infinity;
    if (a.cacheValidTime !== undefined) update = age > a.cacheValidTime;
    else update = (names.length === 0 && a.deb === undefined) || install.length > 0 || debTarget !== undefined;
  }
  if (update && state === 'latest') {
    // the candidates seen now predate the update: let apt-get decide on every named package
    install = names.map((w) => w.spec);
  }

  // a name apt has no candidate for fails now, not halfway through the apply (unless an update may bring it)
  if (!update && install.length && s.policy) {
    const unknown = install.filter((spec) => {
      const w = names.find((n) => n.spec === spec);
      return w !== undefined && s.policy?.[w.name]?.candidate === undefined && pkgs[w.name]?.status !== 'installed';
    });
    if (unknown.length) {
      return {
        changes: [],
        failed: `apt: no installation candidate for ${unknown.join(', ')} (unknown or virtual package, or stale lists: add updateCache: true)`,
      };
    }
  }

  if (update) changes.push(exec(updateCommand(), 'apt-get update'));
  if (install.length) changes.push(exec(installCommand(a, install), `apt-get install ${install.join(' ')}`));
  if (debTarget !== undefined) changes.push(exec(installCommand(a, [debTarget]), `apt-get install ${debTarget}`));
  remove = [...new Set(remove)];
  if (remove.length) {
    const verb = state === 'purged' ? 'purge' : 'remove';
    changes.push(exec(sh`${APT_ENV} apt-get ${verb} -y ${LOCK} ${remove}`, `apt-get ${verb} ${remove.join(' ')}`));
  }
  const msg = msgs.length ? msgs.join('; ') : changes.length === 0 ? okMessage(state, names.length, a.deb) : undefined;
  return msg ? { changes, msg } : { changes };
}

function okMessage(state: string, n: number, deb: string | undefined): string {
  if (deb !== undefined) return `${deb}: that version is installed`;
  if (n === 0) return 'package lists are fresh';
  return `${n} package(s) ${state === 'latest' ? 'at the candidate version' : state === 'present' ? 'installed' : state}`;
}

/** Manage Debian packages with apt-get; only missing packages are installed, only installed ones removed. */
export const aptModule = defineModule<AptArgs, AptState>({
  name: 'apt',
  validate,
  probe,
  plan: (a, s) => plan(a, s),
});
