/**
 * `rig adhoc PATTERN -m MODULE -a ARGS` and `rig shell PATTERN CMD` (Ansible's `ansible` command): a one-task play
 * built in memory with the DSL and run by the same runner as `rig run`; output as Ansible's ad-hoc, exit codes as `ansible`.
 */
import { ExitCode, secret, ValidationError, type HostRecap, type Problem, type Reporter, type Task, type TaskContext } from '../core/index.ts';
import { hasTemplate } from '../templates/index.ts';
import { definePlay, definePlaybook } from '../dsl/index.ts';
import { openConnection } from '../connection/index.ts';
import { expandLimit, inventoryWithDefaults, parseExtraVars } from '../inventory/index.ts';
import { AdhocReporter } from '../reporters/adhoc.ts';
import { useColor } from '../reporters/colors.ts';
import { JsonReporter } from '../reporters/json.ts';
import { MultiReporter } from '../reporters/multi.ts';
import { playHosts, runPlaybook } from '../runner/index.ts';
import { ArgsSyntaxError, parseAdhocArgs } from './adhoc-args.ts';
import { lazyConnection } from './adhoc-lazy-connection.ts';
import { adhocArgs, resolveAdhocModule, type AdhocModule } from './adhoc-modules.ts';
import { controllerProblems, emptyReportPathProblems, unwrittenReportWarnings } from './controller-checks.ts';
import { printWarnings, reportError } from './errors.ts';
import { askSecret } from './prompt.ts';
import { prepare, sshPassword } from './connection-setup.ts';
import type { ConnectionFlags } from './flags.ts';
import type { VaultFlags } from './vault-options.ts';
import { connectTimeout } from './run-command.ts';
import { patternProblems, validatePlaybook } from './validate.ts';

/** Options of `rig adhoc` (and `rig shell`), as commander parses them. */
export interface AdhocFlags extends ConnectionFlags, VaultFlags {
  /** -i; ansible.cfg's inventory when absent. */
  readonly inventory?: readonly string[];
  /** -m. @default 'command' (as Ansible) */
  readonly moduleName?: string;
  /** -a */
  readonly args?: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly limit?: string;
  readonly forks?: string;
  readonly extraVars: string[];
  /** Number of -v. */
  readonly verbose?: number;
  readonly json?: string;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly askBecomePass?: boolean;
  readonly listHosts?: boolean;
}

/** Ansible's exit code of `ansible`: 4 when a host was unreachable (even if another failed), else 2 when one failed. */
export function adhocExitCode(recap: Readonly<Record<string, HostRecap>>): number {
  const rows = Object.values(recap);
  if (rows.some((r) => r.unreachable > 0)) return ExitCode.hostUnreachable;
  return rows.some((r) => r.failed > 0) ? ExitCode.hostFailed : ExitCode.ok;
}

/** The one task of the ad-hoc play, or the problems of `-m`/`-a`, all at the `-a`/`-m` flags. */
export function adhocTask(flags: Pick<AdhocFlags, 'moduleName' | 'args' | 'becomeUser'>, cwd: string): { task: Task; module: AdhocModule; given: Record<string, unknown> } | { problems: Problem[] } {
  const name = flags.moduleName ?? 'command';
  const resolved = resolveAdhocModule(name);
  if (!('factory' in resolved)) return { problems: [{ where: `-m ${name}`, ...resolved }] };
  const text = flags.args ?? '';
  const where = text ? `-a ${JSON.stringify(text)}` : `-m ${name}`;
  let parsed;
  try {
    parsed = parseAdhocArgs(text, resolved.freeForm ?? false);
  } catch (e) {
    if (e instanceof ArgsSyntaxError) return { problems: [{ where, message: `${name}: ${e.message}` }] };
    throw e;
  }
  const hint = `${resolved.name}'s args: rig adhoc takes Ansible's names (snake_case) or rig's (docs/modules.md, ${resolved.factory.module.name})`;
  const label = `${name}${text ? ` ${text}` : ''}`;
  const options = { name: label.length > 80 ? `${label.slice(0, 77)}...` : label, ...(flags.becomeUser !== undefined ? { becomeUser: flags.becomeUser } : {}) };
  // Jinja in -a (`dest=/etc/{{ inventory_hostname }}`) is rendered per host, as Ansible's templar does, then typed
  if (hasTemplate(parsed.options) || hasTemplate(parsed.raw)) {
    const perHost = (ctx: TaskContext<unknown>): unknown => {
      const rendered = { options: ctx.render(parsed.options) as Record<string, unknown>, ...(parsed.raw !== undefined && { raw: String(ctx.render(parsed.raw)) }) };
      const b = adhocArgs(resolved, rendered, cwd);
      if ('problems' in b) throw new ValidationError(b.problems.map((message) => ({ where: `${where} on ${ctx.host.name}`, message: `${name}: ${message}`, hint })));
      return b.args;
    };
    const task = resolved.factory(perHost, options);
    return { task: { ...task, definedAt: where }, module: resolved, given: { ...parsed.options, ...(parsed.raw !== undefined && { cmd: parsed.raw }) } };
  }
  const built = adhocArgs(resolved, parsed, cwd);
  if ('problems' in built) return { problems: built.problems.map((message) => ({ where, message: `${name}: ${message}`, hint })) };
  const task = resolved.factory(built.args, options);
  // problems of the args are reported at the flag that gave them, not at a line of rig
  return { task: { ...task, definedAt: where }, module: resolved, given: built.given };
}

/** Run one module on the hosts of `pattern`; resolves to the exit code. */
export async function adhocCommand(pattern: string, flags: AdhocFlags): Promise<number> {
  try {
    const problems: Problem[] = [];
    const built = adhocTask(flags, process.cwd());
    // listing hosts needs no module args (as in Ansible)
    if ('problems' in built && !flags.listHosts) problems.push(...built.problems);
    // the same settings as rig run: flags > ANSIBLE_* > ansible.cfg > defaults, host vars winning per host
    const { settings, inventory: loaded, vaultSecrets } = await prepare(flags);
    const [extraVars, limit] = await Promise.all([
      parseExtraVars(flags.extraVars, process.cwd(), { vaultSecrets }),
      flags.limit === undefined ? undefined : expandLimit(flags.limit, process.cwd()),
    ]);
    const password = await sshPassword(settings.askPass);
    const inventory = password === undefined ? loaded : inventoryWithDefaults(loaded, { password });
    // the pattern is the command's own argument: a term matching nothing is an error, as for --limit
    problems.push(...patternProblems(inventory, pattern, 'PATTERN'));
    if (flags.listHosts) {
      printWarnings(unwrittenReportWarnings('--list-hosts', { json: flags.json }));
      const bad = [...problems, ...emptyReportPathProblems({ '--json': flags.json }), ...(limit === undefined ? [] : patternProblems(inventory, limit, `--limit ${JSON.stringify(limit)}`))];
      if (bad.length) throw new ValidationError(bad);
      const hosts = playHosts(inventory, pattern, limit);
      process.stdout.write(`  hosts (${hosts.length}):\n${hosts.map((h) => `    ${h}\n`).join('')}`);
      return ExitCode.ok;
    }
    if ('problems' in built) throw new ValidationError(problems);

    const play = definePlay({
      name: 'Ansible Ad-Hoc',
      hosts: pattern,
      gatherFacts: built.module.gatherFacts ?? false,
      ...(flags.become ? { become: true } : {}),
      tasks: [built.task],
    });
    // a bad pattern is reported at the argument that gave it, not at a line of rig
    const playbook = { ...definePlaybook({ ...play, definedAt: 'PATTERN' }), definedAt: 'rig adhoc' };
    const controller = await controllerProblems(playbook, inventory, { limit, json: flags.json, acceptNewHostKeys: settings.acceptNewHostKeys });
    try {
      validatePlaybook(playbook, inventory, limit, extraVars);
    } catch (e) {
      // validate says `hosts "x": …` of a play; here the pattern is the command's argument
      const prefix = `hosts ${JSON.stringify(pattern)}: `;
      const own = (p: Problem): Problem => (p.where === 'PATTERN' && p.message.startsWith(prefix) ? { ...p, message: p.message.slice(prefix.length) } : p);
      if (e instanceof ValidationError) throw new ValidationError([...problems, ...e.problems.map(own), ...controller]);
      throw e;
    }
    if (problems.length || controller.length) throw new ValidationError([...problems, ...controller]);

    const envPass = process.env.RIG_BECOME_PASSWORD;
    const becomePassword = settings.askBecomePass ? secret(envPass ?? (await askSecret('BECOME password: '))) : envPass ? secret(envPass) : undefined;
    const verbosity = flags.verbose ?? 0;
    const shape = built.module.shape;
    const reporters: Reporter[] = [
      new AdhocReporter({
        out: process.stdout,
        color: useColor(process.stdout),
        diff: flags.diff ?? false,
        verbosity,
        commandOutput: built.module.commandOutput ?? false,
        ...(shape ? { shape: (r) => shape(r, built.given) } : {}),
      }),
    ];
    if (flags.json) reporters.push(new JsonReporter({ file: flags.json }));
    process.once('SIGINT', () => {
      process.stderr.write('\nrig: interrupted\n');
      process.exit(ExitCode.interrupted);
    });
    const summary = await runPlaybook(playbook, inventory, {
      check: flags.check,
      diff: flags.diff,
      limit,
      forks: settings.forks,
      extraVars,
      verbosity,
      reporter: reporters.length === 1 ? (reporters[0] as Reporter) : new MultiReporter(reporters),
      connect: async (host) => {
        const open = () => openConnection({ host, acceptNewHostKeys: settings.acceptNewHostKeys, becomePassword, connectTimeoutMs: connectTimeout(host.vars, settings.timeoutSec) });
        return built.module.controllerOnly ? lazyConnection(host.name, open) : open();
      },
    });
    return adhocExitCode(summary.recap);
  } catch (e) {
    return reportError(e);
  }
}
