/** How the consul role puts the binary on a host: uploaded from the controller, a HashiCorp release zip, or HashiCorp's apt repo. */
import { apt, copy, directory, getUrl, ValidationError, zipMember, type Handler, type Task, type TaskContext } from '../../src/index.ts';

/** The install methods (variable consul_install). */
export const CONSUL_INSTALL_METHODS = ['upload', 'archive', 'apt'] as const;
/** One install method. */
export type ConsulInstall = (typeof CONSUL_INSTALL_METHODS)[number];

/** HashiCorp's signing key as its apt instructions fetch it (ASCII-armored). */
export const HASHICORP_APT_KEY_URL = 'https://apt.releases.hashicorp.com/gpg';
/** HashiCorp's apt repository. */
export const HASHICORP_APT_REPO = 'https://apt.releases.hashicorp.com';
/** The apt source list the role writes. */
export const CONSUL_APT_LIST = '/etc/apt/sources.list.d/hashicorp.list';

type Ctx = TaskContext<unknown>;
const fail = (ctx: Ctx, message: string): never => {
  // no `where`: preflight prefixes the task's file:line and host
  throw new ValidationError({ message: `host ${ctx.host.name}: ${message}` });
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The method for a host: consul_install, else 'upload' when consul_binary_src is set, else 'archive'. */
export function consulInstall(ctx: Ctx): ConsulInstall {
  const m = ctx.vars.consul_install ?? (str(ctx.vars.consul_binary_src) ? 'upload' : 'archive');
  if (!(CONSUL_INSTALL_METHODS as readonly unknown[]).includes(m)) {
    return fail(ctx, `consul_install is ${JSON.stringify(m)} (variable consul_install): one of ${CONSUL_INSTALL_METHODS.join(', ')}`);
  }
  if (m === 'upload' && !str(ctx.vars.consul_binary_src)) return fail(ctx, `consul_install is 'upload' but consul_binary_src (the controller path of the binary) is not set`);
  return m as ConsulInstall;
}

/** Where the binary lives: the Debian package installs /usr/bin/consul, the other methods /usr/local/bin/consul. */
export const consulBin = (ctx: Ctx): string => (consulInstall(ctx) === 'apt' ? '/usr/bin/consul' : '/usr/local/bin/consul');

const version = (ctx: Ctx): string | undefined => (ctx.vars.consul_version == null || ctx.vars.consul_version === '' ? undefined : String(ctx.vars.consul_version));
const ARCH: Readonly<Record<string, string>> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64' };

/** The release zip's URL: consul_archive_url, else HashiCorp's releases URL for consul_version and the host's arch. */
export function consulArchiveUrl(ctx: Ctx): string {
  const given = str(ctx.vars.consul_archive_url);
  if (given) return given;
  const v = version(ctx) ?? fail(ctx, `consul_install is 'archive' but consul_version is not set (or set consul_archive_url)`);
  const arch = ARCH[ctx.facts.arch] ?? fail(ctx, `no HashiCorp linux build known for arch ${ctx.facts.arch}: set consul_archive_url (and consul_archive_sha256)`);
  return `https://releases.hashicorp.com/consul/${v}/consul_${v}_linux_${arch}.zip`;
}

/** Where the verified zip is kept on the host (its sha256 makes the next run's download a no-op). */
export const consulArchivePath = (ctx: Ctx): string => `${String(ctx.vars.consul_archive_dir ?? '/var/cache/rig')}/${consulArchiveUrl(ctx).split('/').pop() || 'consul.zip'}`;

function sha256Var(ctx: Ctx, name: string, what: string): string {
  const v = str(ctx.vars[name]);
  if (!v) return fail(ctx, `${what} needs ${name} (the sha256 of ${name === 'consul_archive_sha256' ? consulArchiveUrl(ctx) : HASHICORP_APT_KEY_URL}; HashiCorp publishes SHA256SUMS): set the variable ${name}`);
  const hex = v.replace(/^sha256:/, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return fail(ctx, `${name} = ${JSON.stringify(v)} is not a sha256 (64 hex digits)`);
  return `sha256:${hex.toLowerCase()}`;
}

/** The keyring apt checks the repo with: armored (.asc) unless consul_apt_key_src is a dearmored .gpg file. */
export const consulAptKeyring = (ctx: Ctx): string =>
  `/usr/share/keyrings/hashicorp-archive-keyring.${str(ctx.vars.consul_apt_key_src)?.endsWith('.gpg') ? 'gpg' : 'asc'}`;

/** The apt source line of HashiCorp's repo for the host's release. */
export function consulAptSource(ctx: Ctx): string {
  const codename = str(ctx.vars.consul_apt_codename) ?? ctx.facts.os.codename ?? fail(ctx, `consul_install is 'apt' but the OS codename is unknown: set consul_apt_codename`);
  return `deb [signed-by=${consulAptKeyring(ctx)}] ${String(ctx.vars.consul_apt_repo_url ?? HASHICORP_APT_REPO)} ${codename} main\n`;
}

/** The apt package spec: consul pinned to consul_version (any Debian revision), or the candidate when it is unset. */
export const consulAptPackage = (ctx: Ctx): string => (version(ctx) ? `consul=${version(ctx)}-*` : 'consul');

/**
 * The install tasks, in role order. The upload task keeps its name and arguments; the others are skipped unless
 * their method is chosen. Every task that replaces the binary notifies `restart`.
 */
export function consulInstallTasks(restart: Handler): Task<unknown>[] {
  const is = (m: ConsulInstall) => (ctx: Ctx) => consulInstall(ctx) === m;
  const keyFromController = (ctx: Ctx) => is('apt')(ctx) && str(ctx.vars.consul_apt_key_src) !== undefined;
  return [
    copy((ctx) => ({ src: String(ctx.vars.consul_binary_src), dest: '/usr/local/bin/consul', mode: '0755' }), {
      name: 'consul binary (from the controller)',
      when: is('upload'),
      notify: [restart],
    }),
    directory((ctx) => ({ path: String(ctx.vars.consul_archive_dir ?? '/var/cache/rig'), mode: '0755' }), { name: 'consul archive dir', when: is('archive') }),
    getUrl((ctx) => ({ url: consulArchiveUrl(ctx), dest: consulArchivePath(ctx), checksum: sha256Var(ctx, 'consul_archive_sha256', "consul_install 'archive'"), mode: '0644' }), {
      name: 'consul release archive (sha256 verified)',
      when: is('archive'),
    }),
    zipMember((ctx) => ({ archive: consulArchivePath(ctx), member: 'consul', dest: '/usr/local/bin/consul', mode: '0755' }), {
      name: 'consul binary (from the archive)',
      when: is('archive'),
      notify: [restart],
    }),
    copy((ctx) => ({ src: String(ctx.vars.consul_apt_key_src), dest: consulAptKeyring(ctx), mode: '0644' }), { name: 'hashicorp apt key (from the controller)', when: keyFromController }),
    getUrl((ctx) => ({ url: HASHICORP_APT_KEY_URL, dest: consulAptKeyring(ctx), checksum: sha256Var(ctx, 'consul_apt_key_sha256', "consul_install 'apt' without consul_apt_key_src"), mode: '0644' }), {
      name: 'hashicorp apt key (sha256 verified)',
      when: (ctx) => is('apt')(ctx) && !keyFromController(ctx),
    }),
    copy((ctx) => ({ content: consulAptSource(ctx), dest: CONSUL_APT_LIST, mode: '0644' }), { name: 'hashicorp apt repository', when: is('apt') }),
    // updateCache without cacheValidTime: `apt-get update` only when consul is about to be installed (the new list)
    apt((ctx) => ({ name: consulAptPackage(ctx), updateCache: true }), { name: 'consul package', when: is('apt'), notify: [restart] }),
  ] as Task<unknown>[];
}
