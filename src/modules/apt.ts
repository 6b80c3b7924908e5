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
import { nonEmpty, seconds, strict, z } from '../schema/index.ts';
import type { ReadonlyDeep } from '../schema/index.ts';

const NAME = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/;
const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));
const pinAt = (spec: string): number => (spec.includes('=') ? spec.indexOf('=') : spec.length);

/** Why `spec` is not a package (`name`, `name:arch`, `name=version`), if it is not. */
function specProblem(spec: string): string | undefined {
  if (spec === '') return "a package name must not be empty: write e.g. 'nginx'";
  if (!NAME.test(spec.slice(0, pinAt(spec)))) return `${show(spec)} is not a Debian package name (lower-case letters, digits, + . -; optional :arch and =version)`;
  if (spec.endsWith('=')) return `empty version in ${show(spec)}: write 'name=version' or just the name`;
  return undefined;
}

// issues are added (not refine+abort) so that a union with a list still reports them instead of "expected a name or a list"
const packageSpec = z
  .string({ error: (iss) => `expected a package name as a string, e.g. 'nginx' or 'nginx=1.22*', got ${show(iss.input)}` })
  .superRefine((spec, ctx) => {
    const message = specProblem(spec);
    if (message) ctx.addIssue({ code: 'custom', message, input: spec });
  });

/** Args schema of the apt module. */
export const aptArgs = strict({
  name: z
    .union([packageSpec, z.array(packageSpec).min(1, { error: 'empty list: list at least one package' })], {
      error: (iss) => `expected a package name or a list of them, got ${show(iss.input)}`,
    })
    .optional()
    .describe("Package name(s); 'name=version' pins a version (a trailing * matches a version prefix), 'name:arch' an architecture."),
  state: z
    .enum(['present', 'absent', 'latest', 'purged'])
    .optional()
    .describe("'present' (default): installed; 'latest': at the candidate version; 'absent': removed; 'purged': removed with its configuration."),
  updateCache: z
    .boolean()
    .optional()
    .describe(
      'Run apt-get update first: when the lists are older than cacheValidTime, or, without cacheValidTime, only before something ' +
        'is installed (a task with no name/deb then updates on every run). Default false.',
    ),
  cacheValidTime: seconds.optional().describe('Seconds the package lists stay fresh enough to skip apt-get update (needs updateCache).'),
  deb: nonEmpty
    .optional()
    .describe('Path on the host of a .deb to install (with its dependencies); installed unless that exact version is. Not with name.'),
  installRecommends: z.boolean().optional().describe('Install recommended packages too. Default false.'),
  defaultRelease: z
    .string()
    .min(1, { error: 'must not be empty: leave defaultRelease out to use the default release' })
    .optional()
    .describe("Target release (apt-get -t), e.g. 'bookworm-backports'."),
}).describe("Debian packages present / absent / latest / purged, a local .deb, and the package lists' freshness (Ansible's apt).");
/** Arguments of the apt module. */
export type AptArgs = ReadonlyDeep<z.infer<typeof aptArgs>>;

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

// the schema checked each field; these are the checks across fields
function validate(a: AptArgs): string[] {
  const p: string[] = [];
  const state = a.state ?? 'present';
  const names = wanted(a);
  if (names.length === 0 && a.deb === undefined && !a.updateCache) p.push('give name, deb or updateCache');
  if (a.deb !== undefined && names.length > 0) p.push('give either name or deb, not both');
  if (a.deb !== undefined && state !== 'present') p.push('deb installs a file; only state present applies');
  for (const w of names) if (w.version !== undefined && state !== 'present') p.push(`a version pin (${w.spec}) needs state present`);
  if (a.cacheValidTime !== undefined && !a.updateCache) p.push('cacheValidTime needs updateCache: true');
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

const INSTALL_EFFECTS = [{ op: 'mayCreate', path: '/' }] as const;

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
  // a package brings files nobody listed (docker.io creates /etc/docker): check mode cannot say such a path is missing
  if (install.length) changes.push({ ...exec(installCommand(a, install), `apt-get install ${install.join(' ')}`), effects: INSTALL_EFFECTS });
  if (debTarget !== undefined) changes.push({ ...exec(installCommand(a, [debTarget]), `apt-get install ${debTarget}`), effects: INSTALL_EFFECTS });
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
  args: aptArgs,
  validate,
  probe,
  plan: (a, s) => plan(a, s),
});
