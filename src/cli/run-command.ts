/** `rig run`: load and validate everything, then connect and run; exit codes as ansible-playbook. */
import { ExitCode, secret, ValidationError, type Reporter } from '../core/index.ts';
import { expandLimit, inventoryWithDefaults, parseExtraVars } from '../inventory/index.ts';
import { forgetFacts, runPlaybook, startAtProblem, unknownTagWarnings } from '../runner/index.ts';
import { listLines } from './list-plays.ts';
import { openConnection } from '../connection/index.ts';
import { JsonReporter } from '../reporters/json.ts';
import { MultiReporter } from '../reporters/multi.ts';
import { PlainReporter } from '../reporters/plain.ts';
import { useColor } from '../reporters/colors.ts';
import { loadPlaybook } from './load-playbook.ts';
import { controllerProblems, emptyReportPathProblems, unwrittenReportWarnings } from './controller-checks.ts';
import type { RunFlags } from './flags.ts';
import { askSecret } from './prompt.ts';
import { playPatternWarnings, validatePlaybook } from './validate.ts';
import { printWarnings, reportError } from './errors.ts';
import { prepare, SettingsError, sshPassword } from './connection-setup.ts';
import { stepper, stepProblem } from './step-prompt.ts';

/** ansible-playbook's exit code for a playbook or inventory that does not parse (AnsibleParserError), for --syntax-check. */
const SYNTAX_ERROR = 4;

/** Run a playbook; resolves to the exit code. */
export async function runCommand(playbookFile: string, flags: RunFlags): Promise<number> {
  try {
    const step = flags.step && !flags.syntaxCheck && !flags.listHosts && !flags.listTasks ? stepProblem(Boolean(process.stdin.isTTY)) : undefined;
    if (step) throw step;
    const emptyPath = emptyReportPathProblems({ '--json': flags.json, '--report': flags.report });
    if (emptyPath.length) throw new SettingsError(emptyPath);
    const { settings, inventory: loaded, vaultSecrets } = await prepare(flags);
    let inventory = loaded;
    const [extraVars, limit] = await Promise.all([
      parseExtraVars(flags.extraVars, process.cwd(), { vaultSecrets }),
      flags.limit === undefined ? undefined : expandLimit(flags.limit, process.cwd()),
    ]);
    // Ansible flushes every inventory host's facts, before --limit applies (CLI._flush_cache)
    if (flags.flushCache) await forgetFacts(inventory.hosts);
    const playbook = await loadPlaybook(playbookFile);
    printWarnings(playPatternWarnings(playbook, inventory));
    // list modes and the syntax check need only the playbook; a run needs the controller files too — all problems reported together
    const listing = Boolean(flags.listHosts || flags.listTasks || flags.syntaxCheck);
    printWarnings(unwrittenReportWarnings(flags.syntaxCheck ? '--syntax-check' : flags.listTasks ? '--list-tasks' : flags.listHosts ? '--list-hosts' : undefined, flags));
    const controller = listing ? [] : await controllerProblems(playbook, inventory, { limit, json: flags.json, report: flags.report, acceptNewHostKeys: settings.acceptNewHostKeys });
    const startAt = flags.startAtTask === undefined ? undefined : startAtProblem(playbook, flags.startAtTask);
    if (startAt) controller.unshift(startAt);
    try {
      validatePlaybook(playbook, inventory, limit, extraVars);
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError([...e.problems, ...controller]);
      throw e;
    }
    if (controller.length) throw new ValidationError(controller);
    printWarnings(unknownTagWarnings(playbook.plays, flags.tags, flags.skipTags));
    if (flags.syntaxCheck) {
      process.stdout.write(`\nplaybook: ${playbookFile}\n`);
      return ExitCode.ok;
    }

    if (listing) {
      const lines = listLines(playbook, inventory, { hosts: flags.listHosts, tasks: flags.listTasks, limit, tags: flags.tags, skipTags: flags.skipTags });
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
      return ExitCode.ok;
    }

    const password = await sshPassword(settings.askPass);
    if (password !== undefined) inventory = inventoryWithDefaults(inventory, { password });
    const envPass = process.env.RIG_BECOME_PASSWORD;
    const becomePassword = settings.askBecomePass ? secret(envPass ?? (await askSecret('BECOME password: '))) : envPass ? secret(envPass) : undefined;
    // --step prompts between tasks: listr's redrawing would overwrite the question
    const tty = Boolean(process.stdout.isTTY) && process.env.CI !== 'true' && !flags.step;
    const text = { out: process.stdout, verbosity: flags.verbose, diff: flags.diff ?? false, color: useColor(process.stdout) };
    // listr2 costs ~150 ms to load: only a terminal gets it
    const reporters: Reporter[] = [tty ? new (await import('../reporters/listr.ts')).ListrReporter(text) : new PlainReporter(text)];
    if (flags.json) reporters.push(new JsonReporter({ file: flags.json }));
    if (flags.report) reporters.push(new (await import('../reporters/html-report.ts')).HtmlReporter({ file: flags.report }));
    // an interrupted run is safe to leave: notified handlers are persisted on the hosts and run next time
    process.once('SIGINT', () => {
      process.stdout.write('\u001b[?25h');
      process.stderr.write('\nrig: interrupted; pending handlers stay recorded on the hosts and run on the next run\n');
      process.exit(ExitCode.interrupted);
    });
    const asker = flags.step ? stepper() : undefined;
    try {
      const summary = await runPlaybook(playbook, inventory, {
        check: flags.check,
        // the report page shows every change's diff; the terminal only with -D
        diff: Boolean(flags.diff || flags.report),
        limit,
        forks: settings.forks,
        extraVars,
        tags: flags.tags,
        skipTags: flags.skipTags,
        forceHandlers: flags.forceHandlers,
        ...(flags.segments === false && { segments: false }),
        verbosity: flags.verbose,
        ...(flags.startAtTask !== undefined && { startAtTask: flags.startAtTask }),
        ...(asker && { confirmTask: asker.confirm }),
        reporter: reporters.length === 1 ? (reporters[0] as Reporter) : new MultiReporter(reporters),
        connect: (host) =>
          openConnection({ host, acceptNewHostKeys: settings.acceptNewHostKeys, becomePassword, connectTimeoutMs: connectTimeout(host.vars, settings.timeoutSec) }),
      });
      return summary.exitCode;
    } finally {
      asker?.close();
    }
  } catch (e) {
    const code = reportError(e);
    // ansible-playbook --syntax-check exits 4 on a playbook or inventory it cannot parse (bad options stay 5)
    return flags.syntaxCheck && e instanceof ValidationError && !(e instanceof SettingsError) ? SYNTAX_ERROR : code;
  }
}

/** SSH handshake timeout: ansible_timeout / rig_timeout host vars win over -T (seconds, like Ansible). */
export function connectTimeout(vars: Readonly<Record<string, unknown>>, flagSec: number): number {
  const v = Number(vars.rig_timeout ?? vars.ansible_timeout ?? flagSec);
  return (Number.isFinite(v) && v > 0 ? v : flagSec) * 1000;
}
