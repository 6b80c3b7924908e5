/** `rig run`: load and validate everything, then connect and run; exit codes as ansible-playbook. */
import { ExitCode, secret, ValidationError, type Reporter } from '../core/index.ts';
import { loadInventory, parseExtraVars } from '../inventory/index.ts';
import { playHosts, playItems, runPlaybook, taskName } from '../runner/index.ts';
import { connect } from '../connection/index.ts';
import { JsonReporter } from '../reporters/json.ts';
import { MultiReporter } from '../reporters/multi.ts';
import { PlainReporter } from '../reporters/plain.ts';
import { loadPlaybook } from './load-playbook.ts';
import { controllerProblems } from './controller-checks.ts';
import type { RunFlags } from './flags.ts';
import { askSecret } from './prompt.ts';
import { loadVaultSecrets } from './vault-secrets.ts';
import { validatePlaybook } from './validate.ts';
import { printWarnings, reportError } from './errors.ts';

/** Run a playbook; resolves to the exit code. */
export async function runCommand(playbookFile: string, flags: RunFlags): Promise<number> {
  try {
    const timeout = Number(flags.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new ValidationError({ where: '--timeout', message: `must be a positive number of seconds, got '${flags.timeout}'` });
    const forks = Number(flags.forks);
    if (!Number.isInteger(forks) || forks < 1) throw new ValidationError({ where: '--forks', message: `must be a positive integer, got '${flags.forks}'` });
    const vaultSecrets = await loadVaultSecrets(flags);
    const [inventory, extraVars] = await Promise.all([loadInventory(flags.inventory, { vaultSecrets }), parseExtraVars(flags.extraVars, process.cwd(), { vaultSecrets })]);
    printWarnings(inventory.warnings);
    const playbook = await loadPlaybook(playbookFile);
    // list modes need only the playbook; a run needs the controller files too — all problems reported together
    const listing = Boolean(flags.listHosts || flags.listTasks);
    const controller = listing ? [] : await controllerProblems(playbook, inventory, { limit: flags.limit, json: flags.json });
    try {
      validatePlaybook(playbook, inventory, flags.limit, extraVars);
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError([...e.problems, ...controller]);
      throw e;
    }
    if (controller.length) throw new ValidationError(controller);

    if (listing) {
      for (const play of playbook.plays) {
        const hosts = playHosts(inventory, play.hosts, flags.limit);
        process.stdout.write(`play: ${play.name} (${hosts.length} host${hosts.length === 1 ? '' : 's'})\n`);
        if (flags.listHosts) for (const h of hosts) process.stdout.write(`    ${h}\n`);
        if (flags.listTasks) {
          for (const it of playItems(play)) {
            if ('flush' in it) process.stdout.write('    flushHandlers\n');
            else {
              const tags = it.task.options.tags?.length ? `\tTAGS: [${it.task.options.tags.join(', ')}]` : '';
              const role = it.scope.role ? `${it.scope.role.name} : ` : '';
              process.stdout.write(`    ${role}${taskName(it.task)}\t${it.task.definedAt}${tags}\n`);
            }
          }
        }
      }
      return ExitCode.ok;
    }

    const envPass = process.env.RIG_BECOME_PASSWORD;
    const becomePassword = flags.askBecomePass ? secret(envPass ?? (await askSecret('BECOME password: '))) : envPass ? secret(envPass) : undefined;
    const tty = Boolean(process.stdout.isTTY) && process.env.CI !== 'true';
    const text = { out: process.stdout, verbose: flags.verbose ?? false, diff: flags.diff ?? false, color: tty || Boolean(process.env.FORCE_COLOR) };
    // listr2 costs ~150 ms to load: only a terminal gets it
    const reporters: Reporter[] = [tty ? new (await import('../reporters/listr.ts')).ListrReporter(text) : new PlainReporter(text)];
    if (flags.json) reporters.push(new JsonReporter({ file: flags.json }));
    // an interrupted run is safe to leave: notified handlers are persisted on the hosts and run next time
    process.once('SIGINT', () => {
      process.stdout.write('\u001b[?25h');
      process.stderr.write('\nrig: interrupted; pending handlers stay recorded on the hosts and run on the next run\n');
      process.exit(ExitCode.interrupted);
    });
    const summary = await runPlaybook(playbook, inventory, {
      check: flags.check,
      diff: flags.diff,
      limit: flags.limit,
      forks,
      extraVars,
      tags: flags.tags,
      skipTags: flags.skipTags,
      forceHandlers: flags.forceHandlers,
      verbose: flags.verbose,
      reporter: reporters.length === 1 ? (reporters[0] as Reporter) : new MultiReporter(reporters),
      connect: (host) => connect({ host, acceptNewHostKeys: flags.acceptNewHostKeys, becomePassword, connectTimeoutMs: connectTimeout(host.vars, timeout) }),
    });
    return summary.exitCode;
  } catch (e) {
    return reportError(e);
  }
}

/** SSH handshake timeout: ansible_timeout / rig_timeout host vars win over -T (seconds, like Ansible). */
function connectTimeout(vars: Readonly<Record<string, unknown>>, flagSec: number): number {
  const v = Number(vars.rig_timeout ?? vars.ansible_timeout ?? flagSec);
  return (Number.isFinite(v) && v > 0 ? v : flagSec) * 1000;
}
