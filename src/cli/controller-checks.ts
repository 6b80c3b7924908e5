/** Controller-side files checked before any host is contacted: every targeted host's private key files, and the
 *  `--json` and `--report` paths (written only at the end of the run, so a bad path must fail before, not after, the run). */
import { constants, type Stats } from 'node:fs';
import { access, lstat, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError, type Playbook, type Problem } from '../core/index.ts';
import { knownHostsFileProblem, privateKeyFileProblem, type KnownHostsFileProblem } from '../connection/index.ts';
import { selectHosts, settingVar, type Inventory } from '../inventory/index.ts';
import { playHosts } from '../runner/index.ts';

/** What to check besides the inventory. */
export interface ControllerCheckOptions {
  /** --limit pattern: only hosts a play targets under it are checked. */
  readonly limit?: string;
  /** --json FILE. */
  readonly json?: string;
  /** --report FILE (the HTML page; the same rules as --json). */
  readonly report?: string;
  /** --accept-new-host-keys: rig_known_hosts_file must then be writable (or creatable). @default false */
  readonly acceptNewHostKeys?: boolean;
}

/** Every controller-side problem, collected; [] when the run may start. */
export async function controllerProblems(playbook: Playbook, inventory: Inventory, o: ControllerCheckOptions = {}): Promise<Problem[]> {
  const targeted = targetedHosts(playbook, inventory, o.limit);
  const problems = [...(await keyFileProblems(targeted, inventory)), ...knownHostsProblems(targeted, inventory, o.acceptNewHostKeys ?? false)];
  for (const [flag, file] of [['--json', o.json], ['--report', o.report]] as const) {
    if (file === undefined) continue;
    const p = await reportFileProblem(file, flag);
    if (p) problems.push(p);
  }
  // only two usable paths can clash (two refused ones are already reported)
  if (o.json && o.report && problems.every((p) => p.where !== '--json' && p.where !== '--report') && (await sameFile(o.json, o.report))) {
    problems.push({ where: '--report', message: `--json ${o.json} and --report ${o.report} are the same file: the HTML page would overwrite the JSON report`, hint: 'give each its own file, e.g. --json run.json --report run.html' });
  }
  return problems;
}

/** The real path a file has or would have (its directory's symlinks resolved; the file's own too when it exists). */
async function realTarget(file: string): Promise<string> {
  const abs = path.resolve(file);
  const real = await realpath(abs).catch(() => undefined);
  if (real) return real;
  const dir = await realpath(path.dirname(abs)).catch(() => path.dirname(abs));
  return path.join(dir, path.basename(abs));
}

/** Whether two paths name one file: the same real path, or (existing) the same inode (a hard link). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if ((await realTarget(a)) === (await realTarget(b))) return true;
  const [sa, sb] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/**
 * Warnings for report flags given to a mode that runs nothing (--syntax-check, --list-hosts, --list-tasks): no report
 * is written then, as ansible-playbook writes no callback output for them. An empty path is still an error (see
 * reportFileProblem), whatever the mode.
 */
export function unwrittenReportWarnings(mode: string | undefined, o: { readonly json?: string; readonly report?: string }): Problem[] {
  if (mode === undefined) return [];
  return ([['--json', o.json], ['--report', o.report]] as const)
    .filter(([, file]) => file !== undefined && file !== '')
    .map(([flag, file]) => ({ where: flag, message: `${flag} ${file}: no report is written with ${mode}, which runs no task`, hint: `drop ${mode} to run the playbook and write the report` }));
}

/** An empty report path (`--report ''`, an unset shell variable): a usage error in every mode. */
export function emptyReportPathProblems(o: Readonly<Record<string, string | undefined>>): Problem[] {
  return Object.entries(o)
    .filter(([, file]) => file === '')
    .map(([flag]) => ({ where: flag, message: `${flag} needs a file path, got an empty string`, hint: `e.g. ${flag} ${flag === '--json' ? 'report.json' : 'report.html'} (an unset shell variable gives '')` }));
}

/** Throw one ValidationError with every controller-side problem (see controllerProblems). */
export async function checkController(playbook: Playbook, inventory: Inventory, o: ControllerCheckOptions = {}): Promise<void> {
  const problems = await controllerProblems(playbook, inventory, o);
  if (problems.length > 0) throw new ValidationError(problems);
}

function targetedHosts(playbook: Playbook, inventory: Inventory, limit: string | undefined): string[] {
  const hosts = new Set<string>();
  // an empty or bad --limit is validatePlaybook's to report; it must not widen the checks to every host
  if (limit !== undefined) {
    try {
      selectHosts(inventory, limit);
    } catch (e) {
      if (e instanceof ValidationError) return [];
      throw e;
    }
  }
  for (const play of playbook.plays) {
    try {
      for (const h of playHosts(inventory, play.hosts, limit)) hosts.add(h);
    } catch (e) {
      // a bad pattern is validatePlaybook's to report
      if (!(e instanceof ValidationError)) throw e;
    }
  }
  return [...hosts];
}

function hostList(hosts: readonly string[]): string {
  const shown = hosts.slice(0, 5).map((h) => `"${h}"`).join(', ');
  return `${hosts.length === 1 ? 'host' : 'hosts'} ${shown}${hosts.length > 5 ? ` and ${hosts.length - 5} more` : ''}`;
}

/** Identity files of the hosts; one problem per (variable origin, file, reason), naming every host it affects. */
async function keyFileProblems(hostNames: readonly string[], inventory: Inventory): Promise<Problem[]> {
  const checked = new Map<string, Promise<string | undefined>>();
  const found = new Map<string, { where?: string; variable: string; file: string; shown: string; reason: string; hosts: string[] }>();
  for (const name of hostNames) {
    const host = inventory.host(name);
    const files = host?.ssh.identityFiles ?? [];
    const variable = host && settingVar(host.vars, 'identityFiles');
    if (!host || !variable || files.length === 0) continue;
    const raw = host.vars[variable];
    const rawList = Array.isArray(raw) ? raw : [raw];
    for (const [i, file] of files.entries()) {
      let pending = checked.get(file);
      if (!pending) checked.set(file, (pending = privateKeyFileProblem(file)));
      const reason = await pending;
      if (reason === undefined) continue;
      const where = inventory.varOrigin?.(name, variable);
      const given = typeof rawList[i] === 'string' ? (rawList[i] as string) : file;
      const key = [where, variable, file, reason].join('\0');
      const entry = found.get(key) ?? { ...(where !== undefined && { where }), variable, file, shown: given === file ? file : `${given} (${file})`, reason, hosts: [] };
      entry.hosts.push(name);
      found.set(key, entry);
    }
  }
  return [...found.values()].map((f) => ({
    ...(f.where !== undefined && { where: f.where }),
    message: `${hostList(f.hosts)}: ${f.variable} ${f.shown}: ${f.reason}`,
    hint: /no such file|permission/.test(f.reason)
      ? `fix the path (or the file's permissions), or remove ${f.variable} to use ssh-agent and ~/.ssh/id_*`
      : `point ${f.variable} at the private key file (it starts with -----BEGIN OPENSSH PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)`,
  }));
}

/** rig_known_hosts_file of the hosts: one problem per (variable origin, file, reason), naming every host it affects. */
function knownHostsProblems(hostNames: readonly string[], inventory: Inventory, acceptNew: boolean): Problem[] {
  const found = new Map<string, { where?: string; variable: string; file: string; problem: KnownHostsFileProblem; hosts: string[] }>();
  for (const name of hostNames) {
    const host = inventory.host(name);
    const file = host?.ssh.knownHostsFile;
    const variable = host && settingVar(host.vars, 'knownHostsFile');
    if (!host || !file || !variable) continue;
    const problem = knownHostsFileProblem(file, { acceptNew });
    if (!problem) continue;
    const where = inventory.varOrigin?.(name, variable);
    const key = [where, variable, file, problem.reason].join('\0');
    const entry = found.get(key) ?? { ...(where !== undefined && { where }), variable, file, problem, hosts: [] };
    entry.hosts.push(name);
    found.set(key, entry);
  }
  return [...found.values()].map((f) => ({
    ...(f.where !== undefined && { where: f.where }),
    message: `${hostList(f.hosts)}: ${f.variable} ${f.file} ${f.problem.reason}`,
    hint: f.problem.hint,
  }));
}

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

// kernel interfaces: nothing there is a place for a report, and writing into them can change the running system
const KERNEL_FS = ['/proc', '/sys'];
const underKernelFs = (p: string): string | undefined => KERNEL_FS.find((root) => p === root || p.startsWith(`${root}/`));

/** What a non-regular file is, for messages. */
function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A report (--json, --report, rig report -o) is written at the end to a temp file beside FILE, then renamed over it: FILE must be a new
 * or a regular file in a writable directory. A device (/dev/null), FIFO, socket or directory is refused: the rename would
 * replace it with a regular file (as root, `--json /dev/null` would replace the machine's /dev/null); so is a symlink
 * (the rename replaces the link, not its target: `--json /dev/stdout`) and anything under /proc or /sys.
 */
export async function reportFileProblem(file: string, flag: string): Promise<Problem | undefined> {
  if (file === '') return emptyReportPathProblems({ [flag]: file })[0];
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const problem = (why: string, hint = 'pass a path in an existing, writable directory'): Problem => ({ where: flag, message: `cannot write the report to ${file}: ${why}`, hint });
  const regularHint = `pass the path of a new or existing regular file, e.g. ${flag} ${flag === '--json' ? 'report.json' : 'report.html'}`;
  const kernel = underKernelFs(abs);
  if (kernel) return problem(`${abs} is under ${kernel}, a kernel interface, not a place for files`, regularHint);
  try {
    if (!(await stat(dir)).isDirectory()) return problem(`${dir} is not a directory`);
  } catch (e) {
    return problem(errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR' ? `directory ${dir} does not exist` : `cannot look at ${dir}: ${(e as Error).message}`);
  }
  // a symlink (/dev/fd → /proc/self/fd, a link planted in a directory) may lead there too
  const realDir = await realpath(dir).catch(() => dir);
  const realKernel = underKernelFs(realDir);
  if (realKernel) return problem(`${dir} is ${realDir}, under ${realKernel}, a kernel interface, not a place for files`, regularHint);
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    return problem(`directory ${dir} is not writable (the report is written to a temporary file there, then renamed)`);
  }
  let st: Stats;
  try {
    st = await lstat(abs);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    return problem(`cannot look at ${abs}: ${(e as Error).message}`);
  }
  // the rename replaces the link itself, never what it points to: /dev/stdout (→ /proc/self/fd/1) would be replaced by
  // a regular file, a link to a report would go stale
  if (st.isSymbolicLink()) {
    const target = await readlink(abs).catch(() => '?');
    const to = await stat(abs).catch(() => undefined);
    const what = !to ? `a dangling symlink (→ ${target})` : `a symlink (→ ${target})${to.isFile() ? '' : ` to ${fileKind(to)}`}`;
    return problem(
      `${abs} is ${what}: the report would replace the link with a regular file`,
      to?.isFile() && !underKernelFs(target) ? `pass the file it points to (${await realpath(abs).catch(() => target)}), or another path` : regularHint,
    );
  }
  if (!st.isFile()) {
    const kind = fileKind(st);
    return problem(`${abs} is ${kind}, not a regular file${kind === 'a directory' ? '' : ': the report would replace it with a regular file'}`, regularHint);
  }
  try {
    await access(abs, constants.W_OK);
  } catch {
    return problem(`${abs} exists and is not writable`);
  }
  return undefined;
}
