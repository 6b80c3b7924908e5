/**
 * The bad-input corpus's machinery (see ../bad-input.test.ts): the Case type, the fixture sources the case tables
 * share, and the helpers that prepare a case's files on disk, resolve its expected fragments, count SSH connections
 * and fingerprint the hosts. In sources, 'RIG' is rig's src/index.ts, 'ROLES/' the repo's roles/, SLUG the case's
 * slug, and a `// <-` (or `// <-NAME`) comment marks the line `{at}` (`{at:NAME}`) stands for.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestHosts, type TestHosts } from '../harness/index.ts';
import { repoPath, type CliRun } from '../engine/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** The first harness host (prefix 'bad', two hosts). */
export const H1 = 'bad1';
/** The second harness host. */
export const H2 = 'bad2';

/** Inventory changes on top of the harness's hosts.yml (JSON, rewritten pretty so lines can be found). */
export interface InventorySpec {
  /** Merged into all.vars (replacing the harness's connection vars of the same name). */
  readonly allVars?: Record<string, unknown>;
  readonly hostVars?: Record<string, Record<string, unknown>>;
  readonly groups?: Record<string, string[]>;
  /** Extra files in the inventory dir (group_vars/all.yml…); tokens {cidr}, {addr:HOST}, {dir}, {key}. */
  readonly files?: Record<string, string>;
  /** Last edit of the parsed hosts.yml document. */
  readonly edit?: (doc: InventoryDoc) => void;
}

/** The parsed hosts.yml document a case's inventory edit works on. */
export interface InventoryDoc {
  all: { vars: Record<string, unknown>; hosts: Record<string, Record<string, unknown>>; children?: Record<string, { hosts?: Record<string, null>; vars?: Record<string, unknown> }> };
}

/** What a case proves: a load-time failure, a host-dependent failure, or a positive control. */
export type Kind = 'load' | 'host' | 'ok';

/** One corpus case. */
export interface Case {
  readonly name: string;
  /** load: exit as `code`, no connection; host: exit as `code`, nothing changed; ok: a positive control. */
  readonly kind: Kind;
  /** Playbook source, written to `<slug>.ts` in the case dir. */
  readonly playbook?: string;
  /** Or a playbook path: relative to the repo, or with {dir}. */
  readonly playbookPath?: string;
  /** More files in the case dir (roles/x/index.ts, templates, vars files), same tokens as the playbook. */
  readonly files?: Record<string, string>;
  readonly inventory?: InventorySpec;
  /** CLI args after `run <playbook> -i <inventory>`; {dir} is the case dir, {key} the harness's client key. */
  readonly args?: readonly string[];
  /** The case passes its own --json (the harness's report path is not added). */
  readonly ownJson?: boolean;
  /** @default 5, or 0 for kind 'ok' */
  readonly code?: number;
  /** Fragments the output (stdout + stderr) must contain; an array entry is "any of". Tokens: {at}, {at:NAME},
   *  {pb} (the playbook file name), {inv:FILE:NEEDLE} (inventory FILE's name and the line NEEDLE is first on),
   *  {repo:FILE:NEEDLE} (the same in a repo file). */
  readonly expect: readonly (string | readonly string[])[];
  /** Fragments neither the output nor the --json report (when one was written) may contain. */
  readonly absent?: readonly string[];
  /** The playbook is meant not to load (else "cannot load playbook" in the output fails the case: a broken fixture
   *  must not pass for the error it was written to provoke). */
  readonly loadFails?: boolean;
  /** kind 'ok': whether the run connects (and changes something): checked against the sshd logs and fingerprints. */
  readonly connects?: boolean;
  /** Extra assertions after the run (any kind). */
  readonly check?: (run: CliRun, c: Prepared) => Promise<void> | void;
  /** Last preparation of the case dir before the run (a FIFO, a symlink: what `files` cannot make). */
  readonly setup?: (c: Prepared) => void;
}

/** A case's files on disk. */
export interface Prepared {
  readonly dir: string;
  readonly slug: string;
  readonly inv: string;
  readonly playbook: string;
  readonly output: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixture sources shared by the case tables.
// ---------------------------------------------------------------------------------------------------------------

const IMPORTS =
  'apt, assert, blockinfile, command, copy, defineHandler, definePlaybook, defineRole, directory, file, group, lineinfile, link, modprobe, setFact, shell, sysctl, systemd, template, user, waitFor';

/** A one-play playbook (hosts: all, become) with these task lines (each on its own line, indented here). */
export function play(tasks: string, head = '', props = ''): string {
  const body = tasks
    .trim()
    .split('\n')
    .map((l) => `    ${l.trim()}`)
    .join('\n');
  return `import { ${IMPORTS} } from 'RIG';\n${head}\nexport default definePlaybook({\n  hosts: 'all',\n  become: true,${props}\n  tasks: [\n${body}\n  ],\n});\n`;
}

/** The typed role of the issue: defaults { port: 8080, enabled: false }; writes port + 1, touches a marker when enabled. */
export const appRole = `import { copy, defineRole, directory, file } from 'RIG';

export default defineRole({
  name: 'app',
  defaults: { port: 8080, enabled: false },
  tasks: ({ vars }) => [
    directory({ path: '/srv/rig-bad-SLUG' }, { name: 'app dir' }),
    copy((ctx) => ({ content: \`\${vars(ctx).port + 1}\\n\`, dest: '/srv/rig-bad-SLUG/port' }), { name: 'port file' }),
    file({ path: '/srv/rig-bad-SLUG/enabled', state: 'touch' }, { name: 'enabled marker', when: (ctx) => vars(ctx).enabled }),
  ],
});
`;
/** A playbook running the app role on all hosts (become), `props` appended to its object. */
export const appPlaybook = (props = ''): string =>
  `import { definePlaybook } from 'RIG';\nimport app from './roles/app/index.ts';\n\nexport default definePlaybook({ hosts: 'all', become: true, roles: [app]${props} });\n`;
/** The case files that put the app role at roles/app/index.ts. */
export const withApp = { 'roles/app/index.ts': appRole };

/** A role with explicit variable schemas next to its defaults. */
export const schemaRole = `import { defineRole, directory, port, z } from 'RIG';

export default defineRole({
  name: 'svc',
  defaults: { level: 'low', listen: 8080, names: ['a'] as readonly string[] },
  vars: { level: z.enum(['low', 'high']), listen: port },
  tasks: () => [directory({ path: '/srv/rig-bad-SLUG' })],
});
`;
/** A playbook running the svc role (schemaRole at roles/svc/index.ts) on all hosts. */
export const svcPlaybook = `import { definePlaybook } from 'RIG';\nimport svc from './roles/svc/index.ts';\n\nexport default definePlaybook({ hosts: 'all', become: true, roles: [svc] });\n`;

/** The cluster playbook's inventory on the harness: bad1 manages, bad2 works, cluster_cidr is the harness subnet. */
export function cluster(extraAllYml = '', groups: Record<string, string[]> = { managers: [H1], workers: [H2] }): InventorySpec {
  return { groups, files: { 'group_vars/all.yml': `cluster_cidr: '{cidr}'\nfirewall_boot_unit: false\n${extraAllYml}` } };
}
/** The repo's cluster playbook. */
export const CLUSTER = 'playbooks/cluster.ts';

// ---------------------------------------------------------------------------------------------------------------
// The harness hosts and the case root, set up once for the corpus.
// ---------------------------------------------------------------------------------------------------------------

/** The harness hosts (a live binding: set by startCorpus, read it inside tests, not at import). */
export let lab: TestHosts;
let root: string;
let cidr: string;
/** sshd logs of the harness hosts. */
let sshdLogs: string[];
/** Read-only mounts made by readOnlyDir, undone by stopCorpus. */
const roMounts: string[] = [];

/** Start the two harness hosts and make the root dir the cases' files are written into. */
export async function startCorpus(): Promise<void> {
  lab = await startTestHosts({ count: 2, prefix: 'bad' });
  root = tempDir('rig-bad-');
  // the playbooks are ES modules, as in a user's project (package.json "type": "module")
  writeFileSync(path.join(root, 'package.json'), '{ "type": "module" }\n');
  const a = lab.hosts[0]!.address;
  cidr = `${a.slice(0, a.lastIndexOf('.'))}.0/24`;
  // TestHost.root is <host dir>/merged; sshd -D -e writes to <host dir>/sshd.log
  sshdLogs = lab.hosts.map((h) => path.join(path.dirname(h.root), 'sshd.log'));
}

/** Undo the read-only mounts and stop the harness hosts. */
export async function stopCorpus(): Promise<void> {
  for (const m of roMounts.splice(0)) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* already gone */
    }
  }
  await lab?.dispose();
}

// ---------------------------------------------------------------------------------------------------------------
// Running a case.
// ---------------------------------------------------------------------------------------------------------------

/** Read a file of one host (empty when missing). */
export async function hostFile(lab: TestHosts, host: string, file: string): Promise<string> {
  return (await lab.exec(host, `cat ${file} 2>/dev/null`)).stdout;
}

/** host → status of the task whose name ends with `name` (role tasks are "role : name"). */
export function statuses(run: CliRun, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of run.report?.plays ?? []) for (const t of p.tasks) if (t.name === name || t.name.endsWith(` : ${name}`) || t.name.endsWith(`: ${name}`)) for (const [h, r] of Object.entries(t.results)) out[h] = r.status;
  return out;
}

/** A case's slug: its name lower-cased, runs of other characters as '-', at most 60 characters. */
export const slugOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

/** "Connection from" lines in every host's sshd log (LogLevel VERBOSE: one per TCP connection). */
export function connectionCount(): number {
  let n = 0;
  for (const log of sshdLogs) n += (readFileSync(log, 'utf8').match(/Connection from /g) ?? []).length;
  return n;
}

/** Everything a case's playbooks could change on a host. */
async function fingerprint(host: string): Promise<string> {
  const r = await lab.exec(
    host,
    `for p in /srv /etc/sysctl.d /etc/modules-load.d /var/lib/rig /home/${lab.user}/.local/state/rig; do find "$p" -xdev 2>/dev/null; done | sort | while read -r f; do stat -c '%n %a %U %G %s %Y' "$f"; [ -f "$f" ] && sha256sum "$f"; done; sha256sum /etc/passwd /etc/group /etc/shadow; cat /proc/sys/net/ipv4/ip_forward`,
  );
  return r.stdout;
}
/** The fingerprints of both hosts. */
export const fingerprints = (): Promise<string[]> => Promise.all([H1, H2].map(fingerprint));

/** Resolve the source tokens ('RIG', ROLES/, SLUG, {dir}, {key}, {cidr}, {addr:HOST}) in a case's text. */
export function substitute(text: string, dir: string, slug: string): string {
  return text
    .replaceAll("'RIG'", JSON.stringify(repoPath('src/index.ts')))
    .replaceAll('ROLES/', `${repoPath('roles')}/`)
    .replaceAll('SLUG', slug)
    .replaceAll('{dir}', dir)
    .replaceAll('{key}', lab.keyFile)
    .replaceAll('{cidr}', cidr)
    .replace(/\{addr:([^}]+)\}/g, (_m, h: string) => lab.hosts.find((x) => x.name === h)!.address);
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string, what: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`corpus bug: ${what} has no line with ${JSON.stringify(needle)}`);
  return i + 1;
}

/** Write a case's playbook, files and inventory into its own dir. */
export async function prepare(c: Case): Promise<Prepared> {
  const slug = slugOf(c.name);
  const dir = path.join(root, slug);
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(c.files ?? {})) {
    const file = path.join(dir, substitute(rel, dir, slug));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, substitute(text, dir, slug));
  }
  let playbook: string;
  if (c.playbook !== undefined) {
    playbook = path.join(dir, `${slug}.ts`);
    writeFileSync(playbook, substitute(c.playbook, dir, slug));
  } else {
    const p = substitute(c.playbookPath!, dir, slug);
    playbook = path.isAbsolute(p) ? p : repoPath(p);
  }
  const inv = await lab.writeInventory(path.join(dir, 'inventory'), { hostVars: c.inventory?.hostVars, groups: c.inventory?.groups });
  const hostsFile = path.join(inv, 'hosts.yml');
  const doc = JSON.parse(readFileSync(hostsFile, 'utf8').replace(/^#.*\n/, '')) as InventoryDoc;
  for (const [k, v] of Object.entries(c.inventory?.allVars ?? {})) doc.all.vars[k] = typeof v === 'string' ? substitute(v, dir, slug) : v;
  c.inventory?.edit?.(doc);
  writeFileSync(hostsFile, `${JSON.stringify(doc, null, 2)}\n`);
  for (const [rel, text] of Object.entries(c.inventory?.files ?? {})) {
    const file = path.join(inv, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, substitute(text, dir, slug));
  }
  if (c.args?.some((a) => a.includes('{dir}/ro/'))) readOnlyDir(path.join(dir, 'ro'));
  return { dir, slug, inv, playbook, output: '' };
}

/** The expected fragments of a case, tokens resolved. */
export function expected(c: Case, p: Prepared, fragment: string): string {
  const files = new Map<string, string>();
  const read = (f: string): string => {
    if (!files.has(f)) files.set(f, readFileSync(f, 'utf8'));
    return files.get(f)!;
  };
  const caseFiles = (): string[] => [p.playbook, ...Object.keys(c.files ?? {}).map((rel) => path.join(p.dir, substitute(rel, p.dir, p.slug)))];
  return substitute(fragment, p.dir, p.slug)
    .replaceAll('{pb}', path.basename(p.playbook))
    .replace(/\{at(?::([A-Za-z0-9_]+))?\}/g, (_m, name: string | undefined) => {
      const marker = name ? `// <-${name}` : '// <-';
      for (const f of caseFiles()) {
        const lines = read(f).split('\n');
        const i = lines.findIndex((l) => (name ? l.includes(marker) : /\/\/ <-\s*$/.test(l)));
        if (i >= 0) return `${path.basename(f)}:${i + 1}`;
      }
      throw new Error(`corpus bug: case "${c.name}" has no ${marker} marker`);
    })
    .replace(/\{inv:([^:}]+):([^}]+)\}/g, (_m, rel: string, needle: string) => `${path.basename(rel)}:${lineOf(read(path.join(p.inv, rel)), needle, rel)}`)
    .replace(/\{repo:([^:}]+):([^}]+)\}/g, (_m, rel: string, needle: string) => `${path.basename(rel)}:${lineOf(read(repoPath(rel)), needle, rel)}`);
}

/** A read-only bind mount of a fresh dir (root ignores mode bits; a read-only mount it cannot write). */
function readOnlyDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['--bind', dir, dir]);
  roMounts.push(dir);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir, dir]);
}
